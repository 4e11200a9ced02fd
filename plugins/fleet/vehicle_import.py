"""A council's fleet list through the core's record import: what the headings mean, what a row
must hold, and how the rows are stored.

The core's pipeline (the one register contracts go through) reads the file as the council
keeps it, finds the header row past title rows, maps the headings through the synonyms below,
parses dates and years, skips totals and note rows, counts identical rows once, rejects rows
with the heading as the council wrote it, writes the error workbook and the Upload row, and
runs :func:`store` in the upload's one transaction. This module adds only the fleet's meaning:

- the registration is the key (spaces removed, upper case), so re-uploading a list updates
  each vehicle in place and a list with nothing new changes nothing;
- GVW is read in any notation (``3,500 kg``, ``3.5t``, ``3.5 tonnes``, ``26``) by
  :func:`~.measures.parse_gvw_kg`;
- the class comes from the type text, make and model and the GVW through
  :func:`~.replacement.classify_vehicle`; a type it does not recognise is kept as
  ``fleet.other_vehicles`` and marked unclassified (a row is never refused for its type);
- the replacement year follows DESIGN §3 with the council's own replacement ages;
- a vehicle missing from a newer list is kept and reported, never deleted, and leaves the
  replacement demand until a list names it again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from procurehub import toolkit as tk

from .measures import parse_gvw_kg
from .models import Vehicle
from .replacement import (
    OTHER,
    FleetVehicle,
    ReplacementError,
    classify_vehicle,
    normalise_fuel,
    replacement_year,
)

KIND = "fleet.vehicles"
MIN_GVW_KG, MAX_GVW_KG = Decimal(400), Decimal(50_000)
FIRST_YEAR, LAST_YEAR = 1950, 2100


def normalise_registration(text: str) -> str:
    """``sk19 abc`` and ``SK19ABC`` are the same vehicle: no spaces, upper case."""
    return "".join(str(text).split()).upper()


def _field(*args: Any, **kwargs: Any) -> Any:
    return tk.RecordField(*args, **kwargs)


FIELDS: tuple[tuple[str, str, str, tuple[str, ...], bool, int | None], ...] = (
    # name, label, kind, synonyms (headings fleet teams write), required, max length
    (
        "registration",
        "Registration",
        "text",
        (
            "registration",
            "reg",
            "reg no",
            "reg no.",
            "reg. no",
            "reg number",
            "reg num",
            "registration number",
            "registration no",
            "registration no.",
            "reg mark",
            "registration mark",
            "vrm",
            "vrn",
            "vehicle registration",
            "vehicle reg",
            "vehicle reg no",
            "vehicle registration number",
            "number plate",
            "reg/fleet no",
        ),
        True,
        20,
    ),
    (
        "vehicle_type",
        "Vehicle type",
        "text",
        (
            "vehicle type",
            "type",
            "type of vehicle",
            "vehicle description",
            "description",
            "body type",
            "vehicle category",
            "vehicle class",
            "body style",
            "vehicle body",
            "asset type",
            "asset description",
        ),
        False,
        200,
    ),
    ("make", "Make", "text", ("make", "manufacturer", "marque", "vehicle make"), False, 100),
    (
        "model",
        "Model",
        "text",
        (
            "model",
            "vehicle model",
            "model description",
            "model/variant",
            "variant",
        ),
        False,
        200,
    ),
    (
        "make_model",
        "Make and model",
        "text",
        (
            "make/model",
            "make / model",
            "make and model",
            "make & model",
            "make model",
            "make-model",
            "vehicle make/model",
            "make/model/variant",
        ),
        False,
        300,
    ),
    (
        "fuel",
        "Fuel",
        "text",
        (
            "fuel",
            "fuel type",
            "fuel/power",
            "power source",
            "propulsion",
            "powertrain",
            "energy source",
            "fuel source",
            "drivetrain",
        ),
        False,
        100,
    ),
    (
        "gvw",
        "GVW",
        "text",
        (
            "gvw",
            "gvw (kg)",
            "gvw kg",
            "gvw(kg)",
            "gvw t",
            "gvw (t)",
            "gvw (tonnes)",
            "gvw tonnes",
            "gross vehicle weight",
            "gross vehicle weight (kg)",
            "gross vehicle weight (t)",
            "gross weight",
            "gross weight (kg)",
            "plated weight",
            "mam",
            "max authorised mass",
            "gvm",
            "gross vehicle mass",
        ),
        False,
        60,
    ),
    (
        "in_service",
        "In service",
        "year_or_date",
        (
            "in service",
            "in service date",
            "date in service",
            "in-service date",
            "date into service",
            "date registered",
            "registration date",
            "date of registration",
            "date first registered",
            "first registered",
            "first registration",
            "reg date",
            "date of first registration",
            "acquired",
            "date acquired",
            "acquisition date",
            "purchase date",
            "date purchased",
            "delivery date",
            "date delivered",
            "commissioned",
            "year registered",
            "year of registration",
            "year in service",
            "year acquired",
        ),
        False,
        None,
    ),
    (
        "planned_replacement",
        "Planned replacement",
        "year_or_date",
        (
            "replacement due",
            "replacement date",
            "replacement due date",
            "planned replacement",
            "planned replacement date",
            "planned replacement year",
            "replacement year",
            "replace by",
            "due for replacement",
            "disposal date",
            "planned disposal",
            "planned disposal date",
            "end of life",
            "end of life date",
            "lease end",
            "lease end date",
            "lease expiry",
            "contract hire end",
            "replacement programme year",
        ),
        False,
        None,
    ),
)


def _year_of(value: Any) -> int | None:
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def validate_row(values: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """What a person must correct in one row of a fleet list (the row is rejected)."""
    problems: list[tuple[str | None, str]] = []
    registration = values.get("registration")
    if registration is not None and not normalise_registration(registration):
        problems.append(("registration", "The registration is empty"))
    gvw = values.get("gvw")
    if gvw not in (None, ""):
        kg = parse_gvw_kg(gvw)
        if kg is None:
            problems.append(
                (
                    "gvw",
                    f"GVW {str(gvw)!r} is not a weight: write it in kg or "
                    "tonnes, e.g. 3,500 kg or 3.5 t",
                )
            )
        elif not MIN_GVW_KG <= kg <= MAX_GVW_KG:
            problems.append(
                (
                    "gvw",
                    f"GVW {str(gvw)!r} is {int(kg):,} kg, which is not a road "
                    "vehicle's weight (write it in kg or tonnes, e.g. 3,500 kg "
                    "or 3.5 t)",
                )
            )
    for name, label in (
        ("in_service", "In service"),
        ("planned_replacement", "Planned replacement"),
    ):
        year = _year_of(values.get(name))
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(
                (
                    name,
                    f"{label} {year} is not a year the hub can plan with "
                    f"(write a year between {FIRST_YEAR} and {LAST_YEAR})",
                )
            )
    start, planned = _year_of(values.get("in_service")), _year_of(values.get("planned_replacement"))
    if start is not None and planned is not None and planned < start:
        problems.append(
            (
                "planned_replacement",
                f"The planned replacement ({planned}) is before "
                f"the vehicle entered service ({start})",
            )
        )
    return problems


def record_spec() -> Any:
    """The fleet list's record spec for the core import (built on call: the toolkit's types)."""
    return tk.RecordSpec(
        kind=KIND,
        noun="fleet list",
        item="vehicle",
        fields=tuple(
            _field(
                name, label, kind=kind, synonyms=synonyms, required=required, max_length=max_length
            )
            for name, label, kind, synonyms, required, max_length in FIELDS
        ),
        key="registration",
        normalise_key=normalise_registration,
        validate=validate_row,
    )


# ------------------------------------------------------------------------------------ storing

_MAKE_MODEL_SPLIT = re.compile(r"\s*[/|]\s*|\s+-\s+|\s+")


def split_make_model(text: str) -> tuple[str, str]:
    """``Ford Transit Custom`` -> (Ford, Transit Custom); ``Ford / Transit`` likewise.
    Two-word makes the fleet trade uses are kept whole (Dennis Eagle, Land Rover, ...)."""
    words = " ".join(str(text or "").split())
    if not words:
        return "", ""
    lower = words.lower()
    for make in TWO_WORD_MAKES:
        if lower == make or lower.startswith(make + " ") or lower.startswith(make + "/"):
            rest = words[len(make) :].lstrip(" /-|")
            return words[: len(make)], rest
    parts = _MAKE_MODEL_SPLIT.split(words, maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


TWO_WORD_MAKES = (
    "dennis eagle",
    "land rover",
    "alfa romeo",
    "mercedes benz",
    "range rover",
    "aston martin",
    "mitsubishi fuso",
    "great wall",
    "rolls royce",
)


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def vehicle_fields(
    council_code: str, values: Mapping[str, Any], ages: Mapping[str, Mapping[str, int]]
) -> dict[str, Any]:
    """The stored columns of one fleet-list row (everything the hub works out included)."""
    make, model = _text(values.get("make"), 100), _text(values.get("model"), 200)
    if values.get("make_model") and not (make and model):
        split_make, split_model = split_make_model(values["make_model"])
        make, model = make or split_make[:100], model or split_model[:200]
    vehicle_type = _text(values.get("vehicle_type"), 200)
    gvw_text = _text(values.get("gvw"), 60)
    gvw = parse_gvw_kg(gvw_text) if gvw_text else None
    described = " ".join(p for p in (vehicle_type, make, model) if p)
    category = classify_vehicle(described, gvw)
    fuel_text = _text(values.get("fuel"), 100)
    in_service, planned = values.get("in_service"), values.get("planned_replacement")
    fields = {
        "registration_as_written": _text(values.get("registration"), 40),
        "vehicle_type": vehicle_type,
        "make": make,
        "model": model,
        "fuel": normalise_fuel(fuel_text)[:40],
        "fuel_as_written": fuel_text,
        "gvw_kg": int(gvw) if gvw is not None else None,
        "gvw_as_written": gvw_text,
        "in_service": _as_date(in_service),
        "in_service_year": _year_of(in_service),
        "planned_replacement": _as_date(planned),
        "planned_replacement_year": _year_of(planned),
        "category": category or OTHER,
        "classified": category is not None,
    }
    fields["replacement_year"] = year_for(council_code, fields, ages)
    return fields


def year_for(
    council_code: str, fields: Mapping[str, Any], ages: Mapping[str, Mapping[str, int]]
) -> int | None:
    """DESIGN §3's replacement year of a stored or about-to-be-stored vehicle."""
    try:
        return replacement_year(
            FleetVehicle(
                council_code=council_code,
                category=fields["category"],
                in_service=fields["in_service_year"],
                planned_replacement=fields["planned_replacement_year"],
            ),
            ages,
        )
    except ReplacementError:
        return None


