"""From a read register to validated contract rows: map headings, parse, classify.

Reading the file is :func:`procurehub.ingest.readers.read_register`'s job (the one way in, for
every format). Pure Python (no Flask, no database): `registers.service` decides what each row means for the hub
and writes it. Everything a row could not be understood for becomes a `Problem` quoting the
value, with the row number as the user sees it in their file and the heading as they wrote it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from procurehub.contracts.fields import (
    MAX_LENGTHS,
    UNCLASSIFIED,
    contract_field,
    names_of_kind,
)
from procurehub.contracts.rules import derive_fields, derive_status
from procurehub.ingest.classify import Classifier
from procurehub.ingest.codes import (
    parse_collaboration_interest,
    parse_company_number,
    parse_cpv_codes,
    parse_status,
    parse_yes_no,
)
from procurehub.ingest.dates import parse_date
from procurehub.ingest.extension_terms import parse_extension_terms
from procurehub.ingest.money import amount_note, parse_money
from procurehub.ingest.readers import RegisterTable
from procurehub.ingest.synonyms import IMPORTER_FIELDS, MAPPED_FIELDS, ColumnMapping, map_headings
from procurehub.ingest.text import clean_text
from procurehub.renewal_dates import add_months

# Date fields, and whether a month alone ("Mar-25") means its last day (end dates) or its first.
DATE_FIELDS = {name: name in ("end_date", "max_end_date") for name in names_of_kind("date")}
MONEY_FIELDS = names_of_kind("money")
TEXT_FIELDS = (
    "reference",
    "title",
    "description",
    "supplier_name",
    "supplier_address",
    "procurement_route",
    "notes",
)
# Importer-only targets: used to understand a row, and kept in `extra` under the user's heading.
KEPT_IN_EXTRA = IMPORTER_FIELDS
CACHE_SIZE = 1 << 16
_NO_CELL: tuple[Any, Any] = (None, None)

_parse_date = lru_cache(maxsize=CACHE_SIZE, typed=True)(parse_date)
_parse_money = lru_cache(maxsize=CACHE_SIZE, typed=True)(parse_money)
_amount_note = lru_cache(maxsize=CACHE_SIZE, typed=True)(amount_note)
_parse_extension = lru_cache(maxsize=CACHE_SIZE, typed=True)(parse_extension_terms)
_parse_cpv = lru_cache(maxsize=CACHE_SIZE, typed=True)(parse_cpv_codes)
_parse_company = lru_cache(maxsize=CACHE_SIZE, typed=True)(parse_company_number)
_parse_yes_no = lru_cache(maxsize=1024, typed=True)(parse_yes_no)
_parse_status = lru_cache(maxsize=1024, typed=True)(parse_status)
_parse_interest = lru_cache(maxsize=1024, typed=True)(parse_collaboration_interest)
_clean = lru_cache(maxsize=CACHE_SIZE, typed=True)(clean_text)

# Longest texts the hub holds, from the field registry (the API and the database use the same).
LENGTH_LIMITS = {
    name: MAX_LENGTHS[name]
    for name in MAPPED_FIELDS
    if name in MAX_LENGTHS and contract_field(name).kind == "text"
}
CATEGORY_KEY_RE = re.compile(rf"^({UNCLASSIFIED}|[a-z][a-z0-9_]*\.[a-z0-9_]+)$")
PERIODS_RE = re.compile(r"^\[?\s*\d{1,3}(\s*[;,]\s*\d{1,3})*\s*\]?$")
PURCHASE_ORDER_RE = re.compile(r"\b(p\.?\s?o\.?|purchase\s+orders?|po\s+number)\b", re.IGNORECASE)
DURATION_RE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(years?|yrs?|months?|mths?|weeks?|wks?|days?)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Problem:
    """Something wrong with one cell (or one row, when `column` is None)."""

    row: int | None
    column: str | None
    value: Any
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": jsonable(self.value),
            "message": self.message,
        }


@dataclass
class ParsedRow:
    row_number: int
    raw: list[Any]
    values: dict[str, Any]
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def jsonable(value: Any) -> Any:
    """A cell value as JSON can carry it (for `extra`, reports and stored rejected rows)."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def plan_columns(
    table: RegisterTable, saved: dict[str, str] | None = None
) -> list[ColumnMapping]:
    """Heading → field for every column: the council's saved mapping, then the synonym table.

    An OCDS package's columns are canonical fields already: no saved mapping or synonym can
    improve on that (its workstream, like any register's, follows the category).
    """
    if table.canonical_headings:
        return [
            ColumnMapping(h, None if h == "workstream" else h, "ocds") for h in table.headings
        ]
    mapping = map_headings(table.headings, saved=saved)
    # workstream follows the category; a "workstream" column is kept as written in extra.
    return [
        ColumnMapping(m.heading, None, "extra") if m.field == "workstream" else m for m in mapping
    ]


