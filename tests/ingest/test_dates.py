"""Tests for procurehub.ingest.dates: date cells, always UK day-first."""

from __future__ import annotations

import calendar
import functools
import math
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from cells import any_cell, check_result, quoted, third_party_imports
from hypothesis import given, settings
from hypothesis import strategies as st

from procurehub.ingest import dates as D
from procurehub.ingest.dates import parse_date
from procurehub.ingest.text import Parsed

EXCEL_EPOCH = date(1899, 12, 30)


def test_module_imports_only_the_standard_library_and_dateutil():
    assert third_party_imports(D.__file__) == {"dateutil"}


def test_parse_date_can_be_memoised():
    cached = functools.lru_cache(maxsize=None, typed=True)(parse_date)
    assert cached("31/03/2019") == cached("31/03/2019") == Parsed(date(2019, 3, 31), None)
    assert cached.cache_info().hits == 1


# --------------------------------------------------------------------------------------------
# parse_date: the forms registers write
# --------------------------------------------------------------------------------------------

DATE_CASES = [
    (date(2019, 3, 31), date(2019, 3, 31)),
    (datetime(2019, 3, 31, 13, 45), date(2019, 3, 31)),
    (datetime(2019, 3, 31, 23, 0, tzinfo=UTC), date(2019, 3, 31)),
    (43555, date(2019, 3, 31)),
    (43555.0, date(2019, 3, 31)),
    (43555.75, date(2019, 3, 31)),
    ("43555", date(2019, 3, 31)),
    ("43555.0", date(2019, 3, 31)),
    (20000, date(1954, 10, 3)),
    (80000, date(2119, 1, 11)),
    ("2019-03-31", date(2019, 3, 31)),
    ("2019-03-31T00:00:00Z", date(2019, 3, 31)),
    ("2019-03-31T23:30:00+01:00", date(2019, 3, 31)),
    ("2019-03-31T00:00:00.000-05:00", date(2019, 3, 31)),
    ("2019-03-31 00:00:00", date(2019, 3, 31)),
    ("2019/03/31", date(2019, 3, 31)),
    ("31/03/2019", date(2019, 3, 31)),
    ("31-03-2019", date(2019, 3, 31)),
    ("31.03.2019", date(2019, 3, 31)),
    ("31/3/19", date(2019, 3, 31)),
    ("1/4/69", date(2069, 4, 1)),
    ("1/4/70", date(1970, 4, 1)),
    ("01/04/99", date(1999, 4, 1)),
    ("31/03/2019 00:00:00", date(2019, 3, 31)),
    ("31/03/2019 10:15 am", date(2019, 3, 31)),
    ("  31/03/2019  ", date(2019, 3, 31)),
    ("26-Nov-2014", date(2014, 11, 26)),
    ("26-nov-14", date(2014, 11, 26)),
    ("26 Nov 2014", date(2014, 11, 26)),
    ("26 November 2014", date(2014, 11, 26)),
    ("26 Sept 2014", date(2014, 9, 26)),
    ("31st March 2025", date(2025, 3, 31)),
    ("2nd June 2021", date(2021, 6, 2)),
    ("23rd Dec 2022", date(2022, 12, 23)),
    ("1st of April 2020", date(2020, 4, 1)),
    ("the 1st of April 2020", date(2020, 4, 1)),
    ("March 31, 2025", date(2025, 3, 31)),
    ("March 31st 2025", date(2025, 3, 31)),
    ("Monday 3 March 2025", date(2025, 3, 3)),
    ("Mon, 3rd March 2025", date(2025, 3, 3)),
    ("Wednesday 26-Nov-2014", date(2014, 11, 26)),
    ("26-Nov-2014 00:00", date(2014, 11, 26)),
    ("20190331", date(2019, 3, 31)),
    (20190331, date(2019, 3, 31)),
    ("31032019", date(2019, 3, 31)),
]


@pytest.mark.parametrize("raw, expected", DATE_CASES)
def test_parse_date_reads_uk_formats(raw, expected):
    assert parse_date(raw) == Parsed(expected, None)
    assert type(parse_date(raw).value) is date


