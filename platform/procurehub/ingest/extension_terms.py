"""Extension terms: ``2+1+1``, ``2 x 12 months``, ``Option to extend for up to 2 years``.

DESIGN §3: ``2+1+1`` is an initial term of 2 years and two optional 1-year extensions
(``[12, 12]``); ``Up to 24 months`` is ``[24]``; ``None``/``N/A``/blank is ``[]``; text that
cannot be understood is kept as written, reported as a warning and treated as ``[]``. The
compact forms registers use are read first; free-text sentences (OCDS renewal descriptions,
register notes) by a fixed list of rules that prefer "not understood" to a guess. Shared
conventions are described in :mod:`.text`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from procurehub.ingest.text import BLANK, UNKNOWN, Parsed, cell_text, is_nan, quote

__all__ = ["initial_term_months", "parse_extension_terms"]


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
        f"could not understand extension terms {quote(value)}; "
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
    if not isinstance(value, str) and is_nan(value):
        return None, []
    s = cell_text(value).lower()
    if s in BLANK or s in _EXT_NONE or _EXT_NONE_RE.fullmatch(s):
        return None, []
    if s in UNKNOWN:
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
