"""Tests for procurehub.ingest.values: one-cell parsers for council contract registers."""

from __future__ import annotations

import ast
import calendar
import functools
import math
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurehub.ingest import extension_terms as V
from procurehub.ingest.extension_terms import (
    Money,
    Parsed,
    add_months,
    clean_text,
    initial_term_months,
    max_end_date,
    parse_collaboration_interest,
    parse_company_number,
    parse_cpv_codes,
    parse_date,
    parse_extension_terms,
    parse_integer,
    parse_money,
    parse_status,
    parse_yes_no,
)

EXCEL_EPOCH = date(1899, 12, 30)


def quoted(raw: object) -> str:
    return f'"{raw}"'


# --------------------------------------------------------------------------------------------
# module shape
# --------------------------------------------------------------------------------------------


def test_module_imports_only_the_standard_library():
    tree = ast.parse(Path(V.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported, "expected some imports"
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
    assert not imported & {"flask", "sqlalchemy", "dateutil"}


def test_parsed_and_money_are_immutable_named_tuples():
    p = Parsed(1, None)
    assert p == (1, None) and p.value == 1 and p.problem is None
    with pytest.raises(AttributeError):
        p.value = 2  # type: ignore[misc]
    m = Money(Decimal("1.00"), True)
    assert m.amount == Decimal("1.00") and m.is_estimate is True
    with pytest.raises(AttributeError):
        m.amount = Decimal(2)  # type: ignore[misc]


def test_parsers_can_be_memoised():
    cached = functools.lru_cache(maxsize=None, typed=True)(parse_date)
    assert cached("31/03/2019") == cached("31/03/2019") == Parsed(date(2019, 3, 31), None)
    assert cached.cache_info().hits == 1
    cached_money = functools.lru_cache(maxsize=None, typed=True)(parse_money)
    assert cached_money("£1.2m").value == Money(Decimal("1200000.00"), False)
    assert cached_money("£1.2m") is cached_money("£1.2m")


# --------------------------------------------------------------------------------------------
# 1. clean_text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  Refuse   collection ", "Refuse collection"),
        ("Biffa&apos;s &amp; Co", "Biffa's & Co"),
        ("a\u00a0\u00a0b", "a b"),
        ("line one\r\nline two\tend", "line one line two end"),
        ("\ufeffBOM\u200b", "BOM"),
        ("", None),
        ("   ", None),
        ("\u00a0", None),
        (None, None),
        (math.nan, None),
        (12.0, "12"),
        (12.5, "12.5"),
        (12, "12"),
        (-3.0, "-3"),
        (True, "True"),
        (date(2020, 1, 2), "2020-01-02"),
        ("n/a", "n/a"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


# --------------------------------------------------------------------------------------------
# 2. parse_date
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
# 3. add_months / 6. max_end_date
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


# --------------------------------------------------------------------------------------------
# 4. parse_money
# --------------------------------------------------------------------------------------------


def M(amount: str, estimate: bool = False) -> Parsed:
    return Parsed(Money(Decimal(amount), estimate), None)


MONEY_CASES = [
    ("£1,234,567.00", M("1234567.00")),
    ("1234567", M("1234567.00")),
    ("1,234,567", M("1234567.00")),
    ("£1.2m", M("1200000.00")),
    ("1.2M", M("1200000.00")),
    ("£1.2 million", M("1200000.00")),
    ("£500k", M("500000.00")),
    ("£500K", M("500000.00")),
    ("£1.5bn", M("1500000000.00")),
    ("(3728)", M("-3728.00")),
    ("(£3,728.50)", M("-3728.50")),
    ("-£50", M("-50.00")),
    ("£-50", M("-50.00")),
    ("GBP 1,000", M("1000.00")),
    ("1,000 GBP", M("1000.00")),
    ("GBP1000", M("1000.00")),
    ("£1,000 p.a.", M("1000.00")),
    ("£1,000 pa", M("1000.00")),
    ("£1,000 per annum", M("1000.00")),
    ("£1,000 (ex VAT)", M("1000.00")),
    ("£1,000 + VAT", M("1000.00")),
    ("£1,000 excl. VAT", M("1000.00")),
    ("approx. £5,000", M("5000.00", True)),
    ("Approximately £5,000", M("5000.00", True)),
    ("c. £5k", M("5000.00", True)),
    ("c£5k", M("5000.00", True)),
    ("circa £5k", M("5000.00", True)),
    ("estimated £5,000", M("5000.00", True)),
    ("est. £5,000", M("5000.00", True)),
    ("£5,000 (estimated)", M("5000.00", True)),
    ("~£5,000", M("5000.00", True)),
    ("up to £2m", M("2000000.00", True)),
    ("£10k-£20k", M("20000.00", True)),
    ("£10k - £20k", M("20000.00", True)),
    ("£10,000 to £20,000", M("20000.00", True)),
    ("between £10k and £20k", M("20000.00", True)),
    ("£1-2m", M("2000000.00", True)),
    (1234.5, M("1234.50")),
    (1234.567, M("1234.57")),
    (0.125, M("0.13")),
    (0.1 + 0.2, M("0.30")),
    (1234567, M("1234567.00")),
    (0, M("0.00")),
    (-3728, M("-3728.00")),
    (Decimal("12.345"), M("12.35")),
    ("£0", M("0.00")),
    ("nil", M("0.00")),
    ("£nil", M("0.00")),
    ("£.50", M("0.50")),
    ("1.2E+06", M("1200000.00")),
    ("  £ 1,234  ", M("1234.00")),
    ("£1,234,567.00\u00a0", M("1234567.00")),
]


@pytest.mark.parametrize("raw, expected", MONEY_CASES)
def test_parse_money(raw, expected):
    result = parse_money(raw)
    assert result == expected
    assert result.value.amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "  ",
        "-",
        "TBC",
        "tba",
        "TBA",
        "unknown",
        "Unknown",
        "various",
        "Various",
        "n/a",
        "N/A",
        "none",
        math.nan,
    ],
)
def test_parse_money_blank_and_unknown(raw):
    assert parse_money(raw) == Parsed(None, None)


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "£",
        "see contract",
        "1,2345",
        "1.234.567,00",
        "€5,000",
        "$5,000",
        "£500 per month",
        "£12 per tonne",
        "(3728",
        "£5k or £6k",
        "1e999999",
        "£12.5.3",
    ],
)
def test_parse_money_bad_text_is_a_quoted_problem(raw):
    result = parse_money(raw)
    assert result.value is None
    assert quoted(raw) in result.problem


