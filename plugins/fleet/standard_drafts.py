"""Changing a standard specification: start a draft from the adopted version, edit its
requirements and settings, adopt it (retiring the previous version) or discard it.

Every rule about the standard (only drafts are edited, adopting retires the previous version,
one adopted version per class) is the pure `standard_spec` module's, so pages, API and CLI
apply the same ones; the database repeats the last as a partial unique index. Writes are
audited and left in the caller's transaction (the caller commits).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from procurehub import toolkit as tk

from .catalogue_store import recheck_catalogue
from .errors import FleetConflict, FleetNotFound
from .models import StandardSpecVersion
from .permissions import require_editor
from .standard_records import plain_value, standard_of, write_standard
from .standard_spec import (
    Requirement,
    StandardSpec,
    adopt,
    check_one_adopted_per_class,
    draft_from,
    edit_draft,
    remove_requirement,
    set_requirement,
)
from .standards import (
    DEFAULT_CLASS,
    adopted_record,
    draft_record,
    get_standard_version,
    standard_versions,
)
from .variation import record_variation_snapshot


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
    require_editor(user)
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
    write_standard(record, draft)
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
        "value": plain_value(r.value),
        "mandatory": r.mandatory,
        "rationale": r.rationale,
    }


def set_draft_requirement(spec_id: int, data: Mapping[str, Any], user: Any) -> Requirement:
    """Add or replace one requirement of a draft."""
    require_editor(user)
    record, spec = _editable(spec_id)
    requirement = requirement_from(data)
    before = spec.requirement(requirement.attribute)
    write_standard(record, set_requirement(spec, requirement))
    _audit_standard(
        "update",
        record,
        user,
        {
            f"requirement:{requirement.attribute}": [
                _requirement_dict(before),
                _requirement_dict(requirement),
            ]
        },
    )
    return requirement


def remove_draft_requirement(spec_id: int, attribute: str, user: Any) -> None:
    require_editor(user)
    record, spec = _editable(spec_id)
    if spec.requirement(attribute) is None:
        raise FleetNotFound(f"The draft has no requirement for {attribute!r}.")
    before = spec.requirement(attribute)
    write_standard(record, remove_requirement(spec, attribute))
    _audit_standard(
        "update", record, user, {f"requirement:{attribute}": [_requirement_dict(before), None]}
    )


def edit_draft_settings(spec_id: int, data: Mapping[str, Any], user: Any) -> StandardSpecVersion:
    """Change a draft's title or its derating settings (design range factor, racking)."""
    require_editor(user)
    record, spec = _editable(spec_id)
    allowed = {"title", "design_range_factor", "racking_allowance_kg", "category"}
    changes = {k: v for k, v in data.items() if k in allowed}
    for key in ("design_range_factor", "racking_allowance_kg"):
        if key in changes and changes[key] in ("", None):
            changes[key] = None
    edited = edit_draft(spec, **changes)
    before = {k: getattr(spec, k) for k in changes}
    after = {k: getattr(edited, k) for k in changes}
    write_standard(record, edited)
    _audit_standard("update", record, user, tk.audit_diff(before, after))
    return record


def adopt_draft(spec_id: int, user: Any, on: date | None = None) -> StandardSpecVersion:
    """Adopt a draft: it becomes the class's standard and the previous one is retired."""
    require_editor(user)
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
        write_standard(current, retired)
        tk.session.flush()  # retire first: the database allows one adopted version per class
        _audit_standard("retire", current, user, {"status": ["adopted", "retired"]})
    write_standard(record, adopted)
    tk.session.flush()
    check_one_adopted_per_class(standard_of(r) for r in standard_versions(record.vehicle_class))
    _audit_standard("adopt", record, user, {"status": ["draft", "adopted"]})
    if record.vehicle_class == DEFAULT_CLASS:
        recheck_catalogue(adopted)
    record_variation_snapshot(on)
    return record


def discard_draft(spec_id: int, user: Any) -> None:
    require_editor(user)
    record = get_standard_version(spec_id)
    if record.status != "draft":
        raise _locked(record)
    _audit_standard("delete", record, user, {"status": ["draft", None]})
    tk.session.delete(record)
