"""Calendar arithmetic for renewals: months added with end-of-month clamping.

Contract terms and extension options are written in months (``2+1+1``, ``Up to 24 months``),
and DESIGN §3 fixes how a month is added: 31 March + 6 months is 30 September. The importer,
the contract rules, the alignment engine, alerts and the demo data all need exactly the same
answer, so it lives in one small module of plain Python (standard library only, no Flask, no
SQLAlchemy) that any layer may import.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

__all__ = ["add_months", "days_in_month", "max_end_date"]

_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

D = TypeVar("D", bound=date)


def days_in_month(year: int, month: int) -> int:
    """The number of days in a month of the proleptic Gregorian calendar ``datetime`` uses."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month]


def add_months(d: D, months: int) -> D:
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
    last = days_in_month(year, month)
    return d.replace(year=year, month=month, day=day if day <= last else last)


def max_end_date(end: date | None, periods: Iterable[int]) -> date | None:
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
