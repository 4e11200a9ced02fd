"""From a read table to validated records, for tables that are not contract registers.

Fleet lists, system inventories and bulky waste returns arrive the way councils keep them,
exactly like contract registers: title rows above the header, headings in each team's own
words, dates and amounts written every way, totals and notes at the bottom. A plugin describes
its table once as a :class:`RecordSpec` (its fields, the headings each is known by, and the
field that identifies a row, such as a vehicle's registration); this module maps the headings,
parses every cell with the same value parsers as registers and reports every problem with the
row number and heading as the user sees them. Pure Python (no Flask, no database): storing the
records is the plugin's job, the transaction and the report are `registers.records`'.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from procurehub.ingest.codes import parse_integer, parse_yes_no
from procurehub.ingest.dates import parse_date
from procurehub.ingest.money import parse_money
from procurehub.ingest.pipeline import Problem, jsonable, row_key
from procurehub.ingest.readers import HeadingHint, RegisterTable
from procurehub.ingest.text import BLANK_OR_UNKNOWN, Parsed, cell_text, clean_text, quote

__all__ = [
    "FIELD_KINDS",
    "ImportedRecord",
    "RecordField",
    "RecordParse",
    "RecordSpec",
    "heading_words",
    "map_record_headings",
    "normalise_heading",
    "parse_records",
]

#: What a field's cells are read as.
FIELD_KINDS = (
    "text",  # cleaned text (max_length applies)
    "date",  # a date; a month alone means its first day
    "end_date",  # a date; a month alone means its last day
    "year_or_date",  # a date, or a year alone as an int (e.g. a planned replacement "2029")
    "integer",  # a whole number (counts)
    "decimal",  # a number, kept exact (Decimal); "1,234.5" and "12%" (→ 12) read
    "money",  # pounds sterling (Decimal), "£1.2m", "(3,728)", "TBC" read as the registers do
    "yes_no",  # a flag: yes/no, y/n, true/false, 1/0
)

_WORDS_RE = re.compile(r"[a-z0-9]+")
_TOTAL_RE = re.compile(r"^\s*(?:grand\s+|sub[\s-]?)?totals?\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"^\s*(?:fy\s*)?(\d{4})(?:\s*[/-]\s*\d{2,4})?\s*$", re.IGNORECASE)
_NOTE_RE = re.compile(r"^\s*(?:notes?|n\.?b\.?|source|key|\*)\b", re.IGNORECASE)
_DECIMAL_RE = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def normalise_heading(text: Any) -> str:
    """A heading as words only: "Reg. No." and "reg no" are the same heading."""
    return " ".join(_WORDS_RE.findall(cell_text(text).lower().replace("&", " and ")))


@dataclass(frozen=True)
class RecordField:
    """One field of a table: its name in the code, its label for people, and how to read it.

    ``synonyms`` are the headings councils use for it (any case and punctuation); the label
    and the name are always understood too.
    """

    name: str
    label: str
    kind: str = "text"
    synonyms: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}; use one of {FIELD_KINDS}")

    @property
    def headings(self) -> tuple[str, ...]:
        """Every normalised heading this field is known by, longest first."""
        names = {normalise_heading(h) for h in (self.name.replace("_", " "), self.label)}
        names.update(normalise_heading(h) for h in self.synonyms)
        names.discard("")
        return tuple(sorted(names, key=lambda h: (-len(h), h)))


@dataclass(frozen=True)
class RecordSpec:
    """A kind of table a plugin imports.

    ``kind`` names it in the hub (``fleet.vehicles``; stored on the upload), ``noun`` in
    sentences ("this fleet list") and ``item`` what one of its rows is ("vehicle"). ``key`` is the field that identifies a row within a
    council's table, so re-uploading the same file changes nothing; ``normalise_key`` makes
    "ab12 cde" and "AB12CDE" the same key. ``validate`` checks a parsed row as a whole (e.g. a
    replacement date before the in-service date) and returns ``(field name or None, message)``
    pairs; each rejects the row.
    """

    kind: str
    noun: str
    fields: tuple[RecordField, ...]
    key: str
    item: str = "row"
    normalise_key: Callable[[str], str] | None = None
    validate: Callable[[dict[str, Any]], Iterable[tuple[str | None, str]]] | None = None

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.kind}: field names repeat")
        if self.key not in names:
            raise ValueError(f"{self.kind}: key {self.key!r} is not one of its fields")

    def field(self, name: str) -> RecordField:
        return next(f for f in self.fields if f.name == name)

    def key_of(self, value: Any) -> str | None:
        text = clean_text(value) if value is not None else None
        if not text:
            return None
        return self.normalise_key(text) if self.normalise_key else text.casefold()


def heading_words(spec: RecordSpec) -> HeadingHint:
    """The words this table's headings are made of (they find its header row and sheet), and
    the headings a refusal names as examples."""
    words: set[str] = set()
    for f in spec.fields:
        for heading in f.headings:
            words.update(w for w in heading.split() if len(w) > 1 or w.isalpha())
    examples = ", ".join(f"'{f.label}'" for f in spec.fields[:6])
    return HeadingHint(frozenset(words), examples)


@dataclass(frozen=True)
class ColumnUse:
    """Which field a column of the file went to (``None``: kept as it is, in ``extra``)."""

    index: int
    heading: str
    field: str | None


def map_record_headings(headings: Sequence[str], spec: RecordSpec) -> list[ColumnUse]:
    """Match the file's headings to the spec's fields; each field takes at most one column.

    An exact match (after :func:`normalise_heading`) wins; otherwise a heading that contains a
    field's known heading as whole words ("Vehicle Reg No" contains "reg no"), the longest
    such known heading first. Columns left over are kept under their own heading.
    """
    normalised = [normalise_heading(h) for h in headings]
    taken: dict[int, str] = {}
    used: set[str] = set()
    for exact in (True, False):
        candidates: list[tuple[int, int, str]] = []  # (-len(known), column, field)
        for f in spec.fields:
            if f.name in used:
                continue
            for known in f.headings:
                for j, heading in enumerate(normalised):
                    if j in taken or not heading:
                        continue
                    if heading == known or (not exact and f" {known} " in f" {heading} "):
                        candidates.append((-len(known), j, f.name))
        for _, j, name in sorted(candidates):
            if j in taken or name in used:
                continue
            taken[j] = name
            used.add(name)
    return [ColumnUse(j, heading, taken.get(j)) for j, heading in enumerate(headings)]


@dataclass
class ImportedRecord:
    """One understood row: what a plugin's store function receives."""

    row: int  # the row number as the user sees it in the file
    key: str  # the normalised key
    values: dict[str, Any]  # field name → parsed value (None when blank)
    extra: dict[str, Any] = field(default_factory=dict)  # other headings → cell as written