@pytest.mark.parametrize("raw", [math.inf, -math.inf, 1e300, True, date(2020, 1, 1)])
def test_parse_money_bad_values_are_problems(raw):
    result = parse_money(raw)
    assert result.value is None and result.problem


def test_parse_money_uses_decimal_of_str_not_binary_float():
    # Decimal(1.005) is 1.00499999..., Decimal("1.005") rounds half up to 1.01
    assert parse_money(1.005).value.amount == Decimal("1.01")


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_parse_money_round_trips_formatted_amounts(amount):
    text = f"£{abs(amount):,.2f}"
    if amount < 0:
        text = f"({text})"
    assert parse_money(text) == Parsed(Money(amount.quantize(Decimal("0.01")), False), None)


# --------------------------------------------------------------------------------------------
# 5. parse_extension_terms / initial_term_months
# --------------------------------------------------------------------------------------------

EXTENSION_CASES = [
    ("2+1+1", [12, 12]),
    ("3+2", [24]),
    ("2 + 1 + 1 years", [12, 12]),
    ("2+1+1 yrs", [12, 12]),
    ("3 years + 1 year + 1 year", [12, 12]),
    ("24+12 months", [12]),
    ("+1+1", [12, 12]),
    ("Up to 24 months", [24]),
    ("Option to extend for up to 2 years", [24]),
    ("2 x 12 months", [12, 12]),
    ("2 x 1 year", [12, 12]),
    ("2x12 mths", [12, 12]),
    ("1 x 12 months", [12]),
    ("2 separate one year extension options", [12, 12]),
    ("two (2) periods of twelve (12) months", [12, 12]),
    ("Two further periods of 12 months each", [12, 12]),
    ("24 months Extensions", [24]),
    ("12 months", [12]),
    ("1 year", [12]),
    ("18 mths", [18]),
    ("1.5 years", [18]),
    ("a further year", [12]),
    ("twenty-four months", [24]),
    ("6 months + 6 months", [6, 6]),
    ("6 months and 6 months", [6, 6]),
    ("12 months x 2", [12, 12]),
    ("three x 1 yr", [12, 12, 12]),
    ("0 months", []),
    ("None", []),
    ("none", []),
    ("No", []),
    ("N/A", []),
    ("n/a", []),
    ("nil", []),
    ("0", []),
    (0, []),
    (0.0, []),
    ("no extension", []),
    ("No extensions available", []),
    ("", []),
    ("   ", []),
    (None, []),
    (math.nan, []),
]


@pytest.mark.parametrize("raw, expected", EXTENSION_CASES)
def test_parse_extension_terms(raw, expected):
    assert parse_extension_terms(raw) == Parsed(expected, None)


@pytest.mark.parametrize(
    "raw",
    [
        "Yes",
        "extension subject to performance",
        "2",
        "12 or 24 months",
        "annual extensions",
        "2++1",
        "11 x 12 months",
        "9999 years",
        "TBC",
        "see notes",
        "No - 2 years used",
    ],
)
def test_parse_extension_terms_not_understood(raw):
    result = parse_extension_terms(raw)
    assert result.value == []
    assert result.problem == (
        f"could not understand extension terms {quoted(raw)}; "
        "kept as written, treated as no extension"
    )