@pytest.mark.parametrize(
    "raw, start, end",
    [
        ("Mar-25", date(2025, 3, 1), date(2025, 3, 31)),
        ("Mar 2025", date(2025, 3, 1), date(2025, 3, 31)),
        ("March 2025", date(2025, 3, 1), date(2025, 3, 31)),
        ("03/2025", date(2025, 3, 1), date(2025, 3, 31)),
        ("3/2025", date(2025, 3, 1), date(2025, 3, 31)),
        ("2025-03", date(2025, 3, 1), date(2025, 3, 31)),
        ("Feb-24", date(2024, 2, 1), date(2024, 2, 29)),
        ("February 2023", date(2023, 2, 1), date(2023, 2, 28)),
        ("Sept 2025", date(2025, 9, 1), date(2025, 9, 30)),
        ("Dec-99", date(1999, 12, 1), date(1999, 12, 31)),
    ],
)
def test_parse_date_month_and_year(raw, start, end):
    assert parse_date(raw) == Parsed(start, None)
    assert parse_date(raw, end=False) == Parsed(start, None)
    assert parse_date(raw, end=True) == Parsed(end, None)


def test_end_flag_does_not_change_full_dates():
    assert parse_date("01/03/2025", end=True).value == date(2025, 3, 1)
    assert parse_date(43555, end=True).value == date(2019, 3, 31)


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "-", "n/a", "N/A", "none", "None", "TBC", "TBA", math.nan]
)
def test_parse_date_blank(raw):
    assert parse_date(raw) == Parsed(None, None)


@pytest.mark.parametrize(
    "raw",
    [
        "31/13/2019",
        "31/02/2020",
        "29/02/2019",
        "32/01/2020",
        "00/01/2020",
        "2025",
        "12/31/2019",
        "next year",
        "31 Smarch 2025",
        "Q1 2025",
        "13/2025",
        "31/03/0219",
        "2019-02-30",
        "31/03/2019 - 30/03/2020",
        "123",
        "1e5",
        "99999",
    ],
)
def test_parse_date_bad_text_is_a_quoted_problem(raw):
    result = parse_date(raw)
    assert result.value is None
    assert quoted(raw) in result.problem


@pytest.mark.parametrize(
    "raw", [123, 19999, 19999.9, 80001, -5, 1.5, math.inf, -math.inf, True, False]
)
def test_parse_date_bad_numbers_are_problems(raw):
    result = parse_date(raw)
    assert result.value is None
    assert result.problem and result.problem.startswith("could not read")


def test_parse_date_messages():
    assert parse_date("31/13/2019").problem == (
        'could not read "31/13/2019" as a date (UK day-first, e.g. 31/03/2019)'
    )
    assert "February 2020 has 29 days" in parse_date("31/02/2020").problem
    assert "only a year" in parse_date("2025").problem


def test_parse_date_is_day_first_not_month_first():
    assert parse_date("02/03/2020").value == date(2020, 3, 2)
    assert parse_date("12/11/2020").value == date(2020, 11, 12)


# --------------------------------------------------------------------------------------------
# every absolute date a register or an export system writes (issue 8, item 4)
# --------------------------------------------------------------------------------------------

MARCH_31 = date(2025, 3, 31)


