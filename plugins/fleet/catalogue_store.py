"""The vehicle catalogue as stored: each model's figures and its verdict against the
adopted standard, loaded from the catalogue CSV (read by the pure `catalogue` module) and
rechecked when a new standard is adopted.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from procurehub import toolkit as tk

from .catalogue import CatalogueModel, CatalogueRead, catalogue_report, read_catalogue
from .errors import FleetNotFound, id_in_range
from .measures import Measure
from .models import CatalogueVehicle
from .standard_spec import StandardSpec, check_compliance
from .standards import DEFAULT_CLASS, adopted_standard


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
    vehicle = tk.session.get(CatalogueVehicle, vehicle_id) if id_in_range(vehicle_id) else None
    if vehicle is None:
        raise FleetNotFound(f"There is no catalogue vehicle {vehicle_id}.")
    return vehicle


def recheck_catalogue(standard: StandardSpec) -> None:
    """The catalogue's stored verdicts follow the adopted standard."""
    version = f"{standard.vehicle_class} v{standard.version}"
    for vehicle in catalogue_vehicles():
        compliance = check_compliance(standard, vehicle_figures(vehicle))
        vehicle.compliant = compliance.compliant
        vehicle.failures = [dict(f) for f in compliance.failures]
        vehicle.standard_version = version
