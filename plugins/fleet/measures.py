"""Technical figures as the sources state them: "up to 1100", "5.8-8.9", "330 (205 mi)".

Manufacturers, road tests and council specs write vehicle figures as text with qualifiers,
ranges, alternatives per body length and notes. A compliance check must neither lose that
nuance nor guess, so a figure is parsed into a :class:`Measure` that keeps:

* ``value`` -- the first figure stated (the headline a person reads first);
* ``low`` / ``high`` -- the span the text commits to. A range ``5.8-8.9`` or alternatives
  ``800 (Standard) / 750 (Long)`` give ``low=750, high=800``; ``up to 1100`` gives
  ``low=None, high=1100`` (nothing promised below); ``>1000`` or ``2500+`` give
  ``low=1000, high=None``; a bare ``<2000`` states only a bound, so ``value`` is ``None``.
  A compliance check uses the conservative end: ``low`` for a minimum, ``high`` for a maximum;
* ``qualifier`` -- the words around the number ("up to", "approx") and every note in
  brackets or after a ``;``, so nothing the source said is dropped;
* ``unit`` and ``raw`` (the text exactly as given).

Only the *main clause* (the text before the first ``;`` outside brackets) gives numbers:
later clauses and bracket notes are commentary ("earlier target 350", "205 mi") and stay in
the qualifier. The parsers never raise on any text and never produce a number that is not
written in it (GVW alone converts tonnes to kilograms, and warranties miles to kilometres).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

__all__ = [
    "BLANK_MARKERS",
    "BatteryWarranty",
    "FleetError",
    "Measure",
    "format_number",
    "gvw_alternatives_kg",
    "main_clause",
    "parse_battery_warranty",
    "parse_gvw_kg",
    "parse_measure",
    "parse_presence",
]


class FleetError(ValueError):
    """Fleet data a person must correct; the message says what and where."""


@dataclass(frozen=True)
class Measure:
    """One technical figure as stated; see the module docstring for the meaning of each part."""

    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None
    qualifier: str | None = None
    unit: str | None = None
    raw: str = ""

    @property
    def known(self) -> bool:
        """True when the text states a figure or at least a bound."""
        return self.value is not None or self.low is not None or self.high is not None

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None and self.low != self.high

    def describe(self) -> str:
        """The figure in plain words, e.g. ``up to 1,100 kg`` or ``5.8-8.9 m3``."""
        unit = f" {self.unit}" if self.unit else ""
        if self.is_range:
            return f"{format_number(self.low)}-{format_number(self.high)}{unit}"
        if self.low is None and self.high is not None:
            word = "up to" if self.value is not None else "less than"
            return f"{word} {format_number(self.high)}{unit}"
        if self.high is None and self.low is not None and self.value is not None:
            return f"at least {format_number(self.low)}{unit}"
        if self.value is not None:
            return f"{format_number(self.value)}{unit}"
        return "not stated"

    @classmethod
    def exactly(cls, value: Decimal | int | str, unit: str | None = None) -> Measure:
        """A figure known exactly (a council spec's own number, a derived figure)."""
        number = Decimal(str(value))
        return cls(number, number, number, None, unit, str(value))


def format_number(number: Decimal | int | None) -> str:
    """``3500`` -> ``3,500``; ``5.80`` -> ``5.8``; whole numbers without a decimal point."""
    if number is None:
        return "not stated"
    d = Decimal(number).normalize()
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,f}"


# --------------------------------------------------------------------------------------------
# shared reading of a cell
# --------------------------------------------------------------------------------------------

BLANK_MARKERS = frozenset(
    {"", "-", "--", "—", "–", "n/a", "na", "n.a.", "none", "nil", "tbc", "tba", "tbd", "?",
     "unknown", "not known", "not stated", "not available", "unavailable", "."}
)

# A number: thousands groups with "," or a (thin/no-break) space, or a plain decimal; a
# decimal comma ("3,5") only when one or two digits follow and no further digit.
_NUMBER = (
    r"[0-9]{1,3}(?:[,\u00a0\u2009\u202f ][0-9]{3})+(?![0-9])(?:\.[0-9]+)?"
    r"|[0-9]+(?:[.,][0-9]{1,2}(?![0-9]))?(?:\.[0-9]+)?"
)
_NUMBER_RE = re.compile(_NUMBER)

