"""The two workbooks the importer hands back to procurement officers.

* :func:`write_error_workbook` -- the rows of an upload that could not be imported, exactly as
  uploaded (same headings, same order, same values and types) with every bad cell highlighted
  and explained in a cell comment, plus a "Problems" sheet listing each problem with the row
  number of the original file. The officer fixes the first sheet and uploads the file again.
* :func:`write_contract_template` -- a blank register whose headings are the canonical field
  names the importer maps, with drop-downs, formats, a "Guidance" sheet and a "Categories"
  sheet.

Both are written through :func:`procurehub.exports.write_sheets`, so every text cell is
neutralised against formula injection (DESIGN §6).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from procurehub.contracts.fields import (
    CANONICAL_FIELDS,
    UNCLASSIFIED,
    contract_field,
    names_of_kind,
)
from procurehub.exports import (
    DATE_FORMAT,
    MONEY_FORMAT,
    DropDown,
    Marked,
    SheetSpec,
    fit_column_widths,
    sheet_range,
    write_sheets,
)

__all__ = [
    "CONTRACTS_SHEET",
    "DATE_FIELDS",
    "FIELD_HELP",
    "MONEY_FIELDS",
    "PROBLEMS_HEADER",
    "PROBLEMS_SHEET",
    "TEMPLATE_FIELDS",
    "TEMPLATE_ROWS",
    "CellProblem",
    "RejectedRow",
    "write_contract_template",
    "write_error_workbook",
]

PROBLEMS_SHEET = "Problems"
PROBLEMS_HEADER = ("Row in your file", "Column", "Value", "What is wrong")
WHOLE_ROW = "(whole row)"

CONTRACTS_SHEET = "Contracts"
GUIDANCE_SHEET = "Guidance"
CATEGORIES_SHEET = "Categories"
LISTS_SHEET = "Lists"
#: Drop-downs and formats cover these spreadsheet rows of the Contracts sheet.
TEMPLATE_ROWS = (2, 5000)

#: The template's columns: every canonical field but those that come from elsewhere.
TEMPLATE_FIELDS: tuple[str, ...] = tuple(
    f for f in CANONICAL_FIELDS if f not in {"council_code", "workstream", "extra"}
)
DATE_FIELDS = frozenset(names_of_kind("date"))
MONEY_FIELDS = frozenset(names_of_kind("money"))
YES_NO_FIELDS = names_of_kind("bool")
TEXT_FIELDS = frozenset({"reference", "supplier_company_number", "cpv_codes"})

# Per template column: what to put in it, and an example (what it means is the registry's help).
_HOW_TO_FILL: dict[str, tuple[str, str]] = {
    "reference": (
        "Write it exactly as in your own records. Lots and call-offs may share a reference: "
        "each row is still its own contract. Leave blank if there is none.",
        "NLC-WS-2019-004",
    ),
    "title": (
        "A short title saying what is bought.",
        "Residual waste treatment",
    ),
    "description": (
        "Any longer description of the goods, works or services.",
        "Treatment of kerbside residual waste at an energy from waste plant",
    ),
    "category": (
        "Pick from the drop-down. The 'Categories' sheet lists every category with what it "
        "covers. Choose 'unclassified' (or leave blank) if none fits.",
        "waste.residual_treatment",
    ),
    "cpv_codes": (
        "One or more CPV codes, separated by ';' or ','.",
        "90513000-6; 90510000-5",
    ),
    "supplier_name": (
        "The supplier's name as on the contract.",
        "Example Waste Services Ltd",
    ),
    "supplier_company_number": (
        "The registration number, with or without a prefix.",
        "02165763",
    ),
    "supplier_address": (
        "The registered or trading address, on one line.",
        "1 High Street, Glasgow, G1 1AA",
    ),
    "supplier_is_sme": (
        "Pick yes or no from the drop-down; leave blank if you don't know.",
        "no",
    ),
    "award_date": (
        "A UK date, day first (see the notes above for the formats accepted).",
        "14/02/2019",
    ),
    "start_date": (
        "A UK date, day first. A month and year only (Mar-25) means the 1st of the month.",
        "01/04/2019",
    ),
    "end_date": (
        "A UK date, day first. A month and year only (Mar-25) means the last day of the month.",
        "31/03/2026",
    ),
    "extension_terms": (
        "Free text such as '2+1+1', 'Up to 24 months', '2 x 12 months', "
        "'2 separate one year extension options', or 'None'. Text ProcureHub cannot "
        "understand is kept and flagged as a warning.",
        "2+1+1",
    ),
    "extension_periods_months": (
        "Normally leave blank: ProcureHub works this out from extension_terms. If you fill it, "
        "give each option in months separated by ';'.",
        "12; 12",
    ),
    "max_end_date": (
        "A UK date, day first. Leave blank and ProcureHub adds the extensions to end_date.",
        "31/03/2028",
    ),
    "value_total": (
        "A number of pounds: 1234567.89, £1,234,567 and £1.2m are all fine. "
        "An amount in brackets, (3728), is a negative amount.",
        "£1,234,567.00",
    ),
    "value_annual": (
        "A number of pounds, as for value_total.",
        "£250,000.00",
    ),
    "value_is_estimate": (
        "Pick yes or no from the drop-down; leave blank if you don't know.",
        "yes",
    ),
    "procurement_route": (
        "For example open, restricted, framework (with the framework's name), direct award.",
        "Framework - Scotland Excel Residual Waste",
    ),
    "status": (
        "Pick from the drop-down: active, expired, terminated or planned.",
        "active",
    ),
    "collaboration_interest": (
        "Pick yes, no, maybe or unknown from the drop-down.",
        "maybe",
    ),
    "notes": (
        "Free text.",
        "Extension under review",
    ),
}
#: Per template column: (what it means, what to put in it, an example).
FIELD_HELP: dict[str, tuple[str, str, str]] = {
    name: (contract_field(name).help, *_HOW_TO_FILL[name]) for name in TEMPLATE_FIELDS
}


GENERAL_GUIDANCE = (
    "How to fill in the ProcureHub contract register template",
    "Put one contract per row on the 'Contracts' sheet and keep the headings in row 1 exactly "
    "as they are: ProcureHub recognises them by name.",
    "Blank cells are fine: leave a cell empty when you don't know the answer.",
    "There is no council column: your council comes from the upload (the account you upload with).",
    "Dates are UK dates, day first: 31/03/2025, 31-Mar-2025, 31st March 2025 and Mar-25 are "
    "all understood. A month and year only is the 1st of the month for start and award dates "
    "and the last day of the month for end dates.",
    "Money is in pounds: 1234567.89, £1,234,567.00 and £1.2m are all understood; an amount "
    "in brackets such as (3728) is negative; TBC or blank means not known.",
    "Extensions: write them as your register does, e.g. 2+1+1 (2 years plus two optional "
    "1-year extensions), Up to 24 months, 2 x 12 months, or None.",
    "Columns of your own are kept: add them to the right of 'notes' and ProcureHub stores "
    "them with each contract, so nothing you upload is lost.",
    "Drop-down columns (category, status, collaboration_interest, supplier_is_sme, "
    "value_is_estimate) only accept values from their list. The 'Categories' sheet lists "
    "every category key with what it covers.",
)


@dataclass(frozen=True)
class CellProblem:
    """Something wrong with one cell (`column` is the heading as uploaded) or the whole row."""

    column: str | None
    value: object
    message: str


@dataclass
class RejectedRow:
    """A row that could not be imported: its row number in the user's file and its values."""

    row_number: int
    values: list
    problems: list[CellProblem] = field(default_factory=list)


