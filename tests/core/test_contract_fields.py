"""One field registry for contracts (procurehub.contracts.fields): the model, the migrated table,
the API schema and the exports agree with it, and it refuses to contradict itself."""

from __future__ import annotations

import csv
from dataclasses import replace
from typing import Any

import pytest
from marshmallow import validate
from sqlalchemy import String, inspect

from factories import contract, council
from procurehub.contracts.fields import (
    CANONICAL_FIELDS,
    EXPORT_COLUMNS,
    FIELDS,
    LABELS,
    MAX_LENGTHS,
    Choice,
    Field,
    FieldRegistryError,
    check_registry,
    choice_label,
    contract_field,
)
from procurehub.contracts.models import Contract
from procurehub.contracts.schemas import ContractSchema, ContractUpdateSchema
from procurehub.extensions import db

# DESIGN §3, in its order: the names the API, exports and import reports use verbatim.
DESIGN_FIELDS = (
    "council_code", "reference", "title", "description", "workstream", "category", "cpv_codes",
    "supplier_name", "supplier_company_number", "supplier_address", "supplier_is_sme",
    "award_date", "start_date", "end_date", "extension_terms", "extension_periods_months",
    "max_end_date", "value_total", "value_annual", "value_is_estimate", "procurement_route",
    "status", "collaboration_interest", "notes", "extra",
)  # fmt: skip
# Columns of the table that are not fields anyone sees: the owner's row id and the import's hash.
INTERNAL_COLUMNS = {"council_id", "content_hash"}
# The one limit the database does not hold (a Text column): the hub's own, for the API and import.
HUB_ONLY_LIMITS = {"title"}


# ---------------------------------------------------------------------------- the registry
def test_the_canonical_fields_are_design_s_in_its_order() -> None:
    assert CANONICAL_FIELDS == DESIGN_FIELDS
    assert EXPORT_COLUMNS[: len(DESIGN_FIELDS)] == DESIGN_FIELDS
    assert EXPORT_COLUMNS[len(DESIGN_FIELDS)] == "id"


def test_every_field_and_choice_has_plain_words() -> None:
    for f in FIELDS:
        assert f.label and f.label != f.name and f.help.endswith((".", "?")), f.name
        for choice in f.choices:
            assert choice.label, (f.name, choice.value)
    assert choice_label("collaboration_interest", "unknown") == "Not known"
    assert choice_label("status", "lost") == "lost"  # an unknown value is shown as it is


def test_asking_for_a_field_that_is_not_one_says_which_are() -> None:
    with pytest.raises(FieldRegistryError, match="'value' is not a contract field.*value_total"):
        contract_field("value")


STATUS = contract_field("status")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ((STATUS, STATUS), "'status' is listed twice"),
        ((replace(STATUS, choices=()),), "is a choice field: list its choices"),
        ((replace(STATUS, default="finished"),), "defaults to 'finished'"),
        ((replace(STATUS, max_length=7),), r"the choices \['terminated'\] are longer than its 7"),
        ((replace(STATUS, kind="words"),), "has kind 'words'"),
        ((replace(STATUS, label=""),), "needs a label"),
        ((replace(STATUS, kind="text"),), "has choices: make its kind 'choice'"),
        ((replace(STATUS, public=False),), "is canonical, so it must be public"),
        (
            (Field("id", "Number", "number", "The number.", canonical=False), STATUS),
            "'status' is canonical but comes after the hub's own columns",
        ),
    ],
)
def test_a_registry_that_contradicts_itself_is_refused(
    fields: tuple[Field, ...], message: str
) -> None:
    with pytest.raises(FieldRegistryError, match=message):
        check_registry(fields)


def test_a_sound_registry_is_accepted() -> None:
    check_registry(FIELDS)
    check_registry((Field("size", "Size", "choice", "How big.", choices=(Choice("s", "Small"),)),))


# ---------------------------------------------------------------------------- the model
def _columns() -> dict[str, Any]:
    return {c.name: c for c in Contract.__table__.columns if c.name not in INTERNAL_COLUMNS}


def test_every_contract_column_is_in_the_registry_and_the_reverse() -> None:
    # the council is stored as a row id; the model shows its code under the canonical name
    assert set(_columns()) == {f.name for f in FIELDS} - {"council_code"}
    assert isinstance(Contract.council_code, property)