@pytest.mark.parametrize("raw", [2, 12.0, True, date(2020, 1, 1)])
def test_parse_extension_terms_non_text_without_unit_is_a_problem(raw):
    result = parse_extension_terms(raw)
    assert result.value == [] and "could not understand extension terms" in result.problem


def test_parse_extension_terms_returns_fresh_lists():
    a = parse_extension_terms("2+1+1").value
    a.append(99)
    assert parse_extension_terms("2+1+1").value == [12, 12]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2+1+1", 24),
        ("3+2", 36),
        ("2 + 1 + 1 years", 24),
        ("24+12 months", 24),
        ("3 years + 1 year + 1 year", 36),
        ("+1+1", None),
        ("6 months + 6 months", None),
        ("Up to 24 months", None),
        ("2 x 12 months", None),
        ("None", None),
        ("rubbish", None),
        (None, None),
        (3, None),
    ],
)
def test_initial_term_months(raw, expected):
    assert initial_term_months(raw) == expected


@given(
    st.integers(min_value=1, max_value=10),
    st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4),
)
def test_plus_form_round_trips(initial, extensions):
    text = "+".join(str(n) for n in [initial, *extensions])
    assert parse_extension_terms(text) == Parsed([12 * n for n in extensions], None)
    assert initial_term_months(text) == 12 * initial


