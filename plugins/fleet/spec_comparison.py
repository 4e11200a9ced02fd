"""Council specs and catalogue models side by side against the adopted standard, with
compliance and whole-life cost (the table itself is the pure `comparison` module's), and
the comparison as an xlsx workbook.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from io import BytesIO
from typing import Any

from procurehub import toolkit as tk

from .catalogue_store import get_vehicle, vehicle_figures, vehicle_name
from .comparison import NamedFigures, compare
from .council_specs import get_council_spec, spec_display_name, spec_figures
from .errors import FleetNotFound
from .measures import FleetError
from .parameters import parameter_rows, parameters
from .spec_costs import ASSUMPTION_PARAMETERS, whole_life_json
from .standard_records import standard_of
from .standards import DEFAULT_CLASS, adopted_record
from .whole_life_cost import ParameterError, parameter_in_force


def _ids(raw: Any) -> list[int]:
    """``"1,2"``, ``["1", "2"]`` or ``[1, 2]`` -> [1, 2], order kept, duplicates dropped."""
    if raw in (None, ""):
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    out: list[int] = []
    for item in items:
        for part in str(item).split(","):
            part = part.strip()
            if not part:
                continue
            if not re.fullmatch(r"[0-9]{1,12}", part):  # ASCII digits ("²" is a digit too)
                raise FleetError(f"{part!r} is not an id; give ids as numbers, e.g. specs=1,2")
            if int(part) not in out:
                out.append(int(part))
    return out


def comparison(spec_ids: Any, vehicle_ids: Any, on: date | None = None) -> dict[str, Any]:
    """Council specs and catalogue models side by side against the adopted standard of their
    class, with compliance scores and whole-life cost against diesel.

    The standard is always there: it is the "required" column every cell is judged against.
    """
    on = on or date.today()
    specs = [get_council_spec(i) for i in _ids(spec_ids)]
    vehicles = [get_vehicle(i) for i in _ids(vehicle_ids)]
    classes = {s.vehicle_class for s in specs} | ({DEFAULT_CLASS} if vehicles else set())
    if len(classes) > 1:
        raise FleetError(
            f"Compare specifications of one vehicle class at a time (these are: "
            f"{', '.join(sorted(classes))})"
        )
    vehicle_class = next(iter(classes), DEFAULT_CLASS)
    record = adopted_record(vehicle_class)
    if record is None:
        raise FleetNotFound(f"There is no adopted standard for {vehicle_class!r}.")
    standard = standard_of(record)
    names = tk.council_names()
    params = parameters()
    columns: list[dict[str, Any]] = []
    named: list[NamedFigures] = []
    for spec in specs:
        figures = spec_figures(spec)
        display = spec_display_name(spec, names)
        named.append(NamedFigures(display, figures, "council_spec"))
        columns.append(
            {
                "key": f"spec-{spec.id}",
                "id": spec.id,
                "kind": "council_spec",
                "name": display,
                "council_code": spec.council_code,
                "council_name": names.get(spec.council_code, spec.council_code),
                "catalogue_vehicle": vehicle_name(spec.catalogue_vehicle)
                if spec.catalogue_vehicle
                else None,
                "_figures": figures,
                "_costs": spec.costs or {},
            }
        )
    for vehicle in vehicles:
        figures = vehicle_figures(vehicle)
        display = vehicle_name(vehicle)
        named.append(NamedFigures(display, figures, "catalogue"))
        columns.append(
            {
                "key": f"vehicle-{vehicle.id}",
                "id": vehicle.id,
                "kind": "catalogue",
                "name": display,
                "council_code": None,
                "council_name": None,
                "catalogue_vehicle": display,
                "_figures": figures,
                "_costs": {},
            }
        )
    table = compare(standard, named)
    for column, compliance in zip(columns, table.compliance, strict=True):
        figures = column.pop("_figures")
        costs = column.pop("_costs")
        column["compliant"] = compliance.compliant
        column["score"] = compliance.score
        column["failures"] = [dict(f) for f in compliance.failures]
        column["shortfalls"] = [dict(f) for f in compliance.shortfalls]
        column["passed"] = sum(r.status == "pass" for r in compliance.results)
        column["failed"] = sum(r.status == "fail" for r in compliance.results)
        column["unknown"] = sum(r.status == "unknown" for r in compliance.results)
        try:
            column["whole_life_cost"] = whole_life_json(column["name"], figures, costs, params, on)
        except ParameterError as exc:
            column["whole_life_cost"] = None
            column["whole_life_cost_error"] = str(exc)
    used = sorted(
        {
            n
            for c in columns
            if c.get("whole_life_cost")
            for n in c["whole_life_cost"]["parameters_used"]
        }
        | (set(ASSUMPTION_PARAMETERS) if columns else set())
    )
    rows = {(r.name, r.valid_from): r for r in parameter_rows()}
    used_parameters = []
    for name in used:
        try:
            p = parameter_in_force(params, name, on)
        except ParameterError:
            continue
        row = rows.get((name, p.valid_from))
        used_parameters.append(
            {
                "name": p.name,
                "value": p.value,
                "unit": p.unit,
                "valid_from": p.valid_from,
                "source": p.source,
                "illustrative": bool(row.illustrative) if row else False,
            }
        )
    return {
        "vehicle_class": vehicle_class,
        "as_of": on,
        "standard": {
            "id": record.id,
            "version": standard.version,
            "title": standard.title,
            "adopted_on": standard.adopted_on,
        },
        "columns": columns,
        "rows": [
            {
                "attribute": row.attribute,
                "label": row.label,
                "unit": row.unit,
                "required": row.required,
                "mandatory": row.mandatory,
                "cells": [
                    {"value": c.value, "status": c.status, "explanation": c.explanation}
                    for c in row.cells
                ],
            }
            for row in table.rows
        ],
        "parameters": used_parameters,
    }


STATUS_WORDS = {
    "pass": "Meets",
    "fail": "Deviates",
    "unknown": "Not stated",
    "not-required": "No requirement",
}


def comparison_workbook(result: Mapping[str, Any]) -> bytes:
    """The comparison table as an xlsx: deviations highlighted and explained in a comment,
    and every cell's verdict in words as well (not colour alone)."""
    columns = result["columns"]
    header = ["Attribute", "Standard requires", "Mandatory or desirable"]
    for column in columns:
        header += [column["name"], "Verdict"]
    rows: list[list[Any]] = []
    for row in result["rows"]:
        kind = (
            "" if row["mandatory"] is None else ("mandatory" if row["mandatory"] else "desirable")
        )
        line: list[Any] = [row["label"], row["required"], kind]
        for cell in row["cells"]:
            deviates = cell["status"] == "fail"
            line.append(tk.Marked(cell["value"], comment=cell["explanation"], highlight=deviates))
            line.append(
                f"{STATUS_WORDS.get(cell['status'], cell['status'])}: {cell['explanation']}"
            )
        rows.append(line)
    summary: list[list[Any]] = []
    for label, get in (
        ("Compliant", lambda c: {True: "yes", False: "no", None: "unknown"}[c["compliant"]]),
        ("Compliance score (%)", lambda c: c["score"]),
        (
            "Whole-life cost, present value (£)",
            lambda c: (c["whole_life_cost"] or {}).get("present_value"),
        ),
        (
            "Diesel baseline, present value (£)",
            lambda c: (c["whole_life_cost"] or {}).get("diesel_present_value"),
        ),
        ("Saving against diesel (£)", lambda c: (c["whole_life_cost"] or {}).get("saving")),
        ("CO2e over its life (kg)", lambda c: (c["whole_life_cost"] or {}).get("co2e_kg_total")),
        (
            "CO2e saved against diesel (kg)",
            lambda c: (c["whole_life_cost"] or {}).get("co2e_saving_kg"),
        ),
    ):
        line = [label, "", ""]
        for column in columns:
            line += [get(column), ""]
        summary.append(line)
    standard = result["standard"]
    intro = [
        f"Specifications compared with the {result['vehicle_class']} standard, version "
        f"{standard['version']} (as of {result['as_of'].isoformat()})",
        "Deviations from the standard are highlighted; the Verdict column says each in words.",
    ]
    parameters = [
        [
            p["name"],
            p["value"],
            p["unit"],
            p["valid_from"],
            p["source"],
            "yes" if p["illustrative"] else "no",
        ]
        for p in result["parameters"]
    ]
    out = BytesIO()
    tk.write_sheets(
        out,
        [
            tk.SheetSpec(
                title="Comparison",
                header=header,
                rows=[*rows, [], *summary],
                intro=intro,
                column_widths=(32, 20, 14, *([28, 50] * len(columns))),
                wrap_columns=tuple(range(4, 3 + 2 * len(columns), 2)),
            ),
            tk.SheetSpec(
                title="Parameters",
                header=("name", "value", "unit", "valid from", "source", "illustrative"),
                rows=parameters,
                column_widths=(30, 12, 16, 12, 90, 12),
            ),
        ],
    )
    return out.getvalue()
