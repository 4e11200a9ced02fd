"""Marshmallow schemas of the Digital API (`/api/v1/digital/...`); OpenAPI comes from them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from procurehub import toolkit as tk

from .green_book import EDITIONS, PROJECT_TYPES
from .models import HOSTING_MODELS, SYSTEM_CATEGORIES

_MONEY_LIMIT = validate.Range(min=0, max=10**13, error="Give an amount from 0 to £10 trillion.")
_COUNT = validate.Range(min=0, max=100_000_000)


class SystemSchema(ma.Schema):
    """A council's current system in a system category: costs, scale and contract dates."""

    id = tk.Id(dump_only=True)
    council_code = fields.Str(
        validate=validate.Length(max=20),
        metadata={"description": "The council that runs it; defaults to your own"},
    )
    council_name = fields.Method("_council_name", dump_only=True)
    category = fields.Str(required=True, validate=validate.OneOf(SYSTEM_CATEGORIES))
    product = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    vendor = fields.Str(allow_none=True, validate=validate.Length(max=200))
    hosting_model = fields.Str(allow_none=True, validate=validate.OneOf(HOSTING_MODELS))
    licence_cost = tk.Money(
        allow_none=True, validate=_MONEY_LIMIT, metadata={"description": "£ a year"}
    )
    hosting_cost = tk.Money(
        allow_none=True, validate=_MONEY_LIMIT, metadata={"description": "£ a year"}
    )
    support_cost = tk.Money(
        allow_none=True, validate=_MONEY_LIMIT, metadata={"description": "£ a year"}
    )
    other_cost = tk.Money(
        allow_none=True, validate=_MONEY_LIMIT, metadata={"description": "£ a year"}
    )
    annual_cost = tk.Money(dump_only=True, metadata={"description": "Sum of the annual lines"})
    one_off_cost = tk.Money(
        allow_none=True, validate=_MONEY_LIMIT, metadata={"description": "£, paid once"}
    )
    fleet_size = fields.Int(allow_none=True, validate=_COUNT)
    housing_stock = fields.Int(allow_none=True, validate=_COUNT)
    users = fields.Int(allow_none=True, validate=_COUNT)
    contract_reference = fields.Str(allow_none=True, validate=validate.Length(max=200))
    contract_start = fields.Date(allow_none=True)
    contract_end = fields.Date(allow_none=True)
    extension_terms = fields.Str(allow_none=True, validate=validate.Length(max=500))
    extension_periods_months = fields.List(
        fields.Int(validate=validate.Range(min=1, max=240)),
        validate=validate.Length(max=20),
        metadata={"description": "Read from extension_terms when not given"},
    )
    max_end_date = fields.Date(
        allow_none=True,
        metadata={"description": "Latest end with every extension; worked out when not given"},
    )
    notes = fields.Str(allow_none=True, validate=validate.Length(max=5000))
    updated_at = fields.DateTime(dump_only=True)

    def _council_name(self, obj: Any) -> str:
        return tk.council_names().get(obj.council_code, obj.council_code)


class SystemUpdateSchema(SystemSchema):
    category = fields.Str(validate=validate.OneOf(SYSTEM_CATEGORIES))
    product = fields.Str(validate=validate.Length(min=1, max=200))


class SystemQuerySchema(ma.Schema):
    category = fields.Str(validate=validate.OneOf(SYSTEM_CATEGORIES))
    council = fields.Str(validate=validate.Length(max=20), metadata={"description": "Council code"})
    cursor = fields.Str(validate=validate.Length(max=200))
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


SystemPage = tk.page_schema(SystemSchema, "DigitalSystemPage")


_AMOUNT = fields.Float(
    allow_nan=False,
    validate=validate.Range(
        min=-(10**13), max=10**13, error="Give an amount within ±£10 trillion."
    ),
)
_RULE = validate.Range(min=0, max=10**13)