# The 76 distinct renewal texts in the Public Contracts Scotland OCDS sample, with the
# periods a procurement officer reads from them (None: not understood, reported as a problem).
REAL_EXTENSION_TEXTS = [
    ("Expected renewal at end of contract period", None),
    ("None", []),
    ("Lot may be extended on an annual basis for up to a further 2 years.", [12, 12]),
    ("Lot may be extended on an annual basis for up to a further 2 years", [12, 12]),
    (
        "The DPS will remain live for a minimum of 4 years but may be extended further. Note: Scotland Excel reserves the right to extend further if deemed appropriate to do so subject to the Public Contract (Scotland) Regulation 2015.",
        None,
    ),
    (
        "The Framework will be for a maximum period of 48 months. The initial period of the Framework will be for 24 months from the starting date with an option to extend for up to a further 24 months subject to satisfactory operation and performance. Any periods of extension will be at the sole discretion of the Council.",
        [24],
    ),
    ("August 2023", None),
    ("Subject to annual renewals in 2024 and 2025.", [12, 12]),
    (
        "The contract may be extended for a further six months at the discretion of Dumfries and Galloway Council.",
        [6],
    ),
    (
        "The Contract may be extended for up to 1 year until August 2023 at the option of Argyll and Bute Council, subject to satisfactory performance of the contract and product discussions with the successful Tenderer(s).",
        [12],
    ),
    ("2 x 12 month extensions", [12, 12]),
    ("Option to extend for one (1) year.", [12]),
    ("2 separate one year extension options", [12, 12]),
    ("2 one-year extension options", [12, 12]),
    (
        "12 month plus 12 month extension possible at the discretion of the client based on performance",
        [12, 12],
    ),
    (
        "Optional 7 x 12 month extensions for recurring annual costs associated with licensing, support and maintenance. Maximum total contract length of 10 years.",
        [12, 12, 12, 12, 12, 12, 12],
    ),
    (
        "The framework will run for an initial 36 month period, with the option to extend for up to an additional 12 month period.",
        [12],
    ),
    ("Two 48 month extensions at the sole discretion of the Council.", [48, 48]),
    ("Option to extend by one (1) year.", [12]),
    (
        "SLC option to extend by a further 12 months subject to satisfactory performance, financial standing and availability of funding",
        [12],
    ),
    ("An optional 12 month extension will be included as part of this contract.", [12]),
    ("24 months Extensions", [24]),
    ("24 months", [24]),
    ("Option to extend the contract for up to 24 months in 2 x 12 month intervals", [12, 12]),
    ("Option to extend for up to 24 months in 2 x 12 month intervals", [12, 12]),
    ("A further 1 + 1 years", [12, 12]),
    ("further 12 month extension option", [12]),
    (
        "The Framework Agreement will run for an initial period of 36 months and may be extended for a further 12\nmonth period, after which it will be re-tendered.",
        [12],
    ),
    ("2 x Extensions of up to 12 months each", [12, 12]),
    ("Two one year extensions", [12, 12]),
    ("An extension of one year plus one year (a total of two years) is available", [12, 12]),
    ("12 month option.", [12]),
    (
        "The initial period will be for 36 months, with an option to extend for up to a further 12 months until 30 June 2023. Any extension will be at the sole discretion of Renfrewshire Council.",
        [12],
    ),
    ("1 x 12 month extension, subject to available funding", [12]),
    (
        "This contract will be renewed upon expiry subject to Dumfries and Galloway Councils business needs.",
        None,
    ),
    ("The Council will renew this framework on expiry subject to business needs.", None),
    ("The Council will renew subject to business needs.", None),
    ("Contract on 3+1+1 basis", [12, 12]),
    ("Contract on 3+1+1 basis.", [12, 12]),
    (
        "(24 + 12 + 12 months periods) 24 months initial duration with two additional 12 months period extension options at the discretion of the Authority.",
        [12, 12],
    ),
    ("Option to extend the contract by a variable period not exceeding 24 months.", [24]),
    ("3 years with the option to extend for further 2 years (1 year plus 1 year)", [12, 12]),
    ("2 x 1 year extensions.", [12, 12]),
    ("Opportunity to extend contract for a further 12 months", [12]),
    ("Option for 12 months extension.", [12]),
    (
        "Aberdeen Harbour Board will include the option to extend this contract from 36 to 48 months",
        [12],
    ),
    ("Option to extend for up to a further 2 years", [24]),
    ("Please see details in tender document", None),
    ("Contract will be renewed at end of contract period", None),
    ("Angus", None),
    ("Subject to annual renewals in 2025 and 2026.", [12, 12]),
    ("2 year extension option. (1 year plus 1 year)", [12, 12]),
    ("2 year extension (1 year plus 1 year)", [12, 12]),
    ("2 YEARS (1 YEAR PLUS 1 YEAR)", [12, 12]),
    (
        "The Authority is entitled at its sole discretion to extend the duration of the Framework Agreement by up to two (2) periods of twelve (12) months.",
        [12, 12],
    ),
    (
        "The contract shall be for four [4] year with an option to extend for four [4] individual one [1] year periods, subject to satisfactory performance and mutual agreement.",
        [12, 12, 12, 12],
    ),
    (
        "The contract has a duration of 12 months with the option of two 6 months extensions at the council sole discretion.",
        [6, 6],
    ),
    (
        "The contract will be awarded for a period of 2 years with the option to extend a further 2 periods of one year (a potential total contract length of 4 years).",
        [12, 12],
    ),
    (
        "The contract will be awarded for a period of two years with the option to extend a further two one year periods (a potential total contract length of 4 years).",
        [12, 12],
    ),
    (
        "The University reserves the right to extend the Agreement for a further two years subject to satisfactory performance and continuation of the University’s requirements",
        [24],
    ),
    ("With The Option To Extend For 2 Periods Of 12 Months Each", [12, 12]),
    (
        "Option to extend the contract for up to 4 further 1-year periods thereafter, at the sole discretion of Fife College, unless the Contract isrn terminated in accordance with the provisions of Fife College Terms and Conditions of Contract.",
        [12, 12, 12, 12],
    ),
    (
        "Two (2) x Twelve (12) month extension options to be exercised at the sole discretion of NHS Lanarkshire.",
        [12, 12],
    ),
    ("Expected renewal at end of the contract period.", None),
    (
        "There is the option of two (2) one (1) year extensions is proposed. The maximum length of the contract with extension is three (3) years.",
        [12, 12],
    ),
    ("36 month contract with the option to extend for 1 period of 12 months.", [12]),
    (
        "The Contract commencement date shall be 1 July 2019 and will continue for a period of twelve months (1) year until 30 June 2020.\nThe Contract may be extended for up to two (2) periods of twelve (12) months. Any such extension shall not take the continuance of the Contract to a date later than 30 June 2022.",
        [12, 12],
    ),
    ("Possible 2 year extension of contract based on Contractor performance.", [24]),
    (
        "The Framework is for twenty four (24) months initially, with two (2) optional extensions of twelve (12) months.",
        [12, 12],
    ),
    ("July 2022 or July 2024 if 2 options to extend for 12 month periods taken up", [12, 12]),
    ("One 12 month extension at the Colleges discretion", [12]),
    ("Optional 3 years extension.", [36]),
    ("Contract term is for initial 3 years with possibility of +1,+1 extension.", [12, 12]),
    ("Potential 12 month extension", [12]),
    (
        "We anticipate the contract to be for a period of 3 years with the option to extend for 2 further periods, each of 12 months, subject to satisfactory performance and mutual agreement.",
        [12, 12],
    ),
    (
        "The contract will last for three years to 31 May 2022; with the possibility of a further two single year extensions through to 31 May 2024. The extension of the contract will be at the discretion of Key HA Senior Team.",
        [12, 12],
    ),
]


@pytest.mark.parametrize("raw, expected", REAL_EXTENSION_TEXTS)
def test_parse_extension_terms_real_texts(raw, expected):
    result = parse_extension_terms(raw)
    if expected is None:
        assert result.value == []
        assert result.problem == (
            f"could not understand extension terms {V._quote(raw)}; "
            "kept as written, treated as no extension"
        )
    else:
        assert result == Parsed(expected, None)


