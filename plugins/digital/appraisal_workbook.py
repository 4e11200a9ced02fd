"""The appraisal workbook: every figure of the appraisal as a live Excel formula.

A finance officer must be able to audit a business case in a spreadsheet, so the workbook
holds the inputs as numbers and derives everything else with formulas: the rate in force each
year is looked up in the Parameters sheet, discount factors chain year on year
(`=C5/(1+B6)`), present values multiply, and the Summary sums them into PV costs, PV benefits,
NPSV and BCR. Changing a rate or an optimism bias figure on the Parameters sheet recalculates
the whole case. ProcureHub's own figures sit beside the formulas so any difference shows.

Option names come from users, so every text cell is stored as an explicit string, as the core
`exports` module does: a name such as `=HYPERLINK(...)` is shown, never evaluated. The core's
helpers write formula-free, write-only workbooks, so the same rule is applied here cell by cell.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from procurehub import toolkit as tk

from .appraisal import Appraisal
from .green_book import edition

MONEY = tk.MONEY_FORMAT
RATE = "0.00%"
FACTOR = "0.000000"
RATIO = "0.0000"
_PENNY = Decimal("0.01")
_BCR = Decimal("0.0001")
_SCALE = Decimal("0.000001")

# Fixed places the formulas refer to (1-based rows).
PARAMETER_BIAS_CAPITAL = "Parameters!$B$6"
PARAMETER_BIAS_OPERATING = "Parameters!$B$7"
SUMMARY_HEADER_ROW = 4
OPTION_HEADER_ROW = 4
OPTION_HEADINGS = (
    "Year",
    "Discount rate",
    "Discount factor",
    "Capital",
    "Operating",
    "Benefits",
    "Costs after optimism bias",
    "PV costs",
    "PV benefits",
    "Net PV",
    "Cumulative net PV",
)
SUMMARY_HEADINGS = (
    "Option",
    "PV costs",
    "PV benefits",
    "NPSV",
    "BCR",
    "Value for money",
    "Discounted payback year",
    "NPSV (ProcureHub)",
    "BCR (ProcureHub)",
)


def _text(sheet: Worksheet, row: int, column: int, value: Any, *, bold: bool = False) -> None:
    """Write a text cell that a spreadsheet shows as text, never runs as a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)


