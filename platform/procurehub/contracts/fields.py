"""The one registry of contract fields (DESIGN §3): names, labels, kinds, limits and choices.

Why one registry: the API schema, the pages, the CSV/XLSX and OCDS exports, the register import,
the blank template and the contract's history all speak about the same fields. Written once here
they cannot drift apart: a label worded one way on the upload report and another on the contract
page, a length the importer forgets, a status the form offers but the API refuses.

Pure Python (no Flask, no SQLAlchemy): the model reads its column lengths from here, so the
database, the API and the importer hold the same limits (a test checks them against the migrated
table). The order of `FIELDS` is the order of the export columns: the canonical fields of DESIGN
§3 first (their names are fixed: the API, exports and import reports use them verbatim), then the
hub's own columns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, get_args

#: The category (and workstream) of a contract the hub could not place (DESIGN §3).
UNCLASSIFIED = "unclassified"

#: How a field's value is written and read.
Kind = Literal[
    "text",  # free text
    "key",  # a hub key: a council code, a plugin (workstream) or category key
    "date",
    "money",  # GBP, decimal
    "bool",
    "list",  # CPV codes, extension periods in months
    "choice",  # one of `choices`
    "json",  # an object (`extra`)
    "number",  # a whole number the hub gives (ids, row numbers)
    "timestamp",  # a moment in UTC the hub records
]
KINDS: frozenset[str] = frozenset(get_args(Kind))


class FieldRegistryError(ValueError):
    """The registry contradicts itself, or a field name that is not in it was asked for."""


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice field, with the words people see for it."""

    value: str
    label: str
    #: The longer wording a form uses when it asks the question (radio buttons).
    hint: str = ""


@dataclass(frozen=True)
class Field:
    """One field of a contract."""

    name: str
    #: Plain words for a procurement officer: page labels, history, the upload mapping.
    label: str
    kind: Kind
    #: What the field means, in a sentence (the template's guidance, the API documentation).
    help: str
    #: The most characters the hub accepts and stores (None: no limit).
    max_length: int | None = None
    choices: tuple[Choice, ...] = ()
    #: The value when none is given (the API's default and the database column's).
    default: str | bool | None = None
    #: A person may set it (API, edit page); otherwise the hub or the register sets it.
    editable: bool = True
    #: One of DESIGN §3's canonical fields (first in exports, names fixed).
    canonical: bool = True
    #: In the API's contract object and in CSV/XLSX exports.
    public: bool = True
    #: The contract's history records changes to it.
    history: bool = True

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    @property
    def choice_labels(self) -> dict[str, str]:
        return {c.value: c.label for c in self.choices}


def _hub(name: str, label: str, kind: Kind, help: str, **more: Any) -> Field:
    """A column the hub keeps beside the canonical fields."""
    return Field(name, label, kind, help, **{"canonical": False, "history": False, **more})