def test_real_texts_coverage():
    understood = [raw for raw, expected in REAL_EXTENSION_TEXTS if expected is not None]
    assert len(REAL_EXTENSION_TEXTS) == 76 and len(understood) == 66


# Sentences (the examples a procurement officer answered), and variants of the rules.
EXTENSION_SENTENCE_CASES = [
    ("An optional 12 month extension will be included as part of this contract.", [12]),
    (
        "12 month plus 12 month extension possible at the discretion of the client",
        [12, 12],
    ),
    ("Option to extend the contract for up to 24 months in 2 x 12 month intervals", [12, 12]),
    ("Optional 7 x 12 month extensions. Maximum total contract length of 10 years.", [12] * 7),
    (
        "The contract may be extended for a further six months at the discretion of the Council.",
        [6],
    ),
    ("may be extended for a further 12\nmonth period, after which it will be re-tendered", [12]),
    ("An extension of one year plus one year (a total of two years) is available", [12, 12]),
    (
        "The initial period will be for 36 months, with an option to extend for up to a further"
        " 12 months until 30 June 2023.",
        [12],
    ),
    ("1 x 12 month extension, subject to available funding", [12]),
    ("Contract on 3+1+1 basis", [12, 12]),
    ("Contract term is for initial 3 years with possibility of +1,+1 extension.", [12, 12]),
    ("Option to extend the contract by a variable period not exceeding 24 months.", [24]),
    ("3 years with the option to extend for further 2 years (1 year plus 1 year)", [12, 12]),
    ("2 YEARS (1 YEAR PLUS 1 YEAR)", [12, 12]),
    ("Two 48 month extensions at the sole discretion of the Council.", [48, 48]),
    ("The Board will include the option to extend this contract from 36 to 48 months", [12]),
    ("Lot may be extended on an annual basis for up to a further 2 years.", [12, 12]),
    ("Lot may be extended annually for up to 3 years", [12, 12, 12]),
    ("Subject to annual renewals in 2024 and 2025.", [12, 12]),
    ("Subject to annual renewals in 2024, 2025 and 2026.", [12, 12, 12]),
    (
        "extend the duration of the Framework Agreement by up to two (2) periods of twelve (12)"
        " months.",
        [12, 12],
    ),
    (
        "four [4] year with an option to extend for four [4] individual one [1] year periods",
        [12] * 4,
    ),
    ("a duration of 12 months with the option of two 6 months extensions", [6, 6]),
    ("a period of 2 years with the option to extend a further 2 periods of one year", [12, 12]),
    ("Opportunity to extend contract for a further 12 months", [12]),
    ("One 12 month extension at the Colleges discretion", [12]),
    ("36 month contract with the option to extend for 1 period of 12 months.", [12]),
    ("There is the option of two (2) one (1) year extensions is proposed.", [12, 12]),
    ("Possible 2 year extension of contract based on Contractor performance.", [24]),
    (
        "The Framework is for twenty four (24) months initially, with two (2) optional extensions"
        " of twelve (12) months.",
        [12, 12],
    ),
    ("July 2022 or July 2024 if 2 options to extend for 12 month periods taken up", [12, 12]),
    (
        "with the possibility of a further two single year extensions through to 31 May 2024.",
        [12, 12],
    ),
    ("the option to extend for 2 further periods, each of 12 months", [12, 12]),
    (
        "The Framework will be for a maximum period of 48 months. The initial period of the"
        " Framework will be for 24 months.",
        [24],
    ),
    ("The contract may be extended by a further year.", [12]),
    ("The contract may be extended for an additional 18-month period.", [18]),
    ("A possible 1.5 year extension", [18]),
    ("An extension of up to 6 months may be agreed", [6]),
    ("The contract may be extended for twenty-four months.", [24]),
    ("Option to extend for up to 2 years (1+1)", [12, 12]),
    ("Option to extend for a further 2 years (1 + 1)", [12, 12]),
    ("2 year extension (1+1)", [12, 12]),
    ("Contract of 3 years (2+1)", [12]),
    ("a further 1 + 1 years", [12, 12]),
    ("A further 1 + 1 years", [12, 12]),
]


@pytest.mark.parametrize("raw, expected", EXTENSION_SENTENCE_CASES)
def test_parse_extension_terms_sentences(raw, expected):
    assert parse_extension_terms(raw) == Parsed(expected, None)


