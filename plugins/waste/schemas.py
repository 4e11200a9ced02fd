"""API schemas of the bulky waste routes (they also make the OpenAPI document).

Profile fields are accepted as they come (`Raw`) and checked by `validate_profile`, so the API
reports every problem at once in the same words as the form and the template; the schema
still documents each field's meaning and unit.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from procurehub import toolkit as tk

from .bulky_profile import DELIVERY_MODELS, PROFILE_FIELDS
from .joint_service import PRICING_BASES

_TYPES = {
    "text": "string",
    "financial_year": "string",
    "choice": "string",
    "count": "integer",
    "tonnes": "number",
    "money": "number",
    "days": "number",
    "references": "array",
}


def _description(field: object) -> str:
    unit = f" Unit: {field.unit}." if field.unit else ""  # type: ignore[attr-defined]
    required = " Required." if field.required else ""  # type: ignore[attr-defined]
    choices = f" One of {', '.join(DELIVERY_MODELS)}." if field.kind == "choice" else ""  # type: ignore[attr-defined]
    return f"{field.label}: {field.help}{unit}{required}{choices}"  # type: ignore[attr-defined]


def _in_field(field: object) -> fields.Field:
    kind = field.kind  # type: ignore[attr-defined]
    metadata = {"description": _description(field), "type": _TYPES[kind]}
    if kind == "references":
        metadata["items"] = {"type": "string"}
    return fields.Raw(allow_none=True, metadata=metadata)


class _ProfileInBase(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE


#: A bulky waste profile as sent: every field optional except council, year and delivery model
#: (`council_code` defaults to your own council on create).
ProfileInSchema = _ProfileInBase.from_dict(
    {f.name: _in_field(f) for f in PROFILE_FIELDS}, name="BulkyProfileIn"
)


class IssueSchema(ma.Schema):
    field = fields.Str()
    message = fields.Str()


class ContractLinkSchema(ma.Schema):
    reference = fields.Str()
    contract_id = tk.Id(allow_none=True)
    title = fields.Str(allow_none=True)
    url = fields.Str(allow_none=True)


def _out_field(field: object) -> fields.Field:
    kind = field.kind  # type: ignore[attr-defined]
    description = _description(field)
    if kind in {"count"}:
        return fields.Int(allow_none=True, metadata={"description": description})
    if kind in {"tonnes", "money", "days"}:
        return fields.Float(allow_none=True, metadata={"description": description})
    if kind == "references":
        return fields.List(fields.Str(), metadata={"description": description})
    return fields.Str(allow_none=True, metadata={"description": description})


class _ProfileOutBase(ma.Schema):
    id = tk.Id()
    council_name = fields.Str()
    contracts = fields.List(
        fields.Nested(ContractLinkSchema),
        metadata={"description": "The contract references, with the hub's contract if known."},
    )
    warnings = fields.List(
        fields.Nested(IssueSchema), metadata={"description": "Shown, but they did not stop it."}
    )
    created_at = fields.Str(allow_none=True)
    updated_at = fields.Str(allow_none=True)


ProfileSchema = _ProfileOutBase.from_dict(
    {f.name: _out_field(f) for f in PROFILE_FIELDS}, name="BulkyProfile"
)


class ProfilePageSchema(ma.Schema):
    items = fields.List(fields.Nested(ProfileSchema))
    next = fields.Str(allow_none=True)


class ProfileQuerySchema(ma.Schema):
    council = fields.Str(validate=validate.Length(max=20), metadata={"description": "Council code"})
    year = fields.Str(validate=validate.Length(max=7), metadata={"description": "e.g. 2024-25"})
    cursor = fields.Str(validate=validate.Length(max=200))
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


class PageQuerySchema(ma.Schema):
    cursor = fields.Str(validate=validate.Length(max=200))
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


class BenchmarkQuerySchema(ma.Schema):
    year = fields.Str(
        validate=validate.Length(max=20),
        metadata={"description": "Financial year like 2024-25 (default: the latest recorded)"},
    )


class StandingSchema(ma.Schema):
    council_code = fields.Str()
    council_name = fields.Str()
    value = fields.Float(allow_none=True)
    difference_from_median = fields.Float(allow_none=True)
    ratio_to_median = fields.Float(allow_none=True)
    verdict = fields.Str(
        allow_none=True,
        metadata={"description": "better/worse/same, or higher/lower/same; null if unknown"},
    )


class MeasureSchema(ma.Schema):
    key = fields.Str()
    label = fields.Str()
    unit = fields.Str()
    direction = fields.Str()
    formula = fields.Str()
    known = fields.Int()
    unknown_councils = fields.List(fields.Str())
    lower_quartile = fields.Float(allow_none=True)
    median = fields.Float(allow_none=True)
    upper_quartile = fields.Float(allow_none=True)
    councils = fields.List(fields.Nested(StandingSchema))


class BenchmarkCouncilSchema(ma.Schema):
    council_code = fields.Str()
    council_name = fields.Str()
    households = fields.Int(allow_none=True)
    households_year = fields.Int(allow_none=True)
    households_approximate = fields.Bool(allow_none=True)


class BenchmarkSchema(ma.Schema):
    financial_year = fields.Str(allow_none=True)
    financial_years = fields.List(fields.Str())
    councils = fields.List(fields.Nested(BenchmarkCouncilSchema))
    households_source = fields.Raw(metadata={"description": "Where household counts come from"})
    quartile_method = fields.Str()
    measures = fields.List(fields.Nested(MeasureSchema))


class AssumptionsInSchema(ma.Schema):
    pricing_basis = fields.Str(
        required=True, validate=validate.OneOf(PRICING_BASES), metadata={"example": "per_tonne"}
    )
    joint_price = fields.Raw(
        required=True,
        metadata={"description": "£ per tonne or per collection", "type": "number"},
    )
    reuse_share_target = fields.Raw(
        allow_none=True,
        metadata={"description": "Share 0–1 (or '30%'); null keeps today's", "type": "number"},
    )
    recycling_share_target = fields.Raw(
        allow_none=True,
        metadata={"description": "Share 0–1 (or '30%'); null keeps today's", "type": "number"},
    )


class PreviewInSchema(ma.Schema):
    financial_year = fields.Str(required=True, validate=validate.Length(max=20))
    councils = fields.List(
        fields.Str(validate=validate.Length(max=20)),
        required=True,
        validate=validate.Length(max=40),
    )
    assumptions = fields.Nested(AssumptionsInSchema, required=True)


class JointModelInSchema(PreviewInSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    description = fields.Str(allow_none=True, validate=validate.Length(max=4000))
    source = fields.Str(
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "Where the group came from, e.g. a tender plan wave"},
    )


class JointModelChangeSchema(JointModelInSchema):
    """A change to a saved model: send only what changes (assumptions are merged)."""


class AssumptionSchema(ma.Schema):
    name = fields.Str()
    value = fields.Raw()
    unit = fields.Str()
    source = fields.Str()
    valid_from = fields.Str(allow_none=True)


class CouncilCostSchema(ma.Schema):
    council_code = fields.Str()
    council_name = fields.Str()
    current_cost = fields.Float()
    share = fields.Float()
    joint_cost = fields.Float()
    saving = fields.Float()


class JointResultSchema(ma.Schema):
    financial_year = fields.Str()
    councils = fields.List(fields.Str())
    council_names = fields.List(fields.Str())
    pooled = fields.Dict(keys=fields.Str(), values=fields.Float(allow_none=True))
    current_cost = fields.Float()
    joint_cost = fields.Float()
    saving = fields.Float()
    council_costs = fields.List(fields.Nested(CouncilCostSchema))
    destinations = fields.Dict(
        keys=fields.Str(), values=fields.Dict(keys=fields.Str(), values=fields.Float())
    )
    diverted_from_landfill = fields.Float()
    diverted_from_energy_recovery = fields.Float()
    co2e = fields.Dict(keys=fields.Str(), values=fields.Float())
    assumptions = fields.List(fields.Nested(AssumptionSchema))
    notes = fields.List(fields.Str())


class JointModelSchema(ma.Schema):
    id = tk.Id()
    name = fields.Str()
    description = fields.Str(allow_none=True)
    financial_year = fields.Str()
    councils = fields.List(fields.Str())
    council_names = fields.List(fields.Str())
    assumptions = fields.Dict(keys=fields.Str(), values=fields.Str(allow_none=True))
    source = fields.Str(allow_none=True)
    author = fields.Str(allow_none=True)
    created_at = fields.Str(allow_none=True)
    updated_at = fields.Str(allow_none=True)
    may_edit = fields.Bool(allow_none=True)
    result = fields.Nested(JointResultSchema, allow_none=True)
    problem = fields.Str(allow_none=True)


class JointModelPageSchema(ma.Schema):
    items = fields.List(fields.Nested(JointModelSchema))
    next = fields.Str(allow_none=True)



PROFILE_UPLOAD_BODY = tk.record_upload_body("The filled-in bulky waste template")
