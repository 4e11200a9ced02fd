"""Marshmallow schemas of the core API; the OpenAPI document is generated from them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..models import COLLABORATION_INTEREST, CONTRACT_STATUSES, RECORD_TYPES

CPV_RE = re.compile(r"^\d{8}$")


class Money(fields.Decimal):
    """GBP with pennies: loaded as Decimal, written to JSON as a number."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, allow_nan=False, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return float(Decimal(value).quantize(Decimal("0.01")))


class CouncilSchema(ma.Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(required=True)
    name = fields.Str(required=True)
    region = fields.Str(allow_none=True)


class CategorySchema(ma.Schema):
    key = fields.Str()
    workstream = fields.Str()
    label = fields.Str()
    cpv_codes = fields.List(fields.Str())
    ewc_codes = fields.List(fields.Str())
    keywords = fields.List(fields.Str())
    compatible = fields.List(fields.Str())
    lead_time_months = fields.Int()
    tolerance_months = fields.Int(allow_none=True)
    min_councils = fields.Int(allow_none=True)


class CategorySettingsSchema(ma.Schema):
    """Alignment settings a coordinator may change for one category."""

    lead_time_months = fields.Int(validate=validate.Range(min=0, max=120))
    tolerance_months = fields.Int(validate=validate.Range(min=0, max=60))
    min_councils = fields.Int(validate=validate.Range(min=2, max=400))


class ContractSchema(ma.Schema):
    """A contract with the canonical field names of DESIGN §3."""

    id = fields.Int(dump_only=True)
    council_code = fields.Str(metadata={"description": "Owning council; defaults to your own"})
    reference = fields.Str(allow_none=True, validate=validate.Length(max=200))
    title = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    description = fields.Str(allow_none=True)
    workstream = fields.Str(dump_only=True, metadata={"description": "Follows the category"})
    category = fields.Str(load_default="unclassified")
    classified_by = fields.Str(dump_only=True, allow_none=True)
    cpv_codes = fields.List(
        fields.Str(validate=validate.Regexp(CPV_RE, error="A CPV code is 8 digits.")),
        load_default=list,
    )
    supplier_name = fields.Str(allow_none=True)
    supplier_company_number = fields.Str(allow_none=True, validate=validate.Length(max=20))
    supplier_address = fields.Str(allow_none=True)
    supplier_is_sme = fields.Bool(allow_none=True)
    award_date = fields.Date(allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    extension_terms = fields.Str(allow_none=True)
    extension_periods_months = fields.List(
        fields.Int(validate=validate.Range(min=1, max=240)), load_default=list
    )
    max_end_date = fields.Date(allow_none=True)
    value_total = Money(allow_none=True)
    value_annual = Money(allow_none=True)
    value_is_estimate = fields.Bool(load_default=False)
    procurement_route = fields.Str(allow_none=True, validate=validate.Length(max=200))
    status = fields.Str(load_default="active", validate=validate.OneOf(CONTRACT_STATUSES))
    collaboration_interest = fields.Str(
        load_default="unknown", validate=validate.OneOf(COLLABORATION_INTEREST)
    )
    record_type = fields.Str(load_default="contract", validate=validate.OneOf(RECORD_TYPES))
    notes = fields.Str(allow_none=True)
    extra = fields.Dict(keys=fields.Str(), load_default=dict)
    upload_id = fields.Int(dump_only=True, allow_none=True)
    source_file = fields.Str(dump_only=True, allow_none=True)
    source_sheet = fields.Str(dump_only=True, allow_none=True)
    source_row = fields.Int(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @ma.validates_schema
    def check_dates(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise ma.ValidationError("The end date is before the start date.", "end_date")


class ContractUpdateSchema(ContractSchema):
    """PATCH/PUT body: any subset of the fields; nothing defaults."""

    category = fields.Str()
    cpv_codes = fields.List(
        fields.Str(validate=validate.Regexp(CPV_RE, error="A CPV code is 8 digits."))
    )
    extension_periods_months = fields.List(fields.Int(validate=validate.Range(min=1, max=240)))
    value_is_estimate = fields.Bool()
    status = fields.Str(validate=validate.OneOf(CONTRACT_STATUSES))
    collaboration_interest = fields.Str(validate=validate.OneOf(COLLABORATION_INTEREST))
    record_type = fields.Str(validate=validate.OneOf(RECORD_TYPES))
    extra = fields.Dict(keys=fields.Str())


class ContractQuerySchema(ma.Schema):
    council = fields.Str(metadata={"description": "Council code"})
    workstream = fields.Str()
    category = fields.Str()
    ends_after = fields.Date(metadata={"description": "end_date on or after this date"})
    ends_before = fields.Date(metadata={"description": "end_date on or before this date"})
    q = fields.Str(validate=validate.Length(max=200), metadata={"description": "Text search"})
    cursor = fields.Str()
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`{"items": [...], "next": cursor-or-null}`, the shape of every list (DESIGN §4)."""
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next": fields.Str(
                allow_none=True, metadata={"description": "Pass as ?cursor= for the next page"}
            ),
        },
        name=name,
    )
