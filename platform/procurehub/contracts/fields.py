"""The canonical contract fields (DESIGN §3), in the order exports and reports use them."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

CANONICAL_FIELDS: tuple[str, ...] = (
    "council_code",
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
    "notes",
    "extra",
)

# Columns exports add after the canonical ones (DESIGN §4: "more columns such as id may follow").
EXPORT_EXTRA_FIELDS: tuple[str, ...] = (
    "id",
    "record_type",
    "classified_by",
    "upload_id",
    "source_file",
    "source_sheet",
    "source_row",
    "created_at",
    "updated_at",
)

# Fields a user may write through the API or an upload (everything else is derived).
EDITABLE_FIELDS: tuple[str, ...] = tuple(f for f in CANONICAL_FIELDS if f != "council_code") + (
    "record_type",
)


def contract_row(
    contract: Any, fields: tuple[str, ...] = CANONICAL_FIELDS + EXPORT_EXTRA_FIELDS
) -> dict[str, Any]:
    """A contract as plain values keyed by field name (for exports)."""
    return {name: getattr(contract, name) for name in fields}


def flat_value(value: Any) -> Any:
    """One cell for CSV/XLSX: ISO dates, `;`-joined lists, JSON objects; numbers untouched."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, Decimal):
        return value
    return value