def _put(
    sheet: Worksheet, row: int, column: int, value: Any, number_format: str | None = None
) -> None:
    """A number or a formula we wrote ourselves (never user text)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if number_format:
        cell.number_format = number_format


def _headings(sheet: Worksheet, row: int, headings: tuple[str, ...]) -> None:
    for column, heading in enumerate(headings, start=1):
        _text(sheet, row, column, heading, bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(heading) + 2)


def _parameters_sheet(workbook: Workbook, appraisal: Appraisal) -> str:
    """Write the Parameters sheet; returns the absolute range of the schedule for LOOKUP."""
    case = appraisal.case
    sheet = workbook.create_sheet("Parameters")
    _text(sheet, 1, 1, "Green Book parameters", bold=True)
    _text(sheet, 3, 1, "Edition")
    _text(sheet, 3, 2, case.edition)
    _text(sheet, 4, 1, "Discount schedule from")
    _text(sheet, 4, 2, "the business case" if case.schedule_source == "case" else "the edition")
    _text(sheet, 5, 1, "Optimism bias (uplift on costs)", bold=True)
    _text(sheet, 6, 1, "Capital")
    _put(sheet, 6, 2, case.optimism_bias_capital, RATE)
    _text(sheet, 7, 1, "Operating")
    _put(sheet, 7, 2, case.optimism_bias_operating, RATE)
    _text(sheet, 9, 1, "First year", bold=True)
    _text(sheet, 9, 2, "Discount rate", bold=True)
    first = 10
    for offset, (first_year, rate) in enumerate(case.discount_schedule):
        _put(sheet, first + offset, 1, first_year)
        _put(sheet, first + offset, 2, rate, RATE)
    last = first + len(case.discount_schedule) - 1
    row = last + 2
    _text(sheet, row, 1, "Sources", bold=True)
    for source in edition(case.edition).sources:
        row += 1
        _text(sheet, row, 1, source)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 44
    return f"Parameters!$A${first}:$A${last},Parameters!$B${first}:$B${last}"


def _option_sheet(workbook: Workbook, title: str, result: Any, schedule_ranges: str) -> int:
    """One option, years in rows; returns the last data row."""
    sheet = workbook.create_sheet(title)
    _text(sheet, 1, 1, result.name, bold=True)
    _text(
        sheet,
        2,
        1,
        "Costs are uplifted by the optimism bias on the Parameters sheet; "
        "year 0 is not discounted.",
    )
    _headings(sheet, OPTION_HEADER_ROW, OPTION_HEADINGS)
    first = OPTION_HEADER_ROW + 1
    for row_data in result.years:
        r = first + row_data.year
        _put(sheet, r, 1, row_data.year)
        _put(sheet, r, 2, f"=LOOKUP(A{r},{schedule_ranges})", RATE)
        _put(sheet, r, 3, 1 if r == first else f"=C{r - 1}/(1+B{r})", FACTOR)
        _put(sheet, r, 4, row_data.capital, MONEY)
        _put(sheet, r, 5, row_data.operating, MONEY)
        _put(sheet, r, 6, row_data.benefits, MONEY)
        _put(
            sheet,
            r,
            7,
            f"=D{r}*(1+{PARAMETER_BIAS_CAPITAL})+E{r}*(1+{PARAMETER_BIAS_OPERATING})",
            MONEY,
        )
        _put(sheet, r, 8, f"=G{r}*C{r}", MONEY)
        _put(sheet, r, 9, f"=F{r}*C{r}", MONEY)
        _put(sheet, r, 10, f"=I{r}-H{r}", MONEY)
        _put(sheet, r, 11, f"=J{r}" if r == first else f"=K{r - 1}+J{r}", MONEY)
    sheet.freeze_panes = f"B{first}"
    return first + len(result.years) - 1


def _vfm_formula(bcr_cell: str) -> str:
    # Same bands and boundaries as appraisal.vfm_category.
    return (
        f'=IF({bcr_cell}="","",IF({bcr_cell}<1,"poor",IF({bcr_cell}<1.5,"low",'
        f'IF({bcr_cell}<2,"medium",IF({bcr_cell}<=4,"high","very high")))))'
    )


def write_appraisal_workbook(result: Appraisal, target: str | Path | IO[bytes]) -> None:
    """Write the appraisal workbook (Summary, Parameters, one sheet per option, Sensitivity,
    Switching values) to a path or a binary stream."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    schedule_ranges = _parameters_sheet(workbook, result)

    _text(summary, 1, 1, "Green Book economic appraisal", bold=True)
    _text(summary, 2, 1, f"Edition: {result.case.edition}")
    _headings(summary, SUMMARY_HEADER_ROW, SUMMARY_HEADINGS)
    summary.column_dimensions["A"].width = 36
    summary_rows: dict[str, int] = {}
    for index, option in enumerate(result.options):
        title = f"Option {index + 1}"
        last = _option_sheet(workbook, title, option, schedule_ranges)
        first = OPTION_HEADER_ROW + 1
        r = SUMMARY_HEADER_ROW + 1 + index
        summary_rows[option.name] = r
        quoted = f"'{title}'"
        _text(summary, r, 1, option.name)
        _put(summary, r, 2, f"=SUM({quoted}!H{first}:H{last})", MONEY)
        _put(summary, r, 3, f"=SUM({quoted}!I{first}:I{last})", MONEY)
        _put(summary, r, 4, f"=C{r}-B{r}", MONEY)
        _put(summary, r, 5, f'=IF(B{r}=0,"",C{r}/B{r})', RATIO)
        _put(summary, r, 6, _vfm_formula(f"E{r}"))
        _put(summary, r, 7, option.discounted_payback_year)
        _put(summary, r, 8, option.npsv.quantize(_PENNY, ROUND_HALF_UP), MONEY)
        _put(
            summary,
            r,
            9,
            None if option.bcr is None else option.bcr.quantize(_BCR, ROUND_HALF_UP),
            RATIO,
        )

    row = SUMMARY_HEADER_ROW + len(result.options) + 2
    _text(summary, row, 1, f"Against business as usual ({result.bau_name})", bold=True)
    _text(
        summary,
        row + 1,
        1,
        "Savings are the BAU costs avoided; extra benefits are benefits beyond BAU's.",
    )
    row += 2
    comparison_headings = (
        "Option",
        "PV costs",
        "PV savings",
        "PV extra benefits",
        "Incremental NPSV",
        "Incremental BCR",
        "Value for money",
    )
    for column, heading in enumerate(comparison_headings, start=1):
        _text(summary, row, column, heading, bold=True)
    bau_row = summary_rows[result.bau_name]
    for comparison in result.comparisons:
        row += 1
        o = summary_rows[comparison.name]
        _text(summary, row, 1, comparison.name)
        _put(summary, row, 2, f"=B{o}", MONEY)
        _put(summary, row, 3, f"=B{bau_row}", MONEY)
        _put(summary, row, 4, f"=C{o}-C{bau_row}", MONEY)
        _put(summary, row, 5, f"=C{row}+D{row}-B{row}", MONEY)
        _put(summary, row, 6, f'=IF(B{row}=0,"",(C{row}+D{row})/B{row})', RATIO)
        _put(summary, row, 7, _vfm_formula(f"F{row}"))
    row += 2
    _text(summary, row, 1, f"Preferred option (highest NPSV): {result.preferred_option}")

    _sensitivity_sheet(workbook, result, summary_rows)
    _switching_sheet(workbook, result)
    workbook.save(target)


