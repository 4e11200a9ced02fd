"""Whole-life cost and CO2e against a diesel baseline (plugins.fleet.whole_life_cost)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plugins.fleet.whole_life_cost import (
    DEFAULT_PARAMETERS,
    CostProfile,
    Parameter,
    ParameterError,
    compare_with_diesel,
    parameter_in_force,
    plug_in_van_grant,
    whole_life_cost,
)

D = Decimal
ON = date(2025, 6, 1)
PRICES = (
    Parameter("electricity_tariff", D("0.20"), "GBP/kWh", date(2025, 4, 1), "depot supply"),
    Parameter("diesel_price", D("1.40"), "GBP/litre", date(2025, 4, 1), "fuel card, ex VAT"),
)
PARAMETERS = DEFAULT_PARAMETERS + PRICES

EVAN = CostProfile(
    "Standard e-van", "electric", D(40000), 3, D(10000), D(25), "electricity_tariff",
    gvw_kg=D(3500), grant_eligible=True, maintenance_per_km=D("0.05"),
    insurance_per_year=D(600), residual_value=D(10000),
)
DIESEL = CostProfile(
    "Diesel van", "diesel", D(28000), 3, D(10000), D(8), "diesel_price",
    maintenance_per_km=D("0.08"), insurance_per_year=D(600), ved_per_year=D(345),
    residual_value=D(6000),
)


def test_electric_van_against_a_hand_calculation():
    # Hand calculation, 3-year life, 10,000 km a year:
    #   year 0: price 40,000 - Plug-in Van Grant 5,000 (3,500 kg is in the 2.5-4.25 t band)
    #           = 35,000, undiscounted
    #   years 1-3: energy 10,000 km x 25 kWh/100 km = 2,500 kWh x 0.20 = 500
    #              maintenance 10,000 x 0.05 = 500; insurance 600; VED 0  -> 1,600 a year
    #   year 3 also: residual value -10,000 -> -8,400
    #   discount factors at 3.5%: 1/1.035 = 0.966183575, 1/1.071225 = 0.933510700,
    #                             1/1.108717875 = 0.901942706
    #   PV = 35,000 + 1,600 x 0.966183575 + 1,600 x 0.933510700 - 8,400 x 0.901942706
    #      = 35,000 + 1,545.893720 + 1,493.617120 - 7,576.318728 = 30,463.192112 -> 30,463.19
    #   CO2e: 2,500 kWh x 0.177 = 442.5 kg a year, 1,327.5 kg over 3 years
    result = whole_life_cost(EVAN, PARAMETERS, ON)
    assert result.grant == D(5000)
    assert [y.total for y in result.years] == [D(35000), D(1600), D(1600), D(-8400)]
    assert result.years[1].energy == D(500) and result.years[1].maintenance == D(500)
    assert result.years[0].discount_factor == 1
    assert round(result.years[3].discount_factor, 9) == D("0.901942706")
    assert result.present_value == D("30463.19")
    assert result.undiscounted_total == D("29800.00")
    assert result.co2e_kg_per_year == D("442.500")
    assert result.co2e_kg_total == D("1327.500")
    assert [p.name for p in result.parameters_used] == [
        "discount_rate", "electricity_tariff", "co2e_grid_electricity_per_kwh",
        "plug_in_van_grant_large"]


def test_against_the_diesel_baseline():
    # Diesel by hand: 800 litres x 1.40 = 1,120; maintenance 800; insurance 600; VED 345
    #   -> 2,865 a year, year 3 less 6,000 residual = -3,135
    #   PV = 28,000 + 2,865 x 0.966183575 + 2,865 x 0.933510700 - 3,135 x 0.901942706
    #      = 28,000 + 2,768.115942 + 2,674.508157 - 2,827.590383 = 30,615.033716 -> 30,615.03
    #   CO2e: 800 litres x 2.57082 = 2,056.656 kg a year, 6,169.968 kg over 3 years
    comparison = compare_with_diesel(EVAN, DIESEL, PARAMETERS, ON)
    assert comparison.diesel.present_value == D("30615.03")
    assert comparison.diesel.grant == 0
    assert comparison.diesel.co2e_kg_total == D("6169.968")
    assert comparison.saving == D("151.84")
    assert comparison.co2e_saving_kg == D("4842.468")
    assert "co2e_diesel_per_litre" in [p.name for p in comparison.diesel.parameters_used]
    with pytest.raises(ParameterError, match="must be a diesel profile"):
        compare_with_diesel(EVAN, EVAN, PARAMETERS, ON)


def test_grant_bands_and_dates():
    assert plug_in_van_grant(D(30000), D(2500), PARAMETERS, ON)[0] == D(2500)
    assert plug_in_van_grant(D(30000), D(2501), PARAMETERS, ON)[0] == D(5000)
    assert plug_in_van_grant(D(30000), D(4250), PARAMETERS, ON)[0] == D(5000)
    assert plug_in_van_grant(D(30000), D(4251), PARAMETERS, ON) == (D(0), None)
    assert plug_in_van_grant(D(30000), None, PARAMETERS, ON) == (D(0), None)
    assert plug_in_van_grant(D(1000), D(2000), PARAMETERS, ON)[0] == D(1000)  # never > price
    # before the current rates applied, and after the scheme is closed: no grant
    assert plug_in_van_grant(D(30000), D(3000), PARAMETERS, date(2022, 1, 1)) == (D(0), None)
    ended = tuple(
        Parameter(p.name, p.value, p.unit, p.valid_from, p.source, valid_to=date(2026, 3, 31))
        if p.name.startswith("plug_in_van_grant") else p
        for p in PARAMETERS
    )
    assert whole_life_cost(EVAN, ended, date(2026, 4, 1)).grant == 0


def test_the_parameter_in_force_on_the_date_is_used():
    newer = Parameter("co2e_grid_electricity_per_kwh", D("0.150"), "kgCO2e/kWh",
                      date(2026, 6, 1), "DESNZ 2026 (example)")
    params = PARAMETERS + (newer,)
    assert parameter_in_force(params, "co2e_grid_electricity_per_kwh", ON).value == D("0.177")
    later = whole_life_cost(EVAN, params, date(2026, 7, 1))
    assert later.co2e_kg_per_year == D("375.000")
    assert newer in later.parameters_used
    with pytest.raises(ParameterError, match="No value for 'electricity_tariff' is in force on "
                                             "2024-01-01"):
        whole_life_cost(EVAN, PARAMETERS, date(2024, 1, 1))


def test_bad_profiles_are_refused():
    with pytest.raises(ParameterError, match="fuel must be 'electric' or 'diesel'"):
        CostProfile("x", "steam", D(1), 1, D(1), D(1), "diesel_price")
    with pytest.raises(ParameterError, match="service life must be at least one year"):
        CostProfile("x", "diesel", D(1), 0, D(1), D(1), "diesel_price")
    with pytest.raises(ParameterError, match="residual value cannot be negative"):
        CostProfile("x", "diesel", D(1), 1, D(1), D(1), "diesel_price", residual_value=D(-5))


def test_default_factors_are_the_published_ones():
    by_name = {p.name: p for p in DEFAULT_PARAMETERS}
    assert by_name["discount_rate"].value == D("0.035")
    assert by_name["co2e_diesel_per_litre"].value == D("2.57082")
    assert by_name["co2e_grid_electricity_per_kwh"].value == D("0.177")
    assert (by_name["plug_in_van_grant_small"].value,
            by_name["plug_in_van_grant_large"].value) == (D(2500), D(5000))
    assert all(p.source and p.valid_from for p in DEFAULT_PARAMETERS)
