"""The one place that writes CSV and XLSX files, so formula injection is handled once.

A spreadsheet treats a text cell starting with `=`, `+`, `-`, `@`, tab, CR or NUL as a
formula (or as the start of one, via DDE tricks). Contract titles come from councils'
uploads, so every text cell is neutralised on the way out: CSV cells get a leading `'`,
XLSX cells are written as explicit strings. Numbers are never altered: `-5` stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

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


# --- Richer workbooks (several sheets, highlights, comments, drop-downs) --------------------
#
# Built on the same write-only mode and the same `_xlsx_cell` neutralisation as `write_xlsx`:
# every text cell (values, headings, intro lines) is stored as an explicit string.

HIGHLIGHT_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
HIGHLIGHT_FONT_COLOUR = "FF9C0006"
COMMENT_AUTHOR = "ProcureHub"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MONEY_FORMAT = "£#,##0.00"
# Excel refuses an inline list (`"a,b,c"`) longer than this: put it on a sheet instead.
INLINE_LIST_LIMIT = 255


@dataclass(frozen=True)
class Marked:
    """A cell value with a note: an optional comment, a light red highlight, bold, wrapping."""

    value: Any
    comment: str | None = None
    highlight: bool = False
    bold: bool = False
    wrap: bool = False


@dataclass(frozen=True)
class DropDown:
    """A list data validation on one column (0-based) for rows `first_row`..`last_row`.

    Give either `values` (written inline; at most 255 characters in all, no commas) or
    `source`, a range such as :func:`sheet_range` returns (for long lists on another sheet).
    """

    column: int
    values: Sequence[str] = ()
    source: str | None = None
    first_row: int = 2
    last_row: int = 5000
    error_title: str = "Not in the list"
    error: str = "Please pick a value from the drop-down list, or leave the cell blank."
    prompt_title: str | None = None
    prompt: str | None = None
    allow_blank: bool = True


@dataclass
class SheetSpec:
    """One sheet of :func:`write_sheets`.

    `intro` lines go above the header (one per row, then a blank row); `header` items and row
    values may be :class:`Marked`. `column_widths` is by position (None: Excel's default).
    `column_formats` maps a 0-based column to a number format, set as the column's style (so
    cells typed in later get it too) and on the number/date cells written there. Date cells
    with no format of their own are shown dd/mm/yyyy. `freeze` defaults to just below the
    header; pass "" for no frozen panes.
    """

    title: str
    header: Sequence[Any] = ()
    rows: Iterable[Sequence[Any]] = ()
    intro: Sequence[str] = ()
    column_widths: Sequence[float | None] = ()
    column_formats: Mapping[int, str] = field(default_factory=dict)
    wrap_columns: Collection[int] = ()
    freeze: str | None = None
    dropdowns: Sequence[DropDown] = ()
    hidden: bool = False
    bold_header: bool = True


def sheet_range(title: str, column: int, first_row: int, last_row: int) -> str:
    """An absolute reference to part of one column (0-based) of a sheet: `'Lists'!$A$2:$A$9`."""
    letter = get_column_letter(column + 1)
    quoted = "'" + title.replace("'", "''") + "'"
    return f"{quoted}!${letter}${first_row}:${letter}${max(first_row, last_row)}"


def fit_column_widths(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    minimum: float = 8,
    maximum: float = 60,
    sample: int = 500,
) -> list[float]:
    """Column widths (in characters) that fit the header and the first `sample` rows."""
    widths = [float(len(str(_plain(h) or ""))) for h in header]
    for index, row in enumerate(rows):
        if index >= sample:
            break
        for column, value in enumerate(row):
            value = _plain(value)
            if isinstance(value, date):
                length = 10 if not isinstance(value, datetime) or not _has_time(value) else 16
            elif value is None:
                length = 0
            else:
                length = max((len(part) for part in str(value).splitlines()), default=0)
            if column >= len(widths):
                widths.extend([0.0] * (column + 1 - len(widths)))
            widths[column] = max(widths[column], float(length))
    return [min(maximum, max(minimum, w + 2)) for w in widths]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Marked) else value


def _has_time(value: datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0)


def _dropdown_formula(dropdown: DropDown) -> str:
    if dropdown.source is not None:
        return dropdown.source
    items = [str(v) for v in dropdown.values]
    if any("," in item for item in items):
        raise ValueError("an inline drop-down value cannot contain a comma; use `source`")
    joined = ",".join(items).replace('"', '""')
    if len(joined) > INLINE_LIST_LIMIT:
        raise ValueError(
            f"the drop-down list is {len(joined)} characters (Excel allows "
            f"{INLINE_LIST_LIMIT}): put it on a sheet and pass `source`"
        )
    return f'"{joined}"'


def _comment(text: str) -> Comment:
    lines = text.splitlines() or [""]
    longest = max(len(line) for line in lines)
    width = min(400, max(160, longest * 6))
    wrapped = sum(max(1, -(-len(line) * 6 // width)) for line in lines)
    comment = Comment(text, COMMENT_AUTHOR, height=min(400, 30 + wrapped * 15), width=width)
    return comment


def _styled_cell(
    sheet: Any,
    value: Any,
    *,
    number_format: str | None = None,
    bold: bool = False,
    wrap: bool = False,
) -> Any:
    """`_xlsx_cell` plus the styling of one cell (a WriteOnlyCell, or the plain value)."""
    mark = value if isinstance(value, Marked) else None
    raw = mark.value if mark else value
    cell = _xlsx_cell(sheet, raw)
    fmt = number_format if isinstance(raw, int | float | Decimal | date) else None
    if fmt is None and isinstance(raw, date):
        fmt = DATETIME_FORMAT if isinstance(raw, datetime) and _has_time(raw) else DATE_FORMAT
    if isinstance(raw, bool):
        fmt = None
    bold = bold or bool(mark and mark.bold)
    wrap = wrap or bool(mark and mark.wrap)
    highlight = bool(mark and mark.highlight)
    comment = mark.comment if mark else None
    if not (fmt or bold or wrap or highlight or comment):
        return cell
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(sheet, value=cell)
    if fmt:
        cell.number_format = fmt
    if highlight:
        cell.fill = HIGHLIGHT_FILL
    if bold or highlight:
        cell.font = Font(bold=bold, color=HIGHLIGHT_FONT_COLOUR if highlight else None)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if comment:
        cell.comment = _comment(comment)
    return cell


def write_sheets(target: str | Path | IO[bytes], sheets: Sequence[SheetSpec]) -> list[int]:
    """Write a workbook of several sheets; returns the number of data rows of each sheet.

    Sheets come in the order given (the first is the one Excel opens on; it must not be
    hidden). Every text cell is neutralised exactly as in :func:`write_xlsx`.
    """
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    if sheets[0].hidden:
        raise ValueError("the first sheet cannot be hidden")
    workbook = Workbook(write_only=True)
    counts = []
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.title[:31])
        if spec.hidden:
            sheet.sheet_state = "hidden"
        for index, width in enumerate(spec.column_widths):
            if width is not None:
                sheet.column_dimensions[get_column_letter(index + 1)].width = width
        for index, fmt in spec.column_formats.items():
            sheet.column_dimensions[get_column_letter(index + 1)].number_format = fmt
        header_row = len(spec.intro) + (1 if spec.intro else 0) + (1 if spec.header else 0)
        freeze = spec.freeze
        if freeze is None and spec.header:
            freeze = f"A{header_row + 1}"
        if freeze:
            sheet.freeze_panes = freeze
        for dropdown in spec.dropdowns:
            validation = DataValidation(
                type="list",
                formula1=_dropdown_formula(dropdown),
                allow_blank=dropdown.allow_blank,
                showErrorMessage=True,
                errorStyle="stop",
                errorTitle=dropdown.error_title,
                error=dropdown.error,
                showInputMessage=dropdown.prompt is not None,
                promptTitle=dropdown.prompt_title,
                prompt=dropdown.prompt,
            )
            letter = get_column_letter(dropdown.column + 1)
            validation.add(f"{letter}{dropdown.first_row}:{letter}{dropdown.last_row}")
            sheet.data_validations.append(validation)
        for number, line in enumerate(spec.intro):
            sheet.append([_styled_cell(sheet, Marked(line, bold=number == 0))])
        if spec.intro:
            sheet.append([])
        if spec.header:
            sheet.append([_styled_cell(sheet, h, bold=spec.bold_header) for h in spec.header])
        wrap_columns = set(spec.wrap_columns)
        count = 0
        for row in spec.rows:
            sheet.append(
                [
                    _styled_cell(
                        sheet,
                        value,
                        number_format=spec.column_formats.get(column),
                        wrap=column in wrap_columns,
                    )
                    for column, value in enumerate(row)
                ]
            )
            count += 1
        counts.append(count)
    workbook.save(target)
    return counts