# Units as written -> the unit we report. Longest spellings first so "kwh" wins over "kw".
_UNITS = {
    "kwh": "kWh", "kw": "kW", "kgs": "kg", "kg": "kg", "kilos": "kg", "kilograms": "kg",
    "tonnes": "t", "tonne": "t", "tons": "t", "ton": "t", "te": "t", "t": "t",
    "km/h": "km/h", "kmh": "km/h", "kph": "km/h", "mph": "mph", "kms": "km", "km": "km",
    "miles": "mi", "mile": "mi", "mi": "mi", "m³": "m3", "m3": "m3", "cu m": "m3",
    "cubic metres": "m3", "mm": "mm", "cm": "cm", "metres": "m", "m": "m", "litres": "l",
    "liters": "l", "l": "l", "lbs": "lb", "lb": "lb", "%": "%", "years": "years", "year": "years",
    "yrs": "years", "yr": "years", "seats": "seats", "seat": "seats",
}
_UNIT_RE = re.compile(
    r"\s*("
    + "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
    + r")(?![a-z0-9])",
    re.IGNORECASE,
)
# Spellings a caller may pass as unit_hint, folded to the same names.
_HINT_ALIASES = {"m³": "m3", "kmh": "km/h", "kph": "km/h", "year": "years", "yr": "years",
                 "kgs": "kg", "tonnes": "t", "percent": "%", "pct": "%"}

# Leading words that qualify the first figure, and what they promise about it.
_AT_MOST_HEADLINE = ("up to", "upto", "max.", "max", "maximum", "as much as")
_AT_MOST_BOUND = ("less than", "under", "below", "<=", "≤", "<")
_AT_LEAST = ("more than", "just over", "over", "at least", "min.", "min", "minimum", ">=", "≥",
             ">")
_ROUGHLY = ("approx.", "approx", "approximately", "about", "around", "circa", "c.", "ca.", "~",
            "roughly", "est.", "estimated")
_LEADING = sorted(_AT_MOST_HEADLINE + _AT_MOST_BOUND + _AT_LEAST + _ROUGHLY, key=len,
                  reverse=True)
_LEADING_RE = re.compile(
    r"\s*(" + "|".join(re.escape(w) for w in _LEADING) + r")(?=\s|[0-9~.]|$)\s*", re.IGNORECASE
)
# Words that only join alternatives or range ends; they are implied by low/high.
_JOINERS = {"-", "–", "—", "to", "/", "or", "and", ",", "&", "up", "up to", "~"}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z.'’]*|[^\sA-Za-z0-9]+")


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw != raw:  # pandas' NaN blank cell
        return ""
    return str(raw)


def _to_decimal(token: str) -> Decimal | None:
    """A number token as Decimal: thousands separators dropped, a decimal comma read as '.'."""
    cleaned = re.sub(r"[\u00a0\u2009\u202f ]", "", token)
    if re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _split_clauses(text: str) -> tuple[str, list[str]]:
    """The main clause with bracket notes taken out, and the notes (brackets, later clauses)."""
    main: list[str] = []
    notes: list[str] = []
    depth = 0
    current_note: list[str] = []
    for i, ch in enumerate(text):
        if ch in "([{":
            if depth == 0:
                current_note = []
                main.append(" ")
            else:
                current_note.append(ch)
            depth += 1
        elif ch in ")]}" and depth > 0:
            depth -= 1
            if depth == 0:
                notes.append("".join(current_note))
            else:
                current_note.append(ch)
        elif depth > 0:
            current_note.append(ch)
        elif ch == ";":
            notes.append(text[i + 1 :])
            break
        else:
            main.append(ch)
    if depth > 0:  # an unclosed bracket: keep what it said as a note
        notes.append("".join(current_note))
    return "".join(main), [n.strip() for n in notes if n.strip()]


_LEAD_WORDS = {"<": "less than", "<=": "at most", "≤": "at most", ">": "more than",
               ">=": "at least", "≥": "at least", "~": "approx", "c.": "approx", "ca.": "approx",
               "upto": "up to"}


def main_clause(text: object) -> str:
    """The statement itself, without bracket notes or later ``;`` clauses:
    ``"Platinum (Renault Master, 2024)"`` -> ``"Platinum"``."""
    main, _notes = _split_clauses(" ".join(_text(text).split()))
    return " ".join(main.split())


def _leading_qualifier(main: str) -> tuple[str | None, str]:
    m = _LEADING_RE.match(main)
    if not m:
        return None, main
    return m.group(1).lower(), main[m.end() :]


def _lead_words(lead: str | None) -> str | None:
    return _LEAD_WORDS.get(lead, lead) if lead else None


