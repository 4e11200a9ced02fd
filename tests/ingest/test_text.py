"""Tests for procurehub.ingest.text: the Parsed result, blank markers and free-text cells."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest
from cells import any_cell, third_party_imports
from hypothesis import given
from hypothesis import strategies as st

from procurehub.ingest import text as T
from procurehub.ingest.text import Parsed, cell_text, clean_text, is_nan, quote


def test_module_imports_only_the_standard_library():
    assert third_party_imports(T.__file__) == set()


def test_parsed_is_an_immutable_named_tuple():
    p = Parsed(1, None)
    assert p == (1, None) and p.value == 1 and p.problem is None
    with pytest.raises(AttributeError):
        p.value = 2  # type: ignore[misc]


def test_quote_shortens_long_cells_for_messages():
    assert quote("  31/03/2019 ") == '"31/03/2019"'
    assert quote("x" * 500) == '"' + "x" * 77 + '..."'
    assert quote(12.0) == '"12"'


@pytest.mark.parametrize("raw", [math.nan, Decimal("NaN"), Decimal("sNaN")])
def test_nan_is_a_blank_cell(raw):
    assert is_nan(raw)


@pytest.mark.parametrize("raw", [0, 0.0, "", "nan", Decimal(0), date(2020, 1, 1)])
def test_values_are_not_nan(raw):
    assert not is_nan(raw)


def test_cell_text_is_one_line():
    assert cell_text("a\r\nb\u00a0 c &amp; d") == "a b c & d"


# --------------------------------------------------------------------------------------------
# clean_text
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


@given(any_cell)
def test_clean_text_never_raises(cell):
    cleaned = clean_text(cell)
    assert cleaned is None or isinstance(cleaned, str)


@given(st.text())
def test_clean_text_is_stripped_and_collapsed(text):
    cleaned = clean_text(text)
    assert cleaned is None or (cleaned == cleaned.strip() and "  " not in cleaned)


def test_blank_cells_are_none_not_empty_text():
    assert clean_text(date(2020, 1, 2)) == "2020-01-02"
    assert clean_text(" \t ") is None
