"""Exports neutralise formula injection and never alter numbers (DESIGN §6)."""

import csv
import io
from datetime import date

from openpyxl import load_workbook

from procurehub.exports import write_csv, write_xlsx

DANGEROUS = ['=HYPERLINK("http://x","y")', "+SUM(A1)", "-cmd", "@A1", "\tx", "\rx"]


def test_csv_neutralises_formulas_and_keeps_numbers():
    buffer = io.StringIO()
    write_csv(buffer, ["title", "value"], [[text, -5] for text in DANGEROUS])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[1][0] == '\'=HYPERLINK("http://x","y")'
    assert all(row[0].startswith("'") for row in rows[1:])
    assert all(row[1] == "-5" for row in rows[1:])


def test_xlsx_stores_formulas_as_text_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(
        path, ["title", "value", "end"], [[text, -5, date(2027, 3, 31)] for text in DANGEROUS]
    )
    sheet = load_workbook(path).active
    first = sheet.cell(row=2, column=1)
    assert first.value == '=HYPERLINK("http://x","y")'
    assert first.data_type == "s"  # a string, not a live formula
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s"
        assert row[1].value == -5 and row[1].data_type == "n"
        assert row[2].value.date() == date(2027, 3, 31)
