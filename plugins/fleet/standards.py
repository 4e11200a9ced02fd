"""The stored standard specification versions, read: every version, the adopted one of a
class, one version by id or number, and a version as JSON or a requirement in words.

Changing them (drafts, adoption) is `standard_drafts`; the rules about versions (only
drafts are edited, one adopted version per class) are the pure `standard_spec` module's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from procurehub import toolkit as tk

from .errors import FleetNotFound, id_in_range
from .measures import format_number
from .models import StandardSpecVersion
from .seed import ensure_seeded
from .standard_records import plain_value, standard_of
from .standard_spec import Requirement, StandardSpec

#: The class the catalogue's vans belong to (phase 1 ships one standard).
DEFAULT_CLASS = "electric_van_lt_3_5t"


def standard_versions(
    vehicle_class: str | None = None, status: str | None = None
) -> list[StandardSpecVersion]:
    """Every stored version (of one class, or one status), newest first within a class."""
    ensure_seeded()
    query = select(StandardSpecVersion).order_by(
        StandardSpecVersion.vehicle_class, StandardSpecVersion.version.desc()
    )
    if vehicle_class:
        query = query.where(StandardSpecVersion.vehicle_class == vehicle_class)
    if status:
        query = query.where(StandardSpecVersion.status == status)
    return list(tk.session.scalars(query))


def vehicle_classes() -> list[str]:
    ensure_seeded()
    return list(
        tk.session.scalars(
            select(StandardSpecVersion.vehicle_class)
            .distinct()
            .order_by(StandardSpecVersion.vehicle_class)
        )
    )


def get_standard_version(spec_id: int) -> StandardSpecVersion:
    ensure_seeded()
    record = tk.session.get(StandardSpecVersion, spec_id) if id_in_range(spec_id) else None
    if record is None:
        raise FleetNotFound(f"There is no standard specification version {spec_id}.")
    return record


def find_version(vehicle_class: str, version: int) -> StandardSpecVersion:
    ensure_seeded()
    record = tk.session.scalar(
        select(StandardSpecVersion).where(
            StandardSpecVersion.vehicle_class == vehicle_class,
            StandardSpecVersion.version == version,
        )
    )
    if record is None:
        raise FleetNotFound(f"The {vehicle_class} standard has no version {version}.")
    return record


def adopted_record(vehicle_class: str) -> StandardSpecVersion | None:
    ensure_seeded()
    return tk.session.scalar(
        select(StandardSpecVersion).where(
            StandardSpecVersion.vehicle_class == vehicle_class,
            StandardSpecVersion.status == "adopted",
        )
    )


def draft_record(vehicle_class: str) -> StandardSpecVersion | None:
    ensure_seeded()
    return tk.session.scalar(
        select(StandardSpecVersion).where(
            StandardSpecVersion.vehicle_class == vehicle_class,
            StandardSpecVersion.status == "draft",
        )
    )


def adopted_standard(vehicle_class: str) -> StandardSpec:
    record = adopted_record(vehicle_class)
    if record is None:
        raise FleetNotFound(
            f"There is no adopted standard for {vehicle_class!r}; the classes with a standard "
            f"are: {', '.join(vehicle_classes()) or 'none'}"
        )
    return standard_of(record)


def adopted_standards() -> dict[str, StandardSpec]:
    return {r.vehicle_class: standard_of(r) for r in standard_versions(status="adopted")}


def standard_json(record: StandardSpecVersion) -> dict[str, Any]:
    spec = standard_of(record)
    return {
        "id": record.id,
        "vehicle_class": spec.vehicle_class,
        "version": spec.version,
        "status": spec.status,
        "title": spec.title,
        "category": spec.category,
        "design_range_factor": plain_value(spec.design_range_factor),
        "racking_allowance_kg": plain_value(spec.racking_allowance_kg),
        "adopted_on": spec.adopted_on,
        "retired_on": spec.retired_on,
        "requirements": [
            {
                "attribute": r.attribute,
                "label": r.label,
                "unit": r.unit,
                "operator": r.operator,
                "value": plain_value(r.value),
                "mandatory": r.mandatory,
                "rationale": r.rationale,
                "requirement": r.describe(),
                "in_words": requirement_in_words(r),
            }
            for r in spec.requirements
        ],
    }


def requirement_in_words(r: Requirement) -> str:
    """The requirement as a sentence: "Payload must be at least 1,000 kg (desirable)."."""
    unit = f" {r.unit}" if r.unit else ""
    verb = "must" if r.mandatory else "should"
    if r.operator == "min":
        text = f"{r.label} {verb} be at least {format_number(r.value)}{unit}"
    elif r.operator == "max":
        text = f"{r.label} {verb} be at most {format_number(r.value)}{unit}"
    elif r.operator == "one_of":
        text = f"{r.label} {verb} be one of: {', '.join(r.value)}"
    elif r.operator == "equals":
        text = f"{r.label} {verb} be {r.value}{unit}"
    else:
        text = f"{r.label} {verb} be fitted"
    return text + "."
