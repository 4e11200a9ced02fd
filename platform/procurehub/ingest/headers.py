"""Finding the header row of a register and turning it into clean column headings.

Real registers rarely start with their header on row 1. Above it there are title rows
("North Lanarkshire Council — Contract Register 2024"), notes ("Updated 31/03/2024"), blank
rows, and sometimes a row of group labels made of merged cells ("Contract Dates" spanning
"Start" and "End"). These functions work on plain rows (lists of cell values, ``None`` or ``""``
for an empty cell) so they serve every file format alike.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence

__all__ = [
    "HEADING_KEYWORDS",
    "column_letter",
    "combine_headings",
    "find_header_row",
    "heading_keyword_score",
    "is_blank",
]

#: Words that register headings are made of. A cell counts towards a row's keyword score when
#: it is short (at most eight words) and contains one of these words, or a '£' sign.
HEADING_KEYWORDS: frozenset[str] = frozenset(
    {
        # reference / id
        "reference", "ref", "id", "no", "number", "code", "ocid",
        # title / description
        "title", "description", "name", "subject", "summary", "lot",
        # supplier
        "supplier", "suppliers", "contractor", "provider", "vendor", "company", "awardee",
        # dates and terms
        "start", "end", "expiry", "expires", "date", "dates", "period", "term", "duration",
        "extension", "extensions", "renewal", "review", "award", "awarded", "published",
        # money
        "value", "amount", "cost", "price", "spend", "annual", "total", "estimated", "currency",
        # who and how
        "contract", "department", "directorate", "service", "category", "status", "route",
        "procurement", "framework", "buyer", "officer", "owner", "manager", "cpv", "notice",
        "tender", "type",
    }
)  # fmt: skip

#: How many rows after a candidate header are looked at to see whether data follows.
DATA_LOOKAHEAD = 5

_WORD_RE = re.compile(r"[a-z0-9]+")
_NUMBER_RE = re.compile(r"^[(\-+]?\s*[£$€]?\s*[-+]?\d[\d,]*(\.\d+)?\s*[)%kmb]?$", re.IGNORECASE)
_DATE_RE = re.compile(
    r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T].*)?$"  # 31/03/2019, 2019-03-31T00:00:00Z
    r"|^\d{1,2}[-/ ][a-z]{3,9}[-/ ]\d{2,4}$"  # 26-Nov-2014
    r"|^[a-z]{3,9}[-/ ]\d{2,4}$",  # Mar-25
    re.IGNORECASE,
)
_SPACE_RE = re.compile(r"\s+")


def is_blank(value: object) -> bool:
    """True for an empty cell: ``None`` or a string of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def _is_text(value: object) -> bool:
    """True when a cell holds words (as headings do), not a number, date or flag."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or not any(ch.isalpha() for ch in text):
        return False
    return not (_NUMBER_RE.match(text) or _DATE_RE.match(text))


def _is_keyword_cell(value: object, keywords: frozenset[str] = HEADING_KEYWORDS) -> bool:
    if not _is_text(value):
        return False
    text = str(value).lower()
    words = _WORD_RE.findall(text)
    if len(words) > 8:
        return False
    return "£" in text or any(word in keywords for word in words)


def heading_keyword_score(row: Sequence[object], keywords: frozenset[str] | None = None) -> int:
    """How many cells of ``row`` look like headings: contain one of ``keywords`` (by default
    the contract register's :data:`HEADING_KEYWORDS`; other tables, such as fleet lists, pass
    the words of their own headings)."""
    words = HEADING_KEYWORDS if keywords is None else keywords
    return sum(1 for value in row if _is_keyword_cell(value, words))


def _is_candidate(row: Sequence[object]) -> bool:
    """At least three text cells, and at least three quarters of the non-empty cells text."""
    filled = [v for v in row if not is_blank(v)]
    texts = sum(1 for v in filled if _is_text(v))
    return texts >= 3 and texts * 4 >= len(filled) * 3


def find_header_row(
    rows: Sequence[Sequence[object]],
    *,
    max_scan: int = 30,
    keywords: frozenset[str] | None = None,
) -> int | None:
    """Return the 0-based index of the header row in ``rows``, or ``None`` if there is none.

    Heuristic, applied to the first ``max_scan`` rows:

    1. A *candidate* has at least three non-empty text cells, and at least three quarters of
       its non-empty cells are text (words — not numbers, dates, or booleans, whether native
       or written as text like ``31/03/2019`` or ``£1,200``). Title and note rows, which have
       one or two filled cells, and data rows full of dates and amounts are never candidates.
    2. Each candidate gets a *keyword score*: the number of its cells that look like register
       headings (short text containing a word such as reference, title, supplier, start, end,
       expiry, date, value, or a '£' sign; see :data:`HEADING_KEYWORDS`).
    3. If the best score is at least 2, the header is the *first* candidate scoring at least
       60% of the best (headers come before data; a notes row that happens to mention one or
       two keywords is passed over), preferring one followed by a non-empty row.
    4. Otherwise (a list with unusual headings, such as a fleet list) the header is the first
       candidate followed by a non-empty row within the next few rows, else the first candidate.

    A header with no data after it is still returned; the caller reports "no data rows".
    ``keywords`` replaces :data:`HEADING_KEYWORDS` for tables that are not contract registers.
    """
    scan = list(rows[:max_scan])
    candidates: list[tuple[int, int, bool]] = []  # (index, score, followed_by_data)
    for index, row in enumerate(scan):
        if not _is_candidate(row):
            continue
        after = rows[index + 1 : index + 1 + DATA_LOOKAHEAD]
        followed = any(not is_blank(v) for r in after for v in r)
        candidates.append((index, heading_keyword_score(row, keywords), followed))
    if not candidates:
        return None
    best = max(score for _, score, _ in candidates)
    good = [c for c in candidates if c[1] * 10 >= best * 6] if best >= 2 else candidates
    for index, _, followed in good:
        if followed:
            return index
    return good[0][0]


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based column index: 0 → ``A``, 27 → ``AB``."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _heading_text(value: object) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, _dt.datetime | _dt.date):
        value = value.isoformat()
    return _SPACE_RE.sub(" ", str(value).replace("\u00a0", " ")).strip()


def _is_group_label(value: object) -> bool:
    """Short words without digits: 'Contract Dates', 'Value (£)' — not a title or a date."""
    text = _heading_text(value)
    return (
        _is_text(value)
        and len(text) <= 40
        and len(text.split()) <= 5
        and not any(ch.isdigit() for ch in text)
    )


def _cell(row: Sequence[object], j: int) -> object:
    return row[j] if j < len(row) else None


def _spans(
    upper: Sequence[object],
    lower: Sequence[object],
    width: int,
    upper_index: int,
    merged: Sequence[tuple[int, int, int, int]] | None,
) -> dict[int, int] | None:
    """Group spans of ``upper`` over ``lower``: {first column: last column}, or None.

    A group label spans two or more sub-headings in ``lower``. With merged-cell ranges (known
    for .xlsx/.xls) the span is the merged range; without them it runs right across blank
    cells of ``upper`` while ``lower`` has headings.
    """
    spans: dict[int, int] = {}
    for j in range(width):
        if is_blank(_cell(upper, j)):
            continue
        last = j
        if merged is not None:
            for r0, c0, r1, c1 in merged:
                if r0 == upper_index and r1 == upper_index and c0 == j:
                    last = c1
                    break
        else:
            k = j + 1
            while k < width and is_blank(_cell(upper, k)) and not is_blank(_cell(lower, k)):
                last = k
                k += 1
        if last > j and not is_blank(_cell(lower, j)):
            spans[j] = min(last, width - 1)
    return spans or None


def _two_row_header(
    rows: Sequence[Sequence[object]],
    header_index: int,
    width: int,
    merged: Sequence[tuple[int, int, int, int]] | None,
) -> tuple[int, dict[int, int]] | None:
    """Detect a two-row header around ``header_index``; return (upper row index, spans)."""
    header = rows[header_index]
    header_filled = [j for j in range(width) if not is_blank(_cell(header, j))]
    if not header_filled:
        return None

    # Case A: a row of group labels directly above the detected header
    # ("Contract Dates" over "Start" | "End"; every other column has its heading below).
    if header_index > 0:
        upper = rows[header_index - 1]
        filled = [j for j in range(width) if not is_blank(_cell(upper, j))]
        if (
            filled
            and len(filled) < len(header_filled)
            and all(_is_group_label(_cell(upper, j)) for j in filled)
            # a lone label over the first column is a title, not a group
            and not (len(filled) == 1 and filled[0] <= header_filled[0])
        ):
            spans = _spans(upper, header, width, header_index - 1, merged)
            if spans and set(spans) == set(filled):
                return header_index - 1, spans

    # Case B: the detected header is the upper row and sub-headings sit below a group label,
    # while every other column's heading is merged down (blank in the lower row).
    if header_index + 1 < len(rows):
        lower = rows[header_index + 1]
        filled = [j for j in range(width) if not is_blank(_cell(lower, j))]
        if filled and all(_is_group_label(_cell(lower, j)) for j in filled):
            spans = _spans(header, lower, width, header_index, merged)
            if spans:
                grouped = {k for j, last in spans.items() for k in range(j, last + 1)}
                # Sub-headings only under groups, and some heading outside a group merged down.
                if set(filled) <= grouped and any(j not in grouped for j in header_filled):
                    return header_index, spans
    return None


def header_rows_and_headings(
    rows: Sequence[Sequence[object]],
    header_index: int,
    *,
    first_column: int = 0,
    merged: Sequence[tuple[int, int, int, int]] | None = None,
) -> tuple[int, int, list[str]]:
    """Like :func:`combine_headings`, also returning the first and last header row indexes."""
    width = max((len(r) for r in rows[max(header_index - 1, 0) : header_index + 2]), default=0)
    header = rows[header_index]
    two = _two_row_header(rows, header_index, width, merged)
    if two is None:
        first = last = header_index
        raw = [_heading_text(_cell(header, j)) for j in range(width)]
    else:
        upper_index, spans = two
        first, last = upper_index, upper_index + 1
        upper, lower = rows[upper_index], rows[upper_index + 1]
        group_of = {k: j for j, end in spans.items() for k in range(j, end + 1)}
        raw = []
        for j in range(width):
            top = _heading_text(_cell(upper, group_of.get(j, j)))
            bottom = _heading_text(_cell(lower, j))
            if j in group_of:
                raw.append(f"{top} {bottom}".strip())
            else:
                raw.append(bottom or top)
    return first, last, _unique(raw, first_column)


def _unique(raw: list[str], first_column: int) -> list[str]:
    headings: list[str] = []
    seen: set[str] = set()
    for j, text in enumerate(raw):
        base = text or f"Column {column_letter(first_column + j)}"
        heading, n = base, 1
        while heading.casefold() in seen:
            n += 1
            heading = f"{base} ({n})"
        seen.add(heading.casefold())
        headings.append(heading)
    return headings


def combine_headings(
    rows: Sequence[Sequence[object]],
    header_index: int,
    *,
    first_column: int = 0,
    merged: Sequence[tuple[int, int, int, int]] | None = None,
) -> list[str]:
    """Clean headings for the header at ``rows[header_index]``.

    - Whitespace (including line breaks and non-breaking spaces) is collapsed to one space.
    - Two-row headers made of merged cells are combined. Merged cells read as the value in
      their first cell and blanks in the rest, so a group label is carried right across the
      blanks it spans and joined with each sub-heading: "Contract Dates" over "Start" and
      "End" gives "Contract Dates Start" and "Contract Dates End". This happens either when the
      group labels are the row above the detected header (and are short labels without digits,
      not a title), or when the detected header has group labels and the row below holds only
      their sub-headings while the other headings are merged down. ``merged`` (0-based
      ``(first_row, first_col, last_row, last_col)`` ranges relative to ``rows``), when known,
      gives the exact span of each group.
    - A blank heading becomes ``Column C`` (the spreadsheet column letter; ``first_column`` is
      the 0-based column of ``rows[...][0]`` in the sheet).
    - Repeated headings get `` (2)``, `` (3)``… so no column is dropped.
    """
    return header_rows_and_headings(rows, header_index, first_column=first_column, merged=merged)[2]