@pytest.mark.parametrize(
    "raw",
    [
        # date-times: seconds, fractions, 12-hour clocks
        "31/03/2025 14:30:00",
        "31/03/2025 2:30 PM",
        "31/03/2025 2:30pm",
        "31-Mar-2025 2:30:00 p.m.",
        "2025-03-31 14:30:00.123",
        "2025-03-31 14:30:00,123456",
        # ISO 8601, zones and offsets: the date as written
        "2025-03-31T00:00:00Z",
        "2025-03-31T23:00:00+01:00",
        "2025-03-31T23:59:59-11:00",
        "2025-03-31T00:30:00+14:00",
        "2025-03-31T14:30:00.000Z",
        "2025-03-31T14:30",
        "31/03/2025 23:00 BST",
        "31/03/2025 14:30 GMT",
        "31/03/2025 14:30 UTC",
        "31/03/2025 14:30 CET",
        "Mar 31st, 2025 14:30 GMT+1",
        "31 Mar 2025 14:30:00 GMT+0100",
        "March 31 2025 2:30PM EST",
        "31-March-2025 14:30:00 AEST",
        "Mon Mar 31 14:30:00 2025",
        "31/03/2025 14h30",
        "Tue, 31 Mar 2025 14:30:00 +0000",
        # weekdays
        "Monday, 31 March 2025",
        "Mon 31 Mar 2025",
        "Monday 31st March, 2025 at 14:30 BST",
        # ordinals, "of", "the"
        "31st March 2025",
        "31st of March 2025",
        "the 31st of March, 2025",
        "31st of March 2025 at 2pm",
        # month names before or after the day, abbreviated, with or without a dot
        "March 31, 2025",
        "March 31st 2025",
        "31 March 2025",
        "31 Mar. 2025",
        "31-Mar-25",
        "31/Mar/2025",
        "2025 March 31",
        # separators
        "31.03.2025",
        "31-03-2025",
        "31 03 2025",
        "31/03/2025 at 14:30",
        "2025.03.31",
        "2025/03/31",
        # compact digits and two-digit years
        "20250331",
        "31032025",
        "31/03/25",
        "31.3.25",
    ],
)
def test_parse_date_reads_every_written_form(raw):
    assert parse_date(raw) == Parsed(MARCH_31, None)
    assert parse_date(raw, end=True) == Parsed(MARCH_31, None)


@pytest.mark.parametrize(
    "raw",
    [
        "31/03/2025",
        "31/03/2025 14:30:00",
        "31/03/2025 2:30 PM",
        "31/03/2025 14:30 CET",
        "31/03/2025 at 14:30",
        "2025-03-31T23:00:00+01:00",
        "31-Mar-2025",
        "Mar-25",
        "Monday, 31st March 2025",
        "March 31, 2025",
        "43555",
        "20250331",
        "TBC",
        "31/02/2025",
        "12/31/2019",
    ],
)
def test_common_forms_stay_on_the_fast_paths(raw, monkeypatch):
    """dateutil costs ~80 us a cell: the forms registers write must never need it."""

    calls = []
    monkeypatch.setattr(D, "_dateutil_parse", lambda *a, **k: calls.append(a) or 1 / 0)
    D._dateutil_date.cache_clear()
    check_result(parse_date(raw))
    assert calls == []


def test_the_long_tail_does_reach_dateutil(monkeypatch):
    calls = []
    monkeypatch.setattr(D, "_dateutil_parse", lambda *a, **k: calls.append(a) or 1 / 0)
    D._dateutil_date.cache_clear()
    assert parse_date("2025 March 31").value is None  # dateutil "failed": not read
    assert calls


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("the 3rd of May, 2024", date(2024, 5, 3)),
        ("22nd of March 2025", date(2025, 3, 22)),
        ("Sept 30 2025", date(2025, 9, 30)),
        ("30 Sept. 2025", date(2025, 9, 30)),
        ("1st Jan 2000", date(2000, 1, 1)),
        ("29 Feb 2024", date(2024, 2, 29)),
        ("31 03 70 14:30 CET", date(1970, 3, 31)),  # dateutil's path keeps our 2-digit window
        ("31 03 69 14:30 CET", date(2069, 3, 31)),
    ],
)
def test_parse_date_more_written_forms(raw, expected):
    assert parse_date(raw) == Parsed(expected, None)


def test_time_zones_keep_the_date_as_written():
    # 23:00 at +01:00 is 22:00 UTC the same day, 00:30 at +14:00 is the day before in UTC, and
    # 23:59 at -11:00 is the next day in UTC: the register meant the day it wrote each time.
    assert parse_date("2025-03-31T00:30:00+14:00").value == MARCH_31
    assert parse_date("2025-03-31T23:59:59-11:00").value == MARCH_31
    assert parse_date(datetime(2025, 3, 31, 23, 30, tzinfo=UTC)).value == MARCH_31


