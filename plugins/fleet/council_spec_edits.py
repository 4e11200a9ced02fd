"""Creating, changing and deleting a council's vehicle specification, with its figures and
cost inputs checked against what the adopted standard can read.

Only the council's own users (and admins) may change its specs. Every change is audited,
recounts the variation and is left in the caller's transaction (the caller commits).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from procurehub import toolkit as tk

from .catalogue_store import get_vehicle
from .errors import FleetConflict, FleetNotFound
from .measures import BLANK_MARKERS, FleetError, parse_measure
from .models import CouncilSpec
from .spec_costs import COST_FIELDS
from .standard_spec import StandardSpec, check_compliance
from .standards import DEFAULT_CLASS, adopted_standard
from .variation import record_variation_snapshot

#: Figures a council spec may state besides the standard's attributes.
DESCRIPTIVE_ATTRIBUTES = {
    "make": ("Make", None),
    "model": ("Model", None),
    "variant": ("Variant", None),
    "body": ("Body", None),
    "battery_kwh": ("Battery capacity (nominal)", "kWh"),
}

MAX_FIGURE_LENGTH = 200


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
