"""What every cell parser shares: the :class:`Parsed` result, blank markers, quoting.

The register parsers are split by kind (:mod:`.dates`, :mod:`.money`, :mod:`.extension_terms`,
:mod:`.codes`); each turns one raw spreadsheet/CSV cell (``str``, ``int``, ``float``,
``datetime.date``/``datetime.datetime``, ``bool`` or ``None``, as produced by python-calamine,
openpyxl, pandas or the csv module) into a typed value. Why they are built this way:

* Registers are messy and an upload must report *every* cell it could not understand, so the
  parsers never raise. Each returns a :class:`Parsed` ``(value, problem)``: ``problem`` is
  ``None`` or a short message for a person that quotes the original cell.
* They run once per cell on 100,000-row files, so they are pure functions of their arguments
  (safe to wrap with ``functools.lru_cache(typed=True)``, which the pipeline does), use
  precompiled regexes and take fast paths for the common shapes.
* No Flask, no SQLAlchemy: plain Python the CLI, the API and tests share.

Conventions shared by all parsers: ``NaN``/``NaT`` (pandas' blank cell) counts as blank, and the
blank markers here (``""``, ``-``, ``n/a``, ``none``, ``TBC`` ...) give ``Parsed(None, None)``
(or an empty list / ``"unknown"`` where a parser says so).
"""

from __future__ import annotations

import html
import re
from typing import Any, Generic, NamedTuple, TypeVar

__all__ = [
    "BLANK",
    "BLANK_OR_UNKNOWN",
    "NOTHING",
    "UNKNOWN",
    "WS_RE",
    "Parsed",
    "cell_text",
    "clean_text",
    "is_nan",
    "quote",
]

T = TypeVar("T")


class Parsed(NamedTuple, Generic[T]):
    """Result of parsing one cell: the typed ``value`` (or ``None``) and a ``problem``.

    ``problem`` is ``None`` when the cell was understood (or blank), otherwise a short
    message for a person that quotes the original cell. A ``value`` *with* a ``problem`` means
    the cell was read but the reading deserves a look (the importer keeps the value and reports
    a warning); a problem without a value means the cell could not be read. Immutable so
    results can be cached.
    """

    value: T | None
    problem: str | None = None


# --------------------------------------------------------------------------------------------
# shared by every cell parser
# --------------------------------------------------------------------------------------------

NOTHING: Parsed[Any] = Parsed(None, None)

WS_RE = re.compile(r"\s+")
CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")

# Cell texts that mean "nothing here" for every parser (compared lower-cased and stripped).
BLANK = frozenset(
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
UNKNOWN = frozenset(
    {"tbc", "tba", "tbd", "t.b.c.", "t.b.c", "unknown", "not known", "n/k", "nk", "to be confirmed"}
)
BLANK_OR_UNKNOWN = BLANK | UNKNOWN

MAX_QUOTE = 80


def is_nan(value: Any) -> bool:
    """True for float NaN, pandas NaT and Decimal NaN: the values pandas uses for blank cells."""
    try:
        return value != value
    except Exception:  # e.g. a signalling Decimal NaN refuses comparison
        return True


def cell_text(value: Any) -> str:
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
        s = WS_RE.sub(" ", CTRL_RE.sub("", s))
    return s.strip()


def quote(value: Any) -> str:
    """The original cell in double quotes, shortened if long, for problem messages."""
    s = value if isinstance(value, str) else cell_text(value)
    if not s.isprintable() or "  " in s:
        s = WS_RE.sub(" ", CTRL_RE.sub("", s))
    s = s.strip()
    if len(s) > MAX_QUOTE:
        s = s[: MAX_QUOTE - 3] + "..."
    return f'"{s}"'


# --------------------------------------------------------------------------------------------
# free text
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
        return cell_text(value) or None
    except Exception:
        return None
