"""Reading a plugin's table (a fleet list, an inventory) the way registers are read."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from procurehub.ingest.readers import read_register
from procurehub.ingest.records import (
    MissingColumns,
    RecordField,
    RecordSpec,
    heading_words,
    map_record_headings,
    parse_cell,
    parse_records,
)

SPEC = RecordSpec(
    kind="test.vehicles",
    noun="fleet list",
    item="vehicle",
    key="registration",
    normalise_key=lambda s: "".join(s.split()).upper(),
    fields=(
        RecordField(
            "registration",
            "Registration",
            synonyms=("reg", "reg no", "vrm", "registration number", "vehicle registration"),
            max_length=12,
        ),
        RecordField("vehicle_type", "Vehicle type", synonyms=("type", "body type", "description")),
        RecordField("in_service", "In service", kind="date", synonyms=("date registered",)),
        RecordField(
            "replacement", "Replacement due", kind="year_or_date", synonyms=("replace by",)
        ),
        RecordField("cost", "Purchase cost", kind="money", synonyms=("cost",)),
        RecordField("gvw", "GVW (kg)", kind="decimal", synonyms=("gvw", "gross weight")),
        RecordField("seats", "Seats", kind="integer"),
    ),
    validate=lambda v: (
        [("replacement", "The replacement is due before the vehicle went into service.")]
        if isinstance(v["replacement"], date)
        and v["in_service"]
        and v["replacement"] < v["in_service"]
        else []
    ),
)


def fleet_file(tmp_path, rows, headings=None, name="fleet.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["Anytown Council — Fleet list, March 2026"])
    ws.append(["Prepared by Fleet Services"])
    ws.append([])
    ws.append(
        headings
        or [
            "Vehicle Reg No.",
            "Body Type",
            "Date Registered",
            "Replace By",
            "Cost £",
            "GVW",
            "Seats",
        ]
    )
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def read(path):
    return read_register(path, heading_words=heading_words(SPEC))


def test_header_found_past_title_rows_and_headings_mapped_by_synonym(tmp_path):
    path = fleet_file(
        tmp_path, [["SN21 ABC", "Panel van 3.5t", "01/04/2021", 2028, "£32,500", "3,500", 3]]
    )
    table = read(path)
    assert table.header_row == 4
    parsed = parse_records(table, SPEC)
    assert {c.heading: c.field for c in parsed.columns} == {
        "Vehicle Reg No.": "registration",
        "Body Type": "vehicle_type",
        "Date Registered": "in_service",
        "Replace By": "replacement",
        "Cost £": "cost",
        "GVW": "gvw",
        "Seats": "seats",
    }
    [record] = parsed.records
    assert record.row == 5
    assert record.key == "SN21ABC"
    assert record.values == {
        "registration": "SN21 ABC",
        "vehicle_type": "Panel van 3.5t",
        "in_service": date(2021, 4, 1),
        "replacement": 2028,
        "cost": Decimal("32500.00"),
        "gvw": Decimal("3500"),
        "seats": 3,
    }


def test_totals_and_notes_skipped_duplicates_counted_bad_cells_named(tmp_path):
    rows = [
        ["SN21 ABC", "Panel van", "01/04/2021", "31/03/2028", 32500, 3500, 3],
        ["SN21 ABC", "Panel van", "01/04/2021", "31/03/2028", 32500, 3500, 3],  # identical
        ["sn21abc", "Car", "01/04/2022", None, None, None, 5],  # same key, other details
        ["SK70 XYZ", "RCV 26t", "31/02/2020", None, None, None, None],  # impossible date
        ["SK71 XYZ", "Pool car", "01/01/2024", "01/01/2020", None, None, None],  # validate
        [None, "Car", "01/01/2024", None, None, None, 4],  # no key
        ["Total vehicles: 5", None, None, None, None, None, None],
        ["Note: leased vehicles are listed separately", None, None, None, None, None, None],
        ["SK72 ABC", "Minibus", "2023-05-01", "FY2031/32", "TBC", "n/a", "17"],
    ]
    parsed = parse_records(read(fleet_file(tmp_path, rows)), SPEC)
    assert [r.key for r in parsed.records] == ["SN21ABC", "SK72ABC"]
    assert parsed.records[1].values["replacement"] == 2031
    assert parsed.records[1].values["cost"] is None
    assert parsed.duplicates == 1
    assert parsed.skipped == 2
    assert parsed.rows_read == 9
    by_row = {p.row: p for p in parsed.errors}
    assert set(by_row) == {7, 8, 9, 10}
    assert by_row[7].column == "Vehicle Reg No."
    assert "already on row 5" in by_row[7].message
    assert by_row[8].column == "Date Registered"
    assert "31/02/2020" in by_row[8].message
    assert by_row[9].column == "Replace By"
    assert "before the vehicle went into service" in by_row[9].message
    assert by_row[10].message == "Registration is missing."
    assert [w.row for w in parsed.warnings if w.message.startswith("Skipped")] == [11, 12]
    rejected_rows = [number for number, _, _ in parsed.rejected]
    assert rejected_rows == [7, 8, 9, 10]


def test_file_without_the_key_column_is_refused_naming_it(tmp_path):
    path = fleet_file(
        tmp_path, [["Panel van", "01/04/2021"]], headings=["Body Type", "Date Registered", "Make"]
    )
    with pytest.raises(MissingColumns, match="Registration"):
        parse_records(read(path), SPEC)


def test_csv_fleet_list_reads_the_same(tmp_path):
    path = tmp_path / "fleet.csv"
    path.write_text("Fleet list\n\nVRM;Type;In service\nAB12 CDE;LCV;03/2019\n", encoding="utf-8")
    parsed = parse_records(read(path), SPEC)
    [record] = parsed.records
    assert record.values["in_service"] == date(2019, 3, 1)
    assert record.values["vehicle_type"] == "LCV"


def test_longest_known_heading_wins_and_each_field_takes_one_column():
    columns = map_record_headings(
        ["Registration", "Vehicle registration (old)", "Type", "Notes"], SPEC
    )
    assert [c.field for c in columns] == ["registration", None, "vehicle_type", None]


def test_text_longer_than_its_limit_is_a_problem():
    field = SPEC.field("registration")
    assert parse_cell(field, "A" * 13).problem
    assert parse_cell(field, " ab12  cde ").value == "ab12 cde"


def test_spec_refuses_a_key_that_is_not_a_field():
    with pytest.raises(ValueError, match="key"):
        RecordSpec(kind="x", noun="list", key="nope", fields=(RecordField("a", "A"),))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=20),
            st.integers(-(10**6), 10**6),
            st.floats(allow_nan=True, allow_infinity=True),
            st.dates(),
            st.booleans(),
        ),
        min_size=7,
        max_size=7,
    )
)
def test_any_cell_gives_a_value_or_a_problem_never_an_exception(row):
    for field, value in zip(SPEC.fields, row, strict=True):
        result = parse_cell(field, value)
        assert result.value is None or result.problem is None or isinstance(result.problem, str)


def test_a_file_without_a_header_row_names_this_tables_headings(tmp_path):
    from procurehub.ingest.safety import RegisterFileError

    path = tmp_path / "numbers.csv"
    path.write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    with pytest.raises(RegisterFileError) as refused:
        read(path)
    assert "'Registration'" in str(refused.value)
    assert "Contract reference" not in str(refused.value)
