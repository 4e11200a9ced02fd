"""Reading an uploaded contract register into rows, whatever its format.

One entry point, like pandas' readers: :func:`read_register` checks the file once
(:func:`procurehub.ingest.safety.check_upload`), then hands it to the reader of its format, and
every reader returns the same :class:`RegisterTable`, so what comes after (mapping headings,
parsing, storing) never asks which format it was. The options (``sheet``, ``max_rows``,
``max_columns``, ``max_bytes``) mean the same for every format. Per-format readers:

- .xlsx / .xlsm / .ods / .xls — python-calamine; if calamine cannot read the file, openpyxl
  (read-only, values only, XML through defusedxml) for .xlsx/.xlsm and xlrd for .xls.
- .csv / .tsv / .txt — the :mod:`csv` module over a text stream, never loaded whole.
- .json — an OCDS release or record package (:mod:`procurehub.ingest.ocds`): one row per
  contract, its columns already named by canonical field (``canonical_headings``).

Cells keep their native types (``str``, ``int``, ``float``, ``bool``, ``datetime.date``,
``datetime.datetime``, ``datetime.time``); an empty or whitespace-only cell is ``None``. CSV
cells are strings. Interpreting values (dates, money, extension terms) is done later.

Row numbers are the ones the user sees: the spreadsheet row number in Excel/LibreOffice, and
for CSV the physical line on which a record starts (line 1 is the first line of the file), so a
record whose quoted cell spans three lines is followed by a record three lines further down.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import itertools
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from procurehub.ingest.headers import (
    DATA_LOOKAHEAD,
    find_header_row,
    header_rows_and_headings,
    heading_keyword_score,
    is_blank,
)
from procurehub.ingest.ocds import ROW_FIELDS as OCDS_FIELDS
from procurehub.ingest.ocds import iter_ocds_rows
from procurehub.ingest.safety import RegisterFileError, check_upload, ensure_openpyxl_is_defused

__all__ = ["RegisterTable", "read_register"]

#: How much of a CSV file is used to choose its encoding.
ENCODING_SNIFF_BYTES = 1024 * 1024
#: How much of a CSV file (decoded) is used to choose its delimiter.
DELIMITER_SNIFF_CHARS = 64 * 1024
CSV_DELIMITERS = ",;\t"
#: Number of rows searched for the header, counted from the first non-empty row.
HEADER_SCAN_ROWS = 30

_EXPECTED_HEADINGS = "'Contract reference', 'Title', 'Supplier', 'End date'"

Record = tuple[int, list]


@dataclass(frozen=True)
class HeadingHint:
    """What the header row of a table other than a contract register looks like."""

    words: frozenset[str]  # the words its headings are made of
    examples: str  # headings to name when none is found: "'Registration', 'Make', …"


@dataclass
class RegisterTable:
    """A register read from an uploaded file: its headings and a way to iterate its rows.

    ``format`` is ``xlsx``, ``xlsm``, ``xls``, ``ods``, ``csv`` or ``ocds``.
    ``header_row`` is the 1-based row (spreadsheet row, or CSV line) of the header as the user
    sees it; for a two-row header it is the upper row and ``last_header_row`` the lower one.
    An OCDS package has no header row (``None``): its ``headings`` are canonical field names
    (``canonical_headings``) and its row numbers count contracts from 1.
    ``row_count_hint`` is an upper bound on the number of data rows when the format knows it
    (spreadsheets), else ``None``. ``notes`` lists things the user may want to know about how
    the file was read (for example a CSV decoded as Windows-1252).
    """

    format: str
    display_name: str
    sheet_names: list[str]
    sheet: str | None
    header_row: int | None
    headings: list[str]
    row_count_hint: int | None = None
    last_header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    max_rows: int = 1_000_000
    canonical_headings: bool = False
    _records: Callable[[], Iterator[Record]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.last_header_row is None:
            self.last_header_row = self.header_row

    def iter_rows(self) -> Iterator[tuple[int, list]]:
        """Yield ``(row_number, values)`` for each data row after the header.

        ``values`` is aligned with :attr:`headings` (padded with ``None``); completely empty
        rows are skipped. Each call starts again from the top of the file. Rows are produced
        one at a time: a CSV is streamed and never held in memory whole.

        Raises :class:`RegisterFileError` *during iteration* when the file turns out to have
        more than ``max_rows`` data rows (CSV files cannot be counted without reading them),
        when a CSV record has values beyond the last heading, or when a CSV line cannot be
        decoded or parsed.
        """
        if self._records is None:
            return
        width = len(self.headings)
        last_header = self.last_header_row or 0
        count = 0
        for number, raw in self._records():
            if number <= last_header:
                continue
            # inline is_blank: this runs once per cell of the file
            values = [
                None if v is None or (v.__class__ is str and (not v or v.isspace())) else v
                for v in raw
            ]
            if len(values) > width:
                if any(v is not None for v in values[width:]):
                    raise RegisterFileError(
                        f"'{self.display_name}' line {number} has {len(values)} values but the "
                        f"header on line {self.header_row} has {width} columns. Check for a "
                        "missing quote or an extra separator on that line.",
                        display_name=self.display_name,
                    )
                del values[width:]
            elif len(values) < width:
                values.extend([None] * (width - len(values)))
            if values.count(None) == width:  # an empty row (cells are str/number/date)
                continue
            count += 1
            if count > self.max_rows:
                raise RegisterFileError(
                    _too_many_rows(self.display_name, self.max_rows),
                    display_name=self.display_name,
                )
            yield number, values


def read_register(
    path: str | os.PathLike,
    *,
    display_name: str | None = None,
    sheet: str | None = None,
    max_rows: int = 1_000_000,
    max_columns: int = 500,
    max_bytes: int = 50 * 1024 * 1024,
    heading_words: HeadingHint | None = None,
) -> RegisterTable:
    """Read an uploaded contract register, whatever its format: the one way in.

    ``display_name`` is the file name as the user gave it (default: ``path``'s own name): it
    decides the format (with the content, see :func:`~procurehub.ingest.safety.check_upload`)
    and names the file in every error message; ``path`` is only where the bytes are. ``sheet``
    picks a sheet by name; by default the sheet that looks most like a register is used (see
    :func:`_choose_sheet`). The upload's safety checks run here, once, before any reader sees
    the file.

    Raises :class:`RegisterFileError` with a message for the user when the file is refused,
    has no recognisable header row (or, for JSON, is not an OCDS package), has a header but no
    data rows, or exceeds ``max_columns`` or ``max_rows`` (for CSV the row cap is enforced
    while iterating). ``heading_words`` describe the header row of another kind of table (a
    fleet list, a system inventory): its words find the header row and the sheet in place of
    the contract register's, and its examples name the headings a refusal expects; OCDS is
    only read for contract registers.
    """
    shown = os.fspath(path) if display_name is None else display_name
    name = os.path.basename(shown.replace("\\", "/")) or "the uploaded file"
    fmt = check_upload(path, display_name=name, max_bytes=max_bytes)
    if fmt == "json" and heading_words is not None:
        raise RegisterFileError(
            f"'{name}' is a JSON file; this upload takes a spreadsheet (.xlsx, .xls, .ods) or "
            "a CSV file.",
            display_name=name,
        )
    if fmt == "json":
        table = _read_ocds(path, name=name, max_rows=max_rows)
        if sheet is not None:
            table.notes.append(f"A sheet ('{sheet}') was asked for, but OCDS files have no sheets.")
    elif fmt == "csv":
        table = _read_csv(
            path, name=name, max_rows=max_rows, max_columns=max_columns, words=heading_words
        )
        if sheet is not None:
            table.notes.append(f"A sheet ('{sheet}') was asked for, but CSV files have no sheets.")
    else:
        table = _read_spreadsheet(
            path,
            fmt=fmt,
            name=name,
            sheet=sheet,
            max_rows=max_rows,
            max_columns=max_columns,
            words=heading_words,
        )
    rows = table.iter_rows()
    first_row = next(rows, None)
    rows.close()
    if first_row is None:
        where = f" (sheet '{table.sheet}')" if table.sheet else ""
        raise RegisterFileError(
            f"'{name}'{where} has a header row (row {table.header_row}) but no data rows.",
            display_name=name,
        )
    return table


def _too_many_rows(name: str, max_rows: int) -> str:
    return (
        f"'{name}' has more than {max_rows:,} data rows, more than one upload can take. "
        "Split the register into smaller files and upload them one at a time."
    )


def _too_many_columns(name: str, columns: int, max_columns: int) -> str:
    return (
        f"'{name}' has {columns:,} columns, more than the {max_columns:,} a register can have. "
        "Delete unused columns (including empty ones with formatting) and upload it again."
    )


def _no_header(name: str, where: str = "", hint: HeadingHint | None = None) -> str:
    expected = hint.examples if hint else _EXPECTED_HEADINGS
    return (
        f"'{name}'{where}: could not find a header row in the first {HEADER_SCAN_ROWS} rows: "
        f"expected headings such as {expected}. Make sure the column headings are "
        "on one row near the top of the sheet."
    )


# --------------------------------------------------------------------------------------------
# Spreadsheets


@dataclass
class _Sheet:
    """One worksheet as an engine exposes it.

    ``records`` yields ``(row_number, values)`` from the top of the sheet (leading blank rows
    may or may not be included); ``values[0]`` is the cell in column ``first_col`` (0-based).
    ``merged`` holds 0-based ``(first_row, first_col, last_row, last_col)`` ranges, or ``None``
    when the engine does not know them.
    """

    name: str
    first_col: int
    width: int
    last_row: int | None
    merged: list[tuple[int, int, int, int]] | None
    records: Callable[[], Iterator[Record]]


@dataclass
class _Book:
    sheet_names: list[str]
    hidden: set[str]
    load: Callable[[str], _Sheet]


def _calamine_book(path: str | os.PathLike) -> _Book:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    workbook = CalamineWorkbook.from_path(os.fspath(path))
    hidden = {
        meta.name
        for meta in workbook.sheets_metadata
        if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet
    }

    def load(name: str) -> _Sheet:
        sheet = workbook.get_sheet_by_name(name)
        if sheet.start is None or sheet.end is None:
            return _Sheet(name, 0, 0, 0, None, lambda: iter(()))
        first_row, first_col = sheet.start
        width = sheet.width
        ranges = sheet.merged_cell_ranges
        merged = None if ranges is None else [(a[0], a[1], b[0], b[1]) for a, b in ranges]

        def records() -> Iterator[Record]:
            # iter_rows() starts at the first used column; whether it starts at row 1 or at the
            # first used row is not documented, so the first non-empty row is pinned to
            # sheet.start, which is.
            number = None
            cut = 0
            for row in sheet.iter_rows():
                if number is None:
                    if all(v == "" for v in row):
                        continue
                    number = first_row + 1
                    cut = len(row) - width if len(row) > width else 0
                yield number, list(row[cut:]) if cut else row
                number += 1

        return _Sheet(name, first_col, width, sheet.end[0] + 1, merged, records)

    return _Book(list(workbook.sheet_names), hidden, load)


def _openpyxl_book(path: str | os.PathLike) -> _Book:
    ensure_openpyxl_is_defused()
    import openpyxl

    workbook = openpyxl.load_workbook(os.fspath(path), read_only=True, data_only=True)
    hidden = {ws.title for ws in workbook.worksheets if ws.sheet_state != "visible"}

    def load(name: str) -> _Sheet:
        ws = workbook[name]

        def records() -> Iterator[Record]:
            for number, row in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
                yield number, list(row)

        return _Sheet(name, 0, ws.max_column or 0, ws.max_row, None, records)

    return _Book(list(workbook.sheetnames), hidden, load)


def _xlrd_book(path: str | os.PathLike) -> _Book:
    import xlrd

    book = xlrd.open_workbook(os.fspath(path), on_demand=True)

    def cell_value(cell: xlrd.sheet.Cell) -> object:
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return None
        if cell.ctype == xlrd.XL_CELL_DATE:
            moment = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            return moment.date() if moment.time() == _dt.time() else moment
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        return cell.value

    def load(name: str) -> _Sheet:
        sh = book.sheet_by_name(name)

        def records() -> Iterator[Record]:
            for r in range(sh.nrows):
                yield r + 1, [cell_value(c) for c in sh.row(r)]

        return _Sheet(name, 0, sh.ncols, sh.nrows, None, records)

    hidden = set()
    for index, name in enumerate(book.sheet_names()):
        if book.sheet_by_index(index).visibility:
            hidden.add(name)
    return _Book(list(book.sheet_names()), hidden, load)


def _read_spreadsheet(
    path: str | os.PathLike,
    *,
    fmt: str,
    name: str,
    sheet: str | None,
    max_rows: int,
    max_columns: int,
    words: HeadingHint | None = None,
) -> RegisterTable:
    engines: list[Callable[[str | os.PathLike], _Book]] = [_calamine_book]
    if fmt in ("xlsx", "xlsm"):
        engines.append(_openpyxl_book)
    elif fmt == "xls":
        engines.append(_xlrd_book)
    failure: Exception | None = None
    for engine in engines:
        try:
            book = engine(path)
            return _table_from_book(
                book,
                fmt=fmt,
                name=name,
                sheet=sheet,
                max_rows=max_rows,
                max_columns=max_columns,
                words=words,
            )
        except RegisterFileError:
            raise
        except Exception as exc:  # each engine has its own error types; try the next one
            failure = exc
    if failure is not None and "password" in str(failure).lower():
        raise RegisterFileError(
            f"'{name}' is password-protected. Remove the password, save it, and upload it again.",
            display_name=name,
        ) from failure
    raise RegisterFileError(
        f"'{name}' could not be read as a spreadsheet; it may be damaged. Open it in Excel or "
        "LibreOffice, save it again, and upload the new copy.",
        display_name=name,
    ) from failure


def _head(records: Iterator[Record], rows: int) -> list[Record]:
    """The first ``rows`` records from the first non-empty one (blank rows included)."""
    started = itertools.dropwhile(lambda rec: all(is_blank(v) for v in rec[1]), records)
    return list(itertools.islice(started, rows))


def _padded(head: list[Record], width: int) -> list[list]:
    return [list(values[:width]) + [None] * (width - len(values)) for _, values in head]


@dataclass
class _Scan:
    sheet: _Sheet
    head: list[Record]
    header_index: int | None
    score: int


def _scan(sheet: _Sheet, words: HeadingHint | None = None) -> _Scan:
    head = _head(sheet.records(), HEADER_SCAN_ROWS + DATA_LOOKAHEAD)
    if not head:
        return _Scan(sheet, head, None, -1)
    width = max([sheet.width, *(len(v) for _, v in head)])
    rows = _padded(head, width)
    keywords = words.words if words else None
    index = find_header_row(rows, max_scan=HEADER_SCAN_ROWS, keywords=keywords)
    score = -1 if index is None else heading_keyword_score(rows[index], keywords)
    return _Scan(sheet, head, index, score)


def _choose_sheet(
    book: _Book, *, name: str, sheet: str | None, words: HeadingHint | None = None
) -> _Scan:
    """Pick the sheet to read.

    With ``sheet`` given, that sheet (exact name, else the one name that matches ignoring case
    and surrounding spaces). Otherwise each visible sheet's header row is found and scored by
    how many of its cells look like register headings; the highest score wins, ties go to the
    first sheet, and empty sheets or sheets without a header row are never chosen.
    """
    names = book.sheet_names
    listed = ", ".join(f"'{n}'" for n in names)
    if sheet is not None:
        if sheet not in names:
            matches = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
            if len(matches) != 1:
                raise RegisterFileError(
                    f"'{name}' has no sheet called '{sheet}'. Its sheets are: {listed}.",
                    display_name=name,
                )
            sheet = matches[0]
        scan = _scan(book.load(sheet), words)
        if not scan.head:
            raise RegisterFileError(f"'{name}': the sheet '{sheet}' is empty.", display_name=name)
        if scan.header_index is None:
            raise RegisterFileError(
                _no_header(name, f" (sheet '{sheet}')", words), display_name=name
            )
        return scan

    visible = [n for n in names if n not in book.hidden] or names
    best: _Scan | None = None
    any_data = False
    for candidate in visible:
        scan = _scan(book.load(candidate), words)
        any_data = any_data or bool(scan.head)
        if scan.header_index is not None and (best is None or scan.score > best.score):
            best = scan
    if best is None:
        if not any_data:
            raise RegisterFileError(
                f"'{name}' has no data: every sheet is empty.", display_name=name
            )
        raise RegisterFileError(_no_header(name, f" (sheets {listed})", words), display_name=name)
    return best


def _table_from_book(
    book: _Book,
    *,
    fmt: str,
    name: str,
    sheet: str | None,
    max_rows: int,
    max_columns: int,
    words: HeadingHint | None = None,
) -> RegisterTable:
    scan = _choose_sheet(book, name=name, sheet=sheet, words=words)
    chosen = scan.sheet
    width = max([chosen.width, *(len(v) for _, v in scan.head)])
    if width > max_columns:
        raise RegisterFileError(
            _too_many_columns(name, width, max_columns) + f" (sheet '{chosen.name}')",
            display_name=name,
        )
    rows = _padded(scan.head, width)
    top = scan.head[0][0] - 1  # 0-based sheet row of rows[0]
    merged = None
    if chosen.merged is not None:
        merged = [
            (r0 - top, c0 - chosen.first_col, r1 - top, c1 - chosen.first_col)
            for r0, c0, r1, c1 in chosen.merged
            if top <= r0 < top + len(rows)
        ]
    assert scan.header_index is not None
    first, last, headings = header_rows_and_headings(
        rows, scan.header_index, first_column=chosen.first_col, merged=merged
    )
    header_row, last_header_row = scan.head[first][0], scan.head[last][0]
    hint = None if chosen.last_row is None else max(chosen.last_row - last_header_row, 0)
    if hint is not None and hint > max_rows:
        raise RegisterFileError(_too_many_rows(name, max_rows), display_name=name)
    return RegisterTable(
        format=fmt,
        display_name=name,
        sheet_names=list(book.sheet_names),
        sheet=chosen.name,
        header_row=header_row,
        last_header_row=last_header_row,
        headings=headings,
        row_count_hint=hint,
        max_rows=max_rows,
        _records=chosen.records,
    )


# --------------------------------------------------------------------------------------------
# CSV

_FALLBACK_HANDLER = "procurehub-cp1252-fallback"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode bytes that are not UTF-8 as Windows-1252 instead."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bytes(bad).decode("cp1252", errors="replace"), exc.end


def _fallback_handler() -> str:
    try:
        codecs.lookup_error(_FALLBACK_HANDLER)
    except LookupError:
        codecs.register_error(_FALLBACK_HANDLER, _cp1252_fallback)
    return _FALLBACK_HANDLER


def _detect_encoding(raw: bytes, *, complete: bool) -> tuple[str, str, str | None]:
    """Choose (encoding, errors, note) from the first bytes of a CSV.

    1. UTF-8 (with or without BOM) if the first 1 MB decodes strictly. Bytes further on that
       are not UTF-8 are decoded as Windows-1252 rather than failing the upload (a '£' typed
       in Windows at line 50,000 of an otherwise ASCII file).
    2. Windows-1252 if the first 1 MB decodes strictly as Windows-1252.
    3. Last resort: Windows-1252 replacing the five byte values it does not define; a note
       says so.
    """
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=complete)
        return "utf-8-sig", _fallback_handler(), None
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252", "strict", None
    except UnicodeDecodeError:
        return (
            "cp1252",
            "replace",
            "Some characters could not be read and were replaced with '\ufffd'; the file's "
            "text encoding is neither UTF-8 nor Windows-1252.",
        )


def _field_counts(text: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [len(r) for r in itertools.islice(reader, 60) if any(c.strip() for c in r)]
    except csv.Error:
        return []


def _delimiter_by_counting(text: str) -> str:
    """The delimiter giving the most records with the same number (≥ 2) of fields."""
    best, best_key = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        counts = [c for c in _field_counts(text, delimiter) if c >= 2]
        if not counts:
            continue
        fields, frequency = Counter(counts).most_common(1)[0]
        if (frequency, fields) > best_key:
            best, best_key = delimiter, (frequency, fields)
    return best


def _detect_delimiter(sample: str) -> str:
    """Comma, semicolon or tab, from the first lines of the file.

    :class:`csv.Sniffer` restricted to those three is asked first; its answer is kept when it
    splits most records of the sample into the same number (≥ 2) of fields. Otherwise the
    counting heuristic (:func:`_delimiter_by_counting`) decides.
    """
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and len(sniffed) == 1 and sniffed in CSV_DELIMITERS:
        counts = _field_counts(sample, sniffed)
        wide = [c for c in counts if c >= 2]
        if wide and Counter(wide).most_common(1)[0][1] * 2 >= len(counts):
            return sniffed
    return _delimiter_by_counting(sample)


def _read_csv(
    path: str | os.PathLike,
    *,
    name: str,
    max_rows: int,
    max_columns: int,
    words: HeadingHint | None = None,
) -> RegisterTable:
    with open(path, "rb") as fh:
        raw = fh.read(ENCODING_SNIFF_BYTES + 1)
    complete = len(raw) <= ENCODING_SNIFF_BYTES
    raw = raw[:ENCODING_SNIFF_BYTES]
    encoding, errors, note = _detect_encoding(raw, complete=complete)

    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    sample = decoder.decode(raw[: DELIMITER_SNIFF_CHARS * 2], final=complete)
    sample = sample[:DELIMITER_SNIFF_CHARS]
    cut = sample.rfind("\n")
    if (not complete or len(sample) == DELIMITER_SNIFF_CHARS) and cut > 0:
        sample = sample[: cut + 1]  # whole lines only
    delimiter = "\t" if name.lower().endswith(".tsv") else _detect_delimiter(sample)

    def records() -> Iterator[Record]:
        line = 0
        with open(path, "rb") as binary:
            text = io.TextIOWrapper(binary, encoding=encoding, errors=errors, newline="")
            reader = csv.reader(text, delimiter=delimiter)
            try:
                for values in reader:
                    start, line = line + 1, reader.line_num
                    yield start, values
            except csv.Error as exc:
                raise RegisterFileError(
                    f"'{name}' could not be read at line {line + 1}: {exc}. Check that line "
                    "for an unclosed quote or an extremely long cell.",
                    display_name=name,
                ) from exc
            except UnicodeDecodeError as exc:
                raise RegisterFileError(
                    f"'{name}' has characters that cannot be read after line {line}. Save it "
                    "as 'CSV UTF-8' and upload it again.",
                    display_name=name,
                ) from exc

    head = _head(records(), HEADER_SCAN_ROWS + DATA_LOOKAHEAD)
    if not head:
        raise RegisterFileError(
            f"'{name}' has no data: it contains only blank lines.", display_name=name
        )
    width = max(len(v) for _, v in head)
    if width > max_columns:
        raise RegisterFileError(_too_many_columns(name, width, max_columns), display_name=name)
    rows = _padded(head, width)
    index = find_header_row(
        rows, max_scan=HEADER_SCAN_ROWS, keywords=words.words if words else None
    )
    if index is None:
        raise RegisterFileError(_no_header(name, hint=words), display_name=name)
    first, last, headings = header_rows_and_headings(rows, index)
    # Drop trailing columns with neither a heading nor any value in the rows read so far
    # (trailing separators, as Excel writes them); a later row using them is reported.
    raw_header = rows[index]
    while (
        headings
        and len(headings) > 1
        and is_blank(raw_header[len(headings) - 1])
        and all(is_blank(r[len(headings) - 1]) for r in rows[index:])
    ):
        headings.pop()

    return RegisterTable(
        format="csv",
        display_name=name,
        sheet_names=[],
        sheet=None,
        header_row=head[first][0],
        last_header_row=head[last][0],
        headings=headings,
        row_count_hint=None,
        encoding="utf-8" if encoding == "utf-8-sig" else encoding,
        delimiter=delimiter,
        notes=[note] if note else [],
        max_rows=max_rows,
        _records=records,
    )


# --------------------------------------------------------------------------------------------
# OCDS JSON


def _read_ocds(path: str | os.PathLike, *, name: str, max_rows: int) -> RegisterTable:
    """An OCDS package as a table whose columns are canonical fields, one row per contract."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
        rows = list(iter_ocds_rows(data))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegisterFileError(f"'{name}' is not valid JSON ({exc}).", display_name=name) from exc
    except RecursionError as exc:
        raise RegisterFileError(
            f"'{name}' is nested too deeply to be an OCDS package.", display_name=name
        ) from exc
    except ValueError as exc:
        raise RegisterFileError(f"'{name}': {exc}", display_name=name) from exc
    if not rows:
        raise RegisterFileError(
            f"'{name}' is an OCDS package with no contracts in it.", display_name=name
        )
    if len(rows) > max_rows:
        raise RegisterFileError(
            f"'{name}' has more than {max_rows:,} contracts.", display_name=name
        )
    headings = list(OCDS_FIELDS)
    matrix = [
        (int(row.get("_source_row") or i), [row.get(h) for h in headings])
        for i, row in enumerate(rows, 1)
    ]
    return RegisterTable(
        format="ocds",
        display_name=name,
        sheet_names=[],
        sheet=None,
        header_row=None,
        headings=headings,
        row_count_hint=len(matrix),
        max_rows=max_rows,
        canonical_headings=True,
        _records=lambda: iter(matrix),
    )
