"""The fleet workstream's services: standards, council specs, comparison, variation count.

Pages, API and CLI call these; they call the pure modules (`standard_spec`, `comparison`,
`whole_life_cost`) and the plugin's tables. Every rule about the standard (only drafts are
edited, adopting retires the previous version, one adopted version per class) is the pure
module's, so all interfaces apply the same ones; the database repeats the last as a partial
unique index. Writes are audited and left in the caller's transaction (the caller commits).

Errors: :class:`FleetNotFound` (404), :class:`FleetConflict` (409: the change clashes with
the state of the data, e.g. editing an adopted standard), any other
:class:`~.measures.FleetError` (422: a value a person must correct), and werkzeug's
``Forbidden`` (403) from the authorisation checks.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden

from procurehub import toolkit as tk

from .catalogue import CatalogueModel, CatalogueRead, catalogue_report, read_catalogue
from .comparison import NamedFigures, compare, variation_count
from .measures import (
    BLANK_MARKERS,
    FleetError,
    Measure,
    format_number,
    parse_gvw_kg,
    parse_measure,
)
from .models import (
    CatalogueVehicle,
    CouncilSpec,
    FleetParameter,
    StandardRequirement,
    StandardSpecVersion,
    VariationSnapshot,
)
from .standard_spec import (
    Requirement,
    StandardSpec,
    adopt,
    check_compliance,
    check_one_adopted_per_class,
    draft_from,
    edit_draft,
    phase1_evan_standard,
    remove_requirement,
    set_requirement,
    standard_from_dict,
)
from .whole_life_cost import (
    DEFAULT_PARAMETERS,
    CostProfile,
    Parameter,
    ParameterError,
    compare_with_diesel,
    parameter_in_force,
)

#: The class the catalogue's vans belong to (phase 1 ships one standard).
DEFAULT_CLASS = "electric_van_lt_3_5t"
#: Who may edit draft standards and the cost parameters (everyone else reads).
STANDARD_EDITORS = ("coordinator", "network_manager", "admin")
#: Figures a council spec may state besides the standard's attributes.
DESCRIPTIVE_ATTRIBUTES = {
    "make": ("Make", None),
    "model": ("Model", None),
    "variant": ("Variant", None),
    "body": ("Body", None),
    "battery_kwh": ("Battery capacity (nominal)", "kWh"),
}
#: Cost inputs a council spec may give for its whole-life cost (others come from parameters).
COST_FIELDS = {
    "purchase_price": ("Purchase price (excluding VAT)", "GBP"),
    "energy_kwh_per_100km": ("Energy use", "kWh/100 km"),
    "annual_km": ("Distance a year", "km"),
    "service_life_years": ("Service life", "years"),
    "residual_value": ("Residual value at the end of its life", "GBP"),
}
MAX_FIGURE_LENGTH = 200
TEMPLATE_MAX_BYTES = 2 * 1024 * 1024
TEMPLATE_MAX_ROWS = 500
TEMPLATE_SHEET = "Specification"
PARAMETER_DEFAULTS_FILE = Path(__file__).with_name("default_parameters.csv")


class FleetNotFound(FleetError):
    """No such standard version, spec, vehicle or parameter (404)."""


MAX_ID = 2**31 - 1  # the largest id a table can hold (PostgreSQL integer)


def _in_range(object_id: int) -> bool:
    return isinstance(object_id, int) and 1 <= object_id <= MAX_ID


class FleetConflict(FleetError):
    """The change clashes with the state of the data, e.g. an adopted standard (409)."""


# ============================================================================================
# standards
# ============================================================================================


def can_edit_standards(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and tk.has_role(user, *STANDARD_EDITORS)


def _require_editor(user: Any, what: str = "the standard specifications") -> None:
    if not can_edit_standards(user):
        raise Forbidden(f"Only coordinators and network managers can change {what}.")


def ensure_seeded() -> None:
    """Store the adopted phase-1 e-van standard and the default cost parameters the first
    time they are needed (idempotent: nothing happens once they exist).

    Seeding on first use rather than in a migration keeps the seed in one place (the JSON
    file the pure module reads) and works on a database emptied by tests or an operator.
    """
    changed = False
    if tk.session.scalar(select(func.count(StandardSpecVersion.id))) == 0:
        try:
            with tk.session.begin_nested():
                record = StandardSpecVersion(created_by="seed")
                tk.session.add(record)
                _write_standard(record, phase1_evan_standard())
            changed = True
        except IntegrityError:  # another request seeded it at the same moment
            pass
    if tk.session.scalar(select(func.count(FleetParameter.id))) == 0:
        try:
            with tk.session.begin_nested():
                for parameter, illustrative in default_parameters():
                    tk.session.add(_parameter_row(parameter, illustrative, "seed"))
            changed = True
        except IntegrityError:
            pass
    if changed:
        tk.session.commit()


def _plain_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple):
        return list(value)
    return value


def _write_standard(record: StandardSpecVersion, spec: StandardSpec) -> None:
    """Make the record say what ``spec`` says; requirement rows are updated in place by
    attribute (so the unique index never sees a transient duplicate)."""
    record.vehicle_class = spec.vehicle_class
    record.version = spec.version
    record.status = spec.status
    record.title = spec.title
    record.category = spec.category
    record.design_range_factor = spec.design_range_factor
    record.racking_allowance_kg = spec.racking_allowance_kg
    record.adopted_on = spec.adopted_on
    record.retired_on = spec.retired_on
    existing = {r.attribute: r for r in record.requirements}
    wanted = {r.attribute for r in spec.requirements}
    for attribute, row in existing.items():
        if attribute not in wanted:
            record.requirements.remove(row)
    for position, requirement in enumerate(spec.requirements):
        row = existing.get(requirement.attribute)
        if row is None:
            row = StandardRequirement(attribute=requirement.attribute)
            record.requirements.append(row)
        row.position = position
        row.label = requirement.label
        row.unit = requirement.unit
        row.operator = requirement.operator
        row.value = _plain_value(requirement.value)
        row.mandatory = requirement.mandatory
        row.rationale = requirement.rationale


def standard_of(record: StandardSpecVersion) -> StandardSpec:
    """The pure standard a stored version holds."""
    return standard_from_dict(
        {
            "vehicle_class": record.vehicle_class,
            "version": record.version,
            "status": record.status,
            "title": record.title,
            "category": record.category,
            "design_range_factor": record.design_range_factor,
            "racking_allowance_kg": record.racking_allowance_kg,
            "adopted_on": record.adopted_on.isoformat() if record.adopted_on else None,
            "retired_on": record.retired_on.isoformat() if record.retired_on else None,
            "requirements": [
                {
                    "attribute": r.attribute,
                    "label": r.label,
                    "unit": r.unit,
                    "operator": r.operator,
                    "value": r.value,
                    "mandatory": r.mandatory,
                    "rationale": r.rationale,
                }
                for r in sorted(record.requirements, key=lambda r: r.position)
            ],
        }
    )


def standard_versions(vehicle_class: str | None = None, status: str | None = None) -> list[
    StandardSpecVersion
]:
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
    record = tk.session.get(StandardSpecVersion, spec_id) if _in_range(spec_id) else None
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


def _locked(record: StandardSpecVersion) -> FleetConflict:
    return FleetConflict(
        f"Version {record.version} of the {record.vehicle_class} standard is {record.status} "
        "and cannot be edited: an adopted standard is what councils buy against. Start a draft "
        "from it, change the draft and adopt it."
    )


def _audit_standard(action: str, record: StandardSpecVersion, user: Any, changes: Any) -> None:
    tk.record_audit(action, "fleet_standard_spec", record.id, user=user, changes=changes)


def start_draft(vehicle_class: str, user: Any) -> StandardSpecVersion:
    """A new draft copied from the adopted version (or the latest one), numbered after the
    newest version. Refused while a draft for the class exists (edit that one)."""
    _require_editor(user)
    existing = draft_record(vehicle_class)
    if existing is not None:
        raise FleetConflict(
            f"Version {existing.version} of the {vehicle_class} standard is already a draft; "
            "edit it, adopt it or discard it before starting another."
        )
    versions = standard_versions(vehicle_class)
    if not versions:
        raise FleetNotFound(f"There is no standard for {vehicle_class!r} to start a draft from.")
    base = adopted_record(vehicle_class) or versions[0]
    newest = max(v.version for v in versions)
    draft = draft_from(standard_of(base), version=newest + 1)
    record = StandardSpecVersion(created_by=getattr(user, "email", None))
    tk.session.add(record)
    _write_standard(record, draft)
    tk.session.flush()
    _audit_standard(
        "create", record, user, {"status": [None, "draft"], "from_version": [None, base.version]}
    )
    return record


def _editable(spec_id: int) -> tuple[StandardSpecVersion, StandardSpec]:
    record = get_standard_version(spec_id)
    if record.status != "draft":
        raise _locked(record)
    return record, standard_of(record)


def requirement_from(data: Mapping[str, Any]) -> Requirement:
    """A requirement from a form or API body; the pure class validates operator and value."""
    operator = str(data.get("operator") or "").strip()
    value: Any = data.get("value")
    if operator == "one_of" and isinstance(value, str):
        value = [v for v in (p.strip() for p in value.split(",")) if v]
    if operator in ("min", "max") and isinstance(value, str):
        value = value.replace(",", "").strip()
    if operator == "required":
        value = None
    unit = data.get("unit")
    return Requirement(
        attribute=str(data.get("attribute") or "").strip(),
        label=str(data.get("label") or data.get("attribute") or "").strip(),
        unit=(str(unit).strip() or None) if unit is not None else None,
        operator=operator,
        value=value,
        mandatory=bool(data.get("mandatory", True)),
        rationale=str(data.get("rationale") or "").strip(),
    )


def _requirement_dict(r: Requirement | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "label": r.label,
        "unit": r.unit,
        "operator": r.operator,
        "value": _plain_value(r.value),
        "mandatory": r.mandatory,
        "rationale": r.rationale,
    }


def set_draft_requirement(spec_id: int, data: Mapping[str, Any], user: Any) -> Requirement:
    """Add or replace one requirement of a draft."""
    _require_editor(user)
    record, spec = _editable(spec_id)
    requirement = requirement_from(data)
    before = spec.requirement(requirement.attribute)
    _write_standard(record, set_requirement(spec, requirement))
    _audit_standard(
        "update",
        record,
        user,
        {f"requirement:{requirement.attribute}": [
            _requirement_dict(before), _requirement_dict(requirement)
        ]},
    )
    return requirement


def remove_draft_requirement(spec_id: int, attribute: str, user: Any) -> None:
    _require_editor(user)
    record, spec = _editable(spec_id)
    if spec.requirement(attribute) is None:
        raise FleetNotFound(f"The draft has no requirement for {attribute!r}.")
    before = spec.requirement(attribute)
    _write_standard(record, remove_requirement(spec, attribute))
    _audit_standard(
        "update", record, user, {f"requirement:{attribute}": [_requirement_dict(before), None]}
    )


def edit_draft_settings(spec_id: int, data: Mapping[str, Any], user: Any) -> StandardSpecVersion:
    """Change a draft's title or its derating settings (design range factor, racking)."""
    _require_editor(user)
    record, spec = _editable(spec_id)
    allowed = {"title", "design_range_factor", "racking_allowance_kg", "category"}
    changes = {k: v for k, v in data.items() if k in allowed}
    for key in ("design_range_factor", "racking_allowance_kg"):
        if key in changes and changes[key] in ("", None):
            changes[key] = None
    edited = edit_draft(spec, **changes)
    before = {k: getattr(spec, k) for k in changes}
    after = {k: getattr(edited, k) for k in changes}
    _write_standard(record, edited)
    _audit_standard("update", record, user, tk.audit_diff(before, after))
    return record


