"""The workbooks handed back to officers: rejected rows to fix, and a blank register template."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from procurehub.contracts.fields import CANONICAL_FIELDS
from procurehub.exports import DropDown, Marked, SheetSpec, write_sheets
from procurehub.ingest.readers import read_register
from procurehub.ingest.workbooks import (
    CellProblem,
    RejectedRow,
    write_contract_template,
    write_error_workbook,
)

HEADINGS = ["Contract Ref", "Title", "Supplier", "End Date", "Value (£)"]
INJECTION = '=HYPERLINK("http://x","y")'
RED = "FFFFC7CE"


def _error_workbook(path):
    rows = [
        RejectedRow(
            7,
            ["R1", INJECTION, "Acme Ltd", datetime(2025, 3, 31), -5],
            [CellProblem("Value (£)", -5, "The value cannot be negative: '-5'.")],
        ),
        RejectedRow(
            9,
            ["R2", "Street cleansing", "@Bad", "31/13/2025", Decimal("10.50")],
            [
                CellProblem("End Date", "31/13/2025", "Not a date: '31/13/2025'."),
                CellProblem("Supplier", "@Bad", "Supplier looks wrong."),
            ],
        ),
        RejectedRow(12, ["R3", "Bulky uplift", None], [CellProblem(None, None, "Duplicate row.")]),
    ]
    return write_error_workbook(
        path, display_name="NLC register.xlsx", headings=HEADINGS, header_row=4, rows=iter(rows)
    )


@pytest.fixture
def error_book(tmp_path):
    path = tmp_path / "rejected.xlsx"
    count = _error_workbook(path)
    return count, path, load_workbook(path)


def test_error_workbook_keeps_rows_as_uploaded(error_book):
    count, _, book = error_book
    assert count == 3
    assert book.sheetnames == ["Rejected rows", "Problems"]
    sheet = book["Rejected rows"]
    assert [c.value for c in sheet[1]] == HEADINGS
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 4
    assert [c.value for c in sheet[2]] == ["R1", INJECTION, "Acme Ltd", datetime(2025, 3, 31), -5]
    # a formula-looking value is text, not a live formula
    assert sheet["B2"].data_type == "s"
    assert sheet["C3"].value == "@Bad" and sheet["C3"].data_type == "s"
    # dates stay dates, negative numbers stay numbers
    assert sheet["D2"].is_date and sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet["E2"].value == -5 and sheet["E2"].data_type == "n"
    assert sheet["E3"].value == 10.5 and sheet["E3"].data_type == "n"
    assert sheet["D3"].value == "31/13/2025"
    # the short row is padded to the headings
    assert [c.value for c in sheet[4]] == ["R3", "Bulky uplift", None, None, None]
    for column in range(1, len(HEADINGS) + 1):
        assert sheet.column_dimensions[get_column_letter(column)].width >= 8


def test_error_workbook_highlights_and_explains_bad_cells(error_book):
    _, _, book = error_book
    sheet = book["Rejected rows"]
    marked = {
        cell.coordinate: cell.comment.text
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment is not None
    }
    assert marked == {
        "E2": "The value cannot be negative: '-5'.",
        "D3": "Not a date: '31/13/2025'.",
        "C3": "Supplier looks wrong.",
        "A4": "This row: Duplicate row.",
    }
    for coordinate in marked:
        assert sheet[coordinate].comment.author == "ProcureHub"
        assert sheet[coordinate].fill.fgColor.rgb == RED
    assert sheet["A2"].fill.fgColor.rgb != RED
    assert sheet["B2"].fill.fgColor.rgb != RED
    assert sheet["A3"].comment is None


def test_error_workbook_problems_sheet(error_book):
    _, _, book = error_book
    sheet = book["Problems"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header_at = rows.index(["Row in your file", "Column", "Value", "What is wrong"])
    assert header_at > 0, "an explanation comes first"
    intro = " ".join(str(v) for row in rows[:header_at] for v in row if v)
    assert "NLC register.xlsx" in intro and "row 4" in intro
    assert all(c.font.b for c in sheet[header_at + 1])
    assert sheet.freeze_panes == f"A{header_at + 2}"
    assert rows[header_at + 1 :] == [
        [7, "Value (£)", -5, "The value cannot be negative: '-5'."],
        [9, "End Date", "31/13/2025", "Not a date: '31/13/2025'."],
        [9, "Supplier", "@Bad", "Supplier looks wrong."],
        [12, "(whole row)", None, "Duplicate row."],
    ]
    assert sheet.cell(row=header_at + 4, column=3).data_type == "s"


def test_error_workbook_neutralises_problem_values_and_headings(tmp_path):
    path = tmp_path / "rejected.xlsx"
    write_error_workbook(
        path,
        display_name="x.csv",
        headings=["=cmd", "Title"],
        header_row=1,
        rows=[RejectedRow(2, ["-x", INJECTION], [CellProblem("Title", INJECTION, "+bad")])],
    )
    book = load_workbook(path)
    first = book["Rejected rows"]
    assert first["A1"].value == "=cmd" and first["A1"].data_type == "s"
    assert first["A2"].data_type == "s" and first["B2"].data_type == "s"
    problems = [r for r in book["Problems"].iter_rows() if r[0].value == 2][0]
    assert problems[2].value == INJECTION and problems[2].data_type == "s"
    assert problems[3].value == "+bad" and problems[3].data_type == "s"


def test_error_workbook_can_be_uploaded_again(error_book):
    _, path, _ = error_book
    table = read_register(path, display_name="rejected.xlsx")
    assert table.sheet == "Rejected rows"
    assert table.headings == HEADINGS
    rows = [values for _, values in table.iter_rows()]
    assert rows[0][:3] == ["R1", INJECTION, "Acme Ltd"]
    assert rows[0][3] == date(2025, 3, 31)


STATUSES = ["active", "expired", "terminated", "planned"]
COLLABORATION = ["yes", "no", "maybe", "unknown"]
CATEGORIES = [
    ("waste.bulky", "Bulky waste"),
    ("waste.residual_treatment", "Residual waste treatment (incl. energy from waste)"),
    ("waste.recycling_dmr", "Dry mixed recycling"),
    ("fleet.vans_lt_3_5t", "Vans under 3.5 tonnes"),
    ("digital.housing_management_system", "Housing management system"),
] + [(f"waste.extra_{i}", f"Another waste category {i}") for i in range(20)]
EXPECTED_COLUMNS = [f for f in CANONICAL_FIELDS if f not in ("council_code", "workstream", "extra")]


@pytest.fixture
def template(tmp_path):
    path = tmp_path / "template.xlsx"
    write_contract_template(
        path, categories=CATEGORIES, statuses=STATUSES, collaboration_values=COLLABORATION
    )
    return path, load_workbook(path)


def _letter(field):
    return get_column_letter(EXPECTED_COLUMNS.index(field) + 1)


def _list_values(book, formula):
    sheet_name, cells = formula.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    return [c.value for row in sheet[cells.replace("$", "")] for c in row]


def test_template_headers_and_sheets(template):
    _, book = template
    assert book.sheetnames[:3] == ["Contracts", "Guidance", "Categories"]
    assert book.active.title == "Contracts"
    assert book["Lists"].sheet_state == "hidden"
    assert all(book[name].sheet_state == "visible" for name in book.sheetnames[:3])
    sheet = book["Contracts"]
    assert [c.value for c in sheet[1]] == EXPECTED_COLUMNS
    assert "council_code" not in EXPECTED_COLUMNS and "reference" in EXPECTED_COLUMNS
    assert sheet.freeze_panes == "A2"
    for cell in sheet[1]:
        assert cell.font.b
        assert cell.comment is not None and cell.comment.author == "ProcureHub"
        assert len(cell.comment.text) > 10
    assert "end" in sheet[f"{_letter('end_date')}1"].comment.text.lower()


def test_template_dropdowns_reference_lists(template):
    _, book = template
    sheet = book["Contracts"]
    by_column = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        assert validation.showErrorMessage and validation.error
        assert validation.errorStyle in (None, "stop")
        for ref in str(validation.sqref).split():
            by_column[ref] = validation
    category = by_column[f"{_letter('category')}2:{_letter('category')}5000"]
    keys = _list_values(book, category.formula1)
    assert "waste.bulky" in keys and "unclassified" in keys
    assert len(",".join(keys)) > 255
    assert keys == [k for k, _ in CATEGORIES] + ["unclassified"]
    status = by_column[f"{_letter('status')}2:{_letter('status')}5000"]
    assert _list_values(book, status.formula1) == STATUSES
    collab = by_column[
        f"{_letter('collaboration_interest')}2:{_letter('collaboration_interest')}5000"
    ]
    assert _list_values(book, collab.formula1) == COLLABORATION
    for field in ("value_is_estimate", "supplier_is_sme"):
        yes_no = by_column[f"{_letter(field)}2:{_letter(field)}5000"]
        assert _list_values(book, yes_no.formula1) == ["yes", "no"]
    assert f"{_letter('title')}2:{_letter('title')}5000" not in by_column


def test_template_formats(template):
    _, book = template
    sheet = book["Contracts"]
    for field in ("award_date", "start_date", "end_date", "max_end_date"):
        assert sheet.column_dimensions[_letter(field)].number_format == "dd/mm/yyyy"
    for field in ("value_total", "value_annual"):
        assert sheet.column_dimensions[_letter(field)].number_format == "£#,##0.00"
    assert sheet.column_dimensions[_letter("title")].number_format == "General"


def test_template_guidance_and_categories(template):
    _, book = template
    guidance = book["Guidance"]
    text = "\n".join(str(c.value) for row in guidance.iter_rows() for c in row if c.value)
    first_column = [row[0].value for row in guidance.iter_rows()]
    for field in EXPECTED_COLUMNS:
        assert field in first_column, field
    for phrase in ("31/03/2025", "£1,234,567", "2+1+1", "Up to 24 months", "Blank cells"):
        assert phrase in text, phrase
    assert "council" in text and "upload" in text
    assert "Columns of your own are kept" in text
    categories = [[c.value for c in row] for row in book["Categories"].iter_rows()]
    assert ["waste.bulky", "Bulky waste"] in categories
    assert categories[-1][0] == "unclassified"


def test_filled_template_is_read_from_contracts_sheet(template, tmp_path):
    path, book = template
    sheet = book["Contracts"]
    sheet["A2"] = "REF-1"
    sheet["B2"] = "Bulky uplift"
    sheet[f"{_letter('end_date')}2"] = date(2026, 3, 31)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    table = read_register(filled, display_name="filled.xlsx")
    assert table.sheet == "Contracts"
    assert table.header_row == 1
    assert table.headings == EXPECTED_COLUMNS


def test_write_sheets_rules(tmp_path):
    long_list = [f"value_{i:03d}" for i in range(40)]
    with pytest.raises(ValueError, match="255"):
        write_sheets(
            tmp_path / "a.xlsx",
            [SheetSpec("S", header=["x"], dropdowns=[DropDown(0, values=long_list)])],
        )
    with pytest.raises(ValueError, match="hidden"):
        write_sheets(tmp_path / "b.xlsx", [SheetSpec("S", hidden=True)])
    path = tmp_path / "c.xlsx"
    counts = write_sheets(
        path,
        [
            SheetSpec(
                "S",
                header=[Marked("+h", comment="note")],
                rows=[[Marked(-3, highlight=True)], ["-3"]],
                dropdowns=[DropDown(0, values=["yes", "no"], last_row=10)],
            )
        ],
    )
    assert counts == [2]
    sheet = load_workbook(path)["S"]
    assert sheet["A1"].value == "+h" and sheet["A1"].data_type == "s"
    assert sheet["A1"].comment.text == "note"
    assert sheet["A2"].value == -3 and sheet["A2"].data_type == "n"
    assert sheet["A2"].fill.fgColor.rgb == RED
    assert sheet["A3"].value == "-3" and sheet["A3"].data_type == "s"
    validation = sheet.data_validations.dataValidation[0]
    assert validation.formula1 == '"yes,no"' and str(validation.sqref) == "A2:A10"
