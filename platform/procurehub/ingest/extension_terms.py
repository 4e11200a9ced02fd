"""Cell-level value parsers for council contract registers.

Every function here turns one raw spreadsheet/CSV cell (``str``, ``int``, ``float``,
``datetime.date``/``datetime.datetime``, ``bool`` or ``None``, as produced by
python-calamine, openpyxl, pandas or the csv module) into a typed value.

Why it is built this way:

* Registers are messy and an upload must report *every* cell it could not understand, so the
  parsers never raise. Each returns a :class:`Parsed` ``(value, problem)``: ``problem`` is
  ``None`` or a short message for a person that quotes the original cell.
* They run once per cell on 100,000-row files, so they are pure functions of their arguments
  (safe to wrap with ``functools.lru_cache(typed=True)``), use precompiled regexes and take
  fast paths for the common shapes (date objects, ISO dates, plain numbers).
* Standard library only: no Flask, no SQLAlchemy, no dateutil.

Conventions shared by all parsers: UK day-first dates, ``NaN``/``NaT`` (pandas' blank cell)
counts as blank, blank markers (``""``, ``-``, ``n/a``, ``none``, ``TBC`` ...) give
``Parsed(None, None)`` (or an empty list / ``"unknown"`` where the function says so).
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Generic, NamedTuple, TypeVar

__all__ = [
    "Money",
    "Parsed",
    "add_months",
    "clean_text",
    "initial_term_months",
    "max_end_date",
    "parse_collaboration_interest",
    "parse_company_number",
    "parse_cpv_codes",
    "parse_date",
    "parse_extension_terms",
    "parse_integer",
    "parse_money",
    "parse_status",
    "parse_yes_no",
]

T = TypeVar("T")


class Parsed(NamedTuple, Generic[T]):
    """Result of parsing one cell: the typed ``value`` (or ``None``) and a ``problem``.

    ``problem`` is ``None`` when the cell was understood (or blank), otherwise a short
    message for a person that quotes the original cell. Immutable so results can be cached.
    """

    value: T | None
    problem: str | None = None


class Money(NamedTuple):
    """An amount in pounds sterling, quantised to pence, and whether it was an estimate."""

    amount: Decimal
    is_estimate: bool = False


# --------------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------------

_NOTHING: Parsed[Any] = Parsed(None, None)

_WS_RE = re.compile(r"\s+")
_CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")

# Cell texts that mean "nothing here" for every parser (compared lower-cased and stripped).
_BLANK = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "\u2013",
        "\u2014",
        ".",
        "?",
        "n/a",
        "n.a.",
        "n.a",
        "na",
        "n / a",
        "none",
        "null",
        "nan",
        "nat",
        "not applicable",
    }
)
# Blank markers that also mean "not known yet".
_UNKNOWN = frozenset(
    {"tbc", "tba", "tbd", "t.b.c.", "t.b.c", "unknown", "not known", "n/k", "nk", "to be confirmed"}
)
_BLANK_OR_UNKNOWN = _BLANK | _UNKNOWN

_MAX_QUOTE = 80


def _is_nan(value: Any) -> bool:
    """True for float NaN, pandas NaT and Decimal NaN: the values pandas uses for blank cells."""
    try:
        return value != value
    except Exception:  # e.g. a signalling Decimal NaN refuses comparison
        return True


def _text(value: Any) -> str:
    """The cell as one line of text, for parsing and quoting (never raises)."""
    if isinstance(value, str):
        s = value
    elif isinstance(value, float) and value.is_integer():
        s = str(int(value))
    else:
        try:
            s = str(value)
        except Exception:
            return "?"
    if "&" in s:
        s = html.unescape(s)
    if not s.isprintable() or "  " in s:
        s = _WS_RE.sub(" ", _CTRL_RE.sub("", s))
    return s.strip()


def _quote(value: Any) -> str:
    """The original cell in double quotes, shortened if long, for problem messages."""
    s = value if isinstance(value, str) else _text(value)
    if not s.isprintable() or "  " in s:
        s = _WS_RE.sub(" ", _CTRL_RE.sub("", s))
    s = s.strip()
    if len(s) > _MAX_QUOTE:
        s = s[: _MAX_QUOTE - 3] + "..."
    return f'"{s}"'


# --------------------------------------------------------------------------------------------
# 1. text
# --------------------------------------------------------------------------------------------


def clean_text(value: Any) -> str | None:
    """Normalise a free-text cell: unescape HTML entities, strip, collapse whitespace.

    Registers exported from web systems carry ``&amp;``/``&apos;``, non-breaking spaces and
    stray line breaks; comparing and de-duplicating rows needs one canonical spelling.
    ``None``, NaN and empty/whitespace-only text give ``None``; an integral float renders as
    an integer (Excel stores ``12`` as ``12.0``); other values are ``str(value)``. Blank
    markers such as ``n/a`` are kept as written (free text is never second-guessed).
    """
    try:
        if value is None:
            return None
        if isinstance(value, float) and value != value:
            return None
        return _text(value) or None
    except Exception:
        return None


# --------------------------------------------------------------------------------------------
# 2./3. dates
# --------------------------------------------------------------------------------------------

_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MIN_YEAR = 1900
_MAX_YEAR = 2199
_EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_EXCEL_MIN_SERIAL = 20000  # 1954-10-03
_EXCEL_MAX_SERIAL = 80000  # 2119-01-11

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_TIME = r"(?:[T ,]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?)?"
_TZ = r"(?:\s*(?:z|utc|gmt|bst|[+-]\d{2}(?::?\d{2})?))?"
# 2019-03-31, 2019-03-31T00:00:00Z, 2019-03-31 10:00:00+01:00, 2019/3/31
_ISO_RE = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}{_TZ}", re.I)
# 31/03/2019, 31-03-2019, 31.03.2019, 31/3/19, 31 03 2019, optionally with a time
_DMY_RE = re.compile(
    rf"(\d{{1,2}})\s*([/.\-\\ ])\s*(\d{{1,2}})\s*\2\s*(\d{{4}}|\d{{2}}){_TIME}{_TZ}", re.I
)
_SERIAL_RE = re.compile(r"\d{5}(?:\.\d*)?")
_COMPACT_RE = re.compile(r"\d{8}")
_WEEKDAY_RE = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|weds|wed|thurs|thur|thu|fri|sat|sun)\b\.?,?\s*"
)
_TRAILING_TIME_RE = re.compile(
    r"(?:\s+|t)\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?" + _TZ + "$"
)
_ORDINAL_RE = re.compile(r"(\d{1,2})\s*(?:st|nd|rd|th)\b")
_FILLER_RE = re.compile(r"\b(?:of|the)\b|[,/.\-']")
_DMONY_RE = re.compile(r"(\d{1,2}) ?([a-z]+) ?(\d{4}|\d{2})")
_MONDY_RE = re.compile(r"([a-z]+) (\d{1,2}) (\d{4})")
_MONY_RE = re.compile(r"([a-z]+) ?(\d{4}|\d{2})")
_MY_RE = re.compile(r"(\d{1,2}) (\d{4})")
_YM_RE = re.compile(r"(\d{4}) (\d{1,2})")
_YEAR_RE = re.compile(r"\d{4}")


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month]


def _bad_date(value: Any) -> Parsed[date]:
    return Parsed(None, f"could not read {_quote(value)} as a date (UK day-first, e.g. 31/03/2019)")


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        return 2000 + y if y < 70 else 1900 + y
    return y


def _make_date(value: Any, y: int, m: int, d: int) -> Parsed[date]:
    """A checked date, or a problem saying what is wrong with it."""
    if not 1 <= m <= 12 or d < 1:
        return _bad_date(value)
    if d > _days_in_month(y, m):
        if d > 31:
            return _bad_date(value)
        return Parsed(
            None,
            f"{_quote(value)} is not a real date: {_MONTH_NAMES[m]} {y} has "
            f"{_days_in_month(y, m)} days (UK day-first, e.g. 31/03/2019)",
        )
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return Parsed(
            None, f"{_quote(value)} has an unlikely year {y} (expected {_MIN_YEAR}-{_MAX_YEAR})"
        )
    return Parsed(date(y, m, d), None)


def _month_date(value: Any, y: int, m: int, end: bool) -> Parsed[date]:
    if not 1 <= m <= 12:
        return _bad_date(value)
    return _make_date(value, y, m, _days_in_month(y, m) if end else 1)


def _serial_date(value: Any, serial: float) -> Parsed[date]:
    if _EXCEL_MIN_SERIAL <= serial < _EXCEL_MAX_SERIAL + 1:  # a fraction is the time of day
        return Parsed(date.fromordinal(_EXCEL_EPOCH_ORDINAL + int(serial)), None)
    return _bad_date(value)


def _compact_date(value: Any, s: str) -> Parsed[date]:
    """``20190331`` (YYYYMMDD) or, failing that, ``31032019`` (DDMMYYYY)."""
    y, m, d = int(s[:4]), int(s[4:6]), int(s[6:])
    if _MIN_YEAR <= y <= _MAX_YEAR and 1 <= m <= 12 and 1 <= d <= _days_in_month(y, m):
        return Parsed(date(y, m, d), None)
    return _make_date(value, int(s[4:]), int(s[2:4]), int(s[:2]))


def parse_date(value: Any, *, end: bool = False) -> Parsed[date]:
    """Read a cell as a ``datetime.date``, always UK day-first.

    Accepts date/datetime objects, Excel serial numbers (20000-80000, as numbers or text),
    ISO dates (with or without a time and zone; the written date is kept, not converted),
    ``31/03/2019``, ``31-03-2019``, ``31.03.2019``, ``31/3/19`` (2-digit years: ``< 70`` is
    20xx), ``26-Nov-2014``, ``26 November 2014``, ``31st March 2025``, ``1st of April 2020``,
    ``March 31, 2025``, a leading weekday, ``20190331``. Month-and-year cells (``Mar-25``,
    ``March 2025``, ``03/2025``) mean the first day of the month, or the last day when
    ``end=True`` (an end date written as a month runs to the end of it). A year alone, an
    impossible date (``31/02/2020``) or a year outside 1900-2199 is a problem.
    """
    try:
        if value is None:
            return _NOTHING
        if isinstance(value, datetime):
            if value != value:  # pandas NaT
                return _NOTHING
            return Parsed(value.date(), None)
        if isinstance(value, date):
            return Parsed(value, None)
        if isinstance(value, bool):
            return _bad_date(value)
        if isinstance(value, int | float):
            if value != value:
                return _NOTHING
            if isinstance(value, int) and 10_000_000 <= value <= 99_999_999:
                return _compact_date(value, str(value))
            return _serial_date(value, value)
        if isinstance(value, str):
            s = value.strip()
        else:
            if _is_nan(value):
                return _NOTHING
            s = _text(value)
        if (  # fast path: ISO 2019-03-31
            len(s) == 10
            and s[4] == "-"
            and s[7] == "-"
            and s.isascii()
            and s[:4].isdigit()
            and s[5:7].isdigit()
            and s[8:].isdigit()
        ):
            return _make_date(value, int(s[:4]), int(s[5:7]), int(s[8:]))
        m = _ISO_RE.fullmatch(s)
        if m:
            return _make_date(value, int(m[1]), int(m[3]), int(m[4]))
        m = _DMY_RE.fullmatch(s)
        if m:
            return _make_date(value, _year(m[4]), int(m[3]), int(m[1]))
        if s[:1].isdigit():
            if _SERIAL_RE.fullmatch(s):
                return _serial_date(value, float(s))
            if _COMPACT_RE.fullmatch(s):
                return _compact_date(value, s)
        return _parse_date_text(value, s, end)
    except Exception:
        return _bad_date(value)


def _parse_date_text(value: Any, s: str, end: bool) -> Parsed[date]:
    """The slower path: month names, ordinals, weekdays, month-and-year, blanks."""
    s = _text(s).lower()
    if s in _BLANK_OR_UNKNOWN:
        return _NOTHING
    s = _WEEKDAY_RE.sub("", s)
    s = _TRAILING_TIME_RE.sub("", s)
    s = _ORDINAL_RE.sub(r"\1", s)
    s = _WS_RE.sub(" ", _FILLER_RE.sub(" ", s)).strip()
    m = _DMONY_RE.fullmatch(s)
    if m:
        month = _MONTHS.get(m[2])
        if month is None:
            return _bad_date(value)
        return _make_date(value, _year(m[3]), month, int(m[1]))
    m = _MONDY_RE.fullmatch(s)
    if m:
        month = _MONTHS.get(m[1])
        if month is None:
            return _bad_date(value)
        return _make_date(value, int(m[3]), month, int(m[2]))
    m = _MONY_RE.fullmatch(s)
    if m:
        month = _MONTHS.get(m[1])
        if month is None:
            return _bad_date(value)
        return _month_date(value, _year(m[2]), month, end)
    m = _MY_RE.fullmatch(s)
    if m:
        return _month_date(value, int(m[2]), int(m[1]), end)
    m = _YM_RE.fullmatch(s)
    if m:
        return _month_date(value, int(m[1]), int(m[2]), end)
    if _YEAR_RE.fullmatch(s):
        return Parsed(
            None,
            f"{_quote(value)} is only a year; give at least a month, e.g. 03/{s} or 31/03/{s}",
        )
    return _bad_date(value)


def add_months(d: date, months: int) -> date:
    """``d`` plus a number of calendar months, clamping to the end of the month.

    31 March + 6 months is 30 September; 31 January + 1 month is 28 (or 29) February. Works
    for negative ``months`` and keeps a ``datetime`` a ``datetime``. Raises ``ValueError`` if
    the result falls outside the years ``datetime`` supports (use :func:`max_end_date` for a
    never-raising version).
    """
    total = d.year * 12 + d.month - 1 + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    if not 1 <= year <= 9999:
        raise ValueError(f"{d} + {months} months is outside the supported years")
    day = d.day
    last = _days_in_month(year, month)
    return d.replace(year=year, month=month, day=day if day <= last else last)


def max_end_date(end: date | None, periods: list[int]) -> date | None:
    """The latest possible end: ``end`` plus all extension periods (in months).

    ``None`` when ``end`` is ``None`` (nothing to extend from) or when the result would fall
    outside the years ``datetime`` supports (a nonsense end date); never raises.
    """
    if end is None:
        return None
    try:
        return add_months(end, sum(periods))
    except (ValueError, OverflowError, TypeError):
        return None


# --------------------------------------------------------------------------------------------
# 4. money
# --------------------------------------------------------------------------------------------

_PENNY = Decimal("0.01")
_ZERO = Decimal("0.00")
_MAX_ADJUSTED_EXPONENT = 14  # refuse amounts of a quadrillion pounds or more
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
    rf"(\()?\s*([-\u2212\u2013])?\s*(\()?\s*({_NUM})\s*({_MULT})?\s*(\))?\s*(\))?"
)
_MONEY_RANGE_RE = re.compile(
    rf"(?:between\s+|from\s+)?({_NUM})\s*({_MULT})?\s*(?:-|\u2013|\u2014|to|and)\s*({_NUM})\s*({_MULT})?"
)
_MONEY_EST_RE = re.compile(
    r"\b(?:approx(?:imately|imate)?|circa|ca|est(?:imated?|imate)?|around|about|roughly"
    r"|up\s*to|max(?:imum)?|not\s+to\s+exceed|nte|c)\b\.?|~|\u2248"
)
_MONEY_NOISE_RE = re.compile(
    r"\((?:[^()\d]*)\)"  # (ex VAT), (estimated), (annual)
    r"|\b(?:ex|exc|excl|excluding|inc|incl|including|plus|\+)?\.?\s*\bvat\b"
    r"|\+\s*vat\b"
    r"|\bp\.?\s?a\b\.?|\bper\s+(?:annum|year|yr|anum)\b|\ba\s+year\b|/\s*(?:annum|year|yr|pa)\b"
    r"|\b(?:annually|annual|yearly|net|gross|total|contract|value|gbp|stg|sterling|pounds?)(?![a-z])"
    r"|[\u00a3:]"
)
_MONEY_PERIOD_RE = re.compile(
    r"\b(?:per\s+(?:month|mth|week|wk|day|hour|hr|unit|item|tonne|ton|lift|collection)|pcm|monthly|weekly"
    r"|daily|hourly|p/?h|/\s*(?:month|mth|week|wk|day|hour|hr|tonne|unit))\b"
)
_MONEY_FOREIGN_RE = re.compile(r"[\u20ac$]|\b(?:eur|euros?|usd|dollars?)\b")


def _money_problem(value: Any) -> Parsed[Money]:
    return Parsed(
        None,
        f"could not read {_quote(value)} as an amount in pounds (e.g. £1,234.56, £1.2m, (3728))",
    )


def _money(value: Any, amount: Decimal, is_estimate: bool) -> Parsed[Money]:
    if not amount.is_finite():
        return _money_problem(value)
    if amount and amount.adjusted() > _MAX_ADJUSTED_EXPONENT:
        return Parsed(None, f"{_quote(value)} is too large to be a contract value")
    amount = amount.quantize(_PENNY, rounding=ROUND_HALF_UP)
    if amount.is_zero():
        amount = _ZERO  # no "-0.00"
    return Parsed(Money(amount, is_estimate), None)


def _amount(num: str, mult: str | None) -> Decimal:
    amount = Decimal(num.replace(",", ""))
    if mult:
        amount *= _MULTIPLIERS[mult]
    return amount


def parse_money(value: Any) -> Parsed[Money]:
    """Read a cell as a sterling :class:`Money` amount, quantised to pence (half up).

    Understands ``£1,234,567.00``, ``1234567``, ``£1.2m``, ``£500k``, ``£1.5bn``, accounting
    brackets ``(3728)`` (negative), ``-£50``/``£-50``, ``GBP``, ``p.a.``/``per annum`` and
    VAT remarks (ignored: the figure is still the amount). ``approx.``, ``c.``, ``circa``,
    ``est.``, ``~``, ``up to`` mark an estimate; a range ``£10k-£20k`` gives the upper figure as
    an estimate. Excel floats go through ``Decimal(str(x))`` so ``1234.5`` is ``1234.50``.
    ``TBC``/``TBA``/``unknown``/``various``/``n/a``/blank are ``Parsed(None, None)``;
    ``nil`` is zero. Monthly/unit rates, other currencies and other text are problems.
    """
    try:
        if value is None:
            return _NOTHING
        if isinstance(value, bool):
            return _money_problem(value)
        if isinstance(value, int):
            return _money(value, Decimal(value), False)
        if isinstance(value, float):
            if value != value:
                return _NOTHING
            return _money(value, Decimal(repr(value)), False)
        if isinstance(value, Decimal):
            if value.is_nan():
                return _NOTHING
            return _money(value, value, False)
        if isinstance(value, date):
            return _money_problem(value)
        if not isinstance(value, str) and _is_nan(value):
            return _NOTHING
        if isinstance(value, str):
            m = _MONEY_PLAIN_RE.fullmatch(value.strip())
            if m:  # fast path: £1,234,567.00 / 1234567
                return _money(value, Decimal(m[1].replace(",", "")), False)
        s = _text(value).lower()
        if s in _BLANK_OR_UNKNOWN or s in _MONEY_UNKNOWN:
            return _NOTHING
        s, estimates = _MONEY_EST_RE.subn(" ", s)
        if _MONEY_PERIOD_RE.search(s):
            return Parsed(
                None,
                f"{_quote(value)} is a rate, not a total or annual amount; "
                "give the contract or annual value",
            )
        if _MONEY_FOREIGN_RE.search(s):
            return Parsed(None, f"{_quote(value)} is not in pounds sterling")
        s = _MONEY_NOISE_RE.sub(" ", s).strip()
        if not s.isprintable() or "  " in s:
            s = _WS_RE.sub(" ", s)
        if s in ("nil", "zero"):
            return _money(value, _ZERO, bool(estimates))
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
            return _money(value, amount, bool(estimates))
        m = _MONEY_RANGE_RE.fullmatch(s)
        if m:
            low_num, low_mult, high_num, high_mult = m.groups()
            high = _amount(high_num, high_mult)
            low = _amount(low_num, low_mult or high_mult)
            return _money(value, max(low, high), True)
        return _money_problem(value)
    except Exception:  # e.g. decimal.InvalidOperation on absurd exponents
        return _money_problem(value)


# --------------------------------------------------------------------------------------------
# 5./6. extension terms
# --------------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "sixty": 60,
    "single": 1,
    "half": 0.5,
}
_TENS = frozenset({20, 30, 40, 60})
_UNITS = {
    "year": 12,
    "years": 12,
    "yr": 12,
    "yrs": 12,
    "y": 12,
    "month": 1,
    "months": 1,
    "mth": 1,
    "mths": 1,
    "mnth": 1,
    "mnths": 1,
    "mon": 1,
    "mons": 1,
    "mo": 1,
    "mos": 1,
    "m": 1,
}
# Words that carry no information about the periods themselves.
_EXT_FILLER = frozenset(
    {
        "option",
        "options",
        "optional",
        "to",
        "extend",
        "extended",
        "extendable",
        "extending",
        "extension",
        "extensions",
        "ext",
        "exts",
        "for",
        "up",
        "of",
        "further",
        "additional",
        "separate",
        "individual",
        "possible",
        "potential",
        "period",
        "periods",
        "term",
        "terms",
        "the",
        "a",
        "an",
        "each",
        "by",
        "max",
        "maximum",
        "renewal",
        "renewals",
        "available",
        "remaining",
        "consecutive",
        "successive",
        "yes",
        "in",
        "council",
        "councils",
        "council's",
        "at",
        "discretion",
        "its",
        "there",
        "is",
        "are",
    }
)
_EXT_ADJ = frozenset(
    {"further", "additional", "separate", "single", "individual", "optional", "possible"}
)
_EXT_NONE = frozenset(
    {
        "no",
        "n",
        "nil",
        "nothing",
        "zero",
        "0",
        "no extension",
        "no extensions",
        "not extendable",
        "non extendable",
        "none available",
        "none remaining",
        "false",
    }
)
_EXT_NONE_RE = re.compile(r"(?:no|none|nil|nothing)\b[^\d]*")
# "a further 1 + 1 years": after further/additional every "+" part is an extension
_EXT_FURTHER_PLUS_RE = re.compile(
    r"\b(further|additional)\s+(?=\d+(?:\.\d+)?\s*[a-z]*\s*(?:\+|plus\b))"
)
_EXT_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|[a-z]+(?:'s)?|[+x\u00d7*&()]")
_MAX_PERIOD_MONTHS = 1200
_MAX_PERIOD_COUNT = 10


def _ext_problem(value: Any) -> Parsed[list[int]]:
    return Parsed(
        [],
        f"could not understand extension terms {_quote(value)}; "
        "kept as written, treated as no extension",
    )


def _ext_tokens(s: str) -> list[tuple[str, float]] | None:
    """Tokens ``("n", number)``, ``("u", months per unit)``, ``("+", 0)``, ``("x", 0)``,
    ``("&", 0)``; ``None`` when a word is not understood."""
    raw = _EXT_TOKEN_RE.findall(s)
    out: list[tuple[str, float]] = []
    i = 0
    n = len(raw)
    while i < n:
        tok = raw[i]
        i += 1
        if tok[0].isdigit():
            out.append(("n", float(tok)))
        elif tok in _NUMBER_WORDS:
            num = _NUMBER_WORDS[tok]
            if out and out[-1][0] == "n" and out[-1][1] in _TENS and num < 10 and tok != "half":
                out[-1] = ("n", out[-1][1] + num)  # twenty four
            else:
                out.append(("n", num))
        elif tok in _UNITS:
            out.append(("u", _UNITS[tok]))
        elif tok in ("x", "\u00d7", "*", "times"):
            out.append(("x", 0))
        elif tok in ("+", "plus"):
            out.append(("+", 0))
        elif tok in ("&", "and"):
            out.append(("&", 0))
        elif tok == "(":
            # "two (2) periods": a bracketed number repeating the one before it
            if (
                i + 1 < n
                and raw[i + 1] == ")"
                and out
                and out[-1][0] == "n"
                and (raw[i][0].isdigit() or raw[i] in _NUMBER_WORDS)
            ):
                i += 2
        elif tok == ")":
            continue
        elif tok in ("a", "an"):
            j = i
            while j < n and raw[j] in _EXT_ADJ:
                j += 1
            if j < n and raw[j] in _UNITS:
                out.append(("n", 1))
        elif tok in _EXT_FILLER:
            continue
        else:
            return None
    return out


def _months(count: float, per_unit: float) -> int | None:
    months = count * per_unit
    if not 0 <= months <= _MAX_PERIOD_MONTHS or months != int(months):
        return None
    return int(months)


def _ext_plus(tokens: list[tuple[str, float]]) -> tuple[int | None, list[int]] | None:
    """``2+1+1 [years]``, ``+1+1``, ``6 months + 6 months``."""
    segments: list[list[tuple[str, float]]] = [[]]
    for tok in tokens:
        if tok[0] == "+":
            segments.append([])
        else:
            segments[-1].append(tok)
    leading_plus = not segments[0]
    if leading_plus:
        segments = segments[1:]
    numbers: list[float] = []
    units: list[float | None] = []
    for seg in segments:
        if len(seg) == 1 and seg[0][0] == "n":
            numbers.append(seg[0][1])
            units.append(None)
        elif len(seg) == 2 and seg[0][0] == "n" and seg[1][0] == "u":
            numbers.append(seg[0][1])
            units.append(seg[1][1])
        else:
            return None
    all_units = all(u is not None for u in units)
    # a segment without a unit takes the next unit written after it, else the one before,
    # else years ("2+1+1")
    resolved: list[float] = []
    for k, u in enumerate(units):
        if u is None:
            later = [x for x in units[k + 1 :] if x is not None]
            earlier = [x for x in units[:k] if x is not None]
            u = later[0] if later else earlier[-1] if earlier else 12
        resolved.append(u)
    months: list[int] = []
    for num, u in zip(numbers, resolved, strict=True):
        mo = _months(num, u)
        if mo is None:
            return None
        months.append(mo)
    if leading_plus or (all_units and len(set(months)) == 1):
        initial = None
        periods = months
    else:
        initial, periods = months[0], months[1:]
    return initial, [p for p in periods if p]


def _ext_groups(tokens: list[tuple[str, float]]) -> list[int] | None:
    """Sequences of ``N unit``, ``N x N unit``, ``N N unit`` and ``N unit x N``."""
    periods: list[int] = []
    i = 0
    n = len(tokens)

    def kind(k: int) -> str:
        return tokens[k][0] if k < n else ""

    while i < n:
        if kind(i) == "&" and periods:
            i += 1
            continue
        if kind(i) != "n":
            return None
        first = tokens[i][1]
        if kind(i + 1) == "x" and kind(i + 2) == "n" and kind(i + 3) == "u":
            count, length = first, _months(tokens[i + 2][1], tokens[i + 3][1])
            i += 4
        elif kind(i + 1) == "n" and kind(i + 2) == "u":
            count, length = first, _months(tokens[i + 1][1], tokens[i + 2][1])
            i += 3
        elif kind(i + 1) == "u" and kind(i + 2) == "x" and kind(i + 3) == "n":
            count, length = tokens[i + 3][1], _months(first, tokens[i + 1][1])
            i += 4
        elif kind(i + 1) == "u":
            count, length = 1, _months(first, tokens[i + 1][1])
            i += 2
        else:
            return None
        if length is None or count != int(count) or not 0 <= count <= _MAX_PERIOD_COUNT:
            return None
        if length:
            periods.extend([length] * int(count))
    return periods


# Free-text sentences (OCDS renewal descriptions, register notes). The compact parser above is
# tried first; only text it cannot read comes here. The text is normalised, then a fixed list
# of rules is applied in order. Each rule claims the words it read (they are blanked out, so a
# later, looser rule cannot read them again) and gives a list of periods. The first rule's list
# is the answer; every other rule that fired must agree with it on the total number of months
# (``up to 24 months in 2 x 12 month intervals`` reads as [12, 12] and as [24]: consistent),
# otherwise the sentence is unclear. Precision over recall: no rule firing, totals that
# disagree, a negation near an extension word, alternatives (``12 or 24 months``) or an
# implausible count all give "not understood" rather than a guess.

_SENT_UNITS_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
}
_SENT_COMPOUND_RE = re.compile(
    r"\b(twenty|thirty|forty|fifty|sixty)[\s-]+(one|two|three|four|five|six|seven|eight|nine)\b"
)
_SENT_WORD_RE = re.compile(r"\b(" + "|".join(_SENT_UNITS_WORDS) + r")\b")
_SENT_SINGLE_RE = re.compile(r"\bsingle[\s-]+(?=years?\b|months?\b)")
# "two (2)", "four [4]": a bracketed number repeating the number just before it
_SENT_DUP_RE = re.compile(r"\b(\d+)\s*[(\[]\s*\1\s*[)\]]")
# "a further year", "an additional month": one unit
_SENT_A_UNIT_RE = re.compile(r"\b(an?|further|additional|optional)\s+(year|month)\b")
_SENT_YEARS_RE = re.compile(r"\b(\d+(?:\.\d+)?)[\s-]*(?:years?|yrs?)\b")
_SENT_MONTHS_RE = re.compile(r"\b(\d+(?:\.\d+)?)[\s-]*(?:months?|mths?|mnths?)\b")
_SENT_UNIT = r"(?:\s*-?\s*(?:years?|yrs?|months?|mths?)\b)?"
# "3+1+1", "24 + 12 + 12 months", "1 year plus 1 year", "+1,+1"
_SENT_PLUS_RE = re.compile(
    r"(?<![\w.+/-])\+?\s*\d+(?:\.\d+)?"
    + _SENT_UNIT
    + r"(?:\s*,?\s*(?:\+|\bplus\b)\s*,?\s*\d+(?:\.\d+)?"
    + _SENT_UNIT
    + r")+(?![\w.])"
)
_SENT_FURTHER_END_RE = re.compile(r"\b(?:further|additional)\s*$")
# "<further|up to> 2 years [extension] (" just before a plus expression: the extension total
_SENT_PLUS_TOTAL_RE = re.compile(
    r"(?:\b(further|additional|up\s+to)\s+)?(\d+(?:\.\d+)?)\s*-?\s*(years?|yrs?|months?|mths?)\b"
    r"\s*((?:extensions?|options?|\s)*)[\s.]*[(\[]\s*$"
)
_SENT_NEGATION_RE = re.compile(
    r"\b(?:no|not|cannot|can't|won't|never)\s+(?:\w+\s+){0,2}?"
    r"(?:option|options|extension|extensions|extend|extended|renew|renewed|renewal|further"
    r"|available|possible)\b"
)
_SENT_ALTERNATIVE_RE = re.compile(r"\d+(?: months)?\s+or\s+(?:up to\s+)?\d+ months")
_SENT_GAP = " \u00a7 "  # what a rule leaves in place of the words it read

_N = r"(\d+(?:\.\d+)?)"
_ADJ = (
    r"(?:(?:further|additional|optional|separate|individual|possible|potential|consecutive"
    r"|successive)\s+)*"
)
_OBJ = (
    r"(?:(?:the|this)\s+)?(?:contract|agreement|framework(?:\s+agreement)?|lot"
    r"|duration(?:\s+of\s+(?:the|this)\s+(?:contract|framework\s+agreement|framework|agreement))?)"
)
_EXT_RULES_SRC: list[tuple[str, str]] = [
    # 1. count x length: "7 x 12 months", "2 x 12 months intervals"
    ("count_x", rf"\b(\d{{1,3}})\s*x\s*{_ADJ}{_N} months\b"),
    # 2. count length noun: "two 48 month extensions", "4 individual 1 year periods"
    (
        "count_length",
        rf"(?<![\d.,/+])\b(\d{{1,3}})\s+{_ADJ}{_N} months\s+(?:(?:period|term)s?\s+)?"
        r"(?:extension|renewal|option|period)s?\b",
    ),
    # 3. count noun of length: "2 periods of 12 months", "2 optional extensions of 12 months",
    #    "2 further periods, each of 12 months", "2 options to extend for 12 month periods"
    (
        "count_of_length",
        rf"(?<![\d.,/+])\b(\d{{1,3}})\s+{_ADJ}(?:(?:extension|renewal)\s+)?"
        r"(?:periods?|extensions?|renewals?|options?)(?:\s+to\s+extend)?(?:,?\s+each)?"
        rf"\s+(?:of|for)\s+(?:up\s+to\s+)?{_N} months\b",
    ),
    # 4. annual: "on an annual basis for up to a further 24 months" → 12 each
    (
        "annual_up_to",
        r"\b(?:on\s+an\s+annual\s+basis|annually)\s+for\s+(?:up\s+to\s+)?(?:an?\s+)?"
        rf"(?:(?:further|additional)\s+)?{_N} months\b",
    ),
    #    "annual renewals in 2024 and 2025" → one 12 per year named
    (
        "annual_years",
        r"\bannual\s+renewals?\s+in\s+((?:(?:19|20|21)\d\d\s*,\s*)*(?:19|20|21)\d\d"
        r"\s+and\s+(?:19|20|21)\d\d)\b",
    ),
    # 5. "extend this contract from 36 to 48 months" → the difference
    ("from_to", rf"\bextend\w*\s+(?:{_OBJ}\s+)?from\s+{_N}(?: months)?\s+to\s+{_N} months\b"),
    # 6. one period after a verb: "may be extended for a further 6 months", "option to extend
    #    by up to 12 months", "extend the contract by a variable period not exceeding 24 months"
    (
        "extend_by",
        rf"\b(?:extend|extended|extending|renew|renewed)\s+(?:{_OBJ}\s+)?(?:for|by)\s+"
        r"(?:up\s+to\s+)?(?:an?\s+)?(?:(?:further|additional|maximum|max|variable)\s+)*"
        r"(?:period\s+(?:not\s+exceeding|not\s+to\s+exceed|of\s+up\s+to|of)\s+)?"
        rf"(?:up\s+to\s+)?{_N} months\b",
    ),
    # 7. one period as a noun: "an optional 12 month extension", "possible 2 year extension",
    #    "an extension of 12 months"
    (
        "length_noun",
        rf"(?<![\d.x+])(?<![\d.x+]\s)\b{_N} months\s+(?:period\s+)?(?:extension|renewal)s?\b"
        rf"|\b(?:extension|renewal)\s+of\s+(?:up\s+to\s+)?{_N} months\b",
    ),
]
_EXT_RULES = [(name, re.compile(src)) for name, src in _EXT_RULES_SRC]
# the maximum and initial periods, when both are stated: their difference is the extension
_SENT_MAXIMUM_RE = re.compile(
    r"\bmaximum\s+(?:total\s+)?(?:contract\s+)?(?:period|duration|term|length)"
    r"(?:\s+of\s+the\s+\w+(?:\s+agreement)?)?\s+(?:of|is|will\s+be)\s+(\d+) months\b"
)
_SENT_INITIAL_RE = re.compile(
    r"\binitial\s+(?:period|term|duration)(?:\s+of\s+the\s+\w+(?:\s+agreement)?)?\s+"
    r"(?:will\s+be\s+|shall\s+be\s+|is\s+)?(?:for\s+|of\s+)?(\d+) months\b"
)


def _sent_count(text: str) -> int | None:
    n = float(text)
    if n != int(n) or not 1 <= n <= _MAX_PERIOD_COUNT:
        return None
    return int(n)


def _sent_length(text: str) -> int | None:
    months = _months(float(text), 1)
    return months or None  # a zero-length period is not an extension


def _sent_rule(name: str, m: re.Match[str]) -> list[int] | None:
    """The periods one rule match means, or ``None`` when they are implausible."""
    if name in ("count_x", "count_length", "count_of_length"):
        count, length = _sent_count(m[1]), _sent_length(m[2])
        return None if count is None or length is None else [length] * count
    if name == "annual_up_to":
        total = _sent_length(m[1])
        if total is None or total % 12:
            return None
        count = _sent_count(str(total // 12))
        return None if count is None else [12] * count
    if name == "annual_years":
        years = sorted({int(y) for y in re.findall(r"\d{4}", m[1])})
        if years != list(range(years[0], years[-1] + 1)):
            return None  # "2024 and 2027": not one renewal a year
        count = _sent_count(str(len(years)))
        return None if count is None else [12] * count
    if name == "from_to":
        start, end = _sent_length(m[1]), _sent_length(m[2])
        if start is None or end is None or end <= start:
            return None
        return [end - start]
    # extend_by, length_noun: one period (the group of whichever alternative matched)
    length = _sent_length(next(g for g in m.groups() if g is not None))
    return None if length is None else [length]


def _sent_normalise(s: str) -> str:
    """Lower-case one-line text with number words as digits and bracketed repeats removed."""
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    s = _SENT_COMPOUND_RE.sub(lambda m: str(_SENT_UNITS_WORDS[m[1]] + _SENT_UNITS_WORDS[m[2]]), s)
    s = _SENT_WORD_RE.sub(lambda m: str(_SENT_UNITS_WORDS[m[1]]), s)
    s = _SENT_SINGLE_RE.sub("1 ", s)
    return _SENT_DUP_RE.sub(r"\1", s)


def _sent_to_months(s: str) -> str | None:
    """Every ``N years`` / ``N-month`` as ``M months``; ``None`` if a length is not whole."""
    s = _SENT_A_UNIT_RE.sub(lambda m: f"{m[1]} {12 if m[2] == 'year' else 1} months", s)
    bad = False

    def years(m: re.Match[str]) -> str:
        nonlocal bad
        months = float(m[1]) * 12
        if months != int(months):
            bad = True
        return f"{int(months)} months"

    s = _SENT_YEARS_RE.sub(years, s)
    s = _SENT_MONTHS_RE.sub(r"\1 months", s)
    return None if bad else s


def _ext_sentence(s: str) -> list[int] | None:
    """Extension periods from a sentence (``s`` already lower-case, one line), or ``None``."""
    s = _sent_normalise(s)
    if _SENT_NEGATION_RE.search(s):
        return None
    found: list[list[int]] = []
    # rule 0: a plus expression, read by the compact parser ("3+1+1", "1 year plus 1 year")
    pieces: list[str] = []
    last = 0
    for m in _SENT_PLUS_RE.finditer(s):
        expr = m[0].replace("-", " ")
        if _SENT_FURTHER_END_RE.search(s, 0, m.start()) and not expr.lstrip().startswith("+"):
            expr = "+" + expr  # "a further 1 + 1 years": every part is an extension
        tokens = _ext_tokens(expr)
        plus = _ext_plus(tokens) if tokens else None
        if plus is None or not plus[1]:
            return None
        periods = plus[1]
        total = _SENT_PLUS_TOTAL_RE.search(s, 0, m.start())
        if plus[0] is not None and total and (total[1] or total[4]):
            # "up to 2 years (1+1)", "further 2 years (1+1)": when the extension total written
            # before the brackets is the sum of every part, every part is an extension
            parts = [plus[0], *periods]
            written = _months(float(total[2]), _UNITS[total[3]])
            if written == sum(parts):
                periods = parts
        found.append(periods)
        pieces += [s[last : m.start()], _SENT_GAP]
        last = m.end()
    s = "".join(pieces) + s[last:]
    converted = _sent_to_months(s)
    if (
        converted is None
        or not (found or any(c.isdigit() for c in converted))
        or _SENT_ALTERNATIVE_RE.search(converted)
    ):
        return None
    s = converted
    for name, rx in _EXT_RULES:
        pieces, last = [], 0
        for m in rx.finditer(s):
            periods = _sent_rule(name, m)
            if periods is None:
                return None
            found.append(periods)
            pieces += [s[last : m.start()], _SENT_GAP]
            last = m.end()
        s = "".join(pieces) + s[last:]
    maximum = _SENT_MAXIMUM_RE.findall(s)
    initial = _SENT_INITIAL_RE.findall(s)
    if len(maximum) == 1 and len(initial) == 1:
        rest = int(maximum[0]) - int(initial[0])
        if rest <= 0:
            return None
        found.append([rest])
    if not found:
        return None
    total = sum(found[0])
    if any(sum(periods) != total for periods in found[1:]):
        return None
    return found[0]


def _parse_ext(value: Any) -> tuple[int | None, list[int]] | None:
    """(initial term in months or None, extension periods), or None if not understood."""
    if value is None:
        return None, []
    if isinstance(value, bool):
        return (None, []) if value is False else None
    if isinstance(value, int | float):
        if value != value or value == 0:
            return None, []
        return None  # a bare number has no unit: months or years?
    if isinstance(value, date):
        return None
    if not isinstance(value, str) and _is_nan(value):
        return None, []
    s = _text(value).lower()
    if s in _BLANK or s in _EXT_NONE or _EXT_NONE_RE.fullmatch(s):
        return None, []
    if s in _UNKNOWN:
        return None  # an extension is "to be confirmed": report it
    result = _ext_compact(_EXT_FURTHER_PLUS_RE.sub(r"\1 +", s))
    if result is not None:
        return result
    periods = _ext_sentence(s)
    return None if periods is None else (None, periods)


def _ext_compact(s: str) -> tuple[int | None, list[int]] | None:
    """``2+1+1``, ``2 x 12 months``, ``Option to extend for up to 2 years`` ..."""
    tokens = _ext_tokens(s)
    if not tokens:
        return None
    if any(t[0] == "+" for t in tokens):
        return _ext_plus(tokens)
    periods = _ext_groups(tokens)
    if periods is None:
        return None
    return None, periods


def parse_extension_terms(value: Any) -> Parsed[list[int]]:
    """Read an extension-terms cell as the list of optional extension periods, in months.

    ``2+1+1`` is an initial term of 2 years then two 1-year options: ``[12, 12]`` (bare
    numbers joined by ``+`` are years unless a unit is written; the first is the initial
    term, see :func:`initial_term_months`). When every ``+`` part carries its own unit and
    they are all equal (``6 months + 6 months``) they are all extensions; ``+1+1`` (leading
    ``+``) is extensions only. ``Up to 24 months`` / ``Option to extend for up to 2 years`` →
    ``[24]``; ``2 x 12 months``, ``2 separate one year extension options``, ``two (2) periods
    of twelve (12) months`` → ``[12, 12]``. ``None``/``No``/``N/A``/``nil``/``0``/blank → ``[]``.
    Text the compact forms do not cover is read as a sentence (see the rules above
    ``_ext_sentence``): ``An optional 12 month extension`` → ``[12]``, ``may be extended for
    up to two (2) periods of twelve (12) months`` → ``[12, 12]``, ``Contract on 3+1+1 basis``
    → ``[12, 12]``, ``extend this contract from 36 to 48 months`` → ``[12]``, ``annual
    renewals in 2024 and 2025`` → ``[12, 12]``. A bare number (no unit), a sentence no rule
    reads, or one that is unclear (a negation, ``12 or 24 months``, readings that disagree on
    the total, a date with no duration) → ``[]`` with a problem: the caller keeps the text as
    written. The value is always a new list (never ``None``).
    """
    try:
        result = _parse_ext(value)
    except Exception:
        result = None
    if result is None:
        return _ext_problem(value)
    return Parsed(result[1], None)


def initial_term_months(value: Any) -> int | None:
    """The initial term, in months, from ``2+1+1`` style terms (``24``); otherwise ``None``."""
    try:
        result = _parse_ext(value)
    except Exception:
        return None
    if result is None:
        return None
    return result[0] or None


# --------------------------------------------------------------------------------------------
# 7. company numbers
# --------------------------------------------------------------------------------------------

_CH_PREFIX_RE = re.compile(
    r"^(?:GB[-\s]?COH[-:/\s]*|COH[-:/\s]+|GB\s*/\s*"
    r"|COMPANIES\s+HOUSE(?:\s+(?:REGISTRATION\s+|REG\.?\s*)?(?:NUMBER|NO\.?))?[\s:#.-]*"
    r"|(?:COMPANY|CO\.?)\s*(?:REGISTRATION\s+|REG\.?\s*)?(?:NUMBER|NO\.?)[\s:#.-]*"
    r"|CRN[\s:#.-]*|REG(?:ISTRATION)?\.?\s*(?:NUMBER|NO\.?)?[\s:#.-]*)"
)
_CH_DIGITS_RE = re.compile(r"\d{1,8}")
_CH_FLOAT_RE = re.compile(r"(\d{1,8})\.0*")
_CH_LETTERS_RE = re.compile(r"(R0|[A-Z]{2})(\d{1,6})")
_CH_PREFIXES = frozenset(
    {"AC", "BR", "CE", "CS", "FC", "FE", "GE", "GN", "GS", "IC", "IP", "LP", "NA", "NC", "NF"}
    | {"NI", "NL", "NO", "NP", "NR", "NZ", "OC", "OE", "RC", "SA", "SC", "SE", "SF", "SG"}
    | {"SI", "SL", "SO", "SP", "SR", "SZ", "ZC", "R0"}
)
_CH_BLANK = frozenset({"0", "none", "nil", "not registered", "not a company", "no", "n"})


def _company_problem(value: Any) -> Parsed[str]:
    return Parsed(
        None,
        f"{_quote(value)} is not a Companies House number "
        "(8 digits, or 2 letters and 6 digits, e.g. 02165763, SC123456)",
    )


def parse_company_number(value: Any) -> Parsed[str]:
    """Read a cell as a Companies House number: 8 digits or 2 letters + 6 digits.

    Strips prefixes (``gb/``, ``GB-COH-``, ``COH:``, ``Companies House No.``, ``CRN``) and
    spaces; zero-pads all-digit numbers to 8 (Excel drops the leading zero and may give
    ``2165763.0``); keeps ``SC``/``NI``/``OC``/``SO``/``NC``/``R0``... prefixes upper-case,
    padding their digits to 6. ``N/A``, ``0``, ``none`` and blank are ``Parsed(None, None)``;
    charity or VAT numbers and other text are problems.
    """
    try:
        if value is None:
            return _NOTHING
        if isinstance(value, bool):
            return _company_problem(value)
        if isinstance(value, float):
            if value != value:
                return _NOTHING
            if not value.is_integer():
                return _company_problem(value)
            value_int: int | None = int(value)
        elif isinstance(value, int):
            value_int = value
        else:
            value_int = None
        if value_int is not None:
            if value_int == 0:
                return _NOTHING
            if 0 < value_int < 100_000_000:
                return Parsed(f"{value_int:08d}", None)
            return _company_problem(value)
        if isinstance(value, date) or (not isinstance(value, str) and _is_nan(value)):
            return _company_problem(value) if isinstance(value, date) else _NOTHING
        s = _text(value)
        low = s.lower()
        if low in _BLANK_OR_UNKNOWN or low in _CH_BLANK:
            return _NOTHING
        s = _CH_PREFIX_RE.sub("", s.upper()).replace(" ", "").replace("-", "")
        m = _CH_DIGITS_RE.fullmatch(s) or _CH_FLOAT_RE.fullmatch(s)
        if m:
            digits = m[0] if m.re is _CH_DIGITS_RE else m[1]
            if int(digits) == 0:
                return _NOTHING
            return Parsed(digits.zfill(8), None)
        m = _CH_LETTERS_RE.fullmatch(s)
        if m and m[1] in _CH_PREFIXES:
            return Parsed(m[1] + m[2].zfill(6), None)
        return _company_problem(value)
    except Exception:
        return _company_problem(value)


# --------------------------------------------------------------------------------------------
# 8. yes / no
# --------------------------------------------------------------------------------------------

_YES = frozenset({"yes", "y", "true", "t", "1", "1.0", "x", "\u2713", "\u2714", "\u2611", "yes."})
_NO = frozenset({"no", "n", "false", "f", "0", "0.0", "\u2717", "\u2718", "\u2610", "no."})
_TRUE: Parsed[bool] = Parsed(True, None)
_FALSE: Parsed[bool] = Parsed(False, None)


def parse_yes_no(value: Any) -> Parsed[bool]:
    """Read a yes/no flag (e.g. ``supplier_is_sme``): ``True``, ``False`` or ``None``.

    yes/y/true/1/x/✓ are ``True``; no/n/false/0 are ``False``; blank and
    unknown/TBC are ``None``; anything else is a problem (so a typo is not read as "no").
    """
    try:
        if value is None:
            return _NOTHING
        if isinstance(value, bool):
            return _TRUE if value else _FALSE
        if isinstance(value, int | float):
            if value != value:
                return _NOTHING
            if value == 1:
                return _TRUE
            if value == 0:
                return _FALSE
        elif not isinstance(value, str | date) and _is_nan(value):
            return _NOTHING
        s = _text(value).lower()
        if s in _YES:
            return _TRUE
        if s in _NO:
            return _FALSE
        if s in _BLANK_OR_UNKNOWN:
            return _NOTHING
        return Parsed(None, f"could not read {_quote(value)} as yes or no")
    except Exception:
        return Parsed(None, f"could not read {_quote(value)} as yes or no")


# --------------------------------------------------------------------------------------------
# 9. CPV codes
# --------------------------------------------------------------------------------------------

_CPV_RE = re.compile(r"(?<!\d)\d{8}(?!\d)")


def parse_cpv_codes(value: Any) -> Parsed[list[str]]:
    """Find every 8-digit CPV code in a cell, without check digits, de-duplicated in order.

    ``90510000-5``, ``90511000 - Refuse collection services; 90512000`` and the number
    ``90510000`` all work; a number that lost its leading zero in Excel (``3000000``) is
    padded back to 8 digits. Blank → ``[]``; text with no code → ``[]`` with a problem.
    The value is always a new list.
    """
    try:
        if value is None:
            return Parsed([], None)
        if isinstance(value, float):
            if value != value:
                return Parsed([], None)
            if value.is_integer():
                value = int(value)
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and 1_000_000 <= value < 100_000_000
        ):
            return Parsed([f"{value:08d}"], None)
        if not isinstance(value, str | int | date) and _is_nan(value):
            return Parsed([], None)
        s = _text(value)
        if s.lower() in _BLANK_OR_UNKNOWN:
            return Parsed([], None)
        codes = list(dict.fromkeys(_CPV_RE.findall(s)))
        if codes:
            return Parsed(codes, None)
        return Parsed([], f"no CPV code (8 digits, e.g. 90510000-5) found in {_quote(value)}")
    except Exception:
        return Parsed([], f"no CPV code (8 digits, e.g. 90510000-5) found in {_quote(value)}")


# --------------------------------------------------------------------------------------------
# 10. collaboration interest, 11. status
# --------------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[a-z0-9']+")
_INTEREST_EXACT = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "1": "yes",
    "interested": "yes",
    "keen": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "0": "no",
    "not interested": "no",
    "maybe": "maybe",
    "possibly": "maybe",
    "possible": "maybe",
    "perhaps": "maybe",
    "potentially": "maybe",
    "tbc": "maybe",
    "tbd": "maybe",
    "to be confirmed": "maybe",
    "consider": "maybe",
    "will consider": "maybe",
    "would consider": "maybe",
    "under consideration": "maybe",
    "unknown": "unknown",
    "not known": "unknown",
    "n/k": "unknown",
}
_INTEREST_FIRST = {
    "yes": "yes",
    "interested": "yes",
    "no": "no",
    "not": "no",
    "maybe": "maybe",
    "possibly": "maybe",
    "possible": "maybe",
    "perhaps": "maybe",
    "potentially": "maybe",
    "tbc": "maybe",
    "consider": "maybe",
    "considering": "maybe",
}
_UNKNOWN_INTEREST: Parsed[str] = Parsed("unknown", None)


def parse_collaboration_interest(value: Any) -> Parsed[str]:
    """Read "would this council consider a joint tender" as yes / no / maybe / unknown.

    Never ``None``: blank is ``"unknown"`` without a problem (alignment keeps unknowns);
    text that is not understood is ``"unknown"`` with a problem. Leading words decide free
    text (``Yes - keen to collaborate``, ``Not interested at this time``, ``Possibly in 2026``).
    """
    try:
        if value is None:
            return _UNKNOWN_INTEREST
        if isinstance(value, bool):
            return Parsed("yes" if value else "no", None)
        if isinstance(value, int | float) and value != value:
            return _UNKNOWN_INTEREST
        if not isinstance(value, str | int | float | date) and _is_nan(value):
            return _UNKNOWN_INTEREST
        s = _text(value).lower()
        if s in _BLANK:
            return _UNKNOWN_INTEREST
        found = _INTEREST_EXACT.get(s.rstrip(".!"))
        if found is None:
            words = _WORD_RE.findall(s)
            if words:
                if words[0] == "not" and "interested" not in words[1:3]:
                    found = None
                elif words[0] in ("will", "would", "may", "might", "could", "under") and any(
                    w.startswith("consider") for w in words[1:3]
                ):
                    found = "maybe"
                else:
                    found = _INTEREST_FIRST.get(words[0])
        if found is None:
            return Parsed(
                "unknown",
                f"could not read {_quote(value)} as a collaboration interest "
                "(yes, no, maybe or unknown)",
            )
        return Parsed(found, None)
    except Exception:
        return Parsed("unknown", f"could not read {_quote(value)} as a collaboration interest")


_STATUS_EXACT = {
    "active": "active",
    "live": "active",
    "current": "active",
    "ongoing": "active",
    "on going": "active",
    "awarded": "active",
    "in progress": "active",
    "open": "active",
    "extended": "active",
    "in extension": "active",
    "in contract": "active",
    "expired": "expired",
    "ended": "expired",
    "complete": "expired",
    "completed": "expired",
    "closed": "expired",
    "finished": "expired",
    "lapsed": "expired",
    "terminated": "terminated",
    "cancelled": "terminated",
    "canceled": "terminated",
    "planned": "planned",
    "pipeline": "planned",
    "future": "planned",
    "tender": "planned",
    "tendering": "planned",
    "out to tender": "planned",
    "in procurement": "planned",
    "procurement": "planned",
    "not started": "planned",
    "not yet started": "planned",
    "upcoming": "planned",
    "proposed": "planned",
}
_STATUS_FIRST = {
    k: v for k, v in _STATUS_EXACT.items() if " " not in k and k not in ("open", "future")
}
_STATUS_SEP_RE = re.compile(r"[\s_\-/]+")
_STATUS_RESULTS = {v: Parsed(v, None) for v in ("active", "expired", "terminated", "planned")}


def parse_status(value: Any) -> Parsed[str]:
    """Read a contract status as ``active``, ``expired``, ``terminated`` or ``planned``.

    Synonyms: live/current/ongoing/awarded/in progress/open/extended → active;
    expired/ended/complete(d)/closed → expired; terminated/cancelled → terminated;
    planned/pipeline/future/tender/in procurement/not started → planned. A leading status
    word decides longer text (``Live - extended to 2026``). Blank → ``None``.
    """
    try:
        if value is None:
            return _NOTHING
        if not isinstance(value, str) and _is_nan(value):
            return _NOTHING
        s = _text(value).lower()
        if s in _BLANK:
            return _NOTHING
        key = _STATUS_SEP_RE.sub(" ", s).strip(" .!")
        found = _STATUS_EXACT.get(key)
        if found is None:
            for phrase in ("in progress", "in procurement", "not started", "not yet started"):
                if key.startswith(phrase):
                    found = _STATUS_EXACT[phrase]
                    break
            else:
                words = _WORD_RE.findall(key)
                if words:
                    found = _STATUS_FIRST.get(words[0])
        if found is None:
            return Parsed(
                None,
                f"could not read {_quote(value)} as a status "
                "(active, expired, terminated or planned)",
            )
        return _STATUS_RESULTS[found]
    except Exception:
        return Parsed(None, f"could not read {_quote(value)} as a status")


# --------------------------------------------------------------------------------------------
# 12. integers
# --------------------------------------------------------------------------------------------

_INT_RE = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?")


def parse_integer(value: Any) -> Parsed[int]:
    """Read a count (vehicles, units, users) as an ``int``.

    Accepts ints, integral floats (``12.0``), ``1,234`` and ``12.0`` as text; blank → ``None``.
    Fractions, booleans and text are problems (a count of ``12.5`` is a data error).
    """
    try:
        if value is None:
            return _NOTHING
        if isinstance(value, bool):
            return Parsed(None, f"could not read {_quote(value)} as a whole number")
        if isinstance(value, int):
            return Parsed(value, None)
        if isinstance(value, float):
            if value != value:
                return _NOTHING
            if value.is_integer():
                return Parsed(int(value), None)
            return Parsed(None, f"could not read {_quote(value)} as a whole number")
        if not isinstance(value, str | date) and _is_nan(value):
            return _NOTHING
        s = value.strip() if isinstance(value, str) else _text(value)
        if s.isdigit() and s.isascii():
            return Parsed(int(s), None)
        s = _text(s)
        if s.lower() in _BLANK_OR_UNKNOWN:
            return _NOTHING
        if _INT_RE.fullmatch(s):
            return Parsed(int(s.split(".", 1)[0].replace(",", "")), None)
        return Parsed(None, f"could not read {_quote(value)} as a whole number")
    except Exception:
        return Parsed(None, f"could not read {_quote(value)} as a whole number")