FIELDS: tuple[Field, ...] = (
    Field(
        "council_code",
        "Council",
        "key",
        "The council that owns the contract; when you add a contract it defaults to your own. "
        "A contract cannot move to another council.",
        history=False,
    ),
    Field(
        "reference",
        "Contract reference",
        "text",
        "Your council's own reference for the contract.",
        max_length=200,
    ),
    Field("title", "Title", "text", "The name of the contract.", max_length=2000, default=""),
    Field("description", "Description", "text", "What the contract covers."),
    Field(
        "workstream",
        "Workstream",
        "key",
        "The workstream (waste, fleet, digital, ...) that owns the category; it always follows "
        "the category.",
        max_length=40,
        default=UNCLASSIFIED,
        editable=False,
    ),
    Field(
        "category",
        "Category",
        "key",
        "The ProcureHub category of the contract.",
        max_length=80,
        default=UNCLASSIFIED,
    ),
    Field("cpv_codes", "CPV codes", "list", "Common Procurement Vocabulary codes."),
    Field("supplier_name", "Supplier", "text", "The contractor."),
    Field(
        "supplier_company_number",
        "Supplier company number",
        "text",
        "The supplier's Companies House number.",
        max_length=20,
    ),
    Field("supplier_address", "Supplier address", "text", "The supplier's address."),
    Field(
        "supplier_is_sme",
        "Supplier is a small or medium-sized enterprise",
        "bool",
        "Is the supplier a small or medium-sized enterprise?",
    ),
    Field("award_date", "Award date", "date", "The date the contract was awarded."),
    Field("start_date", "Start date", "date", "The date the contract started (or starts)."),
    Field(
        "end_date",
        "End date (before any extension)",
        "date",
        "The date the contract ends, not counting any extension it could still use.",
    ),
    Field(
        "extension_terms",
        "Extension options as written",
        "text",
        "The options to extend, as your register writes them.",
    ),
    Field(
        "extension_periods_months",
        "Extension periods in months",
        "list",
        "The extension options still available, in months.",
    ),
    Field(
        "max_end_date",
        "Latest end date (with every extension)",
        "date",
        "The latest the contract could end if every extension were used.",
    ),
    Field(
        "value_total",
        "Total value (£)",
        "money",
        "The total value of the contract over its life, in pounds.",
    ),
    Field("value_annual", "Annual value (£)", "money", "The value per year, in pounds."),
    Field(
        "value_is_estimate",
        "Values are estimates",
        "bool",
        "Are the values estimates?",
        default=False,
    ),
    Field(
        "procurement_route",
        "Procurement route",
        "text",
        "How the contract was procured.",
        max_length=200,
    ),
    Field(
        "status",
        "Status",
        "choice",
        "Where the contract is in its life.",
        max_length=20,
        choices=(
            Choice("active", "Active"),
            Choice("expired", "Expired"),
            Choice("terminated", "Terminated"),
            Choice("planned", "Planned"),
        ),
        default="active",
    ),
    Field(
        "collaboration_interest",
        "Open to a joint tender",
        "choice",
        "Would your council consider a joint tender with other councils for this?",
        max_length=10,
        choices=(
            Choice("yes", "Yes", "Yes, we would consider a joint tender"),
            Choice("no", "No", "No, we will tender this on our own"),
            Choice("maybe", "Maybe", "Maybe, we would like to discuss it"),
            Choice("unknown", "Not known", "Not known yet"),
        ),
        default="unknown",
    ),
    Field("notes", "Notes", "text", "Anything else worth knowing."),
    Field(
        "extra",
        "Extra columns",
        "json",
        "The register's own columns that have no field in the hub, kept as they were uploaded.",
    ),
    # ------------------------------------------------------------- the hub's own columns
    _hub("id", "Number in the hub", "number", "The contract's number in the hub.", editable=False),
    _hub(
        "record_type",
        "Contract or purchase order",
        "choice",
        "Whether the line is a contract, a purchase order or a line with no value.",
        max_length=20,
        choices=(
            Choice("contract", "Contract"),
            Choice("purchase_order", "Purchase order"),
            Choice("zero_value", "Line with no value (£0)"),
        ),
        default="contract",
        history=True,
    ),
    _hub(
        "classified_by",
        "How the category was chosen",
        "choice",
        "How the hub chose the category (empty while the contract is unclassified).",
        max_length=40,
        choices=(
            Choice("manual", "Chosen by a person in the hub"),
            Choice("explicit", "The register named the category"),
            Choice(
                "saved_label",
                "From the council's own category label, as assigned before in the hub",
            ),
            Choice("cpv", "From the CPV codes"),
            Choice("label", "From the words in the council's own category label"),
            Choice("keywords", "From the words in the title or description"),
            Choice("none", "Nothing matched"),
        ),
        editable=False,
    ),
    _hub(
        "upload_id",
        "Upload number",
        "number",
        "The upload the contract last came from.",
        editable=False,
    ),
    _hub(
        "source_file",
        "File",
        "text",
        "The file the contract last came from.",
        max_length=255,
        editable=False,
    ),
    _hub(
        "source_sheet",
        "Sheet",
        "text",
        "The sheet of that file.",
        max_length=255,
        editable=False,
    ),
    _hub(
        "source_row",
        "Row in the file",
        "number",
        "The row of that sheet, numbered as the file shows it.",
        editable=False,
    ),
    _hub("created_at", "Added", "timestamp", "When the contract was added (UTC).", editable=False),
    _hub(
        "updated_at",
        "Last changed",
        "timestamp",
        "When the contract was last changed (UTC).",
        editable=False,
    ),
    _hub(
        "category_label",
        "The council's own category",
        "text",
        "The category as the council's register names it; it teaches the hub the council's "
        "words.",
        max_length=300,
        editable=False,
        public=False,
    ),
)