def _sensitivity_sheet(workbook: Workbook, result: Appraisal, summary_rows: dict[str, int]) -> None:
    sheet = workbook.create_sheet("Sensitivity")
    _text(sheet, 1, 1, "NPSV and BCR with costs or benefits changed", bold=True)
    _headings(sheet, 3, ("Option", "Changed", "Change", "NPSV", "BCR"))
    sheet.column_dimensions["A"].width = 36
    row = 3
    for line in result.sensitivity:
        row += 1
        s = summary_rows[line.option]
        costs = f"Summary!B{s}*(1+C{row})" if line.variable == "costs" else f"Summary!B{s}"
        benefits = f"Summary!C{s}*(1+C{row})" if line.variable == "benefits" else f"Summary!C{s}"
        _text(sheet, row, 1, line.option)
        _text(sheet, row, 2, line.variable)
        _put(sheet, row, 3, line.change, "+0%;-0%")
        _put(sheet, row, 4, f"={benefits}-{costs}", MONEY)
        _put(sheet, row, 5, f'=IF({costs}=0,"",{benefits}/({costs}))', RATIO)


def _switching_sheet(workbook: Workbook, result: Appraisal) -> None:
    sheet = workbook.create_sheet("Switching values")
    _text(sheet, 1, 1, "Switching values: the input at which NPSV falls to zero", bold=True)
    _headings(
        sheet,
        3,
        (
            "Option",
            "Input",
            "Basis",
            "Scale",
            "PV as appraised",
            "PV at switching",
            "Annual amount",
            "Annual amount at switching",
        ),
    )
    sheet.column_dimensions["A"].width = 36
    for row, value in enumerate(result.switching_values, start=4):
        _text(sheet, row, 1, value.option)
        _text(sheet, row, 2, value.input)
        _text(sheet, row, 3, "NPSV" if value.basis == "npsv" else "against BAU")
        _put(sheet, row, 4, value.scale.quantize(_SCALE, ROUND_HALF_UP), "0.0000")
        _put(sheet, row, 5, value.base_pv.quantize(_PENNY, ROUND_HALF_UP), MONEY)
        _put(sheet, row, 6, value.switching_pv.quantize(_PENNY, ROUND_HALF_UP), MONEY)
        if value.annual_amount is not None and value.switching_annual_amount is not None:
            _put(sheet, row, 7, value.annual_amount, MONEY)
            _put(
                sheet, row, 8, value.switching_annual_amount.quantize(_PENNY, ROUND_HALF_UP), MONEY
            )