def _column_index(headings: Sequence[str], column: str | None) -> int | None:
    if column is None:
        return None
    if column in headings:
        return list(headings).index(column)
    wanted = str(column).strip().casefold()
    for index, heading in enumerate(headings):
        if str(heading).strip().casefold() == wanted:
            return index
    return None


def write_error_workbook(
    target: str | Path | IO[bytes],
    *,
    display_name: str,
    headings: list[str],
    header_row: int,
    rows: Iterable[RejectedRow],
    sheet_title: str = "Rejected rows",
) -> int:
    """Write the rejected rows of an upload for the officer to fix; returns how many.

    Sheet 1 (`sheet_title`) holds the rows exactly as uploaded under the same headings, each
    bad cell filled light red with a comment saying what is wrong (a problem with the whole
    row, or naming a column the file does not have, marks the row's first cell). Sheet 2
    ("Problems") lists one line per problem with the row number of the original file.
    """
    width = len(headings)
    data: list[list[Any]] = []
    problem_lines: list[list[Any]] = []
    for rejected in rows:
        values = list(rejected.values)[:width]
        values.extend([None] * (width - len(values)))
        notes: dict[int, list[str]] = {}
        for problem in rejected.problems:
            index = _column_index(headings, problem.column)
            if index is None:
                label = "This row" if problem.column is None else f"Column '{problem.column}'"
                notes.setdefault(0, []).append(f"{label}: {problem.message}")
            else:
                notes.setdefault(index, []).append(problem.message)
            problem_lines.append(
                [
                    rejected.row_number,
                    WHOLE_ROW if problem.column is None else problem.column,
                    None if problem.column is None else _cell_value(problem.value),
                    problem.message,
                ]
            )
        if width:
            for index, messages in notes.items():
                values[index] = Marked(values[index], comment="\n".join(messages), highlight=True)
        data.append(values)

    intro = (
        f"Rows of '{display_name}' that could not be imported",
        f"Each line below is one problem. 'Row in your file' is the row number in "
        f"'{display_name}' (its headings were on row {header_row}).",
        f"The '{sheet_title[:31]}' sheet has these rows exactly as you uploaded them, with each "
        "problem cell highlighted in red: hover over a cell to read what is wrong. Correct "
        "them there and upload that file again, or correct your original file.",
    )
    if not problem_lines:
        intro += ("There were no problems to report.",)
    write_sheets(
        target,
        [
            SheetSpec(
                title=sheet_title,
                header=list(headings),
                rows=data,
                column_widths=fit_column_widths(headings, data, maximum=50),
            ),
            SheetSpec(
                title=PROBLEMS_SHEET,
                intro=intro,
                header=PROBLEMS_HEADER,
                rows=problem_lines,
                column_widths=fit_column_widths(
                    PROBLEMS_HEADER, problem_lines, minimum=12, maximum=40
                )[:3]
                + [80],
                wrap_columns={3},
            ),
        ],
    )
    return len(data)