@dataclass
class RecordParse:
    """Everything read from a table: records to store, and what was wrong or left out."""

    columns: list[ColumnUse]
    records: list[ImportedRecord] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # (row number, the row's cells as uploaded, its problems) for the error workbook
    rejected: list[tuple[int, list[Any], list[Problem]]] = field(default_factory=list)
    rows_read: int = 0
    duplicates: int = 0
    skipped: int = 0

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)


def _parse_decimal(value: Any) -> Parsed[Decimal]:
    if value is None or isinstance(value, bool):
        return Parsed(None, None if value is None else f"could not read {quote(value)} as a number")
    if isinstance(value, int | float | Decimal):
        if value != value:  # NaN
            return Parsed(None, None)
        return Parsed(Decimal(str(value)), None)
    text = cell_text(value).strip().rstrip("%").strip()
    if text.lower() in BLANK_OR_UNKNOWN:
        return Parsed(None, None)
    if _DECIMAL_RE.match(text):
        try:
            return Parsed(Decimal(text.replace(",", "")), None)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            pass
    return Parsed(None, f"could not read {quote(value)} as a number")


def _parse_year_or_date(value: Any) -> Parsed[date | int]:
    if isinstance(value, int | float) and not isinstance(value, bool) and 1900 <= value <= 2199:
        return Parsed(int(value), None) if float(value).is_integer() else parse_date(value)
    if isinstance(value, str):
        match = _YEAR_RE.match(value)
        if match and 1900 <= int(match.group(1)) <= 2199:
            return Parsed(int(match.group(1)), None)
    return parse_date(value)


def _parse_text(value: Any, limit: int | None) -> Parsed[str]:
    text = clean_text(value)
    if text is None:
        return Parsed(None, None)
    if limit is not None and len(text) > limit:
        return Parsed(None, f"{quote(value)} is longer than {limit} characters")
    return Parsed(text, None)


def parse_cell(f: RecordField, value: Any) -> Parsed[Any]:
    """Read one cell as the field's kind; never raises (see `ingest.text`)."""
    kind = f.kind
    if kind == "text":
        return _parse_text(value, f.max_length)
    if kind in ("date", "end_date"):
        return parse_date(value, end=kind == "end_date")
    if kind == "year_or_date":
        return _parse_year_or_date(value)
    if kind == "integer":
        return parse_integer(value)
    if kind == "decimal":
        return _parse_decimal(value)
    if kind == "money":
        parsed = parse_money(value)
        return Parsed(parsed.value.amount if parsed.value else None, parsed.problem)
    return parse_yes_no(value)


