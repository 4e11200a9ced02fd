"""Creating, changing and deleting single contracts, with derived fields and history.

The API and the web forms call these; register uploads use the bulk path in `ingest`
but the same derivation rules (`derive_fields`).
"""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import UnprocessableEntity

from . import audit
from .extensions import db
from .ingest.values import max_end_date as extended_end
from .models import UNCLASSIFIED, Contract, Council
from .plugins import all_categories

HISTORY_FIELDS = (
    "reference",
    "title",
    "description",
    "workstream",
    "category",
    "cpv_codes",
    "supplier_name",
    "supplier_company_number",
    "supplier_address",
    "supplier_is_sme",
    "award_date",
    "start_date",
    "end_date",
    "extension_terms",
    "extension_periods_months",
    "max_end_date",
    "value_total",
    "value_annual",
    "value_is_estimate",
    "procurement_route",
    "status",
    "collaboration_interest",
    "record_type",
    "notes",
    "extra",
)


def derive_fields(values: dict[str, Any], *, categories: set[str] | None = None) -> list[str]:
    """Fill workstream and max_end_date from the other fields; returns warnings.

    `workstream` always follows `category` (the plugin that owns it), so the two never
    disagree. `max_end_date` is given or `end_date` + extensions; given earlier than
    `end_date` it is corrected to `end_date` (DESIGN §3).
    """
    warnings: list[str] = []
    category = values.get("category") or UNCLASSIFIED
    if category != UNCLASSIFIED and categories is not None and category not in categories:
        raise UnprocessableEntity(f"Unknown category {category!r}.")
    values["category"] = category
    values["workstream"] = category.split(".", 1)[0] if category != UNCLASSIFIED else UNCLASSIFIED
    end = values.get("end_date")
    periods = values.get("extension_periods_months") or []
    given_max = values.get("max_end_date")
    if given_max is None and end is not None:
        values["max_end_date"] = extended_end(end, periods)
    elif given_max is not None and end is not None and given_max < end:
        warnings.append(
            f"max_end_date {given_max.isoformat()} is before end_date {end.isoformat()}; "
            "using end_date"
        )
        values["max_end_date"] = end
    return warnings


def snapshot(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in HISTORY_FIELDS}


def create_contract(council: Council, data: dict[str, Any], *, user: Any) -> Contract:
    values = dict(data)
    derive_fields(values, categories=set(all_categories()))
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
    if "max_end_date" not in data and ("end_date" in data or "extension_periods_months" in data):
        values["max_end_date"] = None  # recompute from the new end date and extensions
    derive_fields(values, categories=set(all_categories()))
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