def _cell_value(value: object) -> object:
    """A problem's value for the Problems sheet: scalars as they are, anything else as text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, date | Decimal):
        return value
    return str(value)


def write_contract_template(
    target: str | Path | IO[bytes],
    *,
    categories: Sequence[tuple[str, str]],
    statuses: Sequence[str],
    collaboration_values: Sequence[str],
) -> None:
    """Write a blank contract register for councils to fill in and upload.

    Sheets, in order: "Contracts" (first, so the workbook opens on it and the importer picks
    it), "Guidance", "Categories", and the hidden "Lists" that the drop-downs read from.
    `categories` are (key, label) pairs such as ("waste.bulky", "Bulky waste");
    `unclassified` is added when missing.
    """
    categories = list(categories)
    if not any(key == UNCLASSIFIED for key, _ in categories):
        categories.append((UNCLASSIFIED, "Not sure, or none of the other categories"))
    lists = {
        "category": [key for key, _ in categories],
        "status": list(statuses),
        "collaboration_interest": list(collaboration_values),
        "yes_no": ["yes", "no"],
    }
    list_names = list(lists)
    longest = max(len(v) for v in lists.values())
    list_rows = [
        [lists[name][i] if i < len(lists[name]) else None for name in list_names]
        for i in range(longest)
    ]

    def source(name: str) -> str:
        column = list_names.index(name)
        return sheet_range(LISTS_SHEET, column, 2, len(lists[name]) + 1)

    first, last = TEMPLATE_ROWS
    dropdowns = []
    for index, name in enumerate(TEMPLATE_FIELDS):
        list_name = "yes_no" if name in YES_NO_FIELDS else name
        if list_name not in lists:
            continue
        allowed = ", ".join(lists[list_name])
        if name == "category":
            error = (
                "Pick a category from the drop-down (the 'Categories' sheet lists them all), "
                "or leave the cell blank."
            )
        else:
            error = f"Pick one of: {allowed}; or leave the cell blank."
        dropdowns.append(
            DropDown(
                column=index,
                source=source(list_name),
                first_row=first,
                last_row=last,
                error_title=f"Not a valid {name}",
                error=error,
            )
        )

    formats = {}
    for index, name in enumerate(TEMPLATE_FIELDS):
        if name in DATE_FIELDS:
            formats[index] = DATE_FORMAT
        elif name in MONEY_FIELDS:
            formats[index] = MONEY_FORMAT
        elif name in TEXT_FIELDS:
            formats[index] = "@"

    header = [
        Marked(name, comment=f"{FIELD_HELP[name][0]}\n{FIELD_HELP[name][1]}")
        for name in TEMPLATE_FIELDS
    ]
    widths = [
        14.0 if name in DATE_FIELDS else max(14.0, min(40.0, len(name) + 4.0))
        for name in TEMPLATE_FIELDS
    ]
    guidance_rows = [
        [name, FIELD_HELP[name][0], FIELD_HELP[name][1], FIELD_HELP[name][2]]
        for name in TEMPLATE_FIELDS
    ]
    write_sheets(
        target,
        [
            SheetSpec(
                title=CONTRACTS_SHEET,
                header=header,
                column_widths=widths,
                column_formats=formats,
                dropdowns=dropdowns,
            ),
            SheetSpec(
                title=GUIDANCE_SHEET,
                intro=GENERAL_GUIDANCE,
                header=["Column", "What it means", "What to put", "Example"],
                rows=guidance_rows,
                column_widths=[26, 45, 70, 28],
                wrap_columns={1, 2, 3},
            ),
            SheetSpec(
                title=CATEGORIES_SHEET,
                intro=(
                    "Categories for the 'category' column",
                    "Put the key (first column) in the 'category' column of the Contracts sheet.",
                ),
                header=["Category key", "What it covers"],
                rows=[[key, label] for key, label in categories],
                column_widths=fit_column_widths(
                    ["Category key", "What it covers"], categories, minimum=16
                ),
            ),
            SheetSpec(
                title=LISTS_SHEET,
                header=list_names,
                rows=list_rows,
                hidden=True,
                freeze="",
            ),
        ],
    )