class OptionSchema(ma.Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    description = fields.Str(validate=validate.Length(max=2000))
    generated = fields.Str(
        dump_only=True,
        allow_none=True,
        metadata={"description": "bau, do_minimum or national when generated; null if entered"},
    )
    capital = fields.List(_AMOUNT, validate=validate.Length(max=61))
    operating = fields.List(_AMOUNT, validate=validate.Length(max=61))
    benefits = fields.List(_AMOUNT, validate=validate.Length(max=61))


class RulesSchema(ma.Schema):
    """Scaling rules that generate the standard options from the inventory (real £)."""

    implementation_per_council = fields.Float(validate=_RULE)
    implementation_per_unit = fields.Float(validate=_RULE)
    migration_per_council = fields.Float(validate=_RULE)
    central_setup = fields.Float(validate=_RULE)
    central_annual = fields.Float(validate=_RULE)
    national_cost_per_unit = fields.Float(validate=_RULE)
    benefit_per_unit = fields.Float(validate=_RULE)
    do_minimum_reprocurement_per_council = fields.Float(validate=_RULE)
    do_minimum_saving_share = fields.Float(validate=validate.Range(min=0, max=1))
    parallel_running = fields.Bool()
    join_at = fields.Str(validate=validate.OneOf(("end_date", "max_end_date")))


class OutlineSchema(ma.Schema):
    strategic = fields.Str(validate=validate.Length(max=20000))
    commercial = fields.Str(validate=validate.Length(max=20000))
    financial = fields.Str(validate=validate.Length(max=20000))
    management = fields.Str(validate=validate.Length(max=20000))


class BusinessCaseSchema(ma.Schema):
    """The business case of one system category (one case per category)."""

    id = tk.Id(dump_only=True)
    category = fields.Str(required=True, validate=validate.OneOf(SYSTEM_CATEGORIES))
    title = fields.Str(validate=validate.Length(min=1, max=300))
    base_year = fields.Int(
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "Calendar year in which appraisal year 0 (April) starts"},
    )
    appraisal_years = fields.Int(validate=validate.Range(min=1, max=60))
    edition = fields.Str(
        validate=validate.OneOf(tuple(EDITIONS)),
        metadata={"description": "Green Book parameter edition used"},
    )
    discount_schedule = fields.List(
        fields.Tuple(
            (
                fields.Int(validate=validate.Range(min=0, max=1000)),
                fields.Float(validate=validate.Range(min=0, max=1)),
            )
        ),
        allow_none=True,
        metadata={"description": "[[first_year, rate], ...]; null for the edition's"},
    )
    capital_project_type = fields.Str(validate=validate.OneOf(PROJECT_TYPES))
    operating_project_type = fields.Str(allow_none=True, validate=validate.OneOf(PROJECT_TYPES))
    mitigation_share = fields.Float(validate=validate.Range(min=0, max=1))
    rules = fields.Nested(RulesSchema)
    options = fields.List(
        fields.Nested(OptionSchema),
        validate=validate.Length(max=20),
        metadata={"description": "Entered options (replace the entered ones on update)"},
    )
    outline = fields.Nested(OutlineSchema)
    joining = fields.Dict(dump_only=True)
    generated_at = fields.DateTime(dump_only=True, allow_none=True)
    updated_at = fields.DateTime(dump_only=True)
    generate = fields.Bool(
        load_only=True,
        metadata={
            "description": "Work out business as usual, do minimum and the national option "
            "from the inventory again (default: on create, unless options are given)"
        },
    )


class BusinessCaseUpdateSchema(BusinessCaseSchema):
    category = fields.Str(dump_only=True)


class OptionResultSchema(ma.Schema):
    name = fields.Str()
    pv_costs = fields.Float()
    pv_benefits = fields.Float()
    npsv = fields.Float()
    bcr = fields.Float(allow_none=True)
    discounted_payback_year = fields.Int(allow_none=True)
    vfm_category = fields.Str(allow_none=True)


class OptionComparisonSchema(ma.Schema):
    name = fields.Str()
    pv_costs = fields.Float()
    pv_savings = fields.Float()
    pv_extra_benefits = fields.Float()
    incremental_npsv = fields.Float()
    incremental_bcr = fields.Float(allow_none=True)
    discounted_payback_year = fields.Int(allow_none=True)
    vfm_category = fields.Str(allow_none=True)


class AppraisalSchema(ma.Schema):
    """The economic case: every option, each against business as usual, and the checks."""

    business_case_id = tk.Id(dump_only=True)
    category = fields.Str()
    edition = fields.Str()
    discount_schedule = fields.List(fields.List(fields.Float()))
    optimism_bias = fields.Dict(keys=fields.Str(), values=fields.Float())
    appraisal_years = fields.Int()
    base_year = fields.Int()
    options = fields.List(fields.Nested(OptionResultSchema))
    against_bau = fields.List(fields.Nested(OptionComparisonSchema))
    preferred_option = fields.Str()
    value_for_money = fields.Str(allow_none=True)
    switching_values = fields.List(fields.Dict())
    sensitivity = fields.List(fields.Dict())
    sensitivity_against_bau = fields.List(fields.Dict())
    joining_schedule = fields.List(fields.Dict())
    council_savings = fields.List(fields.Dict())
    cumulative_against_bau = fields.Dict(keys=fields.Str(), values=fields.List(fields.Float()))


class InventoryReportSchema(tk.RecordImportReportSchema):
    """The report of a system inventory import (`procurehub digital import-systems --json`),
    with `id` repeating `upload_id`."""

    id = fields.Function(lambda r: r.get("upload_id"), metadata={"description": "= upload_id"})


SYSTEM_UPLOAD_BODY = tk.record_upload_body("The system inventory")
