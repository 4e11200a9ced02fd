"""A standard specification version as stored (a `StandardSpecVersion` row with its
requirement rows) and as the pure `standard_spec` module holds it (`StandardSpec`), both ways.

Kept apart so that the seed, the read side (`standards`) and the draft edits
(`standard_drafts`) share one mapping.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import StandardRequirement, StandardSpecVersion
from .standard_spec import StandardSpec, standard_from_dict


def plain_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple):
        return list(value)
    return value


def write_standard(record: StandardSpecVersion, spec: StandardSpec) -> None:
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
        row.value = plain_value(requirement.value)
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
