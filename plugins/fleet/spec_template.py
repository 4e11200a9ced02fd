"""The xlsx template a council fills in with its specification's figures, and the filled
template read back safely and stored as the council's spec (created, or updated by name).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy import select

from procurehub import toolkit as tk

from .catalogue_store import catalogue_vehicles, vehicle_name
from .council_spec_edits import (
    DESCRIPTIVE_ATTRIBUTES,
    clean_figures,
    create_council_spec,
    update_council_spec,
)
from .measures import FleetError
from .models import CouncilSpec
from .spec_costs import COST_FIELDS
from .standards import DEFAULT_CLASS, adopted_standard

TEMPLATE_MAX_BYTES = 2 * 1024 * 1024

TEMPLATE_MAX_ROWS = 500

TEMPLATE_SHEET = "Specification"

TEMPLATE_HEADER = (
    "attribute",
    "What",
    "Unit",
    "The standard asks for",
    "Mandatory or desirable",
    "Your figure",
)


def spec_template(vehicle_class: str = DEFAULT_CLASS) -> bytes:
    """An xlsx listing the standard's attributes with a column for the council's figures."""
    standard = adopted_standard(vehicle_class)
    vehicles = [vehicle_name(v) for v in catalogue_vehicles()]
    rows: list[list[Any]] = [
        ["spec_name", "Name of your specification", "", "", "required", ""],
        ["vehicle_class", "Vehicle class (leave as it is)", "", "", "", vehicle_class],
        [
            "catalogue_vehicle",
            "Catalogue model it is (optional; pick from the list)",
            "",
            "",
            "",
            "",
        ],
    ]
    for r in standard.requirements:
        rows.append(
            [
                r.attribute,
                r.label,
                r.unit or "",
                r.describe(),
                "mandatory" if r.mandatory else "desirable",
                "",
            ]
        )
    for key, (label, unit) in DESCRIPTIVE_ATTRIBUTES.items():
        rows.append([key, label, unit or "", "", "", ""])
    for key, (label, unit) in COST_FIELDS.items():
        rows.append([key, f"{label} (for the whole-life cost)", unit, "", "", ""])
    rows.append(["notes", "Notes", "", "", "", ""])
    intro = [
        f"Vehicle specification for the {standard.title or vehicle_class} "
        f"(standard version {standard.version})",
        "Write your figures in the column 'Your figure' (F). Leave a cell blank when the figure "
        "is not known. For equipment write yes or no.",
        "Do not change the 'attribute' column: the hub reads your figures by it.",
    ]
    first_row = len(intro) + 3
    dropdowns = []
    sheets = [
        tk.SheetSpec(
            title=TEMPLATE_SHEET,
            header=TEMPLATE_HEADER,
            rows=rows,
            intro=intro,
            column_widths=(28, 50, 10, 26, 22, 40),
            wrap_columns=(1,),
            dropdowns=dropdowns,
        )
    ]
    if vehicles:
        dropdowns.append(
            tk.DropDown(
                column=5,
                source=f"'Catalogue'!$A$2:$A${len(vehicles) + 1}",
                first_row=first_row + 2,
                last_row=first_row + 2,
                error="Pick a model from the list, or leave the cell blank.",
            )
        )
        sheets.append(
            tk.SheetSpec(title="Catalogue", header=("model",), rows=[[v] for v in vehicles])
        )
    out = BytesIO()
    tk.write_sheets(out, sheets)
    return out.getvalue()


@dataclass(frozen=True)
class TemplateRead:
    vehicle_class: str
    data: dict[str, Any]


def read_spec_template(path: str | Path, display_name: str) -> TemplateRead:
    """A filled template read back safely: the upload checks first (size, zip bomb, XML
    entities), then openpyxl read-only over at most ``TEMPLATE_MAX_ROWS`` rows."""
    try:
        kind = tk.check_upload(path, display_name=display_name, max_bytes=TEMPLATE_MAX_BYTES)
    except tk.RegisterFileError as exc:
        raise FleetError(str(exc)) from None
    if kind != "xlsx":
        raise FleetError(
            f"{file_label(display_name)} is not the .xlsx template; download the template, fill "
            "it in and upload it as .xlsx"
        )
    import openpyxl

    tk.ensure_openpyxl_is_defused()
    with open(path, "rb") as handle:
        try:  # a file object: openpyxl judges a path by its extension, not its content
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any failure to open is the same to the user
            raise FleetError(
                f"{file_label(display_name)} could not be opened as a workbook"
            ) from exc
        return _read_template_sheet(workbook, display_name)


def _read_template_sheet(workbook: Any, display_name: str) -> TemplateRead:
    try:
        if TEMPLATE_SHEET not in workbook.sheetnames:
            raise FleetError(
                f"{file_label(display_name)} has no sheet called {TEMPLATE_SHEET!r}; is it the "
                "hub's template?"
            )
        values: dict[str, Any] = {}
        header_seen = False
        for number, row in enumerate(
            workbook[TEMPLATE_SHEET].iter_rows(max_col=6, values_only=True), start=1
        ):
            if number > TEMPLATE_MAX_ROWS:
                raise FleetError(
                    f"{file_label(display_name)} has more than {TEMPLATE_MAX_ROWS} rows; the "
                    "template has fewer than 60"
                )
            cells = list(row) + [None] * (6 - len(row))
            if not header_seen:
                header_seen = str(cells[0] or "").strip().lower() == "attribute"
                continue
            key = str(cells[0] or "").strip()
            if key and cells[5] not in (None, ""):
                values[key] = cells[5]
    finally:
        workbook.close()
    if not header_seen:
        raise FleetError(
            f"{file_label(display_name)} has no 'attribute' heading; upload the hub's template"
        )
    vehicle_class = str(values.pop("vehicle_class", "") or DEFAULT_CLASS).strip()
    standard = adopted_standard(vehicle_class)
    data: dict[str, Any] = {"name": values.pop("spec_name", None), "vehicle_class": vehicle_class}
    if not data["name"]:
        raise FleetError("The template's 'spec_name' row is empty; give the specification a name")
    model = values.pop("catalogue_vehicle", None)
    if model:
        match = next(
            (v for v in catalogue_vehicles() if vehicle_name(v) == str(model).strip()), None
        )
        if match is None:
            raise FleetError(f"Catalogue model {str(model)!r} is not in the catalogue")
        data["catalogue_vehicle_id"] = match.id
    data["notes"] = values.pop("notes", None)
    data["costs"] = {k: values.pop(k) for k in list(values) if k in COST_FIELDS}
    data["figures"] = values
    clean_figures(standard, values)  # every problem reported before anything is stored
    return TemplateRead(vehicle_class, data)


def file_label(display_name: str) -> str:
    base = display_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return f"'{base or 'the uploaded file'}'"


def upload_spec_template(
    path: str | Path, display_name: str, council_code: str, user: Any
) -> tuple[CouncilSpec, bool]:
    """Store a filled template: the council's spec of that name is updated, or created.
    Returns (spec, created)."""
    read = read_spec_template(path, display_name)
    council_id = tk.council_id(council_code)
    if council_id is None:
        raise FleetError(f"There is no council with the code {council_code!r}.")
    tk.require_write(user, council_id, what="vehicle specifications")
    name = " ".join(str(read.data["name"]).split())
    existing = tk.session.scalar(
        select(CouncilSpec).where(
            CouncilSpec.council_id == council_id,
            CouncilSpec.vehicle_class == read.vehicle_class,
            CouncilSpec.name == name,
        )
    )
    if existing is not None:
        data = dict(read.data)
        data.pop("vehicle_class")
        data.setdefault("catalogue_vehicle_id", None)
        return update_council_spec(existing, data, user), False
    return create_council_spec(council_code, read.data, user), True


def store_spec_upload(upload: Any, council_code: str, user: Any) -> tuple[CouncilSpec, bool]:
    """An uploaded file (werkzeug FileStorage) saved to a private temporary file (its name is
    never used as a path), read safely and stored; the caller commits."""
    handle, path = tempfile.mkstemp(suffix=".upload")
    try:
        with os.fdopen(handle, "wb") as out:
            upload.save(out)
        return upload_spec_template(path, upload.filename or "upload", council_code, user)
    finally:
        os.unlink(path)