def row_key(values: Sequence[Any]) -> bytes:
    """Identity of a row's cells, for spotting rows identical in every cell."""
    return hashlib.blake2b(repr(values).encode(), digest_size=16).digest()


# What the council said about a contract (every field a register gives but the category, see
# below), in the order its hash reads them. The order is frozen: stored contracts carry the hash,
# so a new order would make every re-upload look like an update. A test checks it against the
# field registry.
CONTENT_FIELDS = (
    "reference", "title", "description", "cpv_codes", "supplier_name", "supplier_company_number",
    "supplier_address", "supplier_is_sme", "award_date", "start_date", "end_date", "extension_terms",
    "extension_periods_months", "max_end_date", "value_total", "value_annual", "value_is_estimate",
    "procurement_route", "status", "collaboration_interest", "record_type", "notes", "extra", "category_label",
)  # fmt: skip


_HASHED_FIELDS = tuple(name for name in CONTENT_FIELDS if name != "extra")


def content_hash(values: dict[str, Any]) -> str:
    """What the council said about a contract; unchanged hash = nothing to update.

    The category is left out on purpose: it is the hub's reading of the row (and a
    coordinator's manual assignment must survive a re-upload of the same register).
    Values are typed (str, date, Decimal, bool, lists), so their repr is stable; `extra`
    is sorted so a register whose extra columns moved around is still unchanged (its values are
    JSON-ready primitives, see `jsonable`).
    """
    extra = values.get("extra") or {}
    payload = repr((tuple(map(values.get, _HASHED_FIELDS)), sorted(extra.items())))
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


