"""The bulky waste benchmark: each measure across councils for one financial year.

Figures are exact fractions from the councils' own numbers; nothing is rounded until it is
shown (`display_value`), so an officer re-doing a figure in a spreadsheet gets the same answer.
A council missing a figure is *unknown* for that measure, never zero: a zero would drag the
median and make a council look cheap or slow when it simply has not reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from .bulky_profile import BulkyServiceProfile, check_financial_year

LOWER_IS_BETTER = "lower_is_better"
HIGHER_IS_BETTER = "higher_is_better"
NEUTRAL = "neutral"

QUARTILE_METHOD = (
    "Inclusive method: Python's statistics.quantiles(data, n=4, method='inclusive'), the same "
    "as Excel's QUARTILE.INC (and PERCENTILE.INC at 0.25, 0.5, 0.75): sort the n known values; "
    "the quartile at p sits at position p*(n-1) counting from 0, interpolating linearly "
    "between neighbours. The median is QUARTILE.INC(...,2) = MEDIAN(...)."
)


class BenchmarkError(ValueError):
    """The benchmark cannot be drawn from the figures given; the message says why."""


class Measure(NamedTuple):
    """One benchmark measure: what it is, its unit, which way is better, how it is worked out."""

    key: str
    label: str
    unit: str
    direction: str
    formula: str


MEASURES: tuple[Measure, ...] = (
    Measure(
        "cost_per_collection",
        "Cost per collection",
        "£ per collection",
        LOWER_IS_BETTER,
        "operating cost ÷ collections made",
    ),
    Measure(
        "cost_per_tonne",
        "Cost per tonne",
        "£ per tonne",
        LOWER_IS_BETTER,
        "operating cost ÷ tonnes collected",
    ),
    Measure(
        "reuse_share",
        "Reuse share",
        "share of tonnes collected",
        HIGHER_IS_BETTER,
        "tonnes to reuse ÷ tonnes collected",
    ),
    Measure(
        "recycling_share",
        "Recycling share",
        "share of tonnes collected",
        HIGHER_IS_BETTER,
        "tonnes to recycling ÷ tonnes collected",
    ),
    Measure(
        "reuse_and_recycling_share",
        "Reuse and recycling share",
        "share of tonnes collected",
        HIGHER_IS_BETTER,
        "(tonnes to reuse + tonnes to recycling) ÷ tonnes collected",
    ),
    Measure(
        "charge",
        "Charge per collection",
        "£ per collection",
        NEUTRAL,
        "the standard charge to residents as recorded",
    ),
    Measure(
        "days_to_collection",
        "Days from request to collection",
        "days",
        LOWER_IS_BETTER,
        "average days as recorded",
    ),
    Measure(
        "tonnes_per_1000_households",
        "Tonnes per 1,000 households",
        "tonnes per 1,000 households",
        NEUTRAL,
        "tonnes collected ÷ households × 1,000 (households from NRS estimates)",
    ),
)
MEASURES_BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}


@dataclass(frozen=True)
class CouncilStanding:
    """One council on one measure, against the median of the councils that reported it.

    `verdict` is "better", "worse" or "same" where the measure has a better direction, and
    "higher", "lower" or "same" where it has none (charge, tonnes per household); None when
    the council's figure or the median is unknown.
    """

    council_code: str
    value: Fraction | None
    difference_from_median: Fraction | None
    ratio_to_median: Fraction | None
    verdict: str | None


@dataclass(frozen=True)
class MeasureBenchmark:
    measure: Measure
    known: int
    unknown_councils: tuple[str, ...]
    lower_quartile: Fraction | None
    median: Fraction | None
    upper_quartile: Fraction | None
    councils: tuple[CouncilStanding, ...]

    def standing(self, council_code: str) -> CouncilStanding:
        for standing in self.councils:
            if standing.council_code == council_code:
                return standing
        raise KeyError(council_code)


@dataclass(frozen=True)
class Benchmark:
    financial_year: str
    councils: tuple[str, ...]
    measures: tuple[MeasureBenchmark, ...]
    quartile_method: str = QUARTILE_METHOD

    def measure(self, key: str) -> MeasureBenchmark:
        for result in self.measures:
            if result.measure.key == key:
                return result
        raise KeyError(key)


def _fraction(value: Decimal | int | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def _ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> Fraction | None:
    """numerator ÷ denominator, unknown when either is unknown or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def measure_values(
    profile: BulkyServiceProfile, households: int | None = None
) -> dict[str, Fraction | None]:
    """Every measure for one council's profile (None where a figure is missing)."""
    reuse, recycling = profile.tonnes_reuse, profile.tonnes_recycling
    both = None if reuse is None or recycling is None else reuse + recycling
    per_household = _ratio(profile.tonnes_collected, households)
    return {
        "cost_per_collection": _ratio(profile.operating_cost, profile.collections),
        "cost_per_tonne": _ratio(profile.operating_cost, profile.tonnes_collected),
        "reuse_share": _ratio(reuse, profile.tonnes_collected),
        "recycling_share": _ratio(recycling, profile.tonnes_collected),
        "reuse_and_recycling_share": _ratio(both, profile.tonnes_collected),
        "charge": _fraction(profile.charge_price),
        "days_to_collection": _fraction(profile.days_to_collection),
        "tonnes_per_1000_households": None if per_household is None else per_household * 1000,
    }


