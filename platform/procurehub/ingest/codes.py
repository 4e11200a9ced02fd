"""Coded and enumerated cells: company numbers, CPV codes, yes/no, interest, status, counts.

Each of these has a small closed vocabulary (a Companies House number shape, an 8-digit CPV
code, ``active``/``expired``/...), so a cell is either one of its spellings or a problem that
quotes it: a typo is never silently read as "no". The shared conventions (never raise,
:class:`~.text.Parsed` results, blank markers) are described in :mod:`.text`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from procurehub.ingest.text import (
    BLANK,
    BLANK_OR_UNKNOWN,
    NOTHING,
    Parsed,
    cell_text,
    is_nan,
    quote,
)

__all__ = [
    "parse_collaboration_interest",
    "parse_company_number",
    "parse_cpv_codes",
    "parse_integer",
    "parse_status",
    "parse_yes_no",
]


# --------------------------------------------------------------------------------------------
# company numbers
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
        f"{quote(value)} is not a Companies House number "
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
            return NOTHING
        if isinstance(value, bool):
            return _company_problem(value)
        if isinstance(value, float):
            if value != value:
                return NOTHING
            if not value.is_integer():
                return _company_problem(value)
            value_int: int | None = int(value)
        elif isinstance(value, int):
            value_int = value
        else:
            value_int = None
        if value_int is not None:
            if value_int == 0:
                return NOTHING
            if 0 < value_int < 100_000_000:
                return Parsed(f"{value_int:08d}", None)
            return _company_problem(value)
        if isinstance(value, date) or (not isinstance(value, str) and is_nan(value)):
            return _company_problem(value) if isinstance(value, date) else NOTHING
        s = cell_text(value)
        low = s.lower()
        if low in BLANK_OR_UNKNOWN or low in _CH_BLANK:
            return NOTHING
        s = _CH_PREFIX_RE.sub("", s.upper()).replace(" ", "").replace("-", "")
        m = _CH_DIGITS_RE.fullmatch(s) or _CH_FLOAT_RE.fullmatch(s)
        if m:
            digits = m[0] if m.re is _CH_DIGITS_RE else m[1]
            if int(digits) == 0:
                return NOTHING
            return Parsed(digits.zfill(8), None)
        m = _CH_LETTERS_RE.fullmatch(s)
        if m and m[1] in _CH_PREFIXES:
            return Parsed(m[1] + m[2].zfill(6), None)
        return _company_problem(value)
    except Exception:
        return _company_problem(value)


# --------------------------------------------------------------------------------------------
# yes / no
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
            return NOTHING
        if isinstance(value, bool):
            return _TRUE if value else _FALSE
        if isinstance(value, int | float):
            if value != value:
                return NOTHING
            if value == 1:
                return _TRUE
            if value == 0:
                return _FALSE
        elif not isinstance(value, str | date) and is_nan(value):
            return NOTHING
        s = cell_text(value).lower()
        if s in _YES:
            return _TRUE
        if s in _NO:
            return _FALSE
        if s in BLANK_OR_UNKNOWN:
            return NOTHING
        return Parsed(None, f"could not read {quote(value)} as yes or no")
    except Exception:
        return Parsed(None, f"could not read {quote(value)} as yes or no")


# --------------------------------------------------------------------------------------------
# CPV codes
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
        if not isinstance(value, str | int | date) and is_nan(value):
            return Parsed([], None)
        s = cell_text(value)
        if s.lower() in BLANK_OR_UNKNOWN:
            return Parsed([], None)
        codes = list(dict.fromkeys(_CPV_RE.findall(s)))
        if codes:
            return Parsed(codes, None)
        return Parsed([], f"no CPV code (8 digits, e.g. 90510000-5) found in {quote(value)}")
    except Exception:
        return Parsed([], f"no CPV code (8 digits, e.g. 90510000-5) found in {quote(value)}")


# --------------------------------------------------------------------------------------------
# collaboration interest, status
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
        if not isinstance(value, str | int | float | date) and is_nan(value):
            return _UNKNOWN_INTEREST
        s = cell_text(value).lower()
        if s in BLANK:
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
                f"could not read {quote(value)} as a collaboration interest "
                "(yes, no, maybe or unknown)",
            )
        return Parsed(found, None)
    except Exception:
        return Parsed("unknown", f"could not read {quote(value)} as a collaboration interest")


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
            return NOTHING
        if not isinstance(value, str) and is_nan(value):
            return NOTHING
        s = cell_text(value).lower()
        if s in BLANK:
            return NOTHING
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
                f"could not read {quote(value)} as a status "
                "(active, expired, terminated or planned)",
            )
        return _STATUS_RESULTS[found]
    except Exception:
        return Parsed(None, f"could not read {quote(value)} as a status")


# --------------------------------------------------------------------------------------------
# integers
# --------------------------------------------------------------------------------------------

_INT_RE = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?")


def parse_integer(value: Any) -> Parsed[int]:
    """Read a count (vehicles, units, users) as an ``int``.

    Accepts ints, integral floats (``12.0``), ``1,234`` and ``12.0`` as text; blank → ``None``.
    Fractions, booleans and text are problems (a count of ``12.5`` is a data error).
    """
    try:
        if value is None:
            return NOTHING
        if isinstance(value, bool):
            return Parsed(None, f"could not read {quote(value)} as a whole number")
        if isinstance(value, int):
            return Parsed(value, None)
        if isinstance(value, float):
            if value != value:
                return NOTHING
            if value.is_integer():
                return Parsed(int(value), None)
            return Parsed(None, f"could not read {quote(value)} as a whole number")
        if not isinstance(value, str | date) and is_nan(value):
            return NOTHING
        s = value.strip() if isinstance(value, str) else cell_text(value)
        if s.isdigit() and s.isascii():
            return Parsed(int(s), None)
        s = cell_text(s)
        if s.lower() in BLANK_OR_UNKNOWN:
            return NOTHING
        if _INT_RE.fullmatch(s):
            return Parsed(int(s.split(".", 1)[0].replace(",", "")), None)
        return Parsed(None, f"could not read {quote(value)} as a whole number")
    except Exception:
        return Parsed(None, f"could not read {quote(value)} as a whole number")