def _numbers_with_units(main: str) -> tuple[list[tuple[Decimal, str | None, int, int]], str]:
    """Every number of the main clause with the unit written right after it, and the words
    left once numbers, units and joining words are taken out."""
    found: list[tuple[Decimal, str | None, int, int]] = []
    leftovers: list[str] = []
    pos = 0
    for m in _NUMBER_RE.finditer(main):
        if m.start() < pos:
            continue
        number = _to_decimal(m.group(0))
        if number is None:
            continue
        leftovers.append(main[pos : m.start()])
        unit = None
        end = m.end()
        u = _UNIT_RE.match(main, end)
        if u:
            unit = _UNITS[u.group(1).lower()]
            end = u.end()
        found.append((number, unit, m.start(), end))
        pos = end
    leftovers.append(main[pos:])
    words: list[str] = []
    for chunk in leftovers:
        for w in _WORD_RE.findall(chunk):
            if w.lower() not in _JOINERS and re.search("[A-Za-z]", w):
                words.append(w)
    return found, " ".join(words)


def parse_measure(text: object, unit_hint: str | None = None) -> Measure:
    """Read one technical figure; never raises. See the module docstring for the rules.

    ``unit_hint`` is the column's unit: numbers written with a *different* unit ("197 mi"
    in a km column) are not taken as the figure, and the hint is the unit reported when the
    text gives none.
    """
    try:
        return _parse_measure(_text(text), unit_hint)
    except (ArithmeticError, ValueError):  # pragma: no cover - belt and braces: never raise
        return Measure(None, raw=_text(text), unit=unit_hint)


def _norm_hint(unit_hint: str | None) -> str | None:
    if unit_hint is None:
        return None
    key = unit_hint.strip().lower()
    return _HINT_ALIASES.get(key, _UNITS.get(key, unit_hint.strip()))


def _parse_measure(raw: str, unit_hint: str | None) -> Measure:
    hint = _norm_hint(unit_hint)
    stripped = " ".join(raw.split())
    if stripped.lower() in BLANK_MARKERS:
        return Measure(None, raw=raw, unit=hint)
    main, notes = _split_clauses(stripped)
    lead, rest = _leading_qualifier(main)
    found, words = _numbers_with_units(rest)
    plus = bool(found) and rest[found[0][3] :].lstrip().startswith("+")
    # Numbers stated in another unit than the column's are notes, not the figure.
    unit = hint
    usable = []
    for number, written, _start, _end in found:
        if hint is not None and written is not None and written != hint:
            continue
        usable.append(number)
        if unit is None and written is not None:
            unit = written
    parts = [p for p in [_lead_words(lead)] + ([words] if words else []) + notes if p]
    qualifier = "; ".join(parts) or None
    if plus and not lead:
        qualifier = "; ".join(["or more"] + parts)
    if not usable:
        return Measure(None, qualifier=qualifier, unit=unit, raw=raw)
    first = usable[0]
    if len(usable) > 1:
        return Measure(first, min(usable), max(usable), qualifier, unit, raw)
    if lead in _AT_MOST_HEADLINE:
        return Measure(first, None, first, qualifier, unit, raw)
    if lead in _AT_MOST_BOUND:
        return Measure(None, None, first, qualifier, unit, raw)
    if lead in _AT_LEAST or plus:
        return Measure(first, first, None, qualifier, unit, raw)
    return Measure(first, first, first, qualifier, unit, raw)


# --------------------------------------------------------------------------------------------
# gross vehicle weight
# --------------------------------------------------------------------------------------------

_TONNES_BELOW = Decimal(100)  # a bare number under 100 is tonnes: no vehicle weighs <100 kg
_KG_PER_TONNE = Decimal(1000)
_ALTERNATIVE_RE = re.compile(r"\s(?:or|and)\s|/|,\s", re.IGNORECASE)


def _gvw_figures(text: object) -> list[Decimal]:
    raw = " ".join(_text(text).split())
    if raw.lower() in BLANK_MARKERS:
        return []
    main, _notes = _split_clauses(raw)
    _lead, rest = _leading_qualifier(main)
    found, _words = _numbers_with_units(rest)
    # A unit written once at the end ("3.5-4.25 t", "3.5 or 4 tonnes") applies to all.
    trailing = next((u for _n, u, _s, _e in reversed(found) if u in {"t", "kg"}), None)
    figures = []
    for number, unit, _s, _e in found:
        if unit is not None and unit not in {"t", "kg"}:
            continue
        unit = unit or trailing
        if unit == "t" or (unit is None and number < _TONNES_BELOW):
            number = number * _KG_PER_TONNE
        figures.append(Decimal(int(number)) if number == number.to_integral_value() else number)
    return figures