def inclusive_quartiles(values: Sequence[Fraction]) -> tuple[Fraction, Fraction, Fraction]:
    """Q1, median, Q3 as Excel's QUARTILE.INC gives them (exact, no rounding).

    Defined for one value too (all three are that value), where Python 3.11's
    statistics.quantiles refuses; for two or more it gives exactly what statistics.quantiles
    (method="inclusive") gives.
    """
    if not values:
        raise BenchmarkError("Quartiles need at least one known value.")
    data = sorted(values)
    last = len(data) - 1

    def at(p: Fraction) -> Fraction:
        position = p * last
        below = int(position)  # floor: positions are never negative
        weight = position - below
        if weight == 0:
            return data[below]
        return data[below] + (data[below + 1] - data[below]) * weight

    return at(Fraction(1, 4)), at(Fraction(1, 2)), at(Fraction(3, 4))


def _verdict(direction: str, difference: Fraction) -> str:
    if difference == 0:
        return "same"
    if direction == NEUTRAL:
        return "higher" if difference > 0 else "lower"
    lower_is_better = direction == LOWER_IS_BETTER
    return "better" if (difference < 0) == lower_is_better else "worse"


def _measure_benchmark(measure: Measure, values: Mapping[str, Fraction | None]) -> MeasureBenchmark:
    known = [v for v in values.values() if v is not None]
    q1 = median = q3 = None
    if known:
        q1, median, q3 = inclusive_quartiles(known)
    standings = []
    for council, value in values.items():
        if value is None or median is None:
            standings.append(CouncilStanding(council, value, None, None, None))
            continue
        difference = value - median
        ratio = value / median if median != 0 else None
        standings.append(
            CouncilStanding(
                council, value, difference, ratio, _verdict(measure.direction, difference)
            )
        )
    return MeasureBenchmark(
        measure=measure,
        known=len(known),
        unknown_councils=tuple(c for c, v in values.items() if v is None),
        lower_quartile=q1,
        median=median,
        upper_quartile=q3,
        councils=tuple(standings),
    )


def benchmark(
    profiles: Iterable[BulkyServiceProfile],
    financial_year: str,
    households: Mapping[str, int] | None = None,
) -> Benchmark:
    """The benchmark for one financial year across every council with a profile for it.

    Profiles for other years are left out. `households` maps council code → households; a
    council missing from it is unknown on tonnes per 1,000 households only.
    """
    year = check_financial_year(financial_year)
    if year is None:
        raise BenchmarkError(
            f"Financial year must be written like 2024-25; got '{financial_year}'."
        )
    chosen: dict[str, BulkyServiceProfile] = {}
    for profile in profiles:
        if profile.financial_year != year:
            continue
        if profile.council_code in chosen:
            raise BenchmarkError(
                f"Council {profile.council_code} has two bulky waste profiles for {year}; keep one."
            )
        chosen[profile.council_code] = profile
    households = households or {}
    for council, count in households.items():
        if count is not None and (not isinstance(count, int) or count < 0):
            raise BenchmarkError(
                f"Households for council {council} must be a whole number of zero or more; "
                f"got '{count}'."
            )
    by_council = {
        code: measure_values(profile, households.get(code)) for code, profile in chosen.items()
    }
    measures = tuple(
        _measure_benchmark(m, {code: values[m.key] for code, values in by_council.items()})
        for m in MEASURES
    )
    return Benchmark(financial_year=year, councils=tuple(chosen), measures=measures)


def display_value(value: Fraction | Decimal | int | None, places: int = 2) -> Decimal | None:
    """A figure rounded for showing (half away from zero, as Excel's ROUND); the only place
    rounding happens."""
    if value is None:
        return None
    exact = Fraction(value)
    scaled = abs(exact) * 10**places
    rounded = math.floor(scaled + Fraction(1, 2))
    if exact < 0:
        rounded = -rounded
    return Decimal(rounded).scaleb(-places)
