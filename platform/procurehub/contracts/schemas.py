"""Marshmallow schemas of the core API; the OpenAPI document is generated from them."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from procurehub.api.schemas import Id, Money
from procurehub.contracts.fields import UNCLASSIFIED, contract_field

CPV_RE = re.compile(r"^\d{8}$")


def _about(name: str) -> dict[str, str]:
    """The field's meaning from the registry, for the OpenAPI document."""
    return {"description": contract_field(name).help}


def _text(name: str, *, min_length: int | None = None, **kwargs: Any) -> fields.Str:
    """A text field with the registry's length limit (the database and importer use the same)."""
    limit = contract_field(name).max_length
    checks = [validate.Length(min=min_length, max=limit)] if limit or min_length else []
    return fields.Str(validate=checks, metadata=_about(name), **kwargs)


def _choice(name: str, *, defaulted: bool = True) -> fields.Str:
    """One of the registry's choices; on create, the registry's default when none is sent."""
    entry = contract_field(name)
    extra = {"load_default": entry.default} if defaulted else {}
    return fields.Str(validate=validate.OneOf(entry.choice_values), metadata=_about(name), **extra)


def _cpv_codes(**kwargs: Any) -> fields.List:
    return fields.List(
        fields.Str(validate=validate.Regexp(CPV_RE, error="A CPV code is 8 digits.")),
        metadata=_about("cpv_codes"),
        **kwargs,
    )


def _periods(**kwargs: Any) -> fields.List:
    return fields.List(
        fields.Int(validate=validate.Range(min=1, max=240)),
        metadata=_about("extension_periods_months"),
        **kwargs,
    )


class ContractSchema(ma.Schema):
    """A contract with the canonical field names of DESIGN §3.

    Which fields there are, their limits, choices and defaults come from the field registry
    (`contracts.fields`); a test checks that this schema has exactly the registry's public fields.
    """

    id = Id(dump_only=True, metadata=_about("id"))
    council_code = fields.Str(metadata=_about("council_code"))
    reference = _text("reference", allow_none=True)
    title = _text("title", min_length=1, required=True)
    description = _text("description", allow_none=True)
    workstream = fields.Str(dump_only=True, metadata=_about("workstream"))
    category = fields.Str(load_default=UNCLASSIFIED, metadata=_about("category"))
    classified_by = fields.Str(dump_only=True, allow_none=True, metadata=_about("classified_by"))
    cpv_codes = _cpv_codes(load_default=list)
    supplier_name = _text("supplier_name", allow_none=True)
    supplier_company_number = _text("supplier_company_number", allow_none=True)
    supplier_address = _text("supplier_address", allow_none=True)
    supplier_is_sme = fields.Bool(allow_none=True, metadata=_about("supplier_is_sme"))
    award_date = fields.Date(allow_none=True, metadata=_about("award_date"))
    start_date = fields.Date(allow_none=True, metadata=_about("start_date"))
    end_date = fields.Date(allow_none=True, metadata=_about("end_date"))
    extension_terms = _text("extension_terms", allow_none=True)
    extension_periods_months = _periods(load_default=list)
    max_end_date = fields.Date(allow_none=True, metadata=_about("max_end_date"))
    value_total = Money(allow_none=True, metadata=_about("value_total"))
    value_annual = Money(allow_none=True, metadata=_about("value_annual"))
    value_is_estimate = fields.Bool(
        load_default=contract_field("value_is_estimate").default,
        metadata=_about("value_is_estimate"),
    )
    procurement_route = _text("procurement_route", allow_none=True)
    status = _choice("status")
    collaboration_interest = _choice("collaboration_interest")
    record_type = _choice("record_type")
    notes = _text("notes", allow_none=True)
    extra = fields.Dict(keys=fields.Str(), load_default=dict, metadata=_about("extra"))
    upload_id = Id(dump_only=True, allow_none=True, metadata=_about("upload_id"))
    source_file = _text("source_file", dump_only=True, allow_none=True)
    source_sheet = _text("source_sheet", dump_only=True, allow_none=True)
    source_row = fields.Int(dump_only=True, allow_none=True, metadata=_about("source_row"))
    created_at = fields.DateTime(dump_only=True, metadata=_about("created_at"))
    updated_at = fields.DateTime(dump_only=True, metadata=_about("updated_at"))

    @ma.validates_schema
    def check_dates(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise ma.ValidationError("The end date is before the start date.", "end_date")


class ContractUpdateSchema(ContractSchema):
    """PATCH/PUT body: any subset of the fields; nothing defaults."""

    category = fields.Str(metadata=_about("category"))
    cpv_codes = _cpv_codes()
    extension_periods_months = _periods()
    value_is_estimate = fields.Bool(metadata=_about("value_is_estimate"))
    status = _choice("status", defaulted=False)
    collaboration_interest = _choice("collaboration_interest", defaulted=False)
    record_type = _choice("record_type", defaulted=False)
    extra = fields.Dict(keys=fields.Str(), metadata=_about("extra"))


class ContractQuerySchema(ma.Schema):
    council = fields.Str(metadata={"description": "Council code"})
    workstream = fields.Str()
    category = fields.Str()
    ends_after = fields.Date(metadata={"description": "end_date on or after this date"})
    ends_before = fields.Date(metadata={"description": "end_date on or before this date"})
    q = fields.Str(validate=validate.Length(max=200), metadata={"description": "Text search"})
    cursor = fields.Str()
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))


