"""RowParser: how the cell parsers' answers become stored values, warnings and errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from procurehub.ingest.classify import Classifier, rules_from_specs
from procurehub.ingest.pipeline import RowParser
from procurehub.ingest.synonyms import ColumnMapping
from procurehub.plugins import categories_from_csv

REPO = Path(__file__).resolve().parents[2]
HEADINGS = {
    "Contract Title": "title",
    "Contract Value": "value_total",
    "Annual Value": "value_annual",
    "Start Date": "start_date",
    "End Date": "end_date",
    "Service Area": "category_label",
}


@pytest.fixture(scope="module")
def parser() -> RowParser:
    rules = rules_from_specs(
        (plugin, spec)
        for plugin in ("waste", "fleet", "digital")
        for spec in categories_from_csv(REPO / "plugins" / plugin / "categories.csv")
    )
    mapping = [ColumnMapping(heading, field, "synonym") for heading, field in HEADINGS.items()]
    classifier = Classifier(rules, None, {"digital": ("ICT",)})
    return RowParser(mapping, classifier, today=date(2025, 6, 1))


def row(parser: RowParser, **cells: object):
    values = {"title": "Bulky uplift", **cells}
    raw = [values.get(field) for field in HEADINGS.values()]
    return parser.parse(7, raw)


def test_an_amount_with_a_note_is_stored_and_the_note_kept(parser):
    parsed = row(parser, value_total="£1,200 (inc VAT)", value_annual="approx. £300")
    assert parsed.ok and not parsed.warnings
    assert parsed.values["value_total"] == Decimal("1200.00")
    assert parsed.values["value_annual"] == Decimal("300.00")
    assert parsed.values["value_is_estimate"] is True
    assert parsed.values["extra"] == {
        "Contract Value": "£1,200 (inc VAT)",
        "Annual Value": "approx. £300",
    }


def test_a_bare_amount_adds_nothing_to_extra(parser):
    parsed = row(parser, value_total="£1,234,567.00", value_annual=1234.5)
    assert parsed.ok and parsed.values["extra"] == {}
    assert parsed.values["value_annual"] == Decimal("1234.50")


def test_a_rate_is_stored_with_a_warning_not_an_error(parser):
    parsed = row(parser, value_total="£450 per item")
    assert parsed.ok
    assert parsed.values["value_total"] == Decimal("450.00")
    [warning] = parsed.warnings
    assert warning.column == "Contract Value" and warning.row == 7
    assert '"£450 per item"' in warning.message
    assert parsed.values["extra"] == {"Contract Value": "£450 per item"}


def test_an_amount_that_cannot_be_read_rejects_the_row(parser):
    parsed = row(parser, value_total="€5,000")
    assert not parsed.ok
    assert parsed.errors[0].message == '"€5,000" is not in pounds sterling'
    assert parsed.values["value_total"] is None


def test_dates_written_any_way_are_read_and_month_only_ends_run_to_month_end(parser):
    parsed = row(
        parser, start_date="Monday, 31st March 2025 at 09:00 BST", end_date="March 2027"
    )
    assert parsed.ok
    assert parsed.values["start_date"] == date(2025, 3, 31)
    assert parsed.values["end_date"] == date(2027, 3, 31)


def test_a_label_naming_a_workstream_classifies_the_row(parser):
    parsed = row(parser, title="Annual support and licences", category_label="ICT / Digital")
    assert parsed.values["category"] == "digital.other_software"
    assert parsed.values["classified_by"] == "label"
    parsed = row(parser, title="Skip hire at the depot", category_label="Waste - Skip hire")
    assert (parsed.values["category"], parsed.values["classified_by"]) == ("waste.other", "label")
