"""Marshmallow schemas of the core API; the OpenAPI document is generated from them."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from procurehub.api.schemas import Id, Money
from procurehub.contracts.models import COLLABORATION_INTEREST, CONTRACT_STATUSES, RECORD_TYPES

CPV_RE = re.compile(r"^\d{8}$")










class ContractSchema(ma.Schema):
    """A contract with the canonical field names of DESIGN §3."""

    id = Id(dump_only=True)
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
    upload_id = Id(dump_only=True, allow_none=True)
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


