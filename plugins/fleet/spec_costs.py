"""What a spec's whole-life cost against a diesel baseline is worked out from: its own cost
inputs where given, an estimate from its figures, or the parameter in force; and the
result (from the pure `whole_life_cost` module) as JSON with every input's origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .measures import Measure, format_number, parse_gvw_kg, parse_measure
from .whole_life_cost import CostProfile, Parameter, compare_with_diesel, parameter_in_force

#: Cost inputs a council spec may give for its whole-life cost (others come from parameters).
COST_FIELDS = {
    "purchase_price": ("Purchase price (excluding VAT)", "GBP"),
    "energy_kwh_per_100km": ("Energy use", "kWh/100 km"),
    "annual_km": ("Distance a year", "km"),
    "service_life_years": ("Service life", "years"),
    "residual_value": ("Residual value at the end of its life", "GBP"),
}


def _number(figure: Any, unit: str | None) -> Decimal | None:
    if figure is None:
        return None
    measure = figure if isinstance(figure, Measure) else parse_measure(figure, unit)
    if measure.value is not None:
        return measure.value
    return measure.low if measure.low is not None else measure.high


@dataclass(frozen=True)
class CostInputs:
    """A spec's cost profile and, per input, where its figure came from."""

    electric: CostProfile
    diesel: CostProfile
    notes: tuple[str, ...]


def cost_inputs(
    name: str,
    figures: Mapping[str, Any],
    costs: Mapping[str, Any],
    params: Sequence[Parameter],
    on: date,
) -> CostInputs:
    """The electric spec's and its diesel baseline's cost profiles.

    The spec's own cost inputs win; a consumption not given is estimated from battery ÷ WLTP
    range; everything else is the parameter in force. The diesel baseline shares the spec's
    distance and life, so the two are compared like for like.
    """

    def param(key: str) -> Decimal:
        return parameter_in_force(params, key, on).value

    notes: list[str] = []

    def given(key: str, fallback: str) -> Decimal:
        if costs.get(key) not in (None, ""):
            notes.append(f"{COST_FIELDS[key][0]}: the spec's own figure")
            return Decimal(str(costs[key]))
        notes.append(f"{COST_FIELDS[key][0]}: parameter {fallback}")
        return param(fallback)

    price = given("purchase_price", "ev_van_purchase_price")
    annual_km = given("annual_km", "annual_km")
    life = int(given("service_life_years", "service_life_years"))
    if costs.get("energy_kwh_per_100km") not in (None, ""):
        consumption = Decimal(str(costs["energy_kwh_per_100km"]))
        notes.append("Energy use: the spec's own figure")
    else:
        battery = _number(figures.get("usable_battery_kwh"), "kWh") or _number(
            figures.get("battery_kwh"), "kWh"
        )
        wltp = _number(figures.get("wltp_range_km"), "km")
        if battery and wltp:
            consumption = (battery / wltp * 100).quantize(Decimal("0.1"))
            notes.append(
                f"Energy use: {format_number(consumption)} kWh/100 km, estimated from battery "
                f"{format_number(battery)} kWh ÷ WLTP range {format_number(wltp)} km"
            )
        else:
            consumption = param("ev_van_kwh_per_100km")
            notes.append("Energy use: parameter ev_van_kwh_per_100km")
    if costs.get("residual_value") not in (None, ""):
        residual = Decimal(str(costs["residual_value"]))
        notes.append("Residual value: the spec's own figure")
    else:
        residual = (price * param("residual_share_electric")).quantize(Decimal("1"))
        notes.append("Residual value: purchase price × parameter residual_share_electric")
    gvw_figure = figures.get("gvw_kg")
    gvw = _number(gvw_figure, "kg") if isinstance(gvw_figure, Measure) else parse_gvw_kg(gvw_figure)
    insurance = param("insurance_per_year")
    ved = param("ved_van_per_year")
    electric = CostProfile(
        name=name,
        fuel="electric",
        purchase_price=price,
        service_life_years=life,
        annual_km=annual_km,
        energy_per_100km=consumption,
        energy_price_parameter="electricity_tariff_depot",
        gvw_kg=gvw,
        grant_eligible=True,
        maintenance_per_km=param("maintenance_per_km_electric"),
        insurance_per_year=insurance,
        ved_per_year=ved,
        residual_value=residual,
    )
    diesel_price = param("diesel_van_purchase_price")
    diesel = CostProfile(
        name="Diesel van (baseline)",
        fuel="diesel",
        purchase_price=diesel_price,
        service_life_years=life,
        annual_km=annual_km,
        energy_per_100km=param("diesel_van_litres_per_100km"),
        energy_price_parameter="diesel_price_per_litre",
        maintenance_per_km=param("maintenance_per_km_diesel"),
        insurance_per_year=insurance,
        ved_per_year=ved,
        residual_value=(diesel_price * param("residual_share_diesel")).quantize(Decimal("1")),
    )
    return CostInputs(electric, diesel, tuple(notes))


#: The parameters a comparison reads besides those the pure module reports as used.
ASSUMPTION_PARAMETERS = (
    "ev_van_purchase_price",
    "diesel_van_purchase_price",
    "annual_km",
    "service_life_years",
    "ev_van_kwh_per_100km",
    "diesel_van_litres_per_100km",
    "maintenance_per_km_electric",
    "maintenance_per_km_diesel",
    "insurance_per_year",
    "ved_van_per_year",
    "residual_share_electric",
    "residual_share_diesel",
)


def whole_life_json(
    name: str,
    figures: Mapping[str, Any],
    costs: Mapping[str, Any],
    params: Sequence[Parameter],
    on: date,
) -> dict[str, Any]:
    inputs = cost_inputs(name, figures, costs, params, on)
    result = compare_with_diesel(inputs.electric, inputs.diesel, params, on)
    return {
        "present_value": result.spec.present_value,
        "undiscounted_total": result.spec.undiscounted_total,
        "grant": result.spec.grant,
        "co2e_kg_per_year": result.spec.co2e_kg_per_year,
        "co2e_kg_total": result.spec.co2e_kg_total,
        "diesel_present_value": result.diesel.present_value,
        "diesel_co2e_kg_total": result.diesel.co2e_kg_total,
        "saving": result.saving,
        "co2e_saving_kg": result.co2e_saving_kg,
        "service_life_years": inputs.electric.service_life_years,
        "annual_km": inputs.electric.annual_km,
        "purchase_price": inputs.electric.purchase_price,
        "energy_per_100km": inputs.electric.energy_per_100km,
        "inputs": list(inputs.notes),
        "parameters_used": sorted(
            {p.name for p in (*result.spec.parameters_used, *result.diesel.parameters_used)}
        ),
    }
