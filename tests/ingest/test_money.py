"""Tests for procurehub.ingest.money: sterling amounts, as registers write them."""

from __future__ import annotations

import contextlib
import functools
import math
import re
from datetime import date
from decimal import Decimal

import pytest
from cells import any_cell, check_result, quoted, third_party_imports
from hypothesis import given, settings
from hypothesis import strategies as st

from procurehub.ingest import money as MO
from procurehub.ingest.money import Money, amount_note, parse_money
from procurehub.ingest.text import CTRL_RE, Parsed


def test_module_imports_only_the_standard_library():
    assert third_party_imports(MO.__file__) == set()


def test_money_is_an_immutable_named_tuple():
    m = Money(Decimal("1.00"), True)
    assert m.amount == Decimal("1.00") and m.is_estimate is True
    with pytest.raises(AttributeError):
        m.amount = Decimal(2)  # type: ignore[misc]


def test_parse_money_can_be_memoised():
    cached_money = functools.lru_cache(maxsize=None, typed=True)(parse_money)
    assert cached_money("£1.2m").value == Money(Decimal("1200000.00"), False)
    assert cached_money("£1.2m") is cached_money("£1.2m")


# --------------------------------------------------------------------------------------------
# parse_money: the shapes of one amount
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
        "(3728",
        "1e999999",
        "£12.5.3",
        "£1,2345",
        "see note 3",
        "Lot 2",
        "€5,000 (approx)",
        "5000 euros",
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


def test_a_long_note_is_not_searched_for_an_amount():
    result = parse_money("x" * 400 + " £5")
    assert result.value is None and "could not read" in result.problem


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
# amounts with notes, unit words, footnote marks, leading words (issue 8, item 5)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("£1,200 (inc VAT)", M("1200.00")),
        ("£1,200 inc. VAT", M("1200.00")),
        ("£3,000*", M("3000.00")),
        ("£3,000 **", M("3000.00")),
        ("£3,000\u2020", M("3000.00")),
        ("£3,000\u00b9", M("3000.00")),
        ("1,500.00 GBP", M("1500.00")),
        ("£2.5m (estimated)", M("2500000.00", True)),
        ("Approx. £12,000", M("12000.00", True)),
        ("circa £5k", M("5000.00", True)),
        ("Estimated 250,000", M("250000.00", True)),
        ("Up to £1m", M("1000000.00", True)),
        ("£1,000 p/a", M("1000.00")),
        # a note in words: the first amount marked as sterling
        ("Lot 2: £50,000", M("50000.00")),
        ("Lot 2 - £50,000 (see note 4)", M("50000.00")),
        ("Value: £1,234,567.00 over 4 years", M("1234567.00")),
        ("2 years at £5,000 pa", M("5000.00")),
        ("TBC - approx £5k", M("5000.00", True)),
        ("Budget £10k - £20k (tbc)", M("20000.00", True)),
        ("refund -£50", M("-50.00")),
        ("credit (£3,728) applied", M("-3728.00")),
        ("£5,000 (€5,800)", M("5000.00")),
        ("1,500 pounds sterling per annum", M("1500.00")),
    ],
)
def test_parse_money_reads_amounts_with_notes(raw, expected):
    assert parse_money(raw) == expected


@pytest.mark.parametrize(
    "raw, amount",
    [
        ("£450 per item", "450.00"),
        ("£500 per month", "500.00"),
        ("£12 per tonne", "12.00"),
        ("£50 each", "50.00"),
        ("£1,200 pcm", "1200.00"),
        ("£35 per lift", "35.00"),
        ("£95/hour", "95.00"),
        ("Approx £40 per bin", "40.00"),
    ],
)
def test_a_rate_is_read_with_a_problem_to_check(raw, amount):
    result = parse_money(raw)
    assert result.value.amount == Decimal(amount)
    assert quoted(raw) in result.problem and "per unit or period" in result.problem


def test_several_amounts_give_the_first_with_a_problem():
    result = parse_money("£5k or £6k")
    assert result.value == Money(Decimal("5000.00"), False)
    assert "more than one amount" in result.problem and "£5,000.00" in result.problem
    result = parse_money("Lot 1 £100k, Lot 2 £200k")
    assert result.value.amount == Decimal("100000.00") and result.problem


def test_a_range_gives_its_upper_figure_as_an_estimate():
    for raw in ("£10k-£20k", "£10,000 to £20,000", "between £10k and £20k", "Budget £10k-£20k"):
        assert parse_money(raw) == M("20000.00", True), raw


def test_per_annum_is_not_a_rate():
    assert parse_money("£1,000 per annum") == M("1000.00")
    assert parse_money("£1,000 per year") == M("1000.00")
    assert parse_money("£1,000 / year") == M("1000.00")


@pytest.mark.parametrize(
    "raw, note",
    [
        ("£450 per item", "£450 per item"),
        ("£1,200 (inc VAT)", "£1,200 (inc VAT)"),
        ("Approx. £12,000", "Approx. £12,000"),
        ("  £3,000*  ", "£3,000*"),
        ("£1,234.00", None),
        ("£1.2m", None),
        ("(3728)", None),
        ("1,500 GBP", None),
        ("-£50", None),
        (1234.5, None),
        (None, None),
        ("TBC", None),
    ],
)
def test_amount_note_keeps_what_was_written_beside_the_amount(raw, note):
    assert amount_note(raw) == note


# --------------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------------


@settings(max_examples=400)
@given(any_cell)
def test_parse_money_never_raises(cell):
    result = parse_money(cell)
    check_result(result)
    assert result.value is None or isinstance(result.value, Money)
    assert amount_note(cell) is None or isinstance(amount_note(cell), str)


def test_parse_money_accepts_none():
    assert parse_money(None) == Parsed(None, None)


# every figure starting at any position (overlapping: "c.1" holds ".1" and "1")
_FIGURE = re.compile(r"(?=(\d[\d,]*(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+))", re.ASCII | re.IGNORECASE)
_SCALES = (Decimal(1), Decimal(1_000), Decimal(1_000_000), Decimal(1_000_000_000))


def _written_amounts(text: str) -> set[Decimal]:
    """Every amount a figure written in the text stands for, times a written k/m/bn.

    Invisible control characters are not part of what a person wrote (``"1\\x1f0"`` shows
    as 10), so they are left out first, as the parsers do.
    """
    text = CTRL_RE.sub("", text)
    found = {Decimal(0)} if re.search(r"nil|zero", text, re.IGNORECASE) else set()
    for figure in _FIGURE.findall(text):
        try:
            number = Decimal(figure.replace(",", ""))
        except ArithmeticError:
            continue
        for scale in _SCALES:
            with contextlib.suppress(ArithmeticError):
                found.add((number * scale).quantize(Decimal("0.01")))
    return found


money_like_text = st.text(alphabet="0123456789,.£()- kmbnKMGBPapproxcirutonde*/", max_size=30)


@settings(max_examples=500)
@given(st.one_of(st.text(max_size=40), money_like_text))
def test_parse_money_never_returns_an_amount_it_did_not_read(text):
    result = parse_money(text)
    check_result(result)
    if result.value is not None:
        assert abs(result.value.amount) in _written_amounts(text), text


def test_nan_is_blank():
    assert parse_money(math.nan) == Parsed(None, None)
    assert parse_money(date(2020, 1, 1)).problem