def test_the_registry_limits_are_the_model_column_lengths() -> None:
    lengths = {
        name: column.type.length
        for name, column in _columns().items()
        if isinstance(column.type, String) and column.type.length
    }
    assert lengths == {n: m for n, m in MAX_LENGTHS.items() if n not in HUB_ONLY_LIMITS}
    for name in HUB_ONLY_LIMITS:
        assert getattr(_columns()[name].type, "length", None) is None


def test_the_registry_defaults_are_the_model_column_defaults() -> None:
    for name, column in _columns().items():
        default = column.default.arg if column.default is not None else None
        if not callable(default):  # lists, objects and timestamps are made per row
            assert default == contract_field(name).default, name


def test_the_migrated_table_holds_the_registry_limits(app: Any) -> None:
    """The migrations, not only the model, agree: a new limit needs a migration."""
    with app.app_context():
        table = {c["name"]: c["type"] for c in inspect(db.engine).get_columns("contract")}
    for name, limit in MAX_LENGTHS.items():
        if name not in HUB_ONLY_LIMITS:
            assert table[name].length == limit, name


# ---------------------------------------------------------------------------- the API
def test_the_api_contract_has_exactly_the_registry_public_fields() -> None:
    schema = ContractSchema()
    assert set(schema.fields) == set(EXPORT_COLUMNS)
    assert {n for n, f in schema.fields.items() if f.dump_only} == {
        f.name for f in FIELDS if f.public and not f.editable
    }
    assert set(ContractUpdateSchema().fields) == set(EXPORT_COLUMNS)


@pytest.mark.parametrize("schema", [ContractSchema(), ContractUpdateSchema()])
def test_the_api_applies_the_registry_limits_and_choices(schema: Any) -> None:
    for name, api_field in schema.fields.items():
        entry = contract_field(name)
        lengths = [v.max for v in api_field.validators if isinstance(v, validate.Length)]
        if entry.kind == "text":
            assert lengths == ([entry.max_length] if entry.max_length else []), name
        if entry.kind == "choice" and entry.editable:
            [one_of] = [v for v in api_field.validators if isinstance(v, validate.OneOf)]
            assert tuple(one_of.choices) == entry.choice_values, name
        assert api_field.metadata["description"] == entry.help, name


def test_the_api_defaults_are_the_registry_defaults() -> None:
    loaded = ContractSchema().load({"title": "Bulky uplift"})
    for name in ("category", "status", "collaboration_interest", "record_type"):
        assert loaded[name] == contract_field(name).default
    assert loaded["value_is_estimate"] is contract_field("value_is_estimate").default
    assert ContractUpdateSchema(partial=True).load({}) == {}  # nothing defaults on update


def test_the_api_refuses_a_reference_longer_than_the_registry_allows() -> None:
    limit = MAX_LENGTHS["reference"]
    schema = ContractSchema()
    assert schema.load({"title": "T", "reference": "R" * limit})["reference"] == "R" * limit
    errors = schema.validate({"title": "T", "reference": "R" * (limit + 1)})
    assert errors == {"reference": [f"Longer than maximum length {limit}."]}


# ---------------------------------------------------------------------------- exports, pages
def test_the_csv_export_columns_are_the_registry_columns(app: Any, runner: Any, tmp_path) -> None:
    with app.app_context():
        contract(council(), reference="NLC-1", title="Bulky uplift")
    out = tmp_path / "contracts.csv"
    result = runner.invoke(["export", "contracts", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8") as handle:
        header, row = list(csv.reader(handle))
    assert tuple(header) == EXPORT_COLUMNS
    assert dict(zip(header, row, strict=True))["reference"] == "NLC-1"


def test_the_upload_mapping_labels_every_field_a_column_can_take() -> None:
    from procurehub.ingest.synonyms import FIELDS as MAPPABLE
    from procurehub.registers.views import FIELD_LABELS, MAPPING_CHOICES

    assert set(MAPPABLE) <= set(FIELD_LABELS)
    choices = dict(MAPPING_CHOICES)
    assert choices["supplier_is_sme"] == f"{LABELS['supplier_is_sme']} (supplier_is_sme)"
