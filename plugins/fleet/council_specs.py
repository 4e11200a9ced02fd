"""Councils' own vehicle specifications, read: listing and finding them, the figures each
is judged on and its compliance with the adopted standard, and a spec as JSON.

Creating, changing and deleting them is `council_spec_edits`; the variation count reads
them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from procurehub import toolkit as tk

from .catalogue_store import vehicle_figures, vehicle_name
from .errors import FleetNotFound, id_in_range
from .models import CouncilSpec
from .standard_spec import StandardSpec, check_compliance
from .standards import adopted_standard


def council_specs(
    council_code: str | None = None, vehicle_class: str | None = None
) -> list[CouncilSpec]:
    query = select(CouncilSpec).order_by(CouncilSpec.council_code, CouncilSpec.name)
    if council_code:
        query = query.where(CouncilSpec.council_code == council_code)
    if vehicle_class:
        query = query.where(CouncilSpec.vehicle_class == vehicle_class)
    return list(tk.session.scalars(query))


def get_council_spec(spec_id: int) -> CouncilSpec:
    spec = tk.session.get(CouncilSpec, spec_id) if id_in_range(spec_id) else None
    if spec is None:
        raise FleetNotFound(f"There is no council vehicle specification {spec_id}.")
    return spec


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