class RowParser:
    """Turns one row of cells into canonical contract values, errors and warnings."""

    def __init__(
        self, mapping: Sequence[ColumnMapping], classifier: Classifier, *, today: date
    ) -> None:
        self.mapping = list(mapping)
        self.classifier = classifier
        self.today = today
        self.columns: dict[str, tuple[int, str]] = {}
        self.extra_columns: list[tuple[int, str]] = []
        for index, m in enumerate(self.mapping):
            if m.field is None or m.field in KEPT_IN_EXTRA:
                self.extra_columns.append((index, m.heading))
            if m.field is not None and m.field not in self.columns:
                self.columns[m.field] = (index, m.heading)

    def cell(self, raw: Sequence[Any], name: str) -> tuple[Any, str | None]:
        where = self.columns.get(name)
        return (raw[where[0]], where[1]) if where else (None, None)

    def parse(self, row_number: int, raw: list[Any]) -> ParsedRow:
        out: dict[str, Any] = {}
        row = ParsedRow(row_number, raw, out)
        # (value, heading) of each mapped field, looked up once per row
        cells = {name: (raw[index], heading) for name, (index, heading) in self.columns.items()}
        extra: dict[str, Any] = {}

        def problem(kind: list[Problem], heading: str | None, value: Any, message: str) -> None:
            kind.append(Problem(row_number, heading, value, message))

        for name in TEXT_FIELDS:
            value, _ = cells.get(name, _NO_CELL)
            out[name] = _clean(value) if value is not None else None
        value, heading = cells.get("extension_terms", _NO_CELL)
        out["extension_terms"] = _clean(value) if value is not None else None
        out["extension_periods_months"] = []
        if value is not None:
            parsed = _parse_extension(value)
            out["extension_periods_months"] = list(parsed.value or [])
            if parsed.problem:
                problem(row.warnings, heading, value, parsed.problem)

        value, heading = cells.get("extension_periods_months", _NO_CELL)
        if value is not None:
            periods = parse_period_list(value)
            if periods is None:
                problem(
                    row.warnings,
                    heading,
                    value,
                    f"could not read {_quote(value)} as extension periods in months (e.g. 12;12)",
                )
            else:
                out["extension_periods_months"] = periods

        for name, is_end in DATE_FIELDS.items():
            value, heading = cells.get(name, _NO_CELL)
            out[name] = None
            if value is not None:
                parsed = _parse_date(value, end=is_end)
                out[name] = parsed.value
                if parsed.problem:
                    problem(row.errors, heading, value, parsed.problem)

        estimate = False
        for name in MONEY_FIELDS:
            value, heading = cells.get(name, _NO_CELL)
            out[name] = None
            if value is not None:
                parsed = _parse_money(value)
                if parsed.value is None:
                    if parsed.problem:
                        problem(row.errors, heading, value, parsed.problem)
                else:
                    out[name] = parsed.value.amount
                    estimate = estimate or parsed.value.is_estimate
                    if parsed.problem:  # read, but worth a look: a rate, several amounts
                        problem(row.warnings, heading, value, parsed.problem)
                    note = _amount_note(value)
                    if note:  # "£450 per item", "approx. £12,000": keep what was written
                        extra[heading] = note
                    if parsed.value.amount < 0:
                        problem(
                            row.warnings,
                            heading,
                            value,
                            f"{_quote(value)} is a negative amount; stored as written",
                        )

        value, heading = cells.get("value_is_estimate", _NO_CELL)
        if value is not None:
            parsed = _parse_yes_no(value)
            if parsed.problem:
                problem(row.warnings, heading, value, parsed.problem)
            estimate = estimate or bool(parsed.value)
        out["value_is_estimate"] = estimate

        value, heading = cells.get("supplier_is_sme", _NO_CELL)
        out["supplier_is_sme"] = None
        if value is not None:
            parsed = _parse_yes_no(value)
            out["supplier_is_sme"] = parsed.value
            if parsed.problem:
                problem(row.warnings, heading, value, parsed.problem)
                extra[heading] = jsonable(value)

        value, heading = cells.get("supplier_company_number", _NO_CELL)
        out["supplier_company_number"] = None
        if value is not None:
            parsed = _parse_company(value)
            out["supplier_company_number"] = parsed.value
            if parsed.problem:
                problem(row.warnings, heading, value, parsed.problem + "; kept in extra")
                extra[heading] = jsonable(value)

        value, heading = cells.get("cpv_codes", _NO_CELL)
        out["cpv_codes"] = []
        if value is not None:
            parsed = _parse_cpv(value)
            out["cpv_codes"] = list(parsed.value or [])
            if parsed.problem:
                problem(row.warnings, heading, value, parsed.problem + "; kept in extra")
                extra[heading] = jsonable(value)

        value, heading = cells.get("collaboration_interest", _NO_CELL)
        out["collaboration_interest"] = "unknown"
        if value is not None:
            parsed = _parse_interest(value)
            out["collaboration_interest"] = parsed.value or "unknown"
            if parsed.problem:
                problem(row.warnings, heading, value, parsed.problem)

        record_value, _ = cells.get("record_type", _NO_CELL)
        if record_value is not None and PURCHASE_ORDER_RE.search(str(record_value)):
            out["record_type"] = "purchase_order"
        elif out["value_total"] == 0 and not out["value_annual"]:
            # Registers list £0 lines (placeholders, cancelled lines): kept, marked, never totalled.
            out["record_type"] = "zero_value"
        else:
            out["record_type"] = "contract"

        for index, heading in self.extra_columns:
            if raw[index] is not None:
                extra[heading] = jsonable(raw[index])
        out["extra"] = extra

        for name, limit in LENGTH_LIMITS.items():
            text = out.get(name)
            if text and len(text) > limit:
                problem(
                    row.errors,
                    self.columns.get(name, (0, None))[1],
                    text[:80] + "…",
                    f"is {len(text)} characters long; the most this field can hold is {limit}",
                )
        # A row needs something to call it by.
        if not out["title"]:
            if out["description"]:
                out["title"] = out["description"][:300]
            else:
                problem(
                    row.errors,
                    self.columns.get("title", (0, None))[1],
                    None,
                    "this row has no title or description: add one so the contract can be recognised",
                )

        self._fill_end_from_duration(row, raw)
        start, end = out["start_date"], out["end_date"]
        if start and end and end < start:
            heading = self.columns.get("end_date", (0, None))[1]
            problem(
                row.errors,
                heading,
                cells.get("end_date", _NO_CELL)[0],
                f"the end date {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}",
            )

        value, heading = cells.get("status", _NO_CELL)
        status = None
        if value is not None:
            parsed = _parse_status(value)
            status = parsed.value
            if parsed.problem:
                problem(
                    row.warnings,
                    heading,
                    value,
                    parsed.problem + "; status worked out from the dates",
                )
        label_value, _ = cells.get("category_label", _NO_CELL)
        out["category_label"] = (
            (_clean(label_value) or "")[: MAX_LENGTHS["category_label"]] or None
            if label_value is not None
            else None
        )
        category_value, _ = cells.get("category", _NO_CELL)
        if (
            category_value is None
            and out["category_label"]
            and CATEGORY_KEY_RE.match(out["category_label"])
        ):
            # A "Category" column holding hub keys (our own template, our exports) is explicit.
            category_value, out["category_label"] = out["category_label"], None
        result = self.classifier.classify(
            category=_clean(category_value) if category_value is not None else None,
            category_label=out["category_label"],
            cpv_codes=tuple(out["cpv_codes"]),
            title=out["title"],
            description=out["description"],
        )
        out["category"] = result.category
        out["classified_by"] = result.how if result.category != UNCLASSIFIED else None
        for message in derive_fields(out):
            problem(
                row.warnings,
                self.columns.get("max_end_date", (0, None))[1],
                cells.get("max_end_date", _NO_CELL)[0],
                message,
            )
        out["status"] = status or derive_status(
            out["start_date"], out["end_date"], out["max_end_date"], self.today
        )
        return row

    def _fill_end_from_duration(self, row: ParsedRow, raw: list[Any]) -> None:
        """An end date from 'Duration: 3 years' when the register gives a start but no end."""
        out = row.values
        value, heading = self.cell(raw, "contract_duration")
        if value is None or out["end_date"] is not None or out["start_date"] is None:
            return
        match = DURATION_RE.match(str(value))
        if not match:
            row.warnings.append(
                Problem(
                    row.row_number,
                    heading,
                    value,
                    f"could not read {_quote(value)} as a duration; no end date worked out",
                )
            )
            return
        amount, unit = float(match.group(1)), match.group(2).lower()
        start = out["start_date"]
        if unit.startswith(("y", "m")):
            months = round(amount * (12 if unit.startswith("y") else 1))
            out["end_date"] = add_months(start, months) - timedelta(days=1)
        else:
            days = round(amount * (7 if unit.startswith("w") else 1))
            out["end_date"] = start + timedelta(days=days - 1)


def parse_period_list(value: Any) -> list[int] | None:
    """`12;12` (our exports), `[12, 12]` or a single number of months; None if not that shape."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [int(value)] if 0 < value <= 240 and float(value).is_integer() else None
    text = str(value).strip()
    if not PERIODS_RE.match(text):
        return None
    periods = [int(part) for part in re.findall(r"\d+", text)]
    return periods if all(0 < p <= 240 for p in periods) else None


def _quote(value: Any) -> str:
    text = str(value)
    return '"' + (text if len(text) <= 80 else text[:77] + "...") + '"'
