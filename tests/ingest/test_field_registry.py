"""The register import, the template and the OCDS mapping read the one field registry
(procurehub.contracts.fields): they name, limit and describe the fields as it does."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from procurehub.contracts.fields import (
    CANONICAL_FIELDS,
    EXPORT_COLUMNS,
    HISTORY_FIELDS,
    MAX_LENGTHS,
    contract_field,
)
from procurehub.ingest.classify import Classifier
from procurehub.ingest.ocds import ROW_FIELDS
from procurehub.ingest.ocds_export import NOT_EXPORTED, contract_release
from procurehub.ingest.pipeline import CONTENT_FIELDS, RowParser, content_hash
from procurehub.ingest.synonyms import FIELDS, MAPPED_FIELDS, ColumnMapping, map_headings
from procurehub.ingest.workbooks import FIELD_HELP, TEMPLATE_FIELDS

# What a parsed register row says about a contract: what its history records, how it was
# classified and the council's own category label.
ROW_VALUES = set(HISTORY_FIELDS) | {"classified_by", "category_label"}


def parser_for(*fields: str) -> RowParser:
    """A parser whose columns are headed by the field names themselves, as in our template."""
    mapping = [ColumnMapping(name, name, "synonym") for name in fields]
    return RowParser(mapping, Classifier(()), today=date(2025, 6, 1))


def test_a_column_can_map_to_every_canonical_field_but_the_council_and_extra() -> None:
    assert tuple(f for f in CANONICAL_FIELDS if f not in ("council_code", "extra")) == MAPPED_FIELDS
    # our own exports' headings come back to their fields ("category" is read as the council's
    # label, which the importer recognises as a hub key when it is one)
    mapping = map_headings(list(MAPPED_FIELDS))
    assert {m.heading: m.field for m in mapping if m.field != m.heading} == {
        "category": "category_label"
    }


def test_a_parsed_row_has_a_value_for_every_field_a_register_gives() -> None:
    parsed = parser_for("title").parse(2, ["Bulky uplift"])
    assert parsed.ok
    assert set(parsed.values) == ROW_VALUES


def test_the_content_hash_covers_what_the_register_says_but_the_category() -> None:
    assert set(CONTENT_FIELDS) == ROW_VALUES - {"category", "workstream", "classified_by"}


def test_the_content_hash_of_a_stored_contract_does_not_change() -> None:
    """Stored contracts carry this hash: a new field order would make re-uploads look changed."""
    row = {
        "reference": "NLC-001",
        "title": "Residual waste treatment",
        "description": None,
        "cpv_codes": ["90513000"],
        "supplier_name": "Viridor",
        "supplier_company_number": "02165763",
        "supplier_address": None,
        "supplier_is_sme": False,
        "award_date": None,
        "start_date": date(2019, 4, 1),
        "end_date": date(2027, 3, 31),
        "extension_terms": "2+1+1",
        "extension_periods_months": [12, 12],
        "max_end_date": date(2029, 3, 31),
        "value_total": Decimal("12500000.00"),
        "value_annual": None,
        "value_is_estimate": False,
        "procurement_route": "Open",
        "status": "active",
        "collaboration_interest": "yes",
        "record_type": "contract",
        "notes": None,
        "extra": {"Owner": "Jane"},
        "category_label": "Waste",
        "category": "waste.residual_treatment",
        "workstream": "waste",
    }
    assert content_hash(row) == "0a94c1b59f38a406ce9a39903280473e"
    assert content_hash({**row, "category": "unclassified"}) == content_hash(row)
    assert content_hash({**row, "notes": "changed"}) != content_hash(row)


# Texts a register gives with a limit in the registry (a company number is always read as 8
# characters, or not at all, so it cannot be too long).
LIMITED_TEXTS = [
    n
    for n in MAPPED_FIELDS
    if n in MAX_LENGTHS and contract_field(n).kind == "text" and n != "supplier_company_number"
]


def test_the_importer_limits_the_texts_the_registry_limits() -> None:
    assert set(LIMITED_TEXTS) == {"reference", "title", "procurement_route"}


@pytest.mark.parametrize("name", LIMITED_TEXTS)
def test_a_text_longer_than_the_registry_allows_is_refused_with_the_limit(name: str) -> None:
    limit = MAX_LENGTHS[name]
    fields = ("title", name) if name != "title" else ("title",)
    cells = ["Bulky uplift", "x" * (limit + 1)] if name != "title" else ["x" * (limit + 1)]
    parsed = parser_for(*fields).parse(5, cells)
    [error] = parsed.errors
    assert error.row == 5 and error.column == name
    assert error.message == (
        f"is {limit + 1} characters long; the most this field can hold is {limit}"
    )
    at_limit = parser_for(*fields).parse(5, [c[:limit] for c in cells])
    assert at_limit.ok


def test_the_council_category_label_is_cut_to_what_the_database_holds() -> None:
    parsed = parser_for("title", "category_label").parse(2, ["Bulky uplift", "Waste " * 100])
    assert parsed.ok
    assert len(parsed.values["category_label"]) == MAX_LENGTHS["category_label"]


def test_an_ocds_row_has_a_key_for_every_field_a_column_can_map_to_but_contact() -> None:
    assert set(ROW_FIELDS) == set(FIELDS) - {"contact"}


class ReadRecorder(Mapping[str, Any]):
    """A contract that remembers which of its fields were read."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self.values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def test_the_ocds_export_places_every_canonical_field_it_does_not_say_it_leaves_out() -> None:
    full = {
        **dict.fromkeys(EXPORT_COLUMNS),
        "id": 7,
        "council_code": "S12000050",
        "reference": "NLC-WASTE-7",
        "title": "Residual waste treatment",
        "description": "Treatment at an energy from waste plant",
        "workstream": "waste",
        "category": "waste.residual_treatment",
        "cpv_codes": ["90513000"],
        "supplier_name": "Viridor",
        "supplier_company_number": "02165763",
        "supplier_address": "Taunton",
        "supplier_is_sme": False,
        "award_date": date(2019, 2, 14),
        "start_date": date(2019, 4, 1),
        "end_date": date(2027, 3, 31),
        "extension_terms": "2+1+1",
        "extension_periods_months": [12, 12],
        "max_end_date": date(2029, 3, 31),
        "value_total": Decimal("100.00"),
        "value_annual": Decimal("10.00"),
        "value_is_estimate": False,
        "procurement_route": "Open",
        "status": "active",
        "collaboration_interest": "yes",
        "notes": "Jane's note",
        "extra": {"Owner": "Jane"},
    }
    contract = ReadRecorder(full)
    contract_release(
        contract,
        ocid_prefix="ocds-phub00",
        council_name="North Lanarkshire Council",
        published=datetime(2025, 6, 1, tzinfo=UTC),
    )
    assert set(CANONICAL_FIELDS) >= NOT_EXPORTED
    assert contract.read & set(CANONICAL_FIELDS) == set(CANONICAL_FIELDS) - NOT_EXPORTED


def test_the_template_explains_each_column_with_the_registry_help() -> None:
    assert set(FIELD_HELP) == set(TEMPLATE_FIELDS)
    for name in TEMPLATE_FIELDS:
        meaning, how, example = FIELD_HELP[name]
        assert meaning == contract_field(name).help
        assert how and example