def test_compact_digits_are_read_the_only_valid_way():
    # YYYYMMDD when that is a real date in 1900-2199, else DDMMYYYY.
    assert parse_date("19991231").value == date(1999, 12, 31)
    assert parse_date("31121999").value == date(1999, 12, 31)
    assert parse_date("01022003").value == date(2003, 2, 1)
    assert parse_date(20250331).value == MARCH_31
    assert parse_date("31132025").problem


@pytest.mark.parametrize(
    "raw",
    [
        # parts missing: dateutil would fill them from today or a default
        "31/03",
        "31 March",
        "March 31st",
        "31st",
        "14:30",
        "Monday",
        "1st",
        "the 3rd",
        # month-first and year-day-month orders are never guessed
        "12/31/2019",
        "3/31/2025 2:30 PM",
        "2019 31 12",
        "12-31-2019 14:30 CET",
        # not a date
        "2025-W13",
        "Q1 2025",
        "next Tuesday",
        "31/03/2019 - 30/03/2020",
        "between 1 March 2025 and 31 March 2025",
        "31 March 2025 (estimated)",
        "٣١/٠٣/٢٠٢٥",
    ],
)
def test_parse_date_never_guesses(raw):
    result = parse_date(raw)
    assert result.value is None
    assert quoted(raw) in result.problem


def test_month_only_text_is_still_a_month_not_a_dateutil_guess():
    assert parse_date("Mar 2025").value == date(2025, 3, 1)
    assert parse_date("Mar 2025", end=True).value == date(2025, 3, 31)
    assert parse_date("March, 2025", end=True).value == date(2025, 3, 31)


# --------------------------------------------------------------------------------------------
# problems quote the value, shortened when long
# --------------------------------------------------------------------------------------------


def test_long_values_are_shortened_in_problems():
    raw = "x" * 500
    problem = parse_date(raw).problem
    assert len(problem) < 200
    assert '"' + "x" * 77 + '..."' in problem


# --------------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------------


@settings(max_examples=400)
@given(any_cell, st.booleans())
def test_parse_date_never_raises(cell, end):
    result = parse_date(cell, end=end)
    check_result(result)
    assert result.value is None or type(result.value) is date
    if result.value is not None:
        assert result.problem is None


def test_parse_date_accepts_none():
    assert parse_date(None) == Parsed(None, None)


# 1900..2199 is the range parse_date accepts in text
plausible_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))
plausible_times = st.times()


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _sept(d: date) -> str:
    return "Sept" if d.month == 9 else d.strftime("%b")


# Each renders a date (and a time of day) the way some register or export system writes it.
RENDERINGS = [
    lambda d, t: d.strftime("%d/%m/%Y"),
    lambda d, t: f"{d.day}/{d.month}/{d.year}",
    lambda d, t: d.strftime("%d.%m.%Y"),
    lambda d, t: d.strftime("%d-%m-%Y"),
    lambda d, t: d.strftime("%d %m %Y"),
    lambda d, t: d.strftime("%Y%m%d"),
    lambda d, t: d.strftime("%d%m%Y"),
    lambda d, t: d.strftime("%Y-%m-%d"),
    lambda d, t: d.strftime("%Y/%m/%d"),
    lambda d, t: d.strftime("%d-%b-%Y"),
    lambda d, t: d.strftime("%d %B %Y"),
    lambda d, t: d.strftime("%d %b. %Y"),
    lambda d, t: d.strftime("%A, %d %B %Y"),
    lambda d, t: d.strftime("%a %d %b %Y"),
    lambda d, t: d.strftime("%B %d, %Y"),
    lambda d, t: f"{_sept(d)} {d.day} {d.year}",
    lambda d, t: f"{_ordinal(d.day)} {d:%B} {d.year}",
    lambda d, t: f"the {_ordinal(d.day)} of {d:%B}, {d.year}",
    lambda d, t: f"{d:%d/%m/%Y} {t:%H:%M:%S}",
    lambda d, t: f"{d:%d/%m/%Y} {t:%I:%M %p}",
    lambda d, t: f"{d:%Y-%m-%d} {t:%H:%M:%S.%f}",
    lambda d, t: f"{d:%Y-%m-%d}T{t:%H:%M:%S}Z",
    lambda d, t: f"{d:%Y-%m-%d}T{t:%H:%M:%S}+01:00",
    lambda d, t: f"{d:%Y-%m-%d}T{t:%H:%M:%S}-05:00",
    # the long tail dateutil reads
    lambda d, t: f"{d:%d/%m/%Y} {t:%H:%M} CET",
    lambda d, t: f"{d.year} {d:%B} {d.day}",
    lambda d, t: f"{_ordinal(d.day)} of {d:%B} {d.year} at {t:%H:%M}",
    lambda d, t: f"{d:%b} {_ordinal(d.day)}, {d.year} {t:%H:%M} GMT+1",
]


