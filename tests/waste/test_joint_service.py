"""The joint bulky waste service, checked against figures worked out by hand below.

Two councils in 2024-25:

    council  collections  tonnes  cost      reuse  recycling  EfW  landfill
    X        2,000        400     90,000    40     80         200  80
    Y        2,500        600     120,000   60     120        300  120
    pooled   4,500        1,000   210,000   100    200        500  200

Per tonne at £190: joint cost 190 x 1,000 = 190,000; saving 210,000 - 190,000 = 20,000.
X's share 400/1,000 = 0.4 -> 76,000, saving 14,000; Y 0.6 -> 114,000, saving 6,000.

Targets reuse 20%, recycling 38% of 1,000 t: reuse 200, recycling 380, rest 420 split as today
between EfW and landfill (500:200 = 5/7:2/7): EfW 300, landfill 120.
Diverted from landfill 200 - 120 = 80 t; from EfW 500 - 300 = 200 t.

CO2e with the default factors (kgCO2e/t: reuse, recycling, EfW 4.68568; landfill 497.24244):
current  (100+200+500) x 4.68568 + 200 x 497.24244 = 3,748.544 + 99,448.488 = 103,197.032 kg
modelled (200+380+300) x 4.68568 + 120 x 497.24244 = 4,123.3984 + 59,669.0928 = 63,792.4912 kg
change   -39,404.5408 kg
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction as F

import pytest

from plugins.waste.bulky_profile import BulkyServiceProfile
from plugins.waste.joint_service import (
    DEFAULT_CO2E_FACTORS,
    JointServiceAssumptions,
    JointServiceError,
    Parameter,
    model_joint_service,
)

YEAR = "2024-25"


def council(code, collections, tonnes, cost, reuse, recycling, efw, landfill, year=YEAR):
    d = Decimal
    return BulkyServiceProfile(
        code,
        year,
        "contractor",
        collections=collections,
        items=collections * 2 if collections is not None else None,
        tonnes_collected=d(tonnes),
        operating_cost=None if cost is None else d(cost),
        tonnes_reuse=d(reuse),
        tonnes_recycling=d(recycling),
        tonnes_energy_recovery=d(efw),
        tonnes_landfill=d(landfill),
    )


X = council("X", 2000, 400, 90000, 40, 80, 200, 80)
Y = council("Y", 2500, 600, 120000, 60, 120, 300, 120)
OTHER = council("Z", 100, 10, 1000, 0, 0, 0, 10)
PROFILES = [X, Y, OTHER, council("X", 1, 1, 1, 0, 0, 0, 1, year="2023-24")]


def per_tonne(**changes) -> JointServiceAssumptions:
    values = {
        "pricing_basis": "per_tonne",
        "joint_price": Decimal("190"),
        "reuse_share_target": Decimal("0.20"),
        "recycling_share_target": Decimal("0.38"),
    }
    values.update(changes)
    return JointServiceAssumptions(**values)


def test_per_tonne_costs_and_savings_by_hand() -> None:
    result = model_joint_service(PROFILES, ["X", "Y"], YEAR, per_tonne())
    assert result.councils == ("X", "Y")
    assert (result.pooled_collections, result.pooled_items) == (4500, 9000)
    assert result.pooled_tonnes_collected == 1000
    assert (result.current_cost, result.joint_cost, result.saving) == (210000, 190000, 20000)
    x, y = result.council_costs
    assert (x.council_code, x.share, x.current_cost, x.joint_cost, x.saving) == (
        "X",
        F(2, 5),
        90000,
        76000,
        14000,
    )
    assert (y.share, y.joint_cost, y.saving) == (F(3, 5), 114000, 6000)
    assert x.saving + y.saving == result.saving


def test_per_collection_costs_and_savings_by_hand() -> None:
    # £40 x 4,500 = 180,000; X 2,000/4,500 = 4/9 -> 80,000 (saves 10,000); Y 5/9 -> 100,000
    result = model_joint_service(
        PROFILES, ["X", "Y"], YEAR, per_tonne(pricing_basis="per_collection", joint_price=40)
    )
    assert (result.joint_cost, result.saving) == (180000, 30000)
    x, y = result.council_costs
    assert (x.share, x.joint_cost, x.saving) == (F(4, 9), 80000, 10000)
    assert (y.share, y.joint_cost, y.saving) == (F(5, 9), 100000, 20000)


def test_destinations_diversion_and_co2e_by_hand() -> None:
    result = model_joint_service(PROFILES, ["X", "Y"], YEAR, per_tonne())
    assert result.current_destinations.by_destination() == {
        "reuse": 100,
        "recycling": 200,
        "energy_recovery": 500,
        "landfill": 200,
    }
    assert result.modelled_destinations.by_destination() == {
        "reuse": 200,
        "recycling": 380,
        "energy_recovery": 300,
        "landfill": 120,
    }
    assert result.modelled_destinations.total == 1000
    assert (result.diverted_from_landfill, result.diverted_from_energy_recovery) == (80, 200)
    assert result.co2e_current_kg == F("103197.032")
    assert result.co2e_modelled_kg == F("63792.4912")
    assert result.co2e_change_kg == F("-39404.5408")
    assert result.notes == ()


def test_no_targets_keeps_todays_mix_and_co2e() -> None:
    result = model_joint_service(
        PROFILES, ["X", "Y"], YEAR, per_tonne(reuse_share_target=None, recycling_share_target=None)
    )
    assert result.modelled_destinations == result.current_destinations
    assert result.co2e_change_kg == 0 and result.diverted_from_landfill == 0


def test_one_target_keeps_the_other_destination_as_today() -> None:
    # Reuse to 30% (300 t), recycling kept at 200 t; rest 500 split 5/7 : 2/7.
    result = model_joint_service(
        PROFILES, ["X", "Y"], YEAR, per_tonne(reuse_share_target="0.3", recycling_share_target=None)
    )
    m = result.modelled_destinations
    assert (m.reuse, m.recycling, m.energy_recovery, m.landfill) == (
        300,
        200,
        F(2500, 7),
        F(1000, 7),
    )


def test_assumptions_list_every_figure_and_factor_with_its_source() -> None:
    result = model_joint_service(PROFILES, ["X", "Y"], YEAR, per_tonne())
    by_name = {a.name: a for a in result.assumptions}
    assert by_name["Joint price"].value == 190 and by_name["Joint price"].unit == "£ per tonne"
    assert by_name["Pricing basis"].value == "per_tonne"
    assert by_name["Councils in the group"].value == "X, Y"
    assert by_name["Reuse share target"].value == F(1, 5)
    assert by_name["Recycling share target"].value == F(19, 50)
    split = by_name["Share of the remaining tonnes sent to energy recovery (the rest to landfill)"]
    assert split.value == F(5, 7)
    for parameter in DEFAULT_CO2E_FACTORS.values():
        listed = by_name[parameter.name]
        assert listed.value == parameter.value and listed.unit == "kgCO2e per tonne"
        assert listed.valid_from == date(2025, 1, 1)
        assert "conversion factors 2025" in listed.source and "ILLUSTRATIVE" in listed.source


def test_kept_shares_are_reported_as_kept() -> None:
    result = model_joint_service(PROFILES, ["X", "Y"], YEAR, per_tonne(reuse_share_target=None))
    reuse = next(a for a in result.assumptions if a.name == "Reuse share target")
    assert reuse.value == F(1, 10) and reuse.source == "group's current share kept"


def test_own_co2e_factors_are_used_and_listed() -> None:
    factors = dict(DEFAULT_CO2E_FACTORS)
    factors["landfill"] = Parameter(
        "CO2e factor: landfill", Decimal("500"), "kgCO2e per tonne", date(2026, 4, 1), "test"
    )
    result = model_joint_service(PROFILES, ["X", "Y"], YEAR, per_tonne(co2e_factors=factors))
    # current 800 x 4.68568 + 200 x 500 = 103,748.544
    assert result.co2e_current_kg == F("103748.544")
    listed = next(a for a in result.assumptions if a.name == "CO2e factor: landfill")
    assert (listed.value, listed.valid_from, listed.source) == (500, date(2026, 4, 1), "test")


def test_a_target_below_today_is_modelled_but_noted() -> None:
    result = model_joint_service(
        PROFILES,
        ["X", "Y"],
        YEAR,
        per_tonne(reuse_share_target="0.05", recycling_share_target=None),
    )
    assert result.modelled_destinations.reuse == 50
    assert result.diverted_from_landfill < 0
    assert any("reuse target (5.0%) is below" in note for note in result.notes)


def test_tonnes_without_a_destination_are_priced_but_left_out_of_the_mix() -> None:
    partial = council("P", 100, 120, 20000, 10, 10, 50, 30)  # 100 of 120 t have a destination
    result = model_joint_service(
        [partial], ["P"], YEAR, per_tonne(reuse_share_target="0.5", recycling_share_target=None)
    )
    assert result.joint_cost == 190 * 120
    assert result.current_destinations.total == 100
    assert result.modelled_destinations.reuse == 50  # 50% of the 100 t with a destination
    assert any("20.00 tonnes collected have no recorded destination" in n for n in result.notes)


@pytest.mark.parametrize(
    ("councils", "assumptions", "message"),
    [
        ([], per_tonne(), "at least one council"),
        ("X", per_tonne(), "list of council codes"),
        (["X", "X"], per_tonne(), "named twice"),
        (["X", "Q"], per_tonne(), "no bulky waste profile for 2024-25 from Q"),
        (["X", "Y"], per_tonne(joint_price=Decimal("-1")), "joint price must be an amount of zero"),
        (["X", "Y"], per_tonne(joint_price="cheap"), "got 'cheap'"),
        (["X", "Y"], per_tonne(pricing_basis="per_item"), "per_tonne or per_collection"),
        (["X", "Y"], per_tonne(reuse_share_target="1.2"), "reuse share target must be a share"),
        (["X", "Y"], per_tonne(recycling_share_target="-0.1"), "recycling share target"),
        (
            ["X", "Y"],
            per_tonne(reuse_share_target="0.7", recycling_share_target="0.4"),
            "add up to more than the whole",
        ),
        (
            ["X", "Y"],
            per_tonne(reuse_share_target="0.9", recycling_share_target=None),
            "exceed the group's 1000.00 tonnes",
        ),
        (
            ["X", "Y"],
            per_tonne(co2e_factors={"reuse": DEFAULT_CO2E_FACTORS["reuse"]}),
            "missing: recycling, energy_recovery, landfill",
        ),
    ],
)
def test_invalid_requests_are_refused_with_a_reason(councils, assumptions, message) -> None:
    with pytest.raises(JointServiceError, match=message):
        model_joint_service(PROFILES, councils, YEAR, assumptions)


def test_missing_figures_name_the_council_and_the_figure() -> None:
    no_cost = council("N", 10, 10, None, 1, 1, 4, 4)
    with pytest.raises(JointServiceError, match="N 2024-25 lacks annual operating cost"):
        model_joint_service([X, no_cost], ["X", "N"], YEAR, per_tonne())
    no_collections = council("M", None, 10, 100, 1, 1, 4, 4)
    assert (
        model_joint_service([no_collections], ["M"], YEAR, per_tonne()).pooled_collections is None
    )
    with pytest.raises(JointServiceError, match="M 2024-25 lacks collections made"):
        model_joint_service(
            [no_collections], ["M"], YEAR, per_tonne(pricing_basis="per_collection")
        )


def test_a_bad_financial_year_is_refused() -> None:
    with pytest.raises(JointServiceError, match="like 2024-25"):
        model_joint_service(PROFILES, ["X"], "2024", per_tonne())


def test_nothing_to_split_when_nothing_goes_to_residual_today() -> None:
    all_reused = council("R", 10, 100, 1000, 60, 40, 0, 0)
    with pytest.raises(JointServiceError, match="sends nothing to energy recovery or landfill"):
        model_joint_service(
            [all_reused],
            ["R"],
            YEAR,
            per_tonne(reuse_share_target="0.5", recycling_share_target="0.3"),
        )
    same = model_joint_service(
        [all_reused], ["R"], YEAR, per_tonne(reuse_share_target="0.6", recycling_share_target="0.4")
    )
    assert same.co2e_change_kg == 0
