"""The one place that writes CSV and XLSX files, so formula injection is handled once.

A spreadsheet treats a text cell starting with `=`, `+`, `-`, `@`, tab, CR or NUL as a
formula (or as the start of one, via DDE tricks). Contract titles come from councils'
uploads, so every text cell is neutralised on the way out: CSV cells get a leading `'`,
XLSX cells are written as explicit strings. Numbers are never altered: `-5` stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise_csv(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_csv(stream: IO[str], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows; returns the number of data rows written."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([neutralise_csv(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else neutralise_csv(v) for v in row])
        count += 1
    return count


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    cell = WriteOnlyCell(sheet, value=None)
    # Setting data_type after value stops openpyxl from reading "=..." as a formula.
    cell.value = str(value)
    cell.data_type = "s"
    return cell


def write_xlsx(
    target: str | Path | IO[bytes],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Contracts",
) -> int:
    """Stream rows into a one-sheet workbook (write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = str(name)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
        count += 1
    workbook.save(target)
    return count