def parse_gvw_kg(text: object) -> Decimal | None:
    """Gross vehicle weight in kg from ``3,500 kg``, ``3500kg``, ``3.5t``, ``3.5 tonnes``,
    ``4.25 t``, ``3 500``; never raises.

    A bare number under 100 is read as tonnes. When the text gives a range or alternatives
    (``3.5-4.25 t``, ``3500 or 4000``) the heaviest is returned: the driving-licence rule
    is about the heaviest configuration, so that is the conservative reading.
    """
    try:
        figures = _gvw_figures(text)
    except (ArithmeticError, ValueError):  # pragma: no cover - never raise
        return None
    return max(figures) if figures else None


def gvw_alternatives_kg(text: object) -> tuple[Decimal, ...]:
    """The distinct GVWs a cell offers as alternatives (``3500 or 4000`` -> 3500, 4000).

    A range (``3.5-4.25 t``) is one family, not separate variants, so it gives only its
    heaviest end; alternatives are joined by "or", "and", "/" or ", ". Never raises.
    """
    try:
        raw = " ".join(_text(text).split())
        main, _notes = _split_clauses(raw)
        if not _ALTERNATIVE_RE.search(main):
            single = parse_gvw_kg(text)
            return (single,) if single is not None else ()
        figures = _gvw_figures(text)
    except (ArithmeticError, ValueError):  # pragma: no cover - never raise
        return ()
    return tuple(sorted(set(figures)))


# --------------------------------------------------------------------------------------------
# battery warranty and fitted equipment
# --------------------------------------------------------------------------------------------

_KM_PER_MILE = Decimal("1.609344")
_YEARS_RE = re.compile(r"(" + _NUMBER + r")\s*(?:years?|yrs?|y)(?![a-z])", re.IGNORECASE)
_DISTANCE_RE = re.compile(r"(" + _NUMBER + r")\s*(km|kms|miles|mile|mi)(?![a-z])", re.IGNORECASE)
_PERCENT_RE = re.compile(r"(" + _NUMBER + r")\s*%")


@dataclass(frozen=True)
class BatteryWarranty:
    """A battery warranty cell split into the three terms a standard asks about."""

    years: Measure
    km: Measure
    capacity_pct: Measure


def parse_battery_warranty(text: object) -> BatteryWarranty:
    """``8 yr / 160,000 km, 70% capacity guaranteed`` -> 8 years, 160,000 km, 70 %.

    Miles are converted to km (rounded down, the conservative side for a minimum) and the
    qualifier says so. Notes in brackets (``(US policy; UK terms unverified)``) are kept on
    every part. Never raises.
    """
    raw = _text(text)
    try:
        main, notes = _split_clauses(" ".join(raw.split()))
        note = "; ".join(notes) or None

        def first(regex: re.Pattern[str]) -> re.Match[str] | None:
            return regex.search(main)

        years = km = pct = Measure(None, raw=raw)
        if m := first(_YEARS_RE):
            n = _to_decimal(m.group(1))
            if n is not None:
                years = Measure(n, n, n, note, "years", raw)
        if m := first(_DISTANCE_RE):
            n = _to_decimal(m.group(1))
            if n is not None and m.group(2).lower().startswith("k"):
                km = Measure(n, n, n, note, "km", raw)
            elif n is not None:
                converted = (n * _KM_PER_MILE).to_integral_value(rounding=ROUND_FLOOR)
                words = f"converted from {format_number(n)} mi"
                km = Measure(converted, converted, converted,
                             "; ".join(p for p in (words, note) if p), "km", raw)
        if m := first(_PERCENT_RE):
            n = _to_decimal(m.group(1))
            if n is not None:
                pct = Measure(n, n, n, note, "%", raw)
        return BatteryWarranty(years, km, pct)
    except (ArithmeticError, ValueError):  # pragma: no cover - never raise
        blank = Measure(None, raw=raw)
        return BatteryWarranty(blank, blank, blank)


_PRESENT = {"yes", "y", "true", "fitted", "standard", "std", "included", "present", "as standard",
            "option", "optional", "available", "1"}
_ABSENT = {"no", "n", "false", "not fitted", "not available", "none", "absent", "0"}


def parse_presence(text: object) -> bool | None:
    """Whether a piece of equipment is there: ``yes``/``standard``/``option`` -> True,
    ``no``/``not fitted`` -> False, blank or anything else -> None (unknown).

    An option counts as present because the council orders the van with it; a standard
    that needs it fitted as standard says so with an ``equals`` requirement instead.
    """
    if isinstance(text, bool):
        return text
    words = " ".join(_text(text).lower().split()).strip(" .")
    if words in _PRESENT:
        return True
    if words in _ABSENT:
        return False
    return None
