"""The fleet API's request and response shapes (marshmallow 4, documented in OpenAPI)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from procurehub import toolkit as tk

from .standard_spec import OPERATORS


class Number(fields.Decimal):
    """A figure written to JSON as a number (money to pennies as the service rounded it)."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)


def page(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`{"items": [...], "next": null}`: the shape of every list (DESIGN §4). Fleet lists are
    small (one row per version, spec or parameter), so they come in one page."""
    return ma.Schema.from_dict(
        {"items": fields.List(fields.Nested(item)), "next": fields.Str(allow_none=True)},
        name=name,
    )


# -- standards ---------------------------------------------------------------------------------


class RequirementSchema(ma.Schema):
    attribute = fields.Str(required=True, validate=validate.Length(1, 80))
    label = fields.Str(validate=validate.Length(0, 200))
    unit = fields.Str(allow_none=True, validate=validate.Length(0, 20))
    operator = fields.Str(required=True, validate=validate.OneOf(OPERATORS))
    value = fields.Raw(
        allow_none=True,
        metadata={"description": "A number for min/max, a list for one_of, text for equals, "
                  "null for required"},
    )
    mandatory = fields.Bool(load_default=True)
    rationale = fields.Str(load_default="", validate=validate.Length(0, 4000))
    requirement = fields.Str(dump_only=True, metadata={"description": "e.g. 'min 400 kg'"})
    in_words = fields.Str(dump_only=True)


class RequirementBodySchema(RequirementSchema):
    """PUT /standards/<id>/requirements/<attribute>: the attribute comes from the path."""

    attribute = fields.Str(validate=validate.Length(1, 80))


class StandardSchema(ma.Schema):
    id = tk.Id()
    vehicle_class = fields.Str()
    version = fields.Int()
    status = fields.Str(metadata={"description": "draft, adopted or retired"})
    title = fields.Str()
    category = fields.Str(allow_none=True)
    design_range_factor = Number(allow_none=True)
    racking_allowance_kg = Number(allow_none=True)
    adopted_on = fields.Date(allow_none=True)
    retired_on = fields.Date(allow_none=True)
    requirements = fields.List(fields.Nested(RequirementSchema))


StandardPage = page(StandardSchema, "FleetStandardPage")


class StandardQuerySchema(ma.Schema):
    vehicle_class = fields.Str(validate=validate.Length(1, 80))
    status = fields.Str(validate=validate.OneOf(("draft", "adopted", "retired")))


class DraftCreateSchema(ma.Schema):
    vehicle_class = fields.Str(required=True, validate=validate.Length(1, 80))


class DraftSettingsSchema(ma.Schema):
    title = fields.Str(validate=validate.Length(0, 300))
    design_range_factor = fields.Decimal(allow_none=True, allow_nan=False)
    racking_allowance_kg = fields.Decimal(allow_none=True, allow_nan=False)


# -- council specs -----------------------------------------------------------------------------

_FIGURE = fields.Raw(allow_none=True)


class CouncilSpecSchema(ma.Schema):
    id = tk.Id(dump_only=True)
    council_code = fields.Str(
        validate=validate.Length(1, 20),
        metadata={"description": "Council code (default: your own council)"},
    )
    council_name = fields.Str(dump_only=True)
    vehicle_class = fields.Str(validate=validate.Length(1, 80),
                               metadata={"description": "default electric_van_lt_3_5t"})
    name = fields.Str(required=True, validate=validate.Length(1, 200))
    catalogue_vehicle_id = tk.Id(allow_none=True)
    catalogue_vehicle = fields.Str(dump_only=True, allow_none=True)
    figures = fields.Dict(
        keys=fields.Str(), values=_FIGURE,
        metadata={"description": "The council's figures keyed by the standard's attributes, "
                  "as written (\"1,000\", \"yes\", \"Gold\")"},
    )
    costs = fields.Dict(
        keys=fields.Str(), values=_FIGURE,
        metadata={"description": "Whole-life cost inputs: purchase_price, energy_kwh_per_100km, "
                  "annual_km, service_life_years, residual_value"},
    )
    notes = fields.Str(allow_none=True, validate=validate.Length(0, 4000))
    compliant = fields.Bool(dump_only=True, allow_none=True)
    score = Number(dump_only=True)
    failures = fields.List(fields.Dict(), dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class CouncilSpecUpdateSchema(CouncilSpecSchema):
    name = fields.Str(validate=validate.Length(1, 200))


CouncilSpecPage = page(CouncilSpecSchema, "FleetCouncilSpecPage")


class CouncilSpecQuerySchema(ma.Schema):
    council = fields.Str(validate=validate.Length(1, 20))
    vehicle_class = fields.Str(validate=validate.Length(1, 80))


class TemplateQuerySchema(ma.Schema):
    vehicle_class = fields.Str(load_default="electric_van_lt_3_5t",
                               validate=validate.Length(1, 80))


class SpecUploadResultSchema(ma.Schema):
    created = fields.Bool()
    spec = fields.Nested(CouncilSpecSchema)


# -- comparison, variation count, parameters, catalogue ------------------------------------------


class CompareQuerySchema(ma.Schema):
    specs = fields.Str(load_default="", validate=validate.Length(0, 2000),
                       metadata={"description": "Council spec ids, comma-separated"})
    vehicles = fields.Str(load_default="", validate=validate.Length(0, 2000),
                          metadata={"description": "Catalogue vehicle ids, comma-separated"})


class CellSchema(ma.Schema):
    value = fields.Str()
    status = fields.Str(metadata={"description": "pass, fail, unknown or not-required"})
    explanation = fields.Str()


class RowSchema(ma.Schema):
    attribute = fields.Str()
    label = fields.Str()
    unit = fields.Str(allow_none=True)
    required = fields.Str()
    mandatory = fields.Bool(allow_none=True)
    cells = fields.List(fields.Nested(CellSchema))


class WholeLifeSchema(ma.Schema):
    present_value = Number()
    undiscounted_total = Number()
    grant = Number()
    co2e_kg_per_year = Number()
    co2e_kg_total = Number()
    diesel_present_value = Number()
    diesel_co2e_kg_total = Number()
    saving = Number()
    co2e_saving_kg = Number()
    service_life_years = fields.Int()
    annual_km = Number()
    purchase_price = Number()
    energy_per_100km = Number()
    inputs = fields.List(fields.Str())
    parameters_used = fields.List(fields.Str())


class ColumnSchema(ma.Schema):
    key = fields.Str()
    id = tk.Id()
    kind = fields.Str(metadata={"description": "council_spec or catalogue"})
    name = fields.Str()
    council_code = fields.Str(allow_none=True)
    council_name = fields.Str(allow_none=True)
    catalogue_vehicle = fields.Str(allow_none=True)
    compliant = fields.Bool(allow_none=True)
    score = Number()
    failures = fields.List(fields.Dict())
    shortfalls = fields.List(fields.Dict())
    passed = fields.Int()
    failed = fields.Int()
    unknown = fields.Int()
    whole_life_cost = fields.Nested(WholeLifeSchema, allow_none=True)
    whole_life_cost_error = fields.Str()


class UsedParameterSchema(ma.Schema):
    name = fields.Str()
    value = Number()
    unit = fields.Str()
    valid_from = fields.Date()
    source = fields.Str()
    illustrative = fields.Bool()


class SpecComparisonSchema(ma.Schema):
    vehicle_class = fields.Str()
    as_of = fields.Date()
    standard = fields.Dict()
    columns = fields.List(fields.Nested(ColumnSchema))
    rows = fields.List(fields.Nested(RowSchema))
    parameters = fields.List(fields.Nested(UsedParameterSchema))


class VariationSchema(ma.Schema):
    vehicle_class = fields.Str()
    title = fields.Str()
    standard_version = fields.Int(allow_none=True)
    distinct = fields.Int()
    compliant = fields.Int()
    councils = fields.Int()
    trend = fields.List(fields.Dict())


class VariationsSchema(ma.Schema):
    variations = fields.List(fields.Nested(VariationSchema))


class ParameterSchema(ma.Schema):
    id = tk.Id(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(1, 80))
    value = Number(required=True, allow_nan=False)
    unit = fields.Str(dump_only=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(dump_only=True, allow_none=True)
    source = fields.Str(required=True, validate=validate.Length(1, 2000))
    illustrative = fields.Bool(load_default=False)


ParameterPage = page(ParameterSchema, "FleetParameterPage")


class VehicleSchema(ma.Schema):
    id = tk.Id()
    make = fields.Str()
    model = fields.Str()
    variant = fields.Str()
    name = fields.Str()
    body = fields.Str()
    gvw_kg = fields.Int(allow_none=True)
    compliant = fields.Bool(allow_none=True)
    failures = fields.List(fields.Dict())
    sources = fields.List(fields.Str())


VehiclePage = page(VehicleSchema, "FleetVehiclePage")


# -- fleet lists and replacement demand ---------------------------------------------------------



class FleetListVehicleSchema(ma.Schema):
    id = tk.Id()
    council_code = fields.Str()
    council_name = fields.Str()
    registration = fields.Str(metadata={"description": "Without spaces, upper case (the key)"})
    registration_as_written = fields.Str()
    vehicle_type = fields.Str()
    make = fields.Str()
    model = fields.Str()
    fuel = fields.Str(metadata={"description": "diesel, petrol, electric, hybrid, ..."})
    fuel_as_written = fields.Str()
    gvw_kg = fields.Int(allow_none=True)
    in_service = fields.Date(allow_none=True)
    in_service_year = fields.Int(allow_none=True)
    planned_replacement = fields.Date(allow_none=True)
    planned_replacement_year = fields.Int(allow_none=True)
    category = fields.Str(metadata={"description": "Fleet category key, e.g. fleet.vans_lt_3_5t"})
    class_recognised = fields.Bool(metadata={"description": "False: the type was not "
                                                            "recognised (other vehicles)"})
    replacement_year = fields.Int(allow_none=True)
    in_latest_list = fields.Bool()
    extra = fields.Dict()
    upload_id = tk.Id(allow_none=True)


class FleetListVehicleQuerySchema(ma.Schema):
    council = fields.Str(validate=validate.Length(1, 20))
    category = fields.Str(validate=validate.Length(1, 80))
    fuel = fields.Str(validate=validate.Length(1, 40))
    replacement_year = fields.Int(validate=validate.Range(1900, 2899))
    listed = fields.Str(load_default="latest", validate=validate.OneOf(("latest", "all")))
    cursor = fields.Str()
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


FleetListVehiclePage = tk.page_schema(FleetListVehicleSchema, "FleetListVehiclePage")


class FleetDemandRowSchema(ma.Schema):
    year = fields.Int()
    category = fields.Str()
    council_code = fields.Str()
    fuel = fields.Str()
    vehicles = fields.Int()


class FleetDemandSchema(ma.Schema):
    demand = fields.List(fields.Nested(FleetDemandRowSchema))


class FleetDemandQuerySchema(ma.Schema):
    council = fields.Str(validate=validate.Length(1, 20))
    category = fields.Str(validate=validate.Length(1, 80))
    fuel = fields.Str(validate=validate.Length(1, 40))
    year_from = fields.Int(validate=validate.Range(1900, 2899))
    year_to = fields.Int(validate=validate.Range(1900, 2899))


class ReplacementAgeSchema(ma.Schema):
    category = fields.Str()
    label = fields.Str()
    years = fields.Int()
    default_years = fields.Int()
    own = fields.Bool(metadata={"description": "True: the council's own age, not the default"})


class ReplacementAgesSchema(ma.Schema):
    council_code = fields.Str()
    ages = fields.List(fields.Nested(ReplacementAgeSchema))


class ReplacementAgesUpdateSchema(ma.Schema):
    ages = fields.Dict(
        keys=fields.Str(), values=fields.Int(allow_none=True), required=True,
        metadata={"description": "{category: years}; null returns a class to the default"},
    )


VEHICLE_UPLOAD_BODY = tk.record_upload_body("The fleet list")
