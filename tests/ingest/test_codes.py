"""Tests for procurehub.ingest.codes: company numbers, CPV, yes/no, interest, status, counts."""

from __future__ import annotations

import functools
import math
from datetime import date

import pytest
from cells import any_cell, check_result, quoted, third_party_imports
from hypothesis import given, settings
from hypothesis import strategies as st

from procurehub.ingest import codes as C
from procurehub.ingest.codes import (
    parse_collaboration_interest,
    parse_company_number,
    parse_cpv_codes,
    parse_integer,
    parse_status,
    parse_yes_no,
)
from procurehub.ingest.text import Parsed

PARSERS = [
    parse_company_number,
    parse_yes_no,
    parse_cpv_codes,
    parse_collaboration_interest,
    parse_status,
    parse_integer,
]


def test_module_imports_only_the_standard_library():
    assert third_party_imports(C.__file__) == set()


def test_code_parsers_can_be_memoised():
    cached = functools.lru_cache(maxsize=None, typed=True)(parse_status)
    assert cached("Live") is cached("Live")


# --------------------------------------------------------------------------------------------
# parse_company_number
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
# parse_yes_no
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
# parse_cpv_codes
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
# parse_collaboration_interest
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
# parse_status
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
# parse_integer
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



@settings(max_examples=400)
@given(any_cell)
def test_code_parsers_never_raise(cell):
    for parser in PARSERS:
        check_result(parser(cell))


@given(st.text())
def test_code_parsers_never_raise_on_text(text):
    for parser in PARSERS:
        check_result(parser(text))


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers())
def test_code_parsers_never_raise_on_numbers(number):
    for parser in PARSERS:
        check_result(parser(number))


def test_code_parsers_accept_none():
    for parser in PARSERS:
        check_result(parser(None))
        assert parser(None).problem is None
