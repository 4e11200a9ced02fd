"""Money cells: ``£1,234,567.00``, ``£1.2m``, ``(3728)``, ``circa £5k``, ``£450 per item``.

DESIGN §3: amounts are pounds sterling, as ``Decimal`` quantised to pence; accounting brackets
are negative (``(3728)`` is −3728); ``TBC`` is unknown. Registers also write notes around the
figure (``£1,200 (inc VAT)``, ``£3,000*``, ``Lot 2: £50,000 (see note 4)``), so a cell is read
in two steps:

1. the shapes a register uses for one amount, after taking out the words that do not change
   it (VAT remarks, ``p.a.``, ``total``, footnote marks) and noting the ones that make it an
   estimate (``approx``, ``c.``, ``circa``, ``up to``, ``estimated``) or a rate (``per item``);
2. failing that, the first amount marked as sterling (``£``) the text states, so a note in
   words never loses the figure. More than one amount (``£5k or £6k``) gives the first with
   a problem to look at, never a silent choice.

The amount is never invented: every figure returned is written in the text (times a written
``k``/``m``/``bn``). Why not the ``price-parser`` package as the fallback: it reads
``£1.2m`` as 1.2 and ``Lot 2: £50,000`` as 2, and reads continental ``1.234.567,00`` and the
typo ``1,2345``, which a UK register must report rather than guess. A range (``£10k-£20k``)
gives the upper figure as an estimate: the most the council may spend is what the
procurement thresholds and the alignment totals are about, as with ``up to £20k``.
Shared conventions are described in :mod:`.text`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from procurehub.ingest.text import (
    BLANK_OR_UNKNOWN,
    NOTHING,
    WS_RE,
    Parsed,
    cell_text,
    is_nan,
    quote,
)

__all__ = ["Money", "amount_note", "parse_money"]


class Money(NamedTuple):
    """An amount in pounds sterling, quantised to pence, and whether it was an estimate."""

    amount: Decimal
    is_estimate: bool = False


_PENNY = Decimal("0.01")
_ZERO = Decimal("0.00")
_MAX_ADJUSTED_EXPONENT = 14  # refuse amounts of a quadrillion pounds or more
_MAX_TEXT = 300  # longer cells are notes, not amounts
_MULTIPLIERS = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "thousands": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "mil": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "millions": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
    "billions": Decimal(1_000_000_000),
}
_MONEY_UNKNOWN = frozenset({"various", "variable", "varies", "see notes", "not disclosed"})
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+"
_MULT = r"billions?|bn|b|millions?|mil|mn|m|thousands?|k"
_MONEY_PLAIN_RE = re.compile(r"\u00a3?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)", re.ASCII)
_MONEY_ONE_RE = re.compile(
    rf"(\()?\s*([-\u2212\u2013])?\s*(\()?\s*({_NUM})\s*({_MULT})?\s*(\))?\s*(\))?", re.A
)
_MONEY_RANGE_RE = re.compile(
    rf"(?:between\s+|from\s+)?({_NUM})\s*({_MULT})?"
    rf"\s*(?:-|\u2013|\u2014|to|and)\s*({_NUM})\s*({_MULT})?",
    re.A,
)
_MONEY_EST_RE = re.compile(
    r"\b(?:approx(?:imately|imate)?|circa|ca|est(?:imated?|imate)?|around|about|roughly"
    r"|up\s*to|max(?:imum)?|not\s+to\s+exceed|nte|c)\b\.?|~|\u2248"
)
# Footnote marks after a figure: £3,000*, £3,000†, £3,000¹
_FOOTNOTE = r"[*\u2020\u2021\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+"
_MONEY_NOISE_RE = re.compile(
    r"\((?:[^()\d]*)\)"  # (ex VAT), (estimated), (annual)
    r"|\b(?:ex|exc|excl|excluding|inc|incl|including|plus|\+)?\.?\s*\bvat\b"
    r"|\+\s*vat\b"
    r"|\bp\.?\s?a\b\.?|\bp/a\b|\bper\s+(?:annum|year|yr|anum)\b|\ba\s+year\b"
    r"|/\s*(?:annum|year|yr|pa)\b"
    r"|\b(?:annually|annual|yearly|net|gross|total|contract|value|gbp|stg|sterling|pounds?)"
    r"(?![a-z])"
    rf"|[\u00a3:]|{_FOOTNOTE}"
)
# A price for a unit or a period rather than a contract or annual value.
_MONEY_RATE_RE = re.compile(
    r"\b(?:per|each\s+per|a)\s+(?!annum\b|anum\b|year\b|yr\b)[a-z]+(?:\s+(?:lift|collection|item))?"
    r"|\b(?:pcm|monthly|weekly|daily|hourly|each|ea)\b\.?"
    r"|\bp/?h\b|/\s*(?!annum\b|year\b|yr\b|pa\b|a\b)[a-z]+\b"
)
_MONEY_FOREIGN_RE = re.compile(r"[\u20ac$]|\b(?:eur|euros?|usd|dollars?)\b")
_STERLING_RE = re.compile(r"\u00a3|\b(?:gbp|stg|sterling|pounds?)\b")
# The fallback: an amount marked as sterling, not part of a longer figure (so "£12.5.3" and
# "£1,2345" are not read as £12.50 and £1).
_STERLING_AMOUNT_RE = re.compile(
    rf"(?:\u00a3|\bgbp)\s*([-\u2212]?)\s*({_NUM})(?:\s*({_MULT})(?![a-z]))?(?![\d.,]*\d)"
    rf"|(?<![\w.,])({_NUM})(?:\s*({_MULT}))?\s*(?:gbp|stg|sterling|pounds?)\b",
    re.A,
)
_RANGE_NEXT_RE = re.compile(
    rf"\s*(?:-|\u2013|\u2014|to)\s*(?:\u00a3|gbp)?\s*({_NUM})"
    rf"(?:\s*({_MULT})(?![a-z]))?(?![\d.,]*\d)",
    re.A,
)
# A cell that states an amount and nothing else (the currency aside): no note worth keeping.
_BARE_AMOUNT_RE = re.compile(
    rf"\(?\s*[-\u2212]?\s*(?:\u00a3|gbp)?\s*[-\u2212]?\s*(?:{_NUM})\s*(?:{_MULT})?"
    r"\s*(?:gbp)?\s*\)?",
    re.IGNORECASE | re.A,
)


def _money_problem(value: Any) -> Parsed[Money]:
    return Parsed(
        None,
        f"could not read {quote(value)} as an amount in pounds (e.g. £1,234.56, £1.2m, (3728))",
    )


def _money(value: Any, amount: Decimal, is_estimate: bool) -> Parsed[Money]:
    if not amount.is_finite():
        return _money_problem(value)
    if amount and amount.adjusted() > _MAX_ADJUSTED_EXPONENT:
        return Parsed(None, f"{quote(value)} is too large to be a contract value")
    amount = amount.quantize(_PENNY, rounding=ROUND_HALF_UP)
    if amount.is_zero():
        amount = _ZERO  # no "-0.00"
    return Parsed(Money(amount, is_estimate), None)


def _amount(num: str, mult: str | None) -> Decimal:
    amount = Decimal(num.replace(",", ""))
    if mult:
        amount *= _MULTIPLIERS[mult]
    return amount


def _with_problem(parsed: Parsed[Money], problem: str) -> Parsed[Money]:
    """A value that was read, with something about it for a person to check."""
    if parsed.value is None:
        return parsed
    return Parsed(parsed.value, problem)


def _rate_problem(value: Any, money: Money) -> str:
    return (
        f"{quote(value)} is a price per unit or period, not a contract or annual value; "
        f"£{money.amount:,.2f} stored as written: check it"
    )


def parse_money(value: Any) -> Parsed[Money]:
    """Read a cell as a sterling :class:`Money` amount, quantised to pence (half up).

    Understands ``£1,234,567.00``, ``1234567``, ``£1.2m``, ``£500k``, ``£1.5bn``, accounting
    brackets ``(3728)`` (negative), ``-£50``/``£-50``, ``GBP``, ``p.a.``/``per annum``, VAT
    remarks and footnote marks (ignored: the figure is still the amount). ``approx.``, ``c.``,
    ``circa``, ``est.``, ``~``, ``up to`` mark an estimate; a range ``£10k-£20k`` gives the upper
    figure as an estimate. Excel floats go through ``Decimal(repr(x))`` so ``1234.5`` is
    ``1234.50``. ``TBC``/``TBA``/``unknown``/``various``/``n/a``/blank are
    ``Parsed(None, None)``; ``nil`` is zero. Text with other words takes the first amount marked
    ``£`` (``Lot 2: £50,000 (see note)``). A rate (``£450 per item``, ``£500 per month``) and a
    cell stating several amounts (``£5k or £6k``) give the (first) amount *with* a problem:
    read, but for a person to check. Other currencies and text without an amount are problems
    without a value.
    """
    try:
        if value is None:
            return NOTHING
        if isinstance(value, bool):
            return _money_problem(value)
        if isinstance(value, int):
            return _money(value, Decimal(value), False)
        if isinstance(value, float):
            if value != value:
                return NOTHING
            return _money(value, Decimal(repr(value)), False)
        if isinstance(value, Decimal):
            if value.is_nan():
                return NOTHING
            return _money(value, value, False)
        if isinstance(value, date):
            return _money_problem(value)
        if not isinstance(value, str) and is_nan(value):
            return NOTHING
        if isinstance(value, str):
            m = _MONEY_PLAIN_RE.fullmatch(value.strip())
            if m:  # fast path: £1,234,567.00 / 1234567
                return _money(value, Decimal(m[1].replace(",", "")), False)
        return _parse_money_text(value)
    except Exception:  # e.g. decimal.InvalidOperation on absurd exponents
        return _money_problem(value)


def _parse_money_text(value: Any) -> Parsed[Money]:
    """The slower path: words, brackets, multipliers, ranges, notes."""
    s = cell_text(value).lower()
    if s in BLANK_OR_UNKNOWN or s in _MONEY_UNKNOWN:
        return NOTHING
    if len(s) > _MAX_TEXT:
        return _money_problem(value)
    s, estimates = _MONEY_EST_RE.subn(" ", s)
    estimate = bool(estimates)
    stated = _stated(value, s, estimate)
    if stated is not None:  # the common shapes: £1.2m, (3728), approx. £5k, £10k-£20k
        return stated
    sterling = _STERLING_RE.search(s) is not None
    if not sterling and _MONEY_FOREIGN_RE.search(s):
        return Parsed(None, f"{quote(value)} is not in pounds sterling")
    s, rates = _MONEY_RATE_RE.subn(" ", s)
    if rates:
        stated = _stated(value, s, estimate)
        if stated is not None:
            if stated.value is None:
                return stated
            return _with_problem(stated, _rate_problem(value, stated.value))
    if not sterling:
        return _money_problem(value)
    found = _first_sterling_amount(value, s, estimate)
    if found is None or found.value is None:
        return _money_problem(value)
    if rates and found.problem is None:
        return _with_problem(found, _rate_problem(value, found.value))
    return found


def _stated(value: Any, s: str, estimate: bool) -> Parsed[Money] | None:
    """The amount when the cell is one of the shapes for a single amount, else ``None``."""
    s = _MONEY_NOISE_RE.sub(" ", s).strip()
    if not s.isprintable() or "  " in s:
        s = WS_RE.sub(" ", s)
    if s in ("nil", "zero"):
        return _money(value, _ZERO, estimate)
    m = _MONEY_ONE_RE.fullmatch(s)
    if m:
        open1, minus, open2, num, mult, close1, close2 = m.groups()
        opened = (open1 is not None) + (open2 is not None)
        closed = (close1 is not None) + (close2 is not None)
        if opened != closed:
            return _money_problem(value)
        amount = _amount(num, mult)
        if opened or minus:
            amount = -amount
        return _money(value, amount, estimate)
    m = _MONEY_RANGE_RE.fullmatch(s)
    if m:
        low_num, low_mult, high_num, high_mult = m.groups()
        high = _amount(high_num, high_mult)
        low = _amount(low_num, low_mult or high_mult)
        return _money(value, max(low, high), True)
    return None


def _first_sterling_amount(value: Any, s: str, estimate: bool) -> Parsed[Money] | None:
    """The first amount marked as sterling in free text (a range gives its upper figure)."""
    matches = list(_STERLING_AMOUNT_RE.finditer(s))
    if not matches:
        return None
    m = matches[0]
    if m[2] is not None:
        minus, num, mult = m[1], m[2], m[3]
    else:
        minus, num, mult = "", m[4], m[5]
    amount = _amount(num, mult)
    before, after = s[: m.start()].rstrip(), s[m.end() :].lstrip()
    if before.endswith("(") and after.startswith(")"):
        minus = "-"  # (£3,728) in a sentence
    elif m.start() and s[m.start() - 1] in "-\u2212" and s[m.start() - 2 : m.start() - 1] in "( ":
        minus = "-"  # "refund -£50", not the dash of "Lot 2 - £50" or "lot 2-£50"
    rest = matches[1:]
    upper = _RANGE_NEXT_RE.match(s, m.end())
    if upper and not minus:
        high = _amount(upper[1], upper[2])
        low = amount if mult or not upper[2] else amount * _MULTIPLIERS[upper[2]]
        rest = [r for r in rest if r.start() >= upper.end()]
        amount, estimate = max(low, high), True
    elif minus:
        amount = -amount
    parsed = _money(value, amount, estimate)
    if rest and parsed.value is not None:
        return _with_problem(
            parsed,
            f"{quote(value)} states more than one amount; the first, "
            f"£{parsed.value.amount:,.2f}, was taken: check it",
        )
    return parsed


def amount_note(value: Any) -> str | None:
    """The cell as written when it says more than an amount, else ``None``.

    ``£450 per item``, ``£1,200 (inc VAT)`` and ``approx. £12,000`` carry words a person wrote
    on purpose; the importer keeps them next to the amount it read (DESIGN §3: nothing the
    council uploaded is dropped). A bare figure (``£1,234.00``, ``£1.2m``, ``(3728)``,
    ``1,500 GBP``) and non-text cells give ``None``.
    """
    if not isinstance(value, str):
        return None
    text = cell_text(value)
    if not text or text.lower() in BLANK_OR_UNKNOWN or _BARE_AMOUNT_RE.fullmatch(text):
        return None
    return text
