"""Creating, changing and deleting single contracts, with derived fields and history.

The API and the web forms call these; register uploads use the bulk path in `ingest`
but the same derivation rules (`derive_fields`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from procurehub.accounts.models import Council
from procurehub.alignment.freshness import renewals_changed
from procurehub.audit import service as audit
from procurehub.contracts.fields import EDITABLE_FIELDS
from procurehub.contracts.models import Contract
from procurehub.contracts.rules import derive_fields
from procurehub.extensions import db
from procurehub.workstreams.registry import all_categories

# Everything a user or an upload can say about a contract: what its history records.
HISTORY_FIELDS = EDITABLE_FIELDS


def snapshot(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in HISTORY_FIELDS}


def _derive(values: dict[str, Any]) -> None:
    derive_fields(values, categories=set(all_categories()))  # ContractRuleError: the caller's to show


def create_contract(council: Council, data: dict[str, Any], *, user: Any) -> Contract:
    values = dict(data)
    _derive(values)
    values.setdefault("classified_by", None if values["category"] == "unclassified" else "manual")
    contract = Contract(council=council, **values)
    db.session.add(contract)
    db.session.flush()
    renewals_changed([contract.category])
    audit.record(
        "create",
        "contract",
        contract.id,
        user=user,
        council_code=council.code,
        changes=audit.diff({}, snapshot(contract)),
    )
    return contract


def update_contract(contract: Contract, data: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """Apply a partial update; returns the {field: [before, after]} that changed."""
    before = snapshot(contract)
    values = {**before, **data}
    if "category" in data:
        values["classified_by"] = None if data["category"] == "unclassified" else "manual"
    if "max_end_date" not in data and ("end_date" in data or "extension_periods_months" in data):
        values["max_end_date"] = None  # recompute from the new end date and extensions
    _derive(values)
    for name, value in values.items():
        setattr(contract, name, value)
    changes = audit.diff(before, snapshot(contract))
    if changes:
        renewals_changed([before["category"], contract.category])
        audit.record(
            "update",
            "contract",
            contract.id,
            user=user,
            council_code=contract.council.code,
            changes=changes,
        )
    return changes


def delete_contract(contract: Contract, *, user: Any) -> None:
    renewals_changed([contract.category])
    audit.record(
        "delete",
        "contract",
        contract.id,
        user=user,
        council_code=contract.council.code,
        changes=audit.diff(snapshot(contract), {k: None for k in HISTORY_FIELDS}),
    )
    db.session.delete(contract)


def filtered_contracts(args: dict[str, Any]) -> Any:
    """The contracts query behind the API list, the web list and exports."""
    # PostgreSQL refuses NUL characters in text parameters; no real filter contains one.
    args = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in args.items()}
    stmt = select(Contract)
    if args.get("council"):
        stmt = stmt.join(Contract.council).where(Council.code == args["council"])
    if args.get("workstream"):
        stmt = stmt.where(Contract.workstream == args["workstream"])
    if args.get("category"):
        stmt = stmt.where(Contract.category == args["category"])
    if args.get("ends_after"):
        stmt = stmt.where(Contract.end_date >= args["ends_after"])
    if args.get("ends_before"):
        stmt = stmt.where(Contract.end_date <= args["ends_before"])
    if args.get("q"):
        like = f"%{args['q'].strip()}%"
        stmt = stmt.where(
            or_(
                Contract.title.ilike(like),
                Contract.reference.ilike(like),
                Contract.supplier_name.ilike(like),
                Contract.description.ilike(like),
            )
        )
    return stmt
