"""Date cells, always UK day-first: ``31/03/2019``, ``31st March 2025``, ``Mar-25``, 43555.

DESIGN §3: registers mix date forms in one column (``26-Nov-2014``, ``31/03/2019``, Excel
serials, ``31st March 2025``, ``Mar-25``); UK dates are day-first always; a month and year
alone (``Mar-25``, ``March 2025``) is the first of the month for start and award dates and
the last day of the month for end dates; ``TBC``, ``N/A`` and blank are no date.

Why it is built this way:

* Hand-written fast paths read the forms registers and export systems write (date objects,
  Excel serials, ISO 8601 with or without a time and zone, ``31/03/2019`` with any of
  ``/ - . \\`` or a space, with or without a time (``14:30:00.123``, ``2:30 PM``, ``at 2pm``)
  and a zone (``Z``, ``+01:00``, ``BST``, ``CET``, ``GMT+1``), month names, ordinals, weekdays,
  ``20190331``); they cost a few microseconds, so a 200,000-row import does not notice them.
* Anything else goes to ``dateutil.parser.parse(dayfirst=True)``, a well-kept parser for the
  long tail (``2025 March 31``, ``Mon Mar 31 14:30:00 2025``, ``31/03/2025 14h30``), but
  guarded: dateutil fills any part the text does not give from a default date, so the text is
  parsed against two different defaults and refused when they disagree, and the day, month and
  year it returns must be written in the text in day-first (or year-first) order. It never
  returns a date it did not read, and never swaps day and month (``12/31/2019`` is a problem).
* A date with a time zone (``2025-03-31T23:00:00+01:00``, ``...Z``, ``14:30 CET``) is the
  calendar date *as written*: no conversion. A register's "31/03/2025 23:00 BST" means the
  31st to the person who wrote it, and converting to UTC would move it to another day.
* A weekday is ignored (``Monday, 31 March 2025``); an 8-digit run is ``YYYYMMDD`` when that is
  a real date in 1900-2199, else ``DDMMYYYY`` (no 8 digits are valid both ways in those years).
  Two-digit years: ``00``-``69`` are 20xx, ``70``-``99`` 19xx.

Shared conventions are described in :mod:`.text`.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

from dateutil.parser import parse as _dateutil_parse

from procurehub.ingest.text import (
    BLANK_OR_UNKNOWN,
    NOTHING,
    WS_RE,
    Parsed,
    cell_text,
    is_nan,
    quote,
)
from procurehub.renewal_dates import days_in_month

__all__ = ["parse_date"]


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

# 14:30, 14.30, 14:30:00, 14:30:00.123, 2:30 PM, 2pm; after a T, a space, a comma or "at"
_CLOCK = (
    r"\d{1,2}(?:[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?|\s*[ap]\.?m\.?)"
)
_TIME = rf"(?:(?:\s+at\s+|[T ,]+){_CLOCK})?"
# Z, +01:00, +0100, and the zone names exports write (optionally with an offset: GMT+1)
_ZONE_NAMES = "utc|gmt|bst|ist|wet|west|cet|cest|eet|eest|est|edt|cst|cdt|mst|mdt|pst|pdt"
_OFFSET = r"[+-]\d{2}(?::?\d{2})?"
_TZ = rf"(?:\s*(?:z|(?:{_ZONE_NAMES})(?:\s*[+-]\d{{1,2}}(?::?\d{{2}})?)?|{_OFFSET}))?"
# 2019-03-31, 2019-03-31T00:00:00Z, 2019-03-31 10:00:00+01:00, 2019/3/31
_ISO_RE = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}{_TZ}", re.I | re.A)
# 31/03/2019, 31-03-2019, 31.03.2019, 31/3/19, 31 03 2019, optionally with a time
_DMY_RE = re.compile(
    rf"(\d{{1,2}})\s*([/.\-\\ ])\s*(\d{{1,2}})\s*\2\s*(\d{{4}}|\d{{2}}){_TIME}{_TZ}", re.I | re.A
)
_SERIAL_RE = re.compile(r"\d{5}(?:\.\d*)?", re.A)
_COMPACT_RE = re.compile(r"\d{8}", re.A)
_WEEKDAY_RE = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|weds|wed|thurs|thur|thu|fri|sat|sun)\b\.?,?\s*"
)
_TRAILING_TIME_RE = re.compile(rf"(?:\s+at\s+|\s+|t){_CLOCK}{_TZ}$", re.A)
_ORDINAL_RE = re.compile(r"(\d{1,2})\s*(?:st|nd|rd|th)\b", re.A)
_FILLER_RE = re.compile(r"\b(?:of|the)\b|[,/.\-']")
_DMONY_RE = re.compile(r"(\d{1,2}) ?([a-z]+) ?(\d{4}|\d{2})", re.A)
_MONDY_RE = re.compile(r"([a-z]+) (\d{1,2}) (\d{4})", re.A)
_MONY_RE = re.compile(r"([a-z]+) ?(\d{4}|\d{2})", re.A)
_MY_RE = re.compile(r"(\d{1,2}) (\d{4})", re.A)
_YM_RE = re.compile(r"(\d{4}) (\d{1,2})", re.A)
_YEAR_RE = re.compile(r"\d{4}", re.A)


def _bad_date(value: Any) -> Parsed[date]:
    return Parsed(None, f"could not read {quote(value)} as a date (UK day-first, e.g. 31/03/2019)")


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        return 2000 + y if y < 70 else 1900 + y
    return y


def _make_date(value: Any, y: int, m: int, d: int) -> Parsed[date]:
    """A checked date, or a problem saying what is wrong with it."""
    if not 1 <= m <= 12 or d < 1:
        return _bad_date(value)
    if d > days_in_month(y, m):
        if d > 31:
            return _bad_date(value)
        return Parsed(
            None,
            f"{quote(value)} is not a real date: {_MONTH_NAMES[m]} {y} has "
            f"{days_in_month(y, m)} days (UK day-first, e.g. 31/03/2019)",
        )
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return Parsed(
            None, f"{quote(value)} has an unlikely year {y} (expected {_MIN_YEAR}-{_MAX_YEAR})"
        )
    return Parsed(date(y, m, d), None)


def _month_date(value: Any, y: int, m: int, end: bool) -> Parsed[date]:
    if not 1 <= m <= 12:
        return _bad_date(value)
    return _make_date(value, y, m, days_in_month(y, m) if end else 1)


def _serial_date(value: Any, serial: float) -> Parsed[date]:
    if _EXCEL_MIN_SERIAL <= serial < _EXCEL_MAX_SERIAL + 1:  # a fraction is the time of day
        return Parsed(date.fromordinal(_EXCEL_EPOCH_ORDINAL + int(serial)), None)
    return _bad_date(value)


def _compact_date(value: Any, s: str) -> Parsed[date]:
    """``20190331`` (YYYYMMDD) or, failing that, ``31032019`` (DDMMYYYY)."""
    y, m, d = int(s[:4]), int(s[4:6]), int(s[6:])
    if _MIN_YEAR <= y <= _MAX_YEAR and 1 <= m <= 12 and 1 <= d <= days_in_month(y, m):
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
            return NOTHING
        if isinstance(value, datetime):
            if value != value:  # pandas NaT
                return NOTHING
            return Parsed(value.date(), None)
        if isinstance(value, date):
            return Parsed(value, None)
        if isinstance(value, bool):
            return _bad_date(value)
        if isinstance(value, int | float):
            if value != value:
                return NOTHING
            if isinstance(value, int) and 10_000_000 <= value <= 99_999_999:
                return _compact_date(value, str(value))
            return _serial_date(value, value)
        if isinstance(value, str):
            s = value.strip()
        else:
            if is_nan(value):
                return NOTHING
            s = cell_text(value)
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
    written = s
    s = cell_text(s).lower()
    if s in BLANK_OR_UNKNOWN:
        return NOTHING
    s = _WEEKDAY_RE.sub("", s)
    s = _TRAILING_TIME_RE.sub("", s)
    s, ordinals = _ORDINAL_RE.subn(r"\1", s)
    s = WS_RE.sub(" ", _FILLER_RE.sub(" ", s)).strip()
    m = _DMONY_RE.fullmatch(s)
    if m:
        month = _MONTHS.get(m[2])
        if month is None:
            return _read_by_dateutil(value, written)
        return _make_date(value, _year(m[3]), month, int(m[1]))
    m = _MONDY_RE.fullmatch(s)
    if m:
        month = _MONTHS.get(m[1])
        if month is None:
            return _read_by_dateutil(value, written)
        return _make_date(value, int(m[3]), month, int(m[2]))
    m = None if ordinals else _MONY_RE.fullmatch(s)  # "March 31st" is a day, not 2031
    if m:
        month = _MONTHS.get(m[1])
        if month is None:
            return _read_by_dateutil(value, written)
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
            f"{quote(value)} is only a year; give at least a month, e.g. 03/{s} or 31/03/{s}",
        )
    return _read_by_dateutil(value, written)


# --------------------------------------------------------------------------------------------
# the long tail: dateutil, guarded
# --------------------------------------------------------------------------------------------

# Two defaults that differ in day, month and year: a part dateutil took from the default shows
# up as a difference between the two readings.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))
_MAX_DATEUTIL_TEXT = 64  # longer cells are sentences; dateutil would only find fragments
_NUMBER_RE = re.compile(r"\d+", re.A)
_WORD_RE = re.compile(r"[a-z]+")


def _read_by_dateutil(value: Any, text: str) -> Parsed[date]:
    """A date only dateutil can read, or the usual problem."""
    if len(text) > _MAX_DATEUTIL_TEXT or not any(c.isdigit() for c in text):
        return _bad_date(value)
    found = _dateutil_date(text)
    if found is None:
        return _bad_date(value)
    return _make_date(value, *found)


@functools.lru_cache(maxsize=4096)
def _dateutil_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) dateutil reads from every part of ``text``, day-first, or ``None``."""
    try:
        first, second = (
            _dateutil_parse(text, dayfirst=True, yearfirst=False, ignoretz=True, default=d)
            for d in _DEFAULTS
        )
    except (ValueError, OverflowError, TypeError, LookupError):
        return None
    if first.date() != second.date():
        return None  # a part of the date is not in the text
    return _as_written(text.lower(), first.year, first.month, first.day)


def _as_written(text: str, year: int, month: int, day: int) -> tuple[int, int, int] | None:
    """The date if its day, month and year are written in ``text`` in day-first order.

    Guards against what dateutil does on its own: reading month-first when day-first is
    impossible (``12/31/2019``), and its own two-digit-year window (ours: 00-69 is 20xx).
    """
    numbers = _NUMBER_RE.findall(text)
    names = [_MONTHS[w] for w in _WORD_RE.findall(text) if w in _MONTHS]
    values = [int(n) for n in numbers]
    year_tokens = [n for n in numbers if len(n) == 4 and int(n) == year]
    short_years = [n for n in numbers if len(n) == 2 and int(n) == year % 100]
    if year_tokens:
        year_token = year_tokens[0]
    elif short_years:
        year_token = short_years[0]
        year = _year(year_token)
    else:
        return None
    if day not in values:
        return None
    if names:
        if names[0] != month:
            return None
        return year, month, day
    # numbers only: the first three are day, month, year or year, month, day
    head = numbers[:3]
    if len(head) < 3:
        return None
    if int(head[1]) != month:
        return None
    if int(head[0]) == day and head[2] == year_token:
        return year, month, day
    if head[0] == year_token and int(head[2]) == day:
        return year, month, day
    return None
