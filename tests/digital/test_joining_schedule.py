"""The joining schedule (each council joins when its current contract can end) and the
savings per council that follow from it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plugins.digital.appraisal import (
    AppraisalError,
    CouncilSystem,
    appraise,
    joining_schedule,
    net_savings_per_council,
    read_case,
)


def _system(code: str, end: date | None, max_end: date | None = None) -> CouncilSystem:
    return CouncilSystem(
        council_code=code,
        end_date=end,
        max_end_date=max_end,
        bau_annual_cost=Decimal(100_000),
        national_annual_cost=Decimal(60_000),
    )


COUNCILS = [
    _system("ABD", date(2027, 3, 31)),  # ends with financial year 2026/27
    _system("EDI", date(2027, 6, 30), max_end=date(2029, 6, 30)),  # ends inside FY 2027/28
    _system("FIF", date(2025, 12, 31)),  # already ended
    _system("GLA", None),  # end date not recorded
    _system("HLD", date(2040, 3, 31)),  # runs past the period
]


def test_each_council_joins_in_the_first_year_after_its_contract_can_end() -> None:
    schedule = joining_schedule(COUNCILS, base_year=2026, years=10)
    joins = {c.council_code: (c.join_year, c.join_index) for c in schedule.councils}
    assert joins == {
        "ABD": (2027, 1),  # FY 2027/28 starts the day after the contract ends
        "EDI": (2028, 2),  # keeps paying for FY 2027/28, in which its contract ends
        "FIF": (2026, 0),
        "GLA": (None, None),
        "HLD": (None, None),
    }
    reasons = {c.council_code: c.reason for c in schedule.councils if c.reason}
    assert reasons == {
        "GLA": "no end date recorded for the current contract",
        "HLD": "the current contract runs beyond the appraisal period",
    }
    assert schedule.joining_by_year[:3] == (("FIF",), ("ABD",), ("EDI",))


def test_the_savings_profile_is_bau_cost_until_joining_then_the_national_cost() -> None:
    schedule = joining_schedule(COUNCILS, base_year=2026, years=4)
    edi = next(c for c in schedule.councils if c.council_code == "EDI")
    assert edi.costs_with_national == (100_000, 100_000, 60_000, 60_000, 60_000)
    assert edi.savings == (0, 0, 40_000, 40_000, 40_000)
    assert schedule.bau_costs == (500_000,) * 5
    # FIF saves from year 0, ABD from 1, EDI from 2; GLA and HLD never.
    assert schedule.savings == (40_000, 80_000, 120_000, 120_000, 120_000)


def test_parallel_running_carries_both_costs_in_the_joining_year() -> None:
    schedule = joining_schedule(COUNCILS[:1], base_year=2026, years=3, parallel_running=True)
    (abd,) = schedule.councils
    assert abd.costs_with_national == (100_000, 160_000, 60_000, 60_000)
    assert abd.savings == (0, -60_000, 40_000, 40_000)


def test_calendar_years_and_the_latest_end_date_can_be_chosen() -> None:
    calendar = joining_schedule(COUNCILS[:2], base_year=2026, years=5, year_start_month=1)
    assert [c.join_year for c in calendar.councils] == [2028, 2028]
    latest = joining_schedule(COUNCILS[1:2], base_year=2026, years=5, join_at="max_end_date")
    (edi,) = latest.councils
    assert edi.end_date == date(2029, 6, 30)
    assert edi.join_year == 2030


def test_the_schedule_appraises_to_the_sum_of_the_councils_savings() -> None:
    schedule = joining_schedule(COUNCILS, base_year=2026, years=10)
    bau, national = schedule.as_options()
    case = read_case(
        {
            "appraisal_years": 10,
            "options": [
                {"name": bau.name, "operating": [float(v) for v in bau.operating]},
                {"name": national.name, "operating": [float(v) for v in national.operating]},
            ],
        }
    )
    (comparison,) = appraise(case).comparisons
    per_council = net_savings_per_council(schedule.cost_lines())
    assert [s.council_code for s in per_council] == ["ABD", "EDI", "FIF", "GLA", "HLD"]
    total = sum(s.pv_savings for s in per_council)
    assert abs(comparison.incremental_npsv - total) < Decimal("0.000001")
    gla = next(s for s in per_council if s.council_code == "GLA")
    assert gla.pv_savings == 0


def test_net_savings_per_council_discounts_bau_less_national_costs() -> None:
    (fife,) = net_savings_per_council({"FIF": ([100, 100, 100], [60, 60, 60])})
    expected = 40 + 40 / 1.035 + 40 / 1.035**2
    assert float(fife.pv_savings) == pytest.approx(expected, abs=1e-9)
    assert fife.savings_by_year == (40, 40, 40)
    assert abs(fife.pv_bau - fife.pv_national - fife.pv_savings) < Decimal("1e-20")


def test_bad_schedules_are_refused_with_a_clear_message() -> None:
    with pytest.raises(AppraisalError, match="listed twice"):
        joining_schedule([COUNCILS[0], COUNCILS[0]], base_year=2026, years=5)
    with pytest.raises(AppraisalError, match="years cannot be negative"):
        joining_schedule(COUNCILS, base_year=2026, years=-1)
    with pytest.raises(AppraisalError, match="year_start_month"):
        joining_schedule(COUNCILS, base_year=2026, years=5, year_start_month=13)
    negative = CouncilSystem("X", date(2027, 3, 31), Decimal(-1), Decimal(0))
    with pytest.raises(AppraisalError, match="cannot be negative"):
        joining_schedule([negative], base_year=2026, years=5)
    with pytest.raises(AppraisalError, match="must be a number"):
        net_savings_per_council({"X": (["100"], [60])})