@settings(max_examples=300)
@given(plausible_dates, plausible_times, st.sampled_from(range(len(RENDERINGS))))
def test_parse_date_reads_rendered_dates_exactly(d, t, which):
    text = RENDERINGS[which](d, t)
    assert parse_date(text) == Parsed(d, None), text
    assert parse_date(text, end=True) == Parsed(d, None), text


@given(
    st.dates(min_value=date(1970, 1, 1), max_value=date(2069, 12, 31)),
    st.sampled_from(["%d/%m/%y", "%d-%b-%y", "%d.%m.%y"]),
)
def test_parse_date_reads_two_digit_years_from_1970_to_2069(d, fmt):
    assert parse_date(d.strftime(fmt)) == Parsed(d, None)


_SERIAL = re.compile(r"\s*\d{5}(?:\.\d*)?\s*")
date_like_text = st.text(
    alphabet="0123456789/-.:, TZ+stndrhofJanFebMarchAprilSeptDecMonday", max_size=30
)


@settings(max_examples=500)
@given(st.one_of(st.text(max_size=40), date_like_text), st.booleans())
def test_parse_date_never_returns_a_date_it_did_not_read(text, end):
    """A date from text has its year and (unless it is a month alone) its day written in it.

    The only exception is an Excel serial number, which counts days from 1899-12-30.
    """
    result = parse_date(text, end=end)
    check_result(result)
    d = result.value
    if d is None or _SERIAL.fullmatch(text):
        return
    assert f"{d.year % 100:02d}" in text
    month_bound = 1 if not end else calendar.monthrange(d.year, d.month)[1]
    assert str(d.day) in text or d.day == month_bound


@given(plausible_dates, st.sampled_from(["%d/%m/%Y", "%d-%b-%Y", "%Y-%m-%d", "%d %B %Y"]))
def test_parse_date_round_trips_formatted_dates(d, fmt):
    text = d.strftime(fmt)
    assert parse_date(text) == Parsed(d, None)
    assert parse_date(text, end=True) == Parsed(d, None)


@given(
    st.dates(
        min_value=EXCEL_EPOCH + timedelta(days=20000), max_value=EXCEL_EPOCH + timedelta(days=80000)
    )
)
def test_parse_date_round_trips_excel_serials(d):
    serial = (d - EXCEL_EPOCH).days
    assert parse_date(serial) == Parsed(d, None)
    assert parse_date(float(serial)) == Parsed(d, None)
    assert parse_date(serial + 0.5) == Parsed(d, None)
    assert parse_date(str(serial)) == Parsed(d, None)


@given(plausible_dates)
def test_parse_date_month_year_gives_month_bounds(d):
    text = d.strftime("%B %Y")
    first = parse_date(text).value
    last = parse_date(text, end=True).value
    assert first == d.replace(day=1)
    assert last == d.replace(day=calendar.monthrange(d.year, d.month)[1])


def test_nan_is_blank():
    assert parse_date(math.nan) == Parsed(None, None)