@pytest.mark.parametrize(
    "raw",
    [
        "Expected renewal at end of contract period",
        "Contract will be renewed at end of contract period",
        "The Council will renew subject to business needs.",
        "Please see details in tender document",
        "Angus",
        "August 2023",
        "The DPS will remain live for a minimum of 4 years but may be extended further.",
        "The Contract may be extended until August 2023 at the option of the Council.",
        # negations
        "There is no option to extend for a further 12 months",
        "The contract will not be extended beyond 12 months",
        "No further 12 month extension is available",
        # alternatives and disagreeing totals
        "Option to extend for 12 or 24 months",
        "may be extended for 12 months and 2 x 12 months",
        "The Framework will be for a maximum period of 48 months. The initial period of the"
        " Framework will be for 24 months with an option to extend for up to a further 12 months.",
        # an initial term then an extension is not a list of extensions
        "a period of 2 years with option to extend 1 year",
        # implausible counts and lengths
        "Optional 11 x 12 month extensions",
        "Option to extend for 2.5 months",
        "may be extended on an annual basis for up to 18 months",
        "Subject to annual renewals in 2024 and 2027.",
        "option to extend this contract from 48 to 36 months",
    ],
)
def test_parse_extension_terms_unclear_sentences_are_problems(raw):
    result = parse_extension_terms(raw)
    assert result.value == []
    assert result.problem and "could not understand extension terms" in result.problem


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Contract on 3+1+1 basis", None),  # the compact parser alone reads initial terms
        ("a further 1 + 1 years", None),
        ("A further 1 + 1 years", None),
        ("An optional 12 month extension", None),
    ],
)
def test_initial_term_months_only_from_compact_terms(raw, expected):
    assert initial_term_months(raw) == expected


sentence_words = st.sampled_from(
    [
        "option",
        "to",
        "extend",
        "extended",
        "for",
        "by",
        "a",
        "further",
        "up",
        "to",
        "two",
        "(2)",
        "twelve",
        "[12]",
        "twenty",
        "four",
        "1",
        "2",
        "12",
        "24",
        "36",
        "x",
        "+",
        "plus",
        "year",
        "years",
        "month",
        "months",
        "period",
        "periods",
        "of",
        "each",
        "extension",
        "extensions",
        "annual",
        "basis",
        "renewals",
        "in",
        "2024",
        "and",
        "from",
        "maximum",
        "initial",
        "is",
        "no",
        "not",
        "or",
        "single",
        "1-year",
        ",",
        ".",
        "(",
        ")",
    ]
)


@given(st.lists(sentence_words, max_size=25))
def test_parse_extension_terms_sentences_never_raise(words):
    result = parse_extension_terms(" ".join(words))
    check_result(result)
    assert isinstance(result.value, list)
    assert all(isinstance(p, int) and 0 < p <= 1200 for p in result.value)
    assert len(result.value) <= 10
    if result.problem is not None:
        assert result.value == []


# --------------------------------------------------------------------------------------------
# 7. parse_company_number
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("02165763", "02165763"),
        ("2165763", "02165763"),
        (2165763, "02165763"),
        (2165763.0, "02165763"),
        ("2165763.0", "02165763"),
        ("gb/02165763", "02165763"),
        ("GB/2165763", "02165763"),
        ("GB-COH-02165763", "02165763"),
        ("GB-COH-SC123456", "SC123456"),
        ("COH:02165763", "02165763"),
        ("Companies House 02165763", "02165763"),
        ("Companies House No. 02165763", "02165763"),
        ("Company No: 02165763", "02165763"),
        ("CRN 02165763", "02165763"),
        ("021 657 63", "02165763"),
        ("SC123456", "SC123456"),
        ("sc123456", "SC123456"),
        ("SC 123456", "SC123456"),
        ("SC12345", "SC012345"),
        ("NI012345", "NI012345"),
        ("OC301234", "OC301234"),
        ("SO300123", "SO300123"),
        ("NC000123", "NC000123"),
        ("R0000123", "R0000123"),
        ("  02165763 ", "02165763"),
    ],
)
def test_parse_company_number(raw, expected):
    assert parse_company_number(raw) == Parsed(expected, None)


@pytest.mark.parametrize(
    "raw", [None, "", " ", "N/A", "n/a", "0", 0, 0.0, "none", "None", "-", "00000000", math.nan]
)
def test_parse_company_number_blank(raw):
    assert parse_company_number(raw) == Parsed(None, None)


@pytest.mark.parametrize(
    "raw",
    [
        "GB123456789",
        "123456789",
        "Charity 1234567",
        "SC0123456",
        "XX123456",
        "ABC",
        "02165763 / 03456789",
        "1" * 40,
    ],
)
def test_parse_company_number_bad_text_is_a_quoted_problem(raw):
    result = parse_company_number(raw)
    assert result.value is None
    assert quoted(raw) in result.problem
    assert "Companies House" in result.problem


@pytest.mark.parametrize("raw", [123456789, -5, 2165763.5, True, date(2020, 1, 1)])
def test_parse_company_number_bad_values(raw):
    result = parse_company_number(raw)
    assert result.value is None and result.problem


