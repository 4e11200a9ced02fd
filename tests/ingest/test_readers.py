"""Reading uploaded registers: formats, header detection, sheet choice, and hostile files."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import random
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from procurehub.ingest import readers
from procurehub.ingest.headers import column_letter, combine_headings, find_header_row
from procurehub.ingest.readers import RegisterTable, read_register
from procurehub.ingest.safety import RegisterFileError, check_upload

DATA = Path(__file__).parent / "data"

HEADER = ["Contract Reference", "Title", "Supplier", "Start Date", "End Date", "Value (£)"]


def rows_of(table: RegisterTable) -> list[tuple[int, list]]:
    return list(table.iter_rows())


def save_workbook(path: Path, sheets: dict[str, list[list]], merges=None) -> Path:
    """Write rows to sheets (first sheet first); merges: {sheet: ["C6:D6", ...]}."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(title, []):
            ws.merge_cells(cells)
    wb.save(path)
    return path


def register_rows() -> list[list]:
    return [
        HEADER,
        ["C-001", "Residual waste treatment", "Biffa Ltd", dt.date(2020, 4, 1), dt.date(2025, 3, 31), 1200000.5],
        ["C-002", "Fleet maintenance", "Fleetco", dt.date(2021, 1, 1), dt.date(2024, 12, 31), 250000],
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Spreadsheets


def test_title_rows_above_header_and_excel_row_numbers(tmp_path):
    rows = [
        ["North Lanarkshire Council — Contract Register 2024"],
        ["Updated 31/03/2024. Values exclude VAT."],
        [],
        *register_rows()[:2],
        [],  # blank row inside the data: skipped, numbering kept
        register_rows()[2],
    ]
    path = save_workbook(tmp_path / "register.xlsx", {"Register": rows})

    table = read_register(path, display_name="register.xlsx")

    assert table.format == "xlsx"
    assert table.sheet == "Register"
    assert table.header_row == 4
    assert table.headings == HEADER
    data = rows_of(table)
    assert [number for number, _ in data] == [5, 7]
    number, values = data[0]
    assert values[0] == "C-001"
    assert values[3] == dt.date(2020, 4, 1)
    assert isinstance(values[3], dt.date)
    assert values[5] == pytest.approx(1200000.5)
    assert data[1][1][2] == "Fleetco"


def test_dates_and_datetimes_stay_native(tmp_path):
    rows = [
        ["Ref", "Title", "Supplier", "Awarded at", "End date"],
        ["R1", "Bins", "Acme", dt.datetime(2024, 5, 6, 14, 30), dt.date(2027, 5, 5)],
    ]
    path = save_workbook(tmp_path / "r.xlsx", {"S": rows})
    [(number, values)] = rows_of(read_register(path, display_name="r.xlsx"))
    assert number == 2
    assert values[3] == dt.datetime(2024, 5, 6, 14, 30)
    assert type(values[4]) is dt.date
    assert values[4] == dt.date(2027, 5, 5)


def test_table_in_middle_of_sheet_uses_sheet_row_numbers_and_column_letters(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C2"] = "Contract register"
    for j, heading in enumerate(["Ref", "Title", "", "Supplier", "End date"]):
        ws.cell(row=6, column=3 + j, value=heading or None)
    ws.cell(row=7, column=3, value="R1")
    ws.cell(row=7, column=4, value="Waste")
    ws.cell(row=7, column=5, value="note")
    ws.cell(row=7, column=7, value=dt.date(2026, 1, 31))
    wb.save(tmp_path / "mid.xlsx")

    table = read_register(tmp_path / "mid.xlsx", display_name="mid.xlsx")
    assert table.header_row == 6
    assert table.headings == ["Ref", "Title", "Column E", "Supplier", "End date"]
    assert rows_of(table) == [(7, ["R1", "Waste", "note", None, dt.date(2026, 1, 31)])]


def test_merged_two_row_header_group_over_sub_headings(tmp_path):
    # Reference/Title/Supplier/Value merged down over two rows; "Contract Dates" merged across.
    rows = [
        ["Somewhere Council contract register"],
        [],
        ["Reference", "Title", "Supplier", "Contract Dates", None, "Value"],
        [None, None, None, "Start", "End", None],
        ["R1", "Bins", "Acme", dt.date(2020, 1, 1), dt.date(2023, 12, 31), 10.0],
    ]
    merges = {"Reg": ["A3:A4", "B3:B4", "C3:C4", "D3:E3", "F3:F4"]}
    path = save_workbook(tmp_path / "merged.xlsx", {"Reg": rows}, merges)

    table = read_register(path, display_name="merged.xlsx")
    assert table.headings == [
        "Reference",
        "Title",
        "Supplier",
        "Contract Dates Start",
        "Contract Dates End",
        "Value",
    ]
    assert (table.header_row, table.last_header_row) == (3, 4)
    assert rows_of(table) == [
        (5, ["R1", "Bins", "Acme", dt.date(2020, 1, 1), dt.date(2023, 12, 31), 10.0])
    ]


def test_merged_group_row_above_the_real_header(tmp_path):
    rows = [
        [None, None, None, "Contract Dates", None, None],
        ["Reference", "Title", "Supplier", "Start", "End", "Value"],
        ["R1", "Bins", "Acme", dt.date(2020, 1, 1), dt.date(2023, 12, 31), 10.0],
    ]
    path = save_workbook(tmp_path / "above.xlsx", {"Reg": rows}, {"Reg": ["D1:E1"]})
    table = read_register(path, display_name="above.xlsx")
    # The merged range ends at E, so "Value" is not part of the group.
    assert table.headings == [
        "Reference",
        "Title",
        "Supplier",
        "Contract Dates Start",
        "Contract Dates End",
        "Value",
    ]
    assert table.header_row == 1
    assert [n for n, _ in rows_of(table)] == [3]


def test_register_on_second_sheet_is_chosen(tmp_path):
    sheets = {
        "Read me": [
            ["How to use this register"],
            ["Contact the procurement team with questions."],
        ],
        "Contracts": register_rows(),
        "Blank": [],
    }
    path = save_workbook(tmp_path / "multi.xlsx", sheets)
    table = read_register(path, display_name="multi.xlsx")
    assert table.sheet_names == ["Read me", "Contracts", "Blank"]
    assert table.sheet == "Contracts"
    assert len(rows_of(table)) == 2


def test_best_scoring_sheet_wins_and_sheet_override(tmp_path):
    sheets = {
        "Lookups": [["Colour", "Shape", "Size"], ["red", "round", "big"]],
        "Register": register_rows(),
    }
    path = save_workbook(tmp_path / "two.xlsx", sheets)
    assert read_register(path, display_name="two.xlsx").sheet == "Register"

    table = read_register(path, display_name="two.xlsx", sheet="Lookups")
    assert table.sheet == "Lookups"
    assert table.headings == ["Colour", "Shape", "Size"]
    assert rows_of(table) == [(2, ["red", "round", "big"])]


def test_tie_goes_to_first_sheet(tmp_path):
    path = save_workbook(tmp_path / "tie.xlsx", {"A": register_rows(), "B": register_rows()})
    assert read_register(path, display_name="tie.xlsx").sheet == "A"


def test_unknown_sheet_lists_sheet_names(tmp_path):
    path = save_workbook(tmp_path / "s.xlsx", {"One": register_rows(), "Two": register_rows()})
    with pytest.raises(RegisterFileError) as err:
        read_register(path, display_name="s.xlsx", sheet="Three")
    message = str(err.value)
    assert "'Three'" in message and "'One'" in message and "'Two'" in message


def test_all_sheets_empty(tmp_path):
    path = save_workbook(tmp_path / "empty.xlsx", {"A": [], "B": []})
    with pytest.raises(RegisterFileError, match="every sheet is empty"):
        read_register(path, display_name="empty.xlsx")


def test_no_recognisable_header(tmp_path):
    rows = [["Contract register"], [1, 2, 3], [4, 5, 6]]
    path = save_workbook(tmp_path / "nohead.xlsx", {"S": rows})
    with pytest.raises(RegisterFileError) as err:
        read_register(path, display_name="nohead.xlsx")
    assert "could not find a header row in the first 30 rows" in str(err.value)
    assert "'Contract reference'" in str(err.value)


def test_header_only_workbook(tmp_path):
    path = save_workbook(tmp_path / "h.xlsx", {"S": [HEADER]})
    with pytest.raises(RegisterFileError, match="has a header row .* but no data rows"):
        read_register(path, display_name="h.xlsx")


def test_xlsx_row_and_column_caps(tmp_path):
    path = save_workbook(tmp_path / "big.xlsx", {"S": register_rows()})
    with pytest.raises(RegisterFileError, match="more than 1 data rows"):
        read_register(path, display_name="big.xlsx", max_rows=1)
    with pytest.raises(RegisterFileError, match="6 columns, more than the 5"):
        read_register(path, display_name="big.xlsx", max_columns=5)
    assert len(rows_of(read_register(path, display_name="big.xlsx", max_rows=2))) == 2


def test_openpyxl_fallback_when_calamine_fails(tmp_path, monkeypatch):
    rows = [["Council register"], [], *register_rows()]
    path = save_workbook(tmp_path / "fb.xlsx", {"Notes": [["x"]], "Register": rows})

    def broken(path):
        raise ValueError("calamine cannot read this")

    monkeypatch.setattr(readers, "_calamine_book", broken)
    table = read_register(path, display_name="fb.xlsx")
    assert table.sheet == "Register"
    assert table.header_row == 3
    data = rows_of(table)
    assert [n for n, _ in data] == [4, 5]
    assert data[0][1][3] == dt.datetime(2020, 4, 1)  # openpyxl reads dates as datetimes


def test_ods_is_read(tmp_path):
    path = tmp_path / "register.ods"
    frame = pd.DataFrame(
        {
            "Contract Reference": ["C-1", "C-2"],
            "Supplier": ["Biffa", "Veolia"],
            "End Date": [dt.date(2025, 3, 31), dt.date(2026, 1, 1)],
            "Value": [100.0, 250.5],
        }
    )
    frame.to_excel(path, engine="odf", index=False, startrow=2, sheet_name="Contracts")
    table = read_register(path, display_name="register.ods")
    assert table.format == "ods"
    assert table.header_row == 3
    assert table.headings == ["Contract Reference", "Supplier", "End Date", "Value"]
    data = rows_of(table)
    assert [n for n, _ in data] == [4, 5]
    assert data[1][1][1] == "Veolia"
    assert data[1][1][3] == pytest.approx(250.5)
    assert isinstance(data[0][1][2], dt.date)


def test_garbage_xls_is_refused(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"<html><table><tr><td>Ref</td></tr></table></html>")
    with pytest.raises(RegisterFileError, match="not an Excel workbook"):
        read_register(path, display_name="old.xls")


def test_xlsx_named_xls_is_refused_with_advice(tmp_path):
    path = save_workbook(tmp_path / "renamed.xls", {"S": register_rows()})
    with pytest.raises(RegisterFileError, match="Rename it to end in .xlsx"):
        check_upload(path, display_name="renamed.xls")


def test_corrupt_ole2_xls_is_refused(tmp_path):
    path = tmp_path / "broken.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))
    with pytest.raises(RegisterFileError, match="could not be read as a spreadsheet"):
        read_register(path, display_name="broken.xls")


# --------------------------------------------------------------------------------------------
# CSV


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


CSV_TEXT = (
    "Contract Reference,Title,Supplier,End Date,Value\r\n"
    "C1,Bins,Acme,31/03/2025,£1200\r\n"
    "C2,Fleet,Fleetco,01/01/2026,£99\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", CSV_TEXT, encoding)
    if encoding == "cp1252":
        assert b"\xa3" in path.read_bytes()
    table = read_register(path, display_name="r.csv")
    assert table.headings[0] == "Contract Reference"  # no BOM left on the first heading
    assert table.encoding == ("cp1252" if encoding == "cp1252" else "utf-8")
    assert rows_of(table) == [
        (2, ["C1", "Bins", "Acme", "31/03/2025", "£1200"]),
        (3, ["C2", "Fleet", "Fleetco", "01/01/2026", "£99"]),
    ]


def test_csv_mostly_utf8_with_late_cp1252_byte(tmp_path):
    filler = "".join(f"C{i},Item {i},Acme,31/03/2025,100\n" for i in range(60_000))
    raw = (
        b"Contract Reference,Title,Supplier,End Date,Value\n"
        + filler.encode()
        + b"LAST,Caf\xe9,Acme,31/03/2025,\xa35\n"
    )
    assert len(raw) > readers.ENCODING_SNIFF_BYTES
    path = tmp_path / "late.csv"
    path.write_bytes(raw)
    last = rows_of(read_register(path, display_name="late.csv"))[-1]
    assert last[1] == ["LAST", "Café", "Acme", "31/03/2025", "£5"]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_semicolon_and_tab(tmp_path, delimiter):
    text = CSV_TEXT.replace(",", delimiter).replace("£1200", "1.200,50")
    path = write_csv(tmp_path / "r.csv", text)
    table = read_register(path, display_name="r.csv")
    assert table.delimiter == delimiter
    assert table.headings == ["Contract Reference", "Title", "Supplier", "End Date", "Value"]
    assert rows_of(table)[0] == (2, ["C1", "Bins", "Acme", "31/03/2025", "1.200,50"])


def test_csv_multiline_cells_report_starting_line(tmp_path):
    text = (
        "Register of contracts\n"
        "\n"
        "Ref,Title,Supplier,End date\n"
        'R1,"Waste collection\nand disposal\nservices",Acme,31/03/2025\n'
        "R2,Bins,Acme,31/03/2026\n"
        "\n"
        'R3,"Two\r\nlines",Acme,01/04/2026\n'
    )
    table = read_register(write_csv(tmp_path / "m.csv", text), display_name="m.csv")
    assert table.header_row == 3
    data = rows_of(table)
    assert [n for n, _ in data] == [4, 7, 9]
    assert data[0][1][1] == "Waste collection\nand disposal\nservices"
    assert data[2][1][1] == "Two\r\nlines"


def test_csv_extra_values_near_the_top_get_a_column(tmp_path):
    text = "Ref,Title,Supplier\nR1,A,B\nR2,A,B,surprise\n"
    table = read_register(write_csv(tmp_path / "x.csv", text), display_name="x.csv")
    assert table.headings == ["Ref", "Title", "Supplier", "Column D"]
    assert rows_of(table)[1] == (3, ["R2", "A", "B", "surprise"])


def test_csv_row_with_extra_values_further_down_is_reported(tmp_path):
    body = "".join(f"R{i},A,B\n" for i in range(50))
    text = "Ref,Title,Supplier\n" + body + "R50,A,B,surprise\n"
    table = read_register(write_csv(tmp_path / "x.csv", text), display_name="x.csv")
    assert len(table.headings) == 3
    with pytest.raises(RegisterFileError, match="line 52 has 4 values"):
        rows_of(table)


def test_csv_trailing_separators_do_not_add_columns(tmp_path):
    text = "Ref,Title,Supplier,,\nR1,A,B,,\n"
    table = read_register(write_csv(tmp_path / "t.csv", text), display_name="t.csv")
    assert table.headings == ["Ref", "Title", "Supplier"]
    assert rows_of(table) == [(2, ["R1", "A", "B"])]


REAL_CSVS = {
    # file: (header line, number of headings, number of data rows, first heading)
    "contracts_finder_daily_csv_export_2020-07-01_awards.csv": (1, 69, 10, "uri"),
    "contracts_finder_daily_csv_export_2020-08-05_flattened_ocds.csv": (1, 333, 29, "uri"),
    "silvereye_simple_award_csv_nottingham_2020-07.csv": (1, 24, 1, "Notice ID"),
    "electric_vans_uk_public_sources.csv": (1, 23, 16, "make"),
    "taxonomy_seed_waste_fleet_digital.csv": (1, 8, 49, "workstream"),
}


@pytest.mark.parametrize("filename", sorted(REAL_CSVS))
def test_real_csvs(filename):
    header_row, columns, count, first = REAL_CSVS[filename]
    table = read_register(DATA / filename, display_name=filename)
    assert table.header_row == header_row
    assert len(table.headings) == columns
    assert table.headings[0] == first
    data = rows_of(table)
    assert len(data) == count
    assert all(len(values) == columns for _, values in data)


def test_real_awards_csv_multiline_rows_start_on_the_right_lines():
    name = "contracts_finder_daily_csv_export_2020-07-01_awards.csv"
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    table = read_register(DATA / name, display_name=name)
    numbers = [n for n, _ in rows_of(table)]
    assert numbers[:3] == [2, 5, 6]  # the first award's description spans lines 2–4
    for number, values in rows_of(table):
        assert lines[number - 1].startswith(values[0])
    assert table.headings[table.headings.index("releases/0/title")] == "releases/0/title"


def test_csv_row_cap_raised_while_iterating(tmp_path):
    body = "".join(f"R{i},Title {i},Acme\n" for i in range(20))
    path = write_csv(tmp_path / "many.csv", "Ref,Title,Supplier\n" + body)
    table = read_register(path, display_name="many.csv", max_rows=10)
    rows = table.iter_rows()
    for _ in range(10):
        next(rows)
    with pytest.raises(RegisterFileError, match="more than 10 data rows"):
        next(rows)


def test_csv_column_cap(tmp_path):
    header = ",".join(f"Heading {i}" for i in range(30))
    path = write_csv(tmp_path / "wide.csv", header + "\n" + ",".join("x" * 30) + "\n")
    with pytest.raises(RegisterFileError, match="30 columns, more than the 20"):
        read_register(path, display_name="wide.csv", max_columns=20)


def test_csv_header_only_and_blank_only(tmp_path):
    path = write_csv(tmp_path / "h.csv", "Ref,Title,Supplier,End date\n\n")
    with pytest.raises(RegisterFileError, match="has a header row .* but no data rows"):
        read_register(path, display_name="h.csv")
    path = write_csv(tmp_path / "b.csv", "\n\n\n")
    with pytest.raises(RegisterFileError, match="only blank lines"):
        read_register(path, display_name="b.csv")


def test_large_csv_is_streamed(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("Contract Reference,Title,Supplier,Start Date,End Date,Value\n")
        for i in range(200_000):
            fh.write(f"C{i},Contract number {i} for services,Supplier {i % 97} Ltd,"
                     f"01/04/2020,31/03/2025,{i * 10}.50\n")  # fmt: skip
    table = read_register(path, display_name="big.csv")
    rows = table.iter_rows()
    assert inspect.isgenerator(rows)

    tracemalloc.start()
    try:
        count = 0
        last = None
        for number, values in rows:
            count += 1
            last = (number, values)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert last == (200_001, ["C199999", "Contract number 199999 for services",
                             "Supplier 82 Ltd", "01/04/2020", "31/03/2025", "1999990.50"])  # fmt: skip
    # All rows as Python lists would take well over 100 MB.
    assert peak < 50 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# Hostile and wrong files


def test_empty_file_refused(tmp_path):
    path = tmp_path / "upload-123"
    path.write_bytes(b"")
    with pytest.raises(RegisterFileError, match="'register.csv' is empty"):
        read_register(path, display_name="register.csv")


def test_unknown_extension_lists_accepted(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(RegisterFileError) as err:
        check_upload(path, display_name="register.pdf")
    assert "'.pdf'" in str(err.value)
    for ext in (".xlsx", ".xls", ".ods", ".csv", ".json"):
        assert ext in str(err.value)


def test_over_size_cap(tmp_path):
    path = write_csv(tmp_path / "r.csv", CSV_TEXT)
    with pytest.raises(RegisterFileError, match="larger than"):
        check_upload(path, display_name="r.csv", max_bytes=10)


def test_messages_name_the_display_name_never_the_server_path(tmp_path):
    stored = tmp_path / "uploads" / "0f3a9c"
    stored.parent.mkdir()
    stored.write_bytes(b"not a zip at all")
    with pytest.raises(RegisterFileError) as err:
        read_register(stored, display_name="C:\\Users\\jo\\Desktop\\Register 2024.xlsx")
    message = str(err.value)
    assert "'Register 2024.xlsx'" in message
    assert str(tmp_path) not in message and "0f3a9c" not in message
    assert "Desktop" not in message


def test_xlsx_that_is_really_text(tmp_path):
    path = write_csv(tmp_path / "fake.xlsx", CSV_TEXT)
    with pytest.raises(RegisterFileError, match="content is not a spreadsheet workbook"):
        read_register(path, display_name="fake.xlsx")


def test_password_protected_xlsx_is_explained(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    with pytest.raises(RegisterFileError, match="password-protected"):
        check_upload(path, display_name="locked.xlsx")


def test_zip_without_workbook_part(tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(RegisterFileError, match="no workbook part"):
        check_upload(path, display_name="a.xlsx")


def test_binary_csv_refused(tmp_path):
    rng = random.Random(1)
    path = tmp_path / "r.csv"
    path.write_bytes(bytes(rng.randrange(256) for _ in range(20_000)) + b"\x00\x00")
    with pytest.raises(RegisterFileError, match="contains binary data"):
        read_register(path, display_name="r.csv")


def test_binary_csv_without_nul_refused(tmp_path):
    rng = random.Random(2)
    path = tmp_path / "r.csv"
    path.write_bytes(bytes(rng.randrange(1, 256) for _ in range(20_000)))
    with pytest.raises(RegisterFileError, match="contains binary data"):
        check_upload(path, display_name="r.csv")


def test_utf16_csv_gets_advice(tmp_path):
    path = write_csv(tmp_path / "u.csv", "\ufeff" + CSV_TEXT, "utf-16-le")
    with pytest.raises(RegisterFileError, match="CSV UTF-8"):
        check_upload(path, display_name="u.csv")


def test_json_detection(tmp_path):
    good = tmp_path / "a.json"
    good.write_bytes(b'\xef\xbb\xbf  \n{"releases": []}')
    assert check_upload(good, display_name="a.json") == "json"
    bad = tmp_path / "b.json"
    bad.write_bytes(b"Ref,Title\n")
    with pytest.raises(RegisterFileError, match="does not contain JSON"):
        check_upload(bad, display_name="b.json")


def test_formats_detected(tmp_path):
    xlsx = save_workbook(tmp_path / "a.xlsx", {"S": register_rows()})
    assert check_upload(xlsx, display_name="a.xlsx") == "xlsx"
    assert check_upload(xlsx, display_name="A.XLSM") == "xlsm"
    tsv = write_csv(tmp_path / "a.tsv", CSV_TEXT.replace(",", "\t"))
    assert check_upload(tsv, display_name="a.tsv") == "csv"


def _workbook_bytes(tmp_path: Path) -> dict[str, bytes]:
    path = save_workbook(tmp_path / "base.xlsx", {"S": register_rows()})
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_zip_bomb_refused_before_parsing(tmp_path, monkeypatch):
    parts = _workbook_bytes(tmp_path)
    path = tmp_path / "bomb.xlsx"
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024

    def must_not_run(path):
        raise AssertionError("a parser saw the zip bomb")

    monkeypatch.setattr(readers, "_calamine_book", must_not_run)
    monkeypatch.setattr(readers, "_openpyxl_book", must_not_run)
    with pytest.raises(RegisterFileError, match=r"compressed [\d,]+ times"):
        read_register(path, display_name="bomb.xlsx")


def test_total_uncompressed_and_member_caps(tmp_path):
    parts = _workbook_bytes(tmp_path)
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr("xl/media/image1.bin", os.urandom(2 * 1024 * 1024))  # incompressible
    assert check_upload(path, display_name="big.xlsx") == "xlsx"
    with pytest.raises(RegisterFileError, match="unpack to more than 1 MB"):
        check_upload(path, display_name="big.xlsx", max_total_uncompressed=1024 * 1024)
    with pytest.raises(RegisterFileError, match="more than 3 parts") as err:
        check_upload(path, display_name="big {v2}.xlsx", max_members=3)
    assert "'big {v2}.xlsx'" in str(err.value)


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData>
</worksheet>"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_billion_laughs_in_xlsx_refused(tmp_path, encoding):
    parts = _workbook_bytes(tmp_path)
    sheet = BILLION_LAUGHS if encoding == "utf-8" else BILLION_LAUGHS.decode().encode(encoding)
    parts["xl/worksheets/sheet1.xml"] = sheet
    path = tmp_path / "lol.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(RegisterFileError, match="entity declarations"):
        read_register(path, display_name="lol.xlsx")


def test_entity_after_first_chunk_is_found(tmp_path):
    parts = _workbook_bytes(tmp_path)
    parts["xl/styles.xml"] = b"<?xml version='1.0'?><!-- " + b"y" * 700_000 + b" --><!DOCTYPE s>"
    path = tmp_path / "late.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(RegisterFileError, match="entity declarations"):
        check_upload(path, display_name="late.xlsx")


def test_doctype_in_ods_refused(tmp_path):
    path = tmp_path / "r.ods"
    pd.DataFrame({"Ref": ["a"], "Title": ["b"], "Supplier": ["c"]}).to_excel(
        path, engine="odf", index=False
    )
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(
        b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1
    )
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(RegisterFileError, match="entity declarations"):
        check_upload(path, display_name="r.ods")


def test_openpyxl_uses_defusedxml():
    assert openpyxl.DEFUSEDXML is True


# --------------------------------------------------------------------------------------------
# headers


def test_find_header_row_skips_titles_notes_and_blanks():
    rows = [
        ["North Lanarkshire Council — Contract Register 2024", None, None, None],
        [None, None, None, None],
        ["Please contact procurement@example.invalid", "Updated March 2024", None, None],
        ["Contract Reference number / ID", "Title", "Supplier", "Expiry"],
        ["NLC-1", "Bins", "Acme", dt.date(2025, 1, 1)],
    ]
    assert find_header_row(rows) == 3


def test_find_header_row_ignores_text_data_rows_and_prefers_keywords():
    rows = [
        ["Prepared by", "Corporate procurement", "Draft"],
        ["Ref", "Title", "Supplier", "End date", "Value £"],
        ["A1", "Waste collection contract", "Biffa", "31/03/2025", "£1,200"],
    ]
    assert find_header_row(rows) == 1


def test_find_header_row_fallback_and_none():
    assert find_header_row([["make", "model", "variant"], ["Ford", "Transit", "L1"]]) == 0
    assert find_header_row([["Title only"], [1, 2, 3], [dt.date(2024, 1, 1), 5, 6]]) is None
    rows = [["x"]] * 30 + [["Ref", "Title", "Supplier"], ["a", "b", "c"]]
    assert find_header_row(rows) is None
    assert find_header_row(rows, max_scan=31) == 30


def test_combine_headings_cleans_and_deduplicates():
    rows = [["  Contract\nReference ", None, "Value", "value", "Value (2)", "\u00a0Start  date"]]
    assert combine_headings(rows, 0) == [
        "Contract Reference",
        "Column B",
        "Value",
        "value (2)",
        "Value (2) (2)",
        "Start date",
    ]
    assert combine_headings([["Ref", None]], 0, first_column=2) == ["Ref", "Column D"]


def test_combine_headings_group_row_above_without_merge_info():
    rows = [
        [None, None, "Contract Dates", None],
        ["Ref", "Title", "Start", "End"],
        ["R1", "Bins", dt.date(2020, 1, 1), dt.date(2021, 1, 1)],
    ]
    assert combine_headings(rows, 1) == [
        "Ref",
        "Title",
        "Contract Dates Start",
        "Contract Dates End",
    ]


def test_combine_headings_does_not_merge_a_title_row():
    rows = [
        ["Contract Register", None, None, None],
        ["Ref", "Title", "Start", "End"],
        ["R1", "Bins", "01/01/2020", "01/01/2021"],
    ]
    assert combine_headings(rows, 1) == ["Ref", "Title", "Start", "End"]


def test_combine_headings_does_not_take_a_text_data_row_as_sub_header():
    rows = [["Ref", "Title", None, "Supplier"], ["ABC", "Waste", "Extra", "Biffa"]]
    assert combine_headings(rows, 0) == ["Ref", "Title", "Column C", "Supplier"]


def test_column_letter():
    assert [column_letter(i) for i in (0, 2, 25, 26, 27, 701, 702)] == [
        "A", "C", "Z", "AA", "AB", "ZZ", "AAA",
    ]  # fmt: skip