def adopt_draft(spec_id: int, user: Any, on: date | None = None) -> StandardSpecVersion:
    """Adopt a draft: it becomes the class's standard and the previous one is retired."""
    _require_editor(user)
    record = get_standard_version(spec_id)
    if record.status != "draft":
        raise FleetConflict(
            f"Version {record.version} of the {record.vehicle_class} standard is "
            f"{record.status}; only a draft can be adopted."
        )
    on = on or date.today()
    current = adopted_record(record.vehicle_class)
    adopted, retired = adopt(standard_of(record), standard_of(current) if current else None, on=on)
    if current is not None and retired is not None:
        _write_standard(current, retired)
        tk.session.flush()  # retire first: the database allows one adopted version per class
        _audit_standard("retire", current, user, {"status": ["adopted", "retired"]})
    _write_standard(record, adopted)
    tk.session.flush()
    check_one_adopted_per_class(standard_of(r) for r in standard_versions(record.vehicle_class))
    _audit_standard("adopt", record, user, {"status": ["draft", "adopted"]})
    if record.vehicle_class == DEFAULT_CLASS:
        _recheck_catalogue(adopted)
    record_variation_snapshot(on)
    return record


def _recheck_catalogue(standard: StandardSpec) -> None:
    """The catalogue's stored verdicts follow the adopted standard."""
    version = f"{standard.vehicle_class} v{standard.version}"
    for vehicle in catalogue_vehicles():
        compliance = check_compliance(standard, vehicle_figures(vehicle))
        vehicle.compliant = compliance.compliant
        vehicle.failures = [dict(f) for f in compliance.failures]
        vehicle.standard_version = version


