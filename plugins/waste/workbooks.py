"""The bulky waste workbooks: the profile template and the benchmark export.

Writing goes through the core's `tk.write_sheets` (formula-injection safe). A filled-in
template comes back through the core import like any table (`profile_import`), so its headings
may be reordered, renamed or dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import IO, Any

from procurehub import toolkit as tk

from .bulky_benchmark import HIGHER_IS_BETTER, LOWER_IS_BETTER, display_value
from .bulky_profile import (
    DELIVERY_MODEL_LABELS,
    DELIVERY_MODELS,
    PROFILE_FIELDS,
    ProfileField,
)

TEMPLATE_SHEET = "Bulky waste profile"
GUIDANCE_SHEET = "Guidance"
MAX_ROWS = 200  # rows of the template that offer the delivery model drop-down
_UNIT_IN_HEADING = {"£", "tonnes", "days"}


def heading(profile_field: ProfileField) -> str:
    """The column heading in the template: the label, with its unit where it helps."""
    if profile_field.unit in _UNIT_IN_HEADING:
        return f"{profile_field.label} ({profile_field.unit})"
    return profile_field.label


def _cell_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "delivery_model":
        return DELIVERY_MODEL_LABELS.get(value, value)
    if name == "contract_references":
        return "; ".join(value)
    return value


def write_template(
    target: IO[bytes],
    council_code: str,
    council_name: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    new_year: str,
) -> None:
    """The template for one council: its recorded years filled in, or one row to start with.

    A drop-down offers the delivery models; each heading carries its guidance as a comment,
    and the Guidance sheet lists every field with its unit and rule.
    """
    header = [tk.Marked(heading(f), comment=f.help) for f in PROFILE_FIELDS]
    body = [[_cell_value(f.name, row.get(f.name)) for f in PROFILE_FIELDS] for row in rows]
    if not body:
        body = [[council_code, new_year] + [None] * (len(PROFILE_FIELDS) - 2)]
    intro = [
        f"Bulky waste service profile: {council_name}",
        "One row per financial year (April to March, written like 2024-25). Leave a figure "
        "empty when it is not known: an empty cell is 'not known', 0 means none.",
        "Upload the filled-in file on the hub's bulky waste page, or run "
        "`procurehub waste import-profiles FILE --council CODE`. The Guidance sheet explains "
        "each column.",
    ]
    header_row = len(intro) + 2
    model_column = [f.name for f in PROFILE_FIELDS].index("delivery_model")
    text_columns = [
        i for i, f in enumerate(PROFILE_FIELDS) if f.kind in {"text", "financial_year", "references"}
    ]
    guidance = [
        [
            heading(f),
            f.name,
            f.unit or "",
            "Required" if f.required else "Optional",
            f.help,
            ", ".join(DELIVERY_MODEL_LABELS.values()) if f.kind == "choice" else _rule(f),
        ]
        for f in PROFILE_FIELDS
    ]
    tk.write_sheets(
        target,
        [
            tk.SheetSpec(
                title=TEMPLATE_SHEET,
                intro=intro,
                header=header,
                rows=body,
                column_widths=[max(12.0, min(40.0, len(heading(f)) + 2)) for f in PROFILE_FIELDS],
                column_formats={i: "@" for i in text_columns},
                dropdowns=[
                    tk.DropDown(
                        column=model_column,
                        values=[DELIVERY_MODEL_LABELS[m] for m in DELIVERY_MODELS],
                        first_row=header_row + 1,
                        last_row=header_row + MAX_ROWS,
                        prompt_title="Delivery model",
                        prompt="Who collects: in-house, contractor, reuse partner or mixed.",
                    )
                ],
            ),
            tk.SheetSpec(
                title=GUIDANCE_SHEET,
                intro=[
                    "How to fill in the bulky waste profile",
                    "Tonnes by destination are part of tonnes collected: they cannot add up to "
                    "more (an error); if they add up to less you get a warning.",
                ],
                header=["Column", "Field name (API)", "Unit", "Required", "What to enter", "Rule"],
                rows=guidance,
                column_widths=[34, 24, 12, 10, 60, 40],
                wrap_columns=(4, 5),
            ),
        ],
    )


def _rule(profile_field: ProfileField) -> str:
    return {
        "count": "A whole number, 0 or more.",
        "tonnes": "A number of tonnes, 0 or more, up to 3 decimal places.",
        "money": "Pounds, 0 or more, up to 2 decimal places.",
        "days": "Days, 0 or more, up to 2 decimal places.",
        "financial_year": "Like 2024-25.",
        "references": "Contract references as in the hub, separated by ';'.",
        "text": "Text, at most 2,000 characters.",
    }.get(profile_field.kind, "")


# ------------------------------------------------------------------------------ benchmark
def _rounded(value: Fraction | None, unit: str) -> Decimal | None:
    return display_value(value, 4 if unit.startswith("share") else 2)


BETTER_WORDS = {LOWER_IS_BETTER: "lower", HIGHER_IS_BETTER: "higher"}


def write_benchmark(target: IO[bytes], view: Any) -> None:
    """The benchmark for one year as a workbook: standings, quartiles and households."""
    bm, names = view.benchmark, view.names
    standings = []
    quartiles = []
    for m in bm.measures:
        unit = m.measure.unit
        for s in m.councils:
            standings.append(
                [
                    m.measure.label,
                    unit,
                    names.get(s.council_code, s.council_code),
                    _rounded(s.value, unit),
                    _rounded(m.median, unit),
                    _rounded(s.difference_from_median, unit),
                    s.verdict or "not known",
                ]
            )
        quartiles.append(
            [
                m.measure.label,
                unit,
                BETTER_WORDS.get(m.measure.direction, "no better direction"),
                m.known,
                _rounded(m.lower_quartile, unit),
                _rounded(m.median, unit),
                _rounded(m.upper_quartile, unit),
                m.measure.formula,
                ", ".join(names.get(c, c) for c in m.unknown_councils),
            ]
        )
    households = [
        [
            names.get(code, code),
            count.households,
            count.year,
            "approximate" if count.approximate else "as published",
            count.source,
        ]
        for code, count in view.households.items()
    ]
    intro = [
        f"Bulky waste benchmark {bm.financial_year}",
        "Shares are fractions (0.25 = 25%). Figures are rounded for showing; the hub keeps "
        "them exact.",
    ]
    tk.write_sheets(
        target,
        [
            tk.SheetSpec(
                title="Against the median",
                intro=intro,
                header=[
                    "Measure",
                    "Unit",
                    "Council",
                    "Value",
                    "Median",
                    "Difference from median",
                    "Against the median",
                ],
                rows=standings,
                column_widths=[30, 26, 32, 14, 14, 18, 18],
            ),
            tk.SheetSpec(
                title="Quartiles",
                intro=[intro[0], bm.quartile_method],
                header=[
                    "Measure",
                    "Unit",
                    "Better when",
                    "Councils with a figure",
                    "Lower quartile",
                    "Median",
                    "Upper quartile",
                    "Formula",
                    "Councils without a figure",
                ],
                rows=quartiles,
                column_widths=[30, 26, 16, 12, 14, 14, 14, 40, 40],
            ),
            tk.SheetSpec(
                title="Households",
                intro=["Households used for tonnes per 1,000 households"],
                header=["Council", "Households", "Year", "Precision", "Source"],
                rows=households,
                column_widths=[32, 12, 8, 14, 80],
                wrap_columns=(4,),
            ),
        ],
    )