def check_registry(fields: Iterable[Field]) -> None:
    """Refuse a registry that contradicts itself, so a slip fails at start-up, not in a page."""
    seen: set[str] = set()
    canonical_done = False
    for f in fields:
        where = f"contract field {f.name!r}"
        if f.name in seen:
            raise FieldRegistryError(f"{where} is listed twice; give each field one entry.")
        seen.add(f.name)
        if f.kind not in KINDS:
            raise FieldRegistryError(f"{where} has kind {f.kind!r}; use one of {sorted(KINDS)}.")
        if not f.label or not f.help:
            raise FieldRegistryError(f"{where} needs a label and a help text.")
        if f.kind == "choice" and not f.choices:
            raise FieldRegistryError(f"{where} is a choice field: list its choices.")
        if f.choices and f.kind != "choice":
            raise FieldRegistryError(f"{where} has choices: make its kind 'choice'.")
        if f.max_length is not None and f.max_length < 1:
            raise FieldRegistryError(f"{where} has max_length {f.max_length}; give 1 or more.")
        if f.max_length is not None:
            too_long = [c.value for c in f.choices if len(c.value) > f.max_length]
            if too_long:
                raise FieldRegistryError(
                    f"{where}: the choices {too_long} are longer than its {f.max_length} "
                    "characters."
                )
        if f.choices and f.default is not None and f.default not in f.choice_values:
            raise FieldRegistryError(
                f"{where} defaults to {f.default!r}, which is not one of its choices."
            )
        if f.canonical and not f.public:
            raise FieldRegistryError(f"{where} is canonical, so it must be public.")
        if f.canonical and canonical_done:
            raise FieldRegistryError(
                f"{where} is canonical but comes after the hub's own columns; canonical fields "
                "come first (they are the first export columns)."
            )
        canonical_done = canonical_done or not f.canonical


check_registry(FIELDS)

FIELDS_BY_NAME: Mapping[str, Field] = {f.name: f for f in FIELDS}


def contract_field(name: str) -> Field:
    """The registry entry of one field; a clear error for a name that is not a contract field."""
    try:
        return FIELDS_BY_NAME[name]
    except KeyError:
        raise FieldRegistryError(
            f"{name!r} is not a contract field; the fields are {', '.join(FIELDS_BY_NAME)}."
        ) from None


def names_of_kind(*kinds: Kind) -> tuple[str, ...]:
    """The fields of these kinds, in registry order (e.g. every date field)."""
    return tuple(f.name for f in FIELDS if f.kind in kinds)


# ------------------------------------------------------------------ derived views
#: DESIGN §3, in order: the API's and the exports' vocabulary.
CANONICAL_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.canonical)
#: The CSV/XLSX columns and the API's contract object: the canonical fields, then the hub's own
#: (DESIGN §4: "more columns such as id may follow").
EXPORT_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.public)
#: What a person may set through the API or the edit page (the rest is the hub's or the register's).
EDITABLE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.editable)
#: What a contract's history records: everything a person or a register says about it.
HISTORY_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.history)
LABELS: Mapping[str, str] = {f.name: f.label for f in FIELDS}
MAX_LENGTHS: Mapping[str, int] = {f.name: f.max_length for f in FIELDS if f.max_length}
CONTRACT_STATUSES: tuple[str, ...] = contract_field("status").choice_values
COLLABORATION_INTEREST: tuple[str, ...] = contract_field("collaboration_interest").choice_values
RECORD_TYPES: tuple[str, ...] = contract_field("record_type").choice_values


def choice_label(name: str, value: Any) -> str:
    """A choice field's value in words (the value itself when it is not one of the choices)."""
    return contract_field(name).choice_labels.get(value, str(value))


def flat_value(value: Any) -> Any:
    """One cell for CSV/XLSX: ISO dates, `;`-joined lists, JSON objects; numbers untouched."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, Decimal):
        return value
    return value