COMPARED = (
    "registration_as_written",
    "vehicle_type",
    "make",
    "model",
    "fuel",
    "fuel_as_written",
    "gvw_kg",
    "gvw_as_written",
    "in_service",
    "in_service_year",
    "planned_replacement",
    "planned_replacement_year",
    "category",
    "classified",
    "replacement_year",
    "extra",
)


def store(council_code: str, records: Sequence[Any], upload_id: int | None = None) -> Any:
    """Upsert the parsed rows of one council's fleet list, keyed by normalised registration.

    Returns the counts for the report and the categories whose renewal items changed (old and
    new classes of changed vehicles, and of vehicles that left or re-entered the list).
    """
    from .vehicles import council_ages  # the service module imports this one

    council_id = tk.council_id(council_code)
    if council_id is None:
        raise ValueError(f"There is no council {council_code!r}")
    ages = council_ages([council_code])
    existing = {
        v.registration: v
        for v in tk.session.scalars(select(Vehicle).where(Vehicle.council_id == council_id))
    }
    created = updated = unchanged = 0
    categories: set[str] = set()
    seen: dict[str, Vehicle] = {}
    for record in records:
        values = record.values
        key = normalise_registration(values.get("registration") or "")
        if not key:
            continue
        fields = vehicle_fields(council_code, values, ages)
        fields["extra"] = {
            str(k): v for k, v in (record.extra or {}).items() if v not in (None, "")
        }
        vehicle = seen.get(key) or existing.get(key)
        if vehicle is None:
            vehicle = Vehicle(
                council_id=council_id,
                council_code=council_code,
                registration=key,
                in_latest_list=True,
                upload_id=upload_id,
                row_number=record.row,
                **fields,
            )
            tk.session.add(vehicle)
            created += 1
            categories.add(fields["category"])
        else:
            changed = {k: v for k, v in fields.items() if getattr(vehicle, k) != v}
            if key in seen:
                pass  # the same registration twice in one list: the later row wins, counted once
            elif changed or not vehicle.in_latest_list:
                updated += 1
            else:
                unchanged += 1
            if changed or not vehicle.in_latest_list:
                categories.update({vehicle.category, fields["category"]})
                for name, value in changed.items():
                    setattr(vehicle, name, value)
                vehicle.in_latest_list = True
                vehicle.row_number = record.row
                if upload_id is not None:
                    vehicle.upload_id = upload_id
        seen[key] = vehicle
    missing = 0
    for key, vehicle in existing.items():
        if key in seen:
            continue
        missing += 1
        if vehicle.in_latest_list:
            vehicle.in_latest_list = False
            categories.add(vehicle.category)
    tk.session.flush()
    return tk.StoreCounts(
        created=created,
        updated=updated,
        unchanged=unchanged,
        missing_from_file=missing,
        categories=categories,
    )