def discard_draft(spec_id: int, user: Any) -> None:
    _require_editor(user)
    record = get_standard_version(spec_id)
    if record.status != "draft":
        raise _locked(record)
    _audit_standard("delete", record, user, {"status": ["draft", None]})
    tk.session.delete(record)


def standard_json(record: StandardSpecVersion) -> dict[str, Any]:
    spec = standard_of(record)
    return {
        "id": record.id,
        "vehicle_class": spec.vehicle_class,
        "version": spec.version,
        "status": spec.status,
        "title": spec.title,
        "category": spec.category,
        "design_range_factor": _plain_value(spec.design_range_factor),
        "racking_allowance_kg": _plain_value(spec.racking_allowance_kg),
        "adopted_on": spec.adopted_on,
        "retired_on": spec.retired_on,
        "requirements": [
            {
                "attribute": r.attribute,
                "label": r.label,
                "unit": r.unit,
                "operator": r.operator,
                "value": _plain_value(r.value),
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


# ============================================================================================
# catalogue
# ============================================================================================


def _measure_from_json(value: Any) -> Measure | str | None:
    if isinstance(value, dict):

        def number(key: str) -> Decimal | None:
            raw = value.get(key)
            return None if raw is None else Decimal(str(raw))

        return Measure(
            number("value"),
            number("low"),
            number("high"),
            value.get("qualifier"),
            value.get("unit"),
            value.get("raw") or "",
        )
    return value


def vehicle_name(vehicle: CatalogueVehicle) -> str:
    return " ".join(p for p in (vehicle.make, vehicle.model, vehicle.variant) if p)


def vehicle_figures(vehicle: CatalogueVehicle) -> dict[str, Any]:
    """The catalogue model's figures as the pure modules take them, with its identity."""
    figures = {k: _measure_from_json(v) for k, v in (vehicle.figures or {}).items()}
    return {"make": vehicle.make, "model": vehicle.model, "variant": vehicle.variant, **figures}


def _figure_json(figure: Measure | str | None) -> Any:
    if isinstance(figure, Measure):
        return {
            "value": None if figure.value is None else str(figure.value),
            "low": None if figure.low is None else str(figure.low),
            "high": None if figure.high is None else str(figure.high),
            "qualifier": figure.qualifier,
            "unit": figure.unit,
            "raw": figure.raw,
        }
    return figure


def _store_vehicle(model: CatalogueModel, result: dict[str, Any], version: str) -> None:
    """Insert or update the variant (keyed by make, model and variant) with its compliance."""
    row = tk.session.scalar(
        select(CatalogueVehicle).where(
            CatalogueVehicle.make == model.make,
            CatalogueVehicle.model == model.model,
            CatalogueVehicle.variant == model.variant,
        )
    )
    if row is None:
        row = CatalogueVehicle(make=model.make, model=model.model, variant=model.variant)
        tk.session.add(row)
    gvw = model.gvw_kg
    row.body = model.body
    row.gvw_kg = None if gvw is None else int(gvw.to_integral_value())
    row.figures = {key: _figure_json(value) for key, value in model.figures.items()}
    row.sources = list(model.sources)
    row.notes = model.notes or None
    row.compliant = result["compliant"]
    row.failures = result["failures"]
    row.standard_version = version


def load_catalogue(path: str | Path) -> tuple[CatalogueRead, dict[str, Any], str]:
    """Read a catalogue CSV and store every model with its compliance against the adopted
    standard of its class (re-loading updates each variant in place); the caller commits.
    Nothing is stored when the file gives no model."""
    read = read_catalogue(path)
    standard = adopted_standard(DEFAULT_CLASS)
    report = catalogue_report(read.models, standard)
    version = f"{standard.vehicle_class} v{standard.version}"
    if read.models:
        for model, result in zip(read.models, report["models"], strict=True):
            _store_vehicle(model, result, version)
    return read, report, version


def catalogue_vehicles() -> list[CatalogueVehicle]:
    return list(
        tk.session.scalars(
            select(CatalogueVehicle).order_by(
                CatalogueVehicle.make, CatalogueVehicle.model, CatalogueVehicle.variant
            )
        )
    )


def get_vehicle(vehicle_id: int) -> CatalogueVehicle:
    vehicle = tk.session.get(CatalogueVehicle, vehicle_id) if _in_range(vehicle_id) else None
    if vehicle is None:
        raise FleetNotFound(f"There is no catalogue vehicle {vehicle_id}.")
    return vehicle


# ============================================================================================
# council specs
# ============================================================================================


def allowed_attributes(standard: StandardSpec) -> dict[str, tuple[str, str | None]]:
    """Attribute -> (label, unit) a council spec of this class may state, standard's first."""
    out = {r.attribute: (r.label, r.unit) for r in standard.requirements}
    for key, value in DESCRIPTIVE_ATTRIBUTES.items():
        out.setdefault(key, value)
    return out


def _figure_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal | int):
        return format(Decimal(value).normalize(), "f")
    text = " ".join(str(value).split())
    return text or None


def clean_figures(standard: StandardSpec, figures: Mapping[str, Any]) -> dict[str, str]:
    """A council's figures checked against what the standard can read, as text.

    Refused (with every problem named): an attribute the standard does not know, a figure
    with no number where the standard needs one, a yes/no that is neither.
    """
    allowed = allowed_attributes(standard)
    problems: list[str] = []
    out: dict[str, str] = {}
    for attribute, raw in figures.items():
        if attribute not in allowed:
            problems.append(
                f"{attribute!r} is not a figure of the {standard.vehicle_class} standard "
                f"(known: {', '.join(allowed)})"
            )
            continue
        text = _figure_text(raw)
        if text is None or text.lower() in BLANK_MARKERS:
            continue
        label, unit = allowed[attribute]
        if len(text) > MAX_FIGURE_LENGTH:
            problems.append(f"{label}: at most {MAX_FIGURE_LENGTH} characters")
            continue
        requirement = standard.requirement(attribute)
        if requirement is not None:
            result = check_compliance(
                StandardSpec(standard.vehicle_class, 1, "draft", (requirement,)), {attribute: text}
            ).results[0]
            if result.status == "unknown":
                if requirement.operator == "required":
                    problems.append(f"{label}: write yes or no, not {text!r}")
                else:
                    in_unit = f" (in {unit})" if unit else ""
                    problems.append(f"{label}: no figure could be read from {text!r}{in_unit}")
                continue
        elif unit and not parse_measure(text, unit).known:
            problems.append(f"{label}: no figure in {unit} could be read from {text!r}")
            continue
        out[attribute] = text
    if problems:
        raise FleetError("; ".join(problems))
    return out


def clean_costs(costs: Mapping[str, Any]) -> dict[str, str]:
    problems: list[str] = []
    out: dict[str, str] = {}
    for key, raw in costs.items():
        if key not in COST_FIELDS:
            problems.append(f"{key!r} is not a cost input (known: {', '.join(COST_FIELDS)})")
            continue
        text = _figure_text(raw)
        if text is None:
            continue
        label, unit = COST_FIELDS[key]
        try:
            number = Decimal(text.replace(",", "").replace("£", ""))
        except InvalidOperation:
            problems.append(f"{label}: {text!r} is not a number ({unit})")
            continue
        if not number.is_finite() or number < 0:
            problems.append(f"{label}: must be a number of zero or more ({unit})")
            continue
        if key == "service_life_years" and not (1 <= number <= 30 and number == int(number)):
            problems.append(f"{label}: a whole number of years from 1 to 30")
            continue
        out[key] = format(number.normalize(), "f")
    if problems:
        raise FleetError("; ".join(problems))
    return out


def council_specs(council_code: str | None = None, vehicle_class: str | None = None) -> list[
    CouncilSpec
]:
    query = select(CouncilSpec).order_by(CouncilSpec.council_code, CouncilSpec.name)
    if council_code:
        query = query.where(CouncilSpec.council_code == council_code)
    if vehicle_class:
        query = query.where(CouncilSpec.vehicle_class == vehicle_class)
    return list(tk.session.scalars(query))


def get_council_spec(spec_id: int) -> CouncilSpec:
    spec = tk.session.get(CouncilSpec, spec_id) if _in_range(spec_id) else None
    if spec is None:
        raise FleetNotFound(f"There is no council vehicle specification {spec_id}.")
    return spec


def _spec_state(spec: CouncilSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "vehicle_class": spec.vehicle_class,
        "catalogue_vehicle_id": spec.catalogue_vehicle_id,
        "figures": dict(spec.figures or {}),
        "costs": dict(spec.costs or {}),
        "notes": spec.notes,
    }


def _apply(spec: CouncilSpec, data: Mapping[str, Any], standard: StandardSpec) -> None:
    if "name" in data:
        name = " ".join(str(data["name"] or "").split())
        if not name:
            raise FleetError("Give the specification a name, e.g. 'Small panel van 2025'")
        if len(name) > 200:
            raise FleetError("The specification's name can be at most 200 characters")
        spec.name = name
    if "catalogue_vehicle_id" in data:
        vehicle_id = data["catalogue_vehicle_id"]
        if vehicle_id in (None, ""):
            spec.catalogue_vehicle_id = None
        else:
            try:
                number = int(vehicle_id)
            except (TypeError, ValueError):
                raise FleetError(f"catalogue vehicle {vehicle_id!r} is not a number") from None
            try:
                vehicle = get_vehicle(number)
            except FleetNotFound as exc:
                raise FleetError(str(exc)) from None
            spec.catalogue_vehicle_id = vehicle.id
    if "figures" in data:
        spec.figures = clean_figures(standard, data["figures"] or {})
    if "costs" in data:
        spec.costs = clean_costs(data["costs"] or {})
    if "notes" in data:
        notes = (str(data["notes"] or "")).strip()
        spec.notes = notes or None


def create_council_spec(council_code: str, data: Mapping[str, Any], user: Any) -> CouncilSpec:
    """A council's own spec for a class; only that council's users (and admins) may add it."""
    council_id = tk.council_id(council_code)
    if council_id is None:
        raise FleetError(f"There is no council with the code {council_code!r}.")
    tk.require_write(user, council_id, what="vehicle specifications")
    vehicle_class = str(data.get("vehicle_class") or DEFAULT_CLASS)
    standard = adopted_standard(vehicle_class)
    if "name" not in data:
        raise FleetError("Give the specification a name, e.g. 'Small panel van 2025'")
    spec = CouncilSpec(
        council_id=council_id,
        council_code=council_code,
        vehicle_class=vehicle_class,
        figures={},
        costs={},
    )
    _apply(spec, data, standard)
    _unique_name(spec)
    tk.session.add(spec)
    tk.session.flush()
    tk.record_audit(
        "create",
        "fleet_council_spec",
        spec.id,
        user=user,
        council_code=council_code,
        changes=tk.audit_diff({}, _spec_state(spec)),
    )
    record_variation_snapshot()
    return spec


def _unique_name(spec: CouncilSpec) -> None:
    clash = tk.session.scalar(
        select(CouncilSpec.id).where(
            CouncilSpec.council_id == spec.council_id,
            CouncilSpec.vehicle_class == spec.vehicle_class,
            CouncilSpec.name == spec.name,
            CouncilSpec.id != (spec.id or 0),
        )
    )
    if clash is not None:
        raise FleetConflict(
            f"Your council already has a {spec.vehicle_class} specification called "
            f"{spec.name!r}; give this one another name or edit that one."
        )


def update_council_spec(spec: CouncilSpec, data: Mapping[str, Any], user: Any) -> CouncilSpec:
    tk.require_write(user, spec.council_id, what="vehicle specifications")
    if "vehicle_class" in data and data["vehicle_class"] not in (None, spec.vehicle_class):
        raise FleetError("A specification cannot change vehicle class; create a new one.")
    if "council_code" in data and data["council_code"] not in (None, spec.council_code):
        raise FleetError("A specification cannot move to another council; create it there.")
    standard = adopted_standard(spec.vehicle_class)
    before = _spec_state(spec)
    _apply(spec, data, standard)
    _unique_name(spec)
    changes = tk.audit_diff(before, _spec_state(spec))
    if changes:
        tk.record_audit(
            "update",
            "fleet_council_spec",
            spec.id,
            user=user,
            council_code=spec.council_code,
            changes=changes,
        )
        record_variation_snapshot()
    return spec


def delete_council_spec(spec: CouncilSpec, user: Any) -> None:
    tk.require_write(user, spec.council_id, what="vehicle specifications")
    tk.record_audit(
        "delete",
        "fleet_council_spec",
        spec.id,
        user=user,
        council_code=spec.council_code,
        changes=tk.audit_diff(_spec_state(spec), {k: None for k in _spec_state(spec)}),
    )
    tk.session.delete(spec)
    tk.session.flush()
    record_variation_snapshot()


def spec_display_name(spec: CouncilSpec, names: Mapping[str, str] | None = None) -> str:
    names = names if names is not None else tk.council_names()
    return f"{names.get(spec.council_code, spec.council_code)}: {spec.name}"


def spec_figures(spec: CouncilSpec) -> dict[str, Any]:
    """The figures a council spec is judged on: the linked catalogue model's, with the
    council's own figures on top (a council confirms the kit the catalogue does not state)."""
    figures: dict[str, Any] = {}
    if spec.catalogue_vehicle is not None:
        figures.update(vehicle_figures(spec.catalogue_vehicle))
    figures.update({k: v for k, v in (spec.figures or {}).items() if v not in (None, "")})
    return figures


def spec_compliance(spec: CouncilSpec, standard: StandardSpec | None = None) -> Any:
    standard = standard or adopted_standard(spec.vehicle_class)
    return check_compliance(standard, spec_figures(spec))


def council_spec_json(spec: CouncilSpec, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    names = names if names is not None else tk.council_names()
    compliance = spec_compliance(spec)
    return {
        "id": spec.id,
        "council_code": spec.council_code,
        "council_name": names.get(spec.council_code, spec.council_code),
        "vehicle_class": spec.vehicle_class,
        "name": spec.name,
        "catalogue_vehicle_id": spec.catalogue_vehicle_id,
        "catalogue_vehicle": vehicle_name(spec.catalogue_vehicle)
        if spec.catalogue_vehicle
        else None,
        "figures": dict(spec.figures or {}),
        "costs": dict(spec.costs or {}),
        "notes": spec.notes,
        "compliant": compliance.compliant,
        "score": compliance.score,
        "failures": [dict(f) for f in compliance.failures],
        "created_at": spec.created_at,
        "updated_at": spec.updated_at,
    }


# ============================================================================================
# the xlsx template and its upload
# ============================================================================================

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
        match = next((v for v in catalogue_vehicles() if vehicle_name(v) == str(model).strip()),
                     None)
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


# ============================================================================================
# parameters of the whole-life cost
# ============================================================================================


def default_parameters() -> list[tuple[Parameter, bool]]:
    """(parameter, illustrative) the hub starts with: the published factors of the pure
    module, then the tariff, prices and cost assumptions in default_parameters.csv."""
    out = [(p, False) for p in DEFAULT_PARAMETERS]
    with PARAMETER_DEFAULTS_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.append(
                (
                    Parameter(
                        row["name"],
                        Decimal(row["value"]),
                        row["unit"],
                        date.fromisoformat(row["valid_from"]),
                        row["source"],
                    ),
                    row["illustrative"].strip().lower() == "yes",
                )
            )
    return out


def _parameter_row(parameter: Parameter, illustrative: bool, by: str | None) -> FleetParameter:
    return FleetParameter(
        name=parameter.name,
        value=parameter.value,
        unit=parameter.unit,
        valid_from=parameter.valid_from,
        valid_to=parameter.valid_to,
        source=parameter.source,
        illustrative=illustrative,
        updated_by=by,
    )


def parameter_rows() -> list[FleetParameter]:
    ensure_seeded()
    return list(
        tk.session.scalars(
            select(FleetParameter).order_by(FleetParameter.name, FleetParameter.valid_from)
        )
    )


def tidy_number(value: Any) -> Decimal:
    """15000.000000 -> 15000, 0.250000 -> 0.25 (never 1.5E+4)."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return Decimal(int(number))
    return number.normalize()


def as_parameter(row: FleetParameter) -> Parameter:
    return Parameter(row.name, tidy_number(row.value), row.unit, row.valid_from, row.source,
                     row.valid_to)


def parameters() -> tuple[Parameter, ...]:
    return tuple(as_parameter(r) for r in parameter_rows())


def add_parameter_value(data: Mapping[str, Any], user: Any) -> FleetParameter:
    """A new dated value of a parameter (or a corrected value for the same date): the old
    values stay, so earlier results can still say what they used."""
    _require_editor(user, "the whole-life cost parameters")
    name = str(data.get("name") or "").strip()
    known = {r.name: r for r in parameter_rows()}
    if name not in known:
        raise FleetError(f"{name!r} is not a parameter (known: {', '.join(sorted(known))})")
    try:
        value = Decimal(str(data.get("value")).replace(",", "").strip())
    except InvalidOperation:
        raise FleetError(f"The value {data.get('value')!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise FleetError("The value must be a number of zero or more")
    valid_from = data.get("valid_from")
    if isinstance(valid_from, str):
        try:
            valid_from = date.fromisoformat(valid_from)
        except ValueError:
            raise FleetError(f"valid_from {valid_from!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(valid_from, date):
        raise FleetError("Say from which date the value applies (valid_from)")
    source = " ".join(str(data.get("source") or "").split())
    if not source:
        raise FleetError("Say where the value comes from (source), e.g. the supply contract")
    row = tk.session.scalar(
        select(FleetParameter).where(
            FleetParameter.name == name, FleetParameter.valid_from == valid_from
        )
    )
    before = None
    if row is None:
        row = FleetParameter(name=name, unit=known[name].unit, valid_from=valid_from)
        tk.session.add(row)
    else:
        before = {"value": row.value, "source": row.source, "illustrative": row.illustrative}
    row.value = value
    row.source = source
    row.illustrative = bool(data.get("illustrative", False))
    row.updated_by = getattr(user, "email", None)
    tk.session.flush()
    tk.record_audit(
        "update" if before else "create",
        "fleet_parameter",
        row.id,
        user=user,
        changes=tk.audit_diff(
            before or {},
            {"name": name, "valid_from": valid_from, "value": value, "source": source,
             "illustrative": row.illustrative},
        ),
    )
    return row


# ============================================================================================
# whole-life cost of a spec against diesel
# ============================================================================================


def _number(figure: Any, unit: str | None) -> Decimal | None:
    if figure is None:
        return None
    measure = figure if isinstance(figure, Measure) else parse_measure(figure, unit)
    if measure.value is not None:
        return measure.value
    return measure.low if measure.low is not None else measure.high


@dataclass(frozen=True)
class CostInputs:
    """A spec's cost profile and, per input, where its figure came from."""

    electric: CostProfile
    diesel: CostProfile
    notes: tuple[str, ...]


def cost_inputs(
    name: str,
    figures: Mapping[str, Any],
    costs: Mapping[str, Any],
    params: Sequence[Parameter],
    on: date,
) -> CostInputs:
    """The electric spec's and its diesel baseline's cost profiles.

    The spec's own cost inputs win; a consumption not given is estimated from battery ÷ WLTP
    range; everything else is the parameter in force. The diesel baseline shares the spec's
    distance and life, so the two are compared like for like.
    """

    def param(key: str) -> Decimal:
        return parameter_in_force(params, key, on).value

    notes: list[str] = []

    def given(key: str, fallback: str) -> Decimal:
        if costs.get(key) not in (None, ""):
            notes.append(f"{COST_FIELDS[key][0]}: the spec's own figure")
            return Decimal(str(costs[key]))
        notes.append(f"{COST_FIELDS[key][0]}: parameter {fallback}")
        return param(fallback)

    price = given("purchase_price", "ev_van_purchase_price")
    annual_km = given("annual_km", "annual_km")
    life = int(given("service_life_years", "service_life_years"))
    if costs.get("energy_kwh_per_100km") not in (None, ""):
        consumption = Decimal(str(costs["energy_kwh_per_100km"]))
        notes.append("Energy use: the spec's own figure")
    else:
        battery = _number(figures.get("usable_battery_kwh"), "kWh") or _number(
            figures.get("battery_kwh"), "kWh"
        )
        wltp = _number(figures.get("wltp_range_km"), "km")
        if battery and wltp:
            consumption = (battery / wltp * 100).quantize(Decimal("0.1"))
            notes.append(
                f"Energy use: {format_number(consumption)} kWh/100 km, estimated from battery "
                f"{format_number(battery)} kWh ÷ WLTP range {format_number(wltp)} km"
            )
        else:
            consumption = param("ev_van_kwh_per_100km")
            notes.append("Energy use: parameter ev_van_kwh_per_100km")
    if costs.get("residual_value") not in (None, ""):
        residual = Decimal(str(costs["residual_value"]))
        notes.append("Residual value: the spec's own figure")
    else:
        residual = (price * param("residual_share_electric")).quantize(Decimal("1"))
        notes.append("Residual value: purchase price × parameter residual_share_electric")
    gvw_figure = figures.get("gvw_kg")
    gvw = (
        _number(gvw_figure, "kg") if isinstance(gvw_figure, Measure) else parse_gvw_kg(gvw_figure)
    )
    insurance = param("insurance_per_year")
    ved = param("ved_van_per_year")
    electric = CostProfile(
        name=name,
        fuel="electric",
        purchase_price=price,
        service_life_years=life,
        annual_km=annual_km,
        energy_per_100km=consumption,
        energy_price_parameter="electricity_tariff_depot",
        gvw_kg=gvw,
        grant_eligible=True,
        maintenance_per_km=param("maintenance_per_km_electric"),
        insurance_per_year=insurance,
        ved_per_year=ved,
        residual_value=residual,
    )
    diesel_price = param("diesel_van_purchase_price")
    diesel = CostProfile(
        name="Diesel van (baseline)",
        fuel="diesel",
        purchase_price=diesel_price,
        service_life_years=life,
        annual_km=annual_km,
        energy_per_100km=param("diesel_van_litres_per_100km"),
        energy_price_parameter="diesel_price_per_litre",
        maintenance_per_km=param("maintenance_per_km_diesel"),
        insurance_per_year=insurance,
        ved_per_year=ved,
        residual_value=(diesel_price * param("residual_share_diesel")).quantize(Decimal("1")),
    )
    return CostInputs(electric, diesel, tuple(notes))


#: The parameters a comparison reads besides those the pure module reports as used.
ASSUMPTION_PARAMETERS = (
    "ev_van_purchase_price",
    "diesel_van_purchase_price",
    "annual_km",
    "service_life_years",
    "ev_van_kwh_per_100km",
    "diesel_van_litres_per_100km",
    "maintenance_per_km_electric",
    "maintenance_per_km_diesel",
    "insurance_per_year",
    "ved_van_per_year",
    "residual_share_electric",
    "residual_share_diesel",
)


def whole_life_json(
    name: str, figures: Mapping[str, Any], costs: Mapping[str, Any], params: Sequence[Parameter],
    on: date,
) -> dict[str, Any]:
    inputs = cost_inputs(name, figures, costs, params, on)
    result = compare_with_diesel(inputs.electric, inputs.diesel, params, on)
    return {
        "present_value": result.spec.present_value,
        "undiscounted_total": result.spec.undiscounted_total,
        "grant": result.spec.grant,
        "co2e_kg_per_year": result.spec.co2e_kg_per_year,
        "co2e_kg_total": result.spec.co2e_kg_total,
        "diesel_present_value": result.diesel.present_value,
        "diesel_co2e_kg_total": result.diesel.co2e_kg_total,
        "saving": result.saving,
        "co2e_saving_kg": result.co2e_saving_kg,
        "service_life_years": inputs.electric.service_life_years,
        "annual_km": inputs.electric.annual_km,
        "purchase_price": inputs.electric.purchase_price,
        "energy_per_100km": inputs.electric.energy_per_100km,
        "inputs": list(inputs.notes),
        "parameters_used": sorted(
            {p.name for p in (*result.spec.parameters_used, *result.diesel.parameters_used)}
        ),
    }


# ============================================================================================
# comparison
# ============================================================================================


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
        {n for c in columns if c.get("whole_life_cost") for n in c["whole_life_cost"][
            "parameters_used"]}
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


STATUS_WORDS = {"pass": "Meets", "fail": "Deviates", "unknown": "Not stated",
                "not-required": "No requirement"}


def comparison_workbook(result: Mapping[str, Any]) -> bytes:
    """The comparison table as an xlsx: deviations highlighted and explained in a comment,
    and every cell's verdict in words as well (not colour alone)."""
    columns = result["columns"]
    header = ["Attribute", "Standard requires", "Mandatory or desirable"]
    for column in columns:
        header += [column["name"], "Verdict"]
    rows: list[list[Any]] = []
    for row in result["rows"]:
        kind = "" if row["mandatory"] is None else ("mandatory" if row["mandatory"] else
                                                     "desirable")
        line: list[Any] = [row["label"], row["required"], kind]
        for cell in row["cells"]:
            deviates = cell["status"] == "fail"
            line.append(tk.Marked(cell["value"], comment=cell["explanation"], highlight=deviates))
            line.append(f"{STATUS_WORDS.get(cell['status'], cell['status'])}: "
                        f"{cell['explanation']}")
        rows.append(line)
    summary: list[list[Any]] = []
    for label, get in (
        ("Compliant", lambda c: {True: "yes", False: "no", None: "unknown"}[c["compliant"]]),
        ("Compliance score (%)", lambda c: c["score"]),
        ("Whole-life cost, present value (£)",
         lambda c: (c["whole_life_cost"] or {}).get("present_value")),
        ("Diesel baseline, present value (£)",
         lambda c: (c["whole_life_cost"] or {}).get("diesel_present_value")),
        ("Saving against diesel (£)", lambda c: (c["whole_life_cost"] or {}).get("saving")),
        ("CO2e over its life (kg)", lambda c: (c["whole_life_cost"] or {}).get("co2e_kg_total")),
        ("CO2e saved against diesel (kg)",
         lambda c: (c["whole_life_cost"] or {}).get("co2e_saving_kg")),
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
        [p["name"], p["value"], p["unit"], p["valid_from"], p["source"],
         "yes" if p["illustrative"] else "no"]
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


# ============================================================================================
# variation count
# ============================================================================================


def specs_in_use(vehicle_class: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    return [(s.council_code, s.vehicle_class, spec_figures(s)) for s in
            council_specs(vehicle_class=vehicle_class)]


def variation_counts() -> dict[str, dict[str, Any]]:
    """Per class with a standard: distinct specifications in use, how many comply, and by
    how many councils (classes with no spec yet show zero)."""
    standards = adopted_standards()
    counted = variation_count(specs_in_use(), standards)
    out: dict[str, dict[str, Any]] = {}
    for vehicle_class in sorted(set(standards) | set(counted)):
        count = counted.get(vehicle_class)
        standard = standards.get(vehicle_class)
        out[vehicle_class] = {
            "vehicle_class": vehicle_class,
            "title": standard.title if standard else vehicle_class,
            "standard_version": standard.version if standard else None,
            "distinct": count.distinct if count else 0,
            "compliant": count.compliant if count else 0,
            "councils": count.councils if count else 0,
        }
    return out


def record_variation_snapshot(on: date | None = None) -> None:
    """Store today's count per class (the day's latest count replaces an earlier one)."""
    on = on or date.today()
    tk.session.flush()
    for vehicle_class, count in variation_counts().items():
        row = tk.session.scalar(
            select(VariationSnapshot).where(
                VariationSnapshot.vehicle_class == vehicle_class,
                VariationSnapshot.taken_on == on,
            )
        )
        if row is None:
            row = VariationSnapshot(vehicle_class=vehicle_class, taken_on=on)
            try:
                with tk.session.begin_nested():
                    _fill_snapshot(row, count)
                    tk.session.add(row)
                continue
            except IntegrityError:  # written by a concurrent request: update that one
                row = tk.session.scalar(
                    select(VariationSnapshot).where(
                        VariationSnapshot.vehicle_class == vehicle_class,
                        VariationSnapshot.taken_on == on,
                    )
                )
        _fill_snapshot(row, count)


def _fill_snapshot(row: VariationSnapshot, count: Mapping[str, Any]) -> None:
    row.distinct_specs = count["distinct"]
    row.compliant_specs = count["compliant"]
    row.councils = count["councils"]
    row.standard_version = count["standard_version"]


def variation_trend(vehicle_class: str, limit: int = 366) -> list[VariationSnapshot]:
    rows = tk.session.scalars(
        select(VariationSnapshot)
        .where(VariationSnapshot.vehicle_class == vehicle_class)
        .order_by(VariationSnapshot.taken_on.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


def trend_chart(points: Iterable[tuple[date, int, int]], width: int = 560, height: int = 180) -> \
        dict[str, Any]:
    """Coordinates of a small line chart of (date, distinct, compliant): two polylines and
    axis ticks, computed here so the template only draws them."""
    points = list(points)
    if not points:
        return {"points": [], "width": width, "height": height}
    left, right, top, bottom = 40, 12, 12, 28
    top_value = max(max(d, c) for _, d, c in points) or 1
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        if len(points) == 1:
            return left + (width - left - right) / 2
        return round(left + (day - first).days / span * (width - left - right), 1)

    def y(value: int) -> float:
        return round(top + (1 - value / top_value) * (height - top - bottom), 1)

    return {
        "width": width,
        "height": height,
        "points": [
            {"x": x(d), "distinct_y": y(n), "compliant_y": y(c), "date": d, "distinct": n,
             "compliant": c}
            for d, n, c in points
        ],
        "distinct_line": " ".join(f"{x(d)},{y(n)}" for d, n, _ in points),
        "compliant_line": " ".join(f"{x(d)},{y(c)}" for d, _, c in points),
        "y_ticks": [{"value": v, "y": y(v)} for v in sorted({0, top_value // 2, top_value})],
        "baseline_y": y(0),
        "left": left,
        "right": width - right,
        "first": first,
        "last": last,
    }
