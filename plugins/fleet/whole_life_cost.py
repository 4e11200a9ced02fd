"""Whole-life cost and CO2e of a vehicle spec over its service life, against a diesel baseline.

The purchase price of an electric van is the wrong number to compare: grants, energy,
maintenance and residual value change the answer, and money spent in year 7 is worth less
than money spent today. This module adds them up year by year and discounts them at the
Green Book rate, and counts tailpipe/grid CO2e, so a council can see what a standard spec
costs over its life compared with the diesel van it replaces.

Every factor is a dated :class:`Parameter` with its source, and every result lists the
parameters it used, because these figures change (the grant, the grid's carbon intensity)
and a business case must say which ones it relied on.

Conventions (where a convention had to be chosen):

* Year 0 is the purchase: price less grant, undiscounted. Running costs (energy,
  maintenance, insurance, VED) fall in years 1..N; the residual value comes back at the end
  of year N. Year t is discounted by ``1 / (1 + r) ** t``.
* Prices exclude VAT (councils recover it). Money is rounded to pennies only in the totals.
* CO2e counts energy in use only: diesel litres x the diesel factor, kWh x the grid factor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from procurehub.plugins import Parameter

from .measures import FleetError

__all__ = [
    "DEFAULT_PARAMETERS",
    "CostProfile",
    "Parameter",
    "ParameterError",
    "WholeLifeComparison",
    "WholeLifeCost",
    "YearCost",
    "compare_with_diesel",
    "parameter_in_force",
    "plug_in_van_grant",
    "whole_life_cost",
]

PENNY = Decimal("0.01")
KG = Decimal("0.001")


class ParameterError(FleetError):
    """A factor the calculation needs is missing or not in force on the date asked."""



DEFAULT_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("discount_rate", Decimal("0.035"), "per year", date(2003, 1, 1),
              "HM Treasury Green Book: social time preference rate 3.5% (years 0-30)"),
    Parameter("co2e_diesel_per_litre", Decimal("2.57082"), "kgCO2e/litre", date(2025, 1, 1),
              "DESNZ greenhouse gas conversion factors for company reporting 2025: diesel"),
    Parameter("co2e_grid_electricity_per_kwh", Decimal("0.177"), "kgCO2e/kWh", date(2025, 1, 1),
              "DESNZ greenhouse gas conversion factors for company reporting 2025: UK "
              "electricity"),
    Parameter("plug_in_van_grant_small", Decimal("2500"), "GBP", date(2022, 6, 14),
              "OZEV Plug-in Van Grant: vans up to 2,500 kg GVW, while the scheme lasts"),
    Parameter("plug_in_van_grant_large", Decimal("5000"), "GBP", date(2022, 6, 14),
              "OZEV Plug-in Van Grant: vans over 2,500 kg up to 4,250 kg GVW, while the scheme "
              "lasts"),
)
GRANT_SMALL_LIMIT_KG = Decimal(2500)
GRANT_LARGE_LIMIT_KG = Decimal(4250)


def parameter_in_force(parameters: Iterable[Parameter], name: str, on: date) -> Parameter:
    """The version of ``name`` in force on ``on``: the latest ``valid_from`` not after it."""
    candidates = [
        p for p in parameters
        if p.name == name and p.valid_from <= on and (p.valid_to is None or on <= p.valid_to)
    ]
    if not candidates:
        raise ParameterError(f"No value for {name!r} is in force on {on.isoformat()}; add one "
                             "with its source and the date it applies from")
    return max(candidates, key=lambda p: p.valid_from)


@dataclass(frozen=True)
class CostProfile:
    """What the calculation needs to know about one spec, as a fleet manager would fill it in.

    ``energy_per_100km`` is kWh/100 km for electric, litres/100 km for diesel;
    ``energy_price_parameter`` names the tariff or fuel-price Parameter to use.
    """

    name: str
    fuel: str  # "electric" or "diesel"
    purchase_price: Decimal
    service_life_years: int
    annual_km: Decimal
    energy_per_100km: Decimal
    energy_price_parameter: str
    gvw_kg: Decimal | None = None
    grant_eligible: bool = False
    maintenance_per_km: Decimal = Decimal(0)
    maintenance_per_year: Decimal = Decimal(0)
    insurance_per_year: Decimal = Decimal(0)
    ved_per_year: Decimal = Decimal(0)
    residual_value: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.fuel not in ("electric", "diesel"):
            raise ParameterError(f"{self.name}: fuel must be 'electric' or 'diesel', not "
                                 f"{self.fuel!r}")
        if self.service_life_years < 1:
            raise ParameterError(f"{self.name}: service life must be at least one year")
        for name in ("purchase_price", "annual_km", "energy_per_100km", "maintenance_per_km",
                     "maintenance_per_year", "insurance_per_year", "ved_per_year",
                     "residual_value"):
            value = Decimal(str(getattr(self, name)))
            if value < 0:
                raise ParameterError(f"{self.name}: {name.replace('_', ' ')} cannot be negative")
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class YearCost:
    year: int
    capital: Decimal  # price less grant in year 0; minus the residual value in the last year
    energy: Decimal
    maintenance: Decimal
    insurance: Decimal
    ved: Decimal
    total: Decimal
    discount_factor: Decimal
    present_value: Decimal
    co2e_kg: Decimal


@dataclass(frozen=True)
class WholeLifeCost:
    name: str
    grant: Decimal
    years: tuple[YearCost, ...]
    undiscounted_total: Decimal  # pennies
    present_value: Decimal  # pennies: the whole-life cost
    co2e_kg_per_year: Decimal
    co2e_kg_total: Decimal
    parameters_used: tuple[Parameter, ...]


@dataclass(frozen=True)
class WholeLifeComparison:
    spec: WholeLifeCost
    diesel: WholeLifeCost
    saving: Decimal  # present value: diesel minus spec (positive = the spec is cheaper)
    co2e_saving_kg: Decimal


def plug_in_van_grant(
    price: Decimal, gvw_kg: Decimal | None, parameters: Iterable[Parameter], on: date
) -> tuple[Decimal, Parameter | None]:
    """The Plug-in Van Grant for a van of this GVW: the small rate up to 2,500 kg, the large
    rate over 2,500 up to 4,250 kg, nothing above or when the GVW is unknown; never more than
    the price."""
    if gvw_kg is None or gvw_kg > GRANT_LARGE_LIMIT_KG:
        return Decimal(0), None
    name = "plug_in_van_grant_small" if gvw_kg <= GRANT_SMALL_LIMIT_KG else (
        "plug_in_van_grant_large"
    )
    try:
        parameter = parameter_in_force(parameters, name, on)
    except ParameterError:
        return Decimal(0), None  # the scheme has ended (or not yet begun) on that date
    return min(parameter.value, price), parameter


def whole_life_cost(
    profile: CostProfile, parameters: Iterable[Parameter], on: date
) -> WholeLifeCost:
    """Whole-life cost of ``profile`` bought on ``on`` with the parameters in force then."""
    parameters = tuple(parameters)
    used: dict[str, Parameter] = {}

    def factor(name: str) -> Decimal:
        parameter = parameter_in_force(parameters, name, on)
        used[name] = parameter
        return parameter.value

    rate = factor("discount_rate")
    price = factor(profile.energy_price_parameter)
    co2_name = (
        "co2e_grid_electricity_per_kwh" if profile.fuel == "electric" else "co2e_diesel_per_litre"
    )
    co2_factor = factor(co2_name)
    grant = Decimal(0)
    if profile.grant_eligible and profile.fuel == "electric":
        grant, grant_parameter = plug_in_van_grant(
            profile.purchase_price, profile.gvw_kg, parameters, on
        )
        if grant_parameter is not None:
            used[grant_parameter.name] = grant_parameter

    energy_units = profile.annual_km * profile.energy_per_100km / 100
    energy = energy_units * price
    co2e = energy_units * co2_factor
    maintenance = profile.annual_km * profile.maintenance_per_km + profile.maintenance_per_year
    years = [
        YearCost(0, profile.purchase_price - grant, Decimal(0), Decimal(0), Decimal(0),
                 Decimal(0), profile.purchase_price - grant, Decimal(1),
                 profile.purchase_price - grant, Decimal(0))
    ]
    for t in range(1, profile.service_life_years + 1):
        capital = -profile.residual_value if t == profile.service_life_years else Decimal(0)
        total = capital + energy + maintenance + profile.insurance_per_year + profile.ved_per_year
        discount = 1 / (1 + rate) ** t
        years.append(YearCost(t, capital, energy, maintenance, profile.insurance_per_year,
                              profile.ved_per_year, total, discount, total * discount, co2e))
    return WholeLifeCost(
        name=profile.name,
        grant=grant,
        years=tuple(years),
        undiscounted_total=sum((y.total for y in years), Decimal(0)).quantize(
            PENNY, ROUND_HALF_UP),
        present_value=sum((y.present_value for y in years), Decimal(0)).quantize(
            PENNY, ROUND_HALF_UP),
        co2e_kg_per_year=co2e.quantize(KG, ROUND_HALF_UP),
        co2e_kg_total=(co2e * profile.service_life_years).quantize(KG, ROUND_HALF_UP),
        parameters_used=tuple(used.values()),
    )


def compare_with_diesel(
    spec: CostProfile,
    diesel: CostProfile,
    parameters: Iterable[Parameter],
    on: date,
) -> WholeLifeComparison:
    """The spec's whole-life cost and CO2e against the diesel van it would replace."""
    if diesel.fuel != "diesel":
        raise ParameterError(f"The baseline {diesel.name!r} must be a diesel profile")
    parameters = tuple(parameters)
    ours = whole_life_cost(spec, parameters, on)
    theirs = whole_life_cost(diesel, parameters, on)
    return WholeLifeComparison(
        ours,
        theirs,
        theirs.present_value - ours.present_value,
        theirs.co2e_kg_total - ours.co2e_kg_total,
    )


def parameters_by_name(parameters: Iterable[Parameter]) -> Mapping[str, list[Parameter]]:
    """Every version of each parameter, oldest first (for a settings page)."""
    out: dict[str, list[Parameter]] = {}
    for p in parameters:
        out.setdefault(p.name, []).append(p)
    return {k: sorted(v, key=lambda p: p.valid_from) for k, v in out.items()}
