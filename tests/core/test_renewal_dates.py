"""Tests for procurehub.renewal_dates: months added with end-of-month clamping (DESIGN §3)."""

from __future__ import annotations

import calendar
from datetime import date, datetime

import pytest
from cells import third_party_imports
from hypothesis import given
from hypothesis import strategies as st

from procurehub import renewal_dates
from procurehub.renewal_dates import add_months, days_in_month, max_end_date


def test_module_imports_only_the_standard_library():
    assert third_party_imports(renewal_dates.__file__) == set()


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=12))
def test_days_in_month_matches_the_calendar(year, month):
    assert days_in_month(year, month) == calendar.monthrange(year, month)[1]


# --------------------------------------------------------------------------------------------
# add_months / max_end_date
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2025, 3, 31), 6, date(2025, 9, 30)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 3, 15), 0, date(2025, 3, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
        (date(2019, 3, 31), 24, date(2021, 3, 31)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_keeps_datetimes():
    result = add_months(datetime(2025, 1, 31, 9, 30), 1)
    assert result == datetime(2025, 2, 28, 9, 30)


def test_add_months_out_of_range_raises_value_error():
    with pytest.raises(ValueError):
        add_months(date(9999, 12, 1), 1)


@pytest.mark.parametrize(
    "end, periods, expected",
    [
        (None, [12, 12], None),
        (None, [], None),
        (date(2025, 3, 31), [], date(2025, 3, 31)),
        (date(2025, 3, 31), [12, 12], date(2027, 3, 31)),
        (date(2025, 3, 31), [6], date(2025, 9, 30)),
        (date(2024, 8, 31), [6, 6], date(2025, 8, 31)),
        (date(9999, 12, 1), [12], None),
    ],
)
def test_max_end_date(end, periods, expected):
    assert max_end_date(end, periods) == expected


all_dates = st.dates(min_value=date(100, 1, 1), max_value=date(9000, 12, 31))
month_offsets = st.integers(min_value=-1000, max_value=1000)


@given(all_dates, month_offsets)
def test_add_months_clamps_to_month_end(d, months):
    result = add_months(d, months)
    total = d.year * 12 + d.month - 1 + months
    assert result.year * 12 + result.month - 1 == total
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(d.day, last)


@given(all_dates, month_offsets, month_offsets)
def test_add_months_is_monotonic_in_months(d, a, b):
    lo, hi = sorted((a, b))
    assert add_months(d, lo) <= add_months(d, hi)


@given(all_dates, all_dates, month_offsets)
def test_add_months_is_monotonic_in_dates(d1, d2, months):
    lo, hi = sorted((d1, d2))
    assert add_months(lo, months) <= add_months(hi, months)


@given(all_dates, st.integers(min_value=0, max_value=500))
def test_add_months_round_trips_when_day_fits(d, months):
    d = d.replace(day=min(d.day, 28))
    assert add_months(add_months(d, months), -months) == d


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=5), st.dates())
def test_max_end_date_never_raises(periods, end):
    result = max_end_date(end, periods)
    assert result is None or result >= end


def test_max_end_date_takes_any_iterable_of_periods():
    assert max_end_date(date(2025, 3, 31), (12, 12)) == date(2027, 3, 31)
