"""The bulky waste benchmark, checked against figures worked out by hand below.

Five councils in 2024-25 (E has reported only tonnes, charge and nothing else):

    council  collections  tonnes  cost     reuse  recycling  EfW  landfill  charge  days  households
    A        1,000        200     50,000   20     60         100  20        25      5     100,000
    B        2,000        500     80,000   100    150        200  50        0       10    250,000
    C        4,000        600     200,000  30     120        300  150       35      8     150,000
    D        500          100     30,000   25     25         25   25        20      3     (none)
    E        -            300     -        -      -          -    -         30      -     50,000

Quartiles by the inclusive method (Excel QUARTILE.INC): sorted values x0..x(n-1), the quartile
at p is at position p*(n-1), interpolated linearly.
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from fractions import Fraction as F

import pytest

from plugins.waste.bulky_benchmark import (
    MEASURES,
    BenchmarkError,
    benchmark,
    display_value,
    inclusive_quartiles,
)
from plugins.waste.bulky_profile import BulkyServiceProfile

YEAR = "2024-25"


def profile(code: str, year: str = YEAR, **figures: object) -> BulkyServiceProfile:
    converted = {
        k: (
            Decimal(str(v))
            if isinstance(v, int | float)
            and k not in {"collections", "items", "charge_items_covered"}
            else v
        )
        for k, v in figures.items()
    }
    return BulkyServiceProfile(code, year, "in_house", **converted)


def row(code, collections, tonnes, cost, reuse, recycling, efw, landfill, charge, days):
    return profile(
        code,
        collections=collections,
        tonnes_collected=tonnes,
        operating_cost=cost,
        tonnes_reuse=reuse,
        tonnes_recycling=recycling,
        tonnes_energy_recovery=efw,
        tonnes_landfill=landfill,
        charge_price=charge,
        days_to_collection=days,
    )


PROFILES = [
    row("A", 1000, 200, 50000, 20, 60, 100, 20, 25, 5),
    row("B", 2000, 500, 80000, 100, 150, 200, 50, 0, 10),
    row("C", 4000, 600, 200000, 30, 120, 300, 150, 35, 8),
    row("D", 500, 100, 30000, 25, 25, 25, 25, 20, 3),
    profile("E", tonnes_collected=Decimal(300), charge_price=Decimal(30)),
    # Another year: must be left out.
    BulkyServiceProfile("A", "2023-24", "contractor", collections=1, operating_cost=Decimal(9)),
]
HOUSEHOLDS = {"A": 100_000, "B": 250_000, "C": 150_000, "E": 50_000}


@pytest.fixture(scope="module")
def result():
    return benchmark(PROFILES, YEAR, HOUSEHOLDS)


def test_only_the_chosen_year_is_benchmarked(result) -> None:
    assert result.financial_year == YEAR
    assert result.councils == ("A", "B", "C", "D", "E")


def test_cost_per_collection_by_hand(result) -> None:
    m = result.measure("cost_per_collection")
    # A 50,000/1,000 = 50; B 40; C 50; D 60; E unknown. Sorted 40 50 50 60.
    assert [s.value for s in m.councils] == [50, 40, 50, 60, None]
    assert m.known == 4 and m.unknown_councils == ("E",)
    # Q1 at 0.75: 40 + 0.75*(50-40) = 47.5; median at 1.5: 50; Q3 at 2.25: 50 + 0.25*10 = 52.5
    assert (m.lower_quartile, m.median, m.upper_quartile) == (F("47.5"), 50, F("52.5"))
    b, d, a, e = (m.standing(c) for c in "BDAE")
    assert (b.difference_from_median, b.ratio_to_median, b.verdict) == (-10, F("0.8"), "better")
    assert (d.difference_from_median, d.ratio_to_median, d.verdict) == (10, F("1.2"), "worse")
    assert a.verdict == "same"
    assert (e.value, e.difference_from_median, e.ratio_to_median, e.verdict) == (None,) * 4


def test_cost_per_tonne_by_hand(result) -> None:
    m = result.measure("cost_per_tonne")
    # A 250, B 160, C 200,000/600 = 1000/3, D 300; E has no cost. Sorted 160 250 300 1000/3.
    assert [s.value for s in m.councils] == [250, 160, F(1000, 3), 300, None]
    # Q1 = 160 + 0.75*90 = 227.5; median = 250 + 0.5*50 = 275; Q3 = 300 + 0.25*(100/3) = 925/3
    assert (m.lower_quartile, m.median, m.upper_quartile) == (F("227.5"), 275, F(925, 3))
    assert display_value(m.upper_quartile) == Decimal("308.33")
    assert m.standing("C").verdict == "worse" and m.standing("B").verdict == "better"


def test_reuse_and_recycling_shares_by_hand(result) -> None:
    reuse = result.measure("reuse_share")
    # A 0.1, B 0.2, C 0.05, D 0.25; E reported tonnes but no destinations: unknown, not 0.
    assert [s.value for s in reuse.councils] == [F("0.1"), F("0.2"), F("0.05"), F("0.25"), None]
    # sorted .05 .1 .2 .25: Q1 .05+.75*.05 = .0875; median .15; Q3 .2+.25*.05 = .2125
    assert (reuse.lower_quartile, reuse.median, reuse.upper_quartile) == (
        F("0.0875"),
        F("0.15"),
        F("0.2125"),
    )
    assert reuse.standing("A").verdict == "worse"  # higher reuse is better; 0.1 < 0.15
    assert reuse.standing("A").difference_from_median == F("-0.05")
    assert reuse.standing("B").verdict == "better"

    recycling = result.measure("recycling_share")
    # .3 .3 .2 .25 -> sorted .2 .25 .3 .3, median .275
    assert recycling.median == F("0.275")
    both = result.measure("reuse_and_recycling_share")
    # .4 .5 .25 .5 -> sorted .25 .4 .5 .5: Q1 .25+.75*.15 = .3625, median .45, Q3 .5
    assert [s.value for s in both.councils][:4] == [F("0.4"), F("0.5"), F("0.25"), F("0.5")]
    assert (both.lower_quartile, both.median, both.upper_quartile) == (
        F("0.3625"),
        F("0.45"),
        F("0.5"),
    )


def test_charge_counts_a_free_service_and_has_no_better_direction(result) -> None:
    m = result.measure("charge")
    # 25 0 35 20 30 -> sorted 0 20 25 30 35 (n=5): Q1 at 1 = 20, median at 2 = 25, Q3 at 3 = 30
    assert m.known == 5
    assert (m.lower_quartile, m.median, m.upper_quartile) == (20, 25, 30)
    assert [m.standing(c).verdict for c in "ABCDE"] == [
        "same",
        "lower",
        "higher",
        "lower",
        "higher",
    ]
    assert m.standing("B").ratio_to_median == 0


def test_days_to_collection_lower_is_better(result) -> None:
    m = result.measure("days_to_collection")
    # 5 10 8 3 -> sorted 3 5 8 10: Q1 3+.75*2 = 4.5, median 6.5, Q3 8+.25*2 = 8.5
    assert (m.lower_quartile, m.median, m.upper_quartile) == (F("4.5"), F("6.5"), F("8.5"))
    assert m.standing("D").verdict == "better" and m.standing("B").verdict == "worse"


def test_tonnes_per_1000_households_by_hand(result) -> None:
    m = result.measure("tonnes_per_1000_households")
    # A 200/100,000*1,000 = 2; B 2; C 4; D no household figure: unknown; E 300/50,000*1,000 = 6
    assert [s.value for s in m.councils] == [2, 2, 4, None, 6]
    # sorted 2 2 4 6: Q1 = 2, median = 3, Q3 = 4 + .25*2 = 4.5
    assert (m.lower_quartile, m.median, m.upper_quartile) == (2, 3, F("4.5"))
    assert m.unknown_councils == ("D",)


def test_every_measure_is_present_with_a_direction(result) -> None:
    assert [m.measure.key for m in result.measures] == [m.key for m in MEASURES]
    assert {m.direction for m in MEASURES} == {"lower_is_better", "higher_is_better", "neutral"}
    assert "QUARTILE.INC" in result.quartile_method


@pytest.mark.parametrize(
    "values",
    [
        [F(40), F(50), F(50), F(60)],
        [F(3), F(1)],
        [F(7), F(1), F(3), F(2), F(10), F(4)],
        [F(1, 3), F(2, 7), F(5, 11), F(9, 13), F(1, 17)],
    ],
)
def test_quartiles_agree_with_python_statistics_inclusive(values) -> None:
    expected = statistics.quantiles(values, n=4, method="inclusive")
    assert list(inclusive_quartiles(values)) == expected


def test_one_known_value_is_its_own_median_and_none_is_unknown() -> None:
    lone = benchmark([row("A", 10, 2, 100, 1, 1, 0, 0, 5, 4), profile("B")], YEAR)
    m = lone.measure("cost_per_collection")
    assert (m.lower_quartile, m.median, m.upper_quartile) == (10, 10, 10)
    assert m.standing("A").verdict == "same" and m.standing("B").verdict is None
    empty = benchmark([profile("B")], YEAR).measure("cost_per_tonne")
    assert (empty.known, empty.median, empty.standing("B").verdict) == (0, None, None)


def test_zero_collections_or_tonnes_give_unknown_not_a_division_error() -> None:
    result = benchmark(
        [profile("A", collections=0, tonnes_collected=Decimal(0), operating_cost=Decimal(10))],
        YEAR,
    )
    assert result.measure("cost_per_collection").standing("A").value is None
    assert result.measure("cost_per_tonne").standing("A").value is None


def test_a_zero_median_gives_no_ratio() -> None:
    result = benchmark(
        [
            profile("A", charge_price=Decimal(0)),
            profile("B", charge_price=Decimal(0)),
            profile("C", charge_price=Decimal(10)),
        ],
        YEAR,
    )
    c = result.measure("charge").standing("C")
    assert (c.difference_from_median, c.ratio_to_median, c.verdict) == (10, None, "higher")


def test_bad_requests_are_refused_with_reasons() -> None:
    with pytest.raises(BenchmarkError, match="like 2024-25; got '2024/25'"):
        benchmark(PROFILES, "2024/25")
    with pytest.raises(BenchmarkError, match="Council A has two bulky waste profiles"):
        benchmark([profile("A"), profile("A")], YEAR)
    with pytest.raises(BenchmarkError, match="Households for council A"):
        benchmark([profile("A")], YEAR, {"A": -5})


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (F(925, 3), 2, "308.33"),
        (F("2.675"), 2, "2.68"),
        (F("-2.5"), 0, "-3"),
        (F(2, 3), 1, "0.7"),
        (Decimal("0.125"), 2, "0.13"),
        (0, 2, "0.00"),
        (None, 2, None),
    ],
)
def test_display_rounds_half_away_from_zero_like_excel(value, places, shown) -> None:
    result = display_value(value, places)
    assert (None if result is None else str(result)) == shown