@given(st.integers(min_value=1, max_value=99_999_999))
def test_company_numbers_pad_to_eight_digits(n):
    expected = f"{n:08d}"
    assert parse_company_number(n).value == expected
    assert parse_company_number(float(n)).value == expected
    assert parse_company_number(str(n)).value == expected
    assert parse_company_number(f"gb/{n}").value == expected


# --------------------------------------------------------------------------------------------
# 8. parse_yes_no
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("yes", True),
        ("Yes", True),
        ("YES", True),
        ("y", True),
        ("Y", True),
        ("true", True),
        ("TRUE", True),
        ("1", True),
        (1, True),
        (1.0, True),
        (True, True),
        ("x", True),
        ("X", True),
        ("\u2713", True),
        ("no", False),
        ("No", False),
        ("n", False),
        ("false", False),
        ("0", False),
        (0, False),
        (0.0, False),
        (False, False),
        (None, None),
        ("", None),
        ("  ", None),
        ("-", None),
        ("n/a", None),
        ("unknown", None),
        ("TBC", None),
        (math.nan, None),
    ],
)
def test_parse_yes_no(raw, expected):
    assert parse_yes_no(raw) == Parsed(expected, None)


@pytest.mark.parametrize("raw", ["maybe", "yes please maybe", "2", "SME?", "nope"])
def test_parse_yes_no_bad(raw):
    result = parse_yes_no(raw)
    assert result.value is None and quoted(raw) in result.problem


@pytest.mark.parametrize("raw", [2, 0.5, date(2020, 1, 1)])
def test_parse_yes_no_bad_values(raw):
    result = parse_yes_no(raw)
    assert result.value is None and result.problem


# --------------------------------------------------------------------------------------------
# 9. parse_cpv_codes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("90510000-5", ["90510000"]),
        ("90510000", ["90510000"]),
        (90510000, ["90510000"]),
        (90510000.0, ["90510000"]),
        (3000000, ["03000000"]),
        ("03000000-1", ["03000000"]),
        (
            "90511000 - Refuse collection services; 90512000",
            ["90511000", "90512000"],
        ),
        ("90510000-5, 90510000-5, 90511000-2", ["90510000", "90511000"]),
        ("90512000-9;90510000-5\n90512000-9", ["90512000", "90510000"]),
        ("CPV: 90500000-2 Refuse and waste related services", ["90500000"]),
    ],
)
def test_parse_cpv_codes(raw, expected):
    assert parse_cpv_codes(raw) == Parsed(expected, None)


@pytest.mark.parametrize("raw", [None, "", "  ", "n/a", "-", math.nan])
def test_parse_cpv_codes_blank(raw):
    assert parse_cpv_codes(raw) == Parsed([], None)


@pytest.mark.parametrize(
    "raw", ["Refuse collection services", "9051000", "905100000", "0", "12345678901"]
)
def test_parse_cpv_codes_without_code_is_a_problem(raw):
    result = parse_cpv_codes(raw)
    assert result.value == [] and quoted(raw) in result.problem


@pytest.mark.parametrize("raw", [5, 0, True, 123456789])
def test_parse_cpv_codes_bad_numbers(raw):
    result = parse_cpv_codes(raw)
    assert result.value == [] and result.problem


# --------------------------------------------------------------------------------------------
# 10. parse_collaboration_interest
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("yes", "yes"),
        ("Y", "yes"),
        ("TRUE", "yes"),
        (True, "yes"),
        ("Interested", "yes"),
        ("Yes - keen to collaborate", "yes"),
        ("no", "no"),
        ("N", "no"),
        ("false", "no"),
        (False, "no"),
        ("Not interested", "no"),
        ("not interested at this time", "no"),
        ("No - already in a shared service", "no"),
        ("maybe", "maybe"),
        ("Possibly", "maybe"),
        ("possible", "maybe"),
        ("TBC", "maybe"),
        ("consider", "maybe"),
        ("Would consider", "maybe"),
        ("Possibly in 2026", "maybe"),
        ("unknown", "unknown"),
        (None, "unknown"),
        ("", "unknown"),
        ("   ", "unknown"),
        ("n/a", "unknown"),
        (math.nan, "unknown"),
    ],
)
def test_parse_collaboration_interest(raw, expected):
    assert parse_collaboration_interest(raw) == Parsed(expected, None)


@pytest.mark.parametrize("raw", ["ask Dave", "not sure", "42", "waste team"])
def test_parse_collaboration_interest_bad(raw):
    result = parse_collaboration_interest(raw)
    assert result.value == "unknown" and quoted(raw) in result.problem


