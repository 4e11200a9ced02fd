"""Creating, changing and deleting single contracts, with derived fields and history.

The API and the web forms call these; register uploads use the bulk path in `ingest`
but the same derivation rules (`derive_fields`).
"""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import UnprocessableEntity

from . import audit
from .contract_fields import EDITABLE_FIELDS
from .contract_rules import ContractRuleError, derive_fields
from .extensions import db
from .models import Contract, Council
from .plugins import all_categories

# Everything a user or an upload can say about a contract: what its history records.
HISTORY_FIELDS = EDITABLE_FIELDS


def snapshot(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in HISTORY_FIELDS}


def _derive(values: dict[str, Any]) -> None:
    try:
        derive_fields(values, categories=set(all_categories()))
    except ContractRuleError as exc:
        raise UnprocessableEntity(str(exc)) from exc


def create_contract(council: Council, data: dict[str, Any], *, user: Any) -> Contract:
    values = dict(data)
    _derive(values)
    values.setdefault("classified_by", None if values["category"] == "unclassified" else "manual")
    contract = Contract(council=council, **values)
    db.session.add(contract)
    db.session.flush()
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
    audit.record(
        "delete",
        "contract",
        contract.id,
        user=user,
        council_code=contract.council.code,
        changes=audit.diff(snapshot(contract), {k: None for k in HISTORY_FIELDS}),
    )
    db.session.delete(contract)