def _is_total_row(raw: Sequence[Any]) -> bool:
    return any(isinstance(v, str) and _TOTAL_RE.match(v) for v in raw)


def parse_records(table: RegisterTable, spec: RecordSpec) -> RecordParse:
    """Read every data row of ``table`` as ``spec``'s records.

    Rows are skipped with a warning when they are totals ("Total vehicles: 123") or notes (one
    filled cell, outside the key column or reading as a note). A row identical to an earlier one is a duplicate: counted,
    kept once. A later row with the same key but other values is rejected, naming the first.
    A missing required field, a cell that cannot be read or a failed `spec.validate` rejects
    the row with the heading the user wrote.
    """
    columns = map_record_headings(table.headings, spec)
    result = RecordParse(columns=columns)
    by_field = {c.field: c for c in columns if c.field}
    missing = [
        f for f in spec.fields if (f.required or f.name == spec.key) and f.name not in by_field
    ]
    if missing:
        known = "; ".join(
            f"{f.label} (e.g. {', '.join(repr(s) for s in f.synonyms[:3]) or repr(f.label)})"
            for f in missing
        )
        raise MissingColumns(
            f"No column for {known} was found in the header row (row {table.header_row}). "
            f"The headings read were: {', '.join(repr(h) for h in table.headings[:20])}."
        )
    fields = [(spec.field(c.field), c) for c in columns if c.field]
    others = [c for c in columns if not c.field]
    key_column = by_field[spec.key]
    seen_rows: set[bytes] = set()
    seen_keys: dict[str, int] = {}
    for number, raw in _rows(table):
        result.rows_read += 1
        key_cell = raw[key_column.index]
        filled = sum(1 for v in raw if v is not None)
        if _is_total_row(raw) and (key_cell is None or _TOTAL_RE.match(str(key_cell))):
            result.skipped += 1
            result.warnings.append(
                Problem(number, None, None, f"Skipped: a totals row, not a {spec.item}.")
            )
            continue
        if filled == 1 and (key_cell is None or _is_note_text(key_cell)):
            result.skipped += 1
            note = next((v for v in raw if v is not None), None)
            result.warnings.append(
                Problem(number, None, jsonable(note), f"Skipped: a note, not a {spec.item}.")
            )
            continue
        fingerprint = row_key(raw)
        if fingerprint in seen_rows:
            result.duplicates += 1
            continue
        seen_rows.add(fingerprint)
        values: dict[str, Any] = {f.name: None for f in spec.fields}
        problems: list[Problem] = []
        for f, column in fields:
            cell = raw[column.index]
            parsed = parse_cell(f, cell)
            if parsed.problem and parsed.value is None:
                problems.append(Problem(number, column.heading, jsonable(cell), parsed.problem))
                continue
            if parsed.problem:
                result.warnings.append(
                    Problem(number, column.heading, jsonable(cell), parsed.problem)
                )
            values[f.name] = parsed.value
        for f in spec.fields:
            if (
                (f.required or f.name == spec.key)
                and values[f.name] is None
                and not any(p.column == _heading(columns, f.name) for p in problems)
            ):
                problems.append(
                    Problem(number, _heading(columns, f.name), None, f"{f.label} is missing.")
                )
        key = spec.key_of(values[spec.key])
        if key is not None and not problems:
            first = seen_keys.get(key)
            if first is not None:
                problems.append(
                    Problem(
                        number,
                        key_column.heading,
                        jsonable(key_cell),
                        f"{spec.field(spec.key).label} {values[spec.key]} is already on row "
                        f"{first} with other details; each {spec.item} is listed once.",
                    )
                )
        if not problems and spec.validate is not None:
            for name, message in spec.validate(values):
                heading = _heading(columns, name) if name else None
                cell = raw[by_field[name].index] if name in by_field else None
                problems.append(Problem(number, heading, jsonable(cell), message))
        if problems:
            result.errors.extend(problems)
            result.rejected.append((number, raw, problems))
            continue
        seen_keys[key] = number
        extra = {c.heading: jsonable(raw[c.index]) for c in others if raw[c.index] is not None}
        result.records.append(ImportedRecord(row=number, key=key, values=values, extra=extra))
    return result


def _is_note_text(value: Any) -> bool:
    """A lone cell that reads as a note ("Note: leased vehicles are listed separately")."""
    return isinstance(value, str) and (bool(_NOTE_RE.match(value)) or len(value.split()) >= 4)


class MissingColumns(ValueError):
    """The file has no column for a required field: nothing can be read from it."""


def _heading(columns: Sequence[ColumnUse], name: str | None) -> str | None:
    return next((c.heading for c in columns if c.field == name), None)


def _rows(table: RegisterTable) -> Iterator[tuple[int, list[Any]]]:
    yield from table.iter_rows()