# --------------------------------------------------------------------------------------------
# 11. parse_status
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Live", "active"),
        ("current", "active"),
        ("ACTIVE", "active"),
        ("Ongoing", "active"),
        ("awarded", "active"),
        ("In Progress", "active"),
        ("in-progress", "active"),
        ("open", "active"),
        ("Live - extended to 2026", "active"),
        ("expired", "expired"),
        ("Ended", "expired"),
        ("complete", "expired"),
        ("Completed", "expired"),
        ("closed", "expired"),
        ("terminated", "terminated"),
        ("Cancelled", "terminated"),
        ("terminated early", "terminated"),
        ("planned", "planned"),
        ("Pipeline", "planned"),
        ("future", "planned"),
        ("tender", "planned"),
        ("In procurement", "planned"),
        ("not started", "planned"),
        ("Not_Started", "planned"),
        (None, None),
        ("", None),
        ("-", None),
        ("n/a", None),
        (math.nan, None),
    ],
)
def test_parse_status(raw, expected):
    assert parse_status(raw) == Parsed(expected, None)


@pytest.mark.parametrize("raw", ["on hold?", "open tender", "42", "see notes", "expiring"])
def test_parse_status_bad(raw):
    result = parse_status(raw)
    assert result.value is None and quoted(raw) in result.problem


@pytest.mark.parametrize("raw", [3, True, date(2020, 1, 1)])
def test_parse_status_bad_values(raw):
    result = parse_status(raw)
    assert result.value is None and result.problem


# --------------------------------------------------------------------------------------------
# 12. parse_integer
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (12, 12),
        (12.0, 12),
        ("12", 12),
        (" 12 ", 12),
        ("12.0", 12),
        ("1,234", 1234),
        ("-3", -3),
        ("+3", 3),
        (0, 0),
        ("0", 0),
        (None, None),
        ("", None),
        ("n/a", None),
        ("TBC", None),
        (math.nan, None),
    ],
)
def test_parse_integer(raw, expected):
    assert parse_integer(raw) == Parsed(expected, None)
    if expected is not None:
        assert type(parse_integer(raw).value) is int


@pytest.mark.parametrize("raw", ["12.5", "twelve", "1,23", "12 vehicles", "1e3", "9" * 5000])
def test_parse_integer_bad(raw):
    result = parse_integer(raw)
    assert result.value is None and '"' + raw[:77] in result.problem


@pytest.mark.parametrize("raw", [12.5, math.inf, True, date(2020, 1, 1)])
def test_parse_integer_bad_values(raw):
    result = parse_integer(raw)
    assert result.value is None and result.problem


# --------------------------------------------------------------------------------------------
# problems quote the value, shortened when long
# --------------------------------------------------------------------------------------------


def test_long_values_are_shortened_in_problems():
    raw = "x" * 500
    problem = parse_date(raw).problem
    assert len(problem) < 200
    assert '"' + "x" * 77 + '..."' in problem


# --------------------------------------------------------------------------------------------
# property tests: never raise, round-trips
# --------------------------------------------------------------------------------------------

PARSERS = [
    parse_date,
    functools.partial(parse_date, end=True),
    parse_money,
    parse_extension_terms,
    parse_company_number,
    parse_yes_no,
    parse_cpv_codes,
    parse_collaboration_interest,
    parse_status,
    parse_integer,
]

any_cell = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789/-.,:+() £$kKmMbnxXyYearsonthTtZ\u00a0"),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(UTC)),
    st.decimals(allow_nan=True, allow_infinity=True),
)


def check_result(result: object) -> None:
    assert isinstance(result, Parsed)
    assert result.problem is None or (isinstance(result.problem, str) and result.problem)


@settings(max_examples=400)
@given(any_cell)
def test_parsers_never_raise(cell):
    for parser in PARSERS:
        check_result(parser(cell))
    assert clean_text(cell) is None or isinstance(clean_text(cell), str)
    initial = initial_term_months(cell)
    assert initial is None or isinstance(initial, int)


@given(st.text())
def test_parsers_never_raise_on_text(text):
    for parser in PARSERS:
        check_result(parser(text))
    cleaned = clean_text(text)
    assert cleaned is None or (cleaned == cleaned.strip() and "  " not in cleaned)


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers())
def test_parsers_never_raise_on_numbers(number):
    for parser in PARSERS:
        check_result(parser(number))


def test_parsers_accept_none():
    for parser in PARSERS:
        check_result(parser(None))
        assert parser(None).problem is None
    assert clean_text(None) is None


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=5), st.dates())
def test_max_end_date_never_raises(periods, end):
    result = max_end_date(end, periods)
    assert result is None or result >= end


@given(st.text(), st.booleans())
def test_parse_date_gives_dates_or_problems(text, end):
    result = parse_date(text, end=end)
    assert result.value is None or type(result.value) is date
    if result.value is not None:
        assert result.problem is None


# 1900..2199 is the range parse_date accepts in text
plausible_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


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
