"""The vehicle catalogue file: real models with their figures as the sources state them.

The file is compiled by people from launch material, road tests and the trade press, so
cells are text with qualifiers ("up to 1100", "330 (205 mi)") and each row carries its
sources. Reading keeps all of that: every figure becomes a :class:`~.measures.Measure`
(raw text included), and the ``sources`` and ``notes`` stay attached to the model so a
person can check any figure at its origin.

Headings are matched by normalised name ("Payload (kg)", "PAYLOAD_KG" and "payload kg" are
the same column) plus a few synonyms, so a re-ordered or differently-cased file still reads.
A row whose GVW cell lists alternatives ("3500 or 4000") describes one variant per weight,
so it gives one model per GVW: whether a van needs more than a car licence is decided per
weight, and the §4 report has one ``gvw_kg`` per model.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .measures import (
    FleetError,
    Measure,
    format_number,
    gvw_alternatives_kg,
    parse_battery_warranty,
    parse_measure,
)
from .standard_spec import StandardSpec, check_compliance

__all__ = [
    "CatalogueError",
    "CatalogueModel",
    "CatalogueRead",
    "RowError",
    "catalogue_report",
    "normalise_heading",
    "read_catalogue",
]


class CatalogueError(FleetError):
    """A catalogue file that cannot be read at all (no make/model columns, not CSV)."""


@dataclass(frozen=True)
class RowError:
    """One row that could not become a model; same shape as the import report's errors."""

    row: int
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "value": self.value,
                "message": self.message}


@dataclass(frozen=True)
class CatalogueModel:
    """One model variant from the catalogue; ``figures`` is keyed by the standard's
    attribute names (``payload_kg``, ``usable_battery_kwh``, ``battery_warranty_km``...)."""

    row: int
    make: str
    model: str
    variant: str
    body: str
    gvw_kg: Decimal | None
    figures: Mapping[str, Measure | str | None] = field(compare=False)
    sources: tuple[str, ...] = ()
    notes: str = ""
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.make, self.model, self.variant) if p)

    def named_figures(self) -> dict[str, Measure | str | None]:
        """Figures plus make/model/variant, ready for comparison and variation counting."""
        return {"make": self.make, "model": self.model, "variant": self.variant, **self.figures}


@dataclass(frozen=True)
class CatalogueRead:
    models: tuple[CatalogueModel, ...]
    errors: tuple[RowError, ...]


def normalise_heading(text: str) -> str:
    """``"Payload (kg)"`` -> ``payload_kg``; ``"WLTP range km"`` -> ``wltp_range_km``."""
    text = text.replace("m³", "m3").replace("\ufeff", "")
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


# column (normalised) -> the unit its figures are in
_FIGURE_COLUMNS = {
    "payload_kg": "kg",
    "load_volume_m3": "m3",
    "load_length_mm": "mm",
    "battery_kwh": "kWh",
    "wltp_range_km": "km",
    "ac_charge_kw": "kW",
    "dc_charge_kw": "kW",
    "max_speed_kmh": "km/h",
    "towing_braked_kg": "kg",
    "seats": "seats",
    "wheelbase_mm": "mm",
    "height_mm": "mm",
}
_TEXT_COLUMNS = ("make", "model", "variant", "body", "gvw_kg", "over_3500kg",
                 "battery_kwh_basis", "battery_warranty", "euro_ncap_van_rating", "notes",
                 "sources")
_SYNONYMS = {
    "manufacturer": "make", "brand": "make", "model_name": "model", "derivative": "variant",
    "version": "variant", "trim": "variant", "body_type": "body", "body_style": "body",
    "gvw": "gvw_kg", "gross_vehicle_weight": "gvw_kg", "gross_vehicle_weight_kg": "gvw_kg",
    "mam": "gvw_kg", "gvm": "gvw_kg", "gvw_t": "gvw_kg", "payload": "payload_kg",
    "load_volume": "load_volume_m3", "load_space_m3": "load_volume_m3",
    "load_length": "load_length_mm", "battery": "battery_kwh", "battery_capacity_kwh":
    "battery_kwh", "battery_basis": "battery_kwh_basis", "wltp_range": "wltp_range_km",
    "range_km": "wltp_range_km", "ac_charging_kw": "ac_charge_kw", "dc_charging_kw":
    "dc_charge_kw", "top_speed_kmh": "max_speed_kmh", "max_speed": "max_speed_kmh",
    "towing_kg": "towing_braked_kg", "braked_towing_kg": "towing_braked_kg",
    "euro_ncap": "euro_ncap_van_rating", "euro_ncap_rating": "euro_ncap_van_rating",
    "source": "sources", "source_urls": "sources", "source_url": "sources", "note": "notes",
}
_KNOWN = set(_FIGURE_COLUMNS) | set(_TEXT_COLUMNS)
_USABLE_NOTE = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(?:kwh\s*)?(?:usable|net)\b", re.IGNORECASE)
_SOURCE_SPLIT = re.compile(r"\s*;\s*|\s+(?=https?://)")


def _column_map(headings: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, heading in enumerate(headings):
        key = normalise_heading(heading)
        key = _SYNONYMS.get(key, key)
        mapping.setdefault(key, index)
    return mapping


def _usable_battery(battery: Measure, basis: str) -> Measure:
    """The usable capacity: a figure written as "N usable" wins; else the stated capacity when
    its basis says usable/net; else unknown (a nominal pack's usable share is not stated)."""
    note = _USABLE_NOTE.search(battery.qualifier or "")
    if note:
        number = Decimal(note.group(1))
        return Measure(number, number, number, "usable figure in the battery note", "kWh",
                       battery.raw)
    basis_words = basis.strip().lower()
    if battery.known and re.match(r"(usable|net)\b", basis_words):
        return battery
    return Measure(None, qualifier=f"basis: {basis.strip()}" if basis.strip() else None,
                   unit="kWh", raw=battery.raw)


def _read_text(path_or_text: str | os.PathLike[str]) -> tuple[str, str]:
    """(text, name for messages). A str with a line break is the CSV itself; otherwise a path."""
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        return path_or_text, "The catalogue"
    path = Path(path_or_text)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(
            f"Cannot read the catalogue file {path.name}: {exc.strerror}"
        ) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), path.name
        except UnicodeDecodeError:
            continue
    raise CatalogueError(f"{path.name} is not a text (CSV) file")  # pragma: no cover


def read_catalogue(path_or_text: str | os.PathLike[str]) -> CatalogueRead:
    """Read a catalogue CSV (a path, or the CSV text itself) into models and row errors.

    Raises :class:`CatalogueError` when the file has no ``make`` or ``model`` column; a row
    without a make or model is a :class:`RowError` and the other rows still read.
    """
    text, name = _read_text(path_or_text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CatalogueError(f"{name} is not a readable CSV file: {exc}") from None
    header_index = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_index is None:
        raise CatalogueError(f"{name} is empty")
    headings = rows[header_index]
    columns = _column_map(headings)
    missing = [c for c in ("make", "model") if c not in columns]
    if missing:
        found = ", ".join(h.strip() for h in headings if h.strip()) or "none"
        raise CatalogueError(
            f"{name} has no {' or '.join(repr(m) for m in missing)} column; the headings found "
            f"are: {found}"
        )
    models: list[CatalogueModel] = []
    errors: list[RowError] = []
    for offset, cells in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(c.strip() for c in cells):
            continue
        models_or_error = _row_models(offset, cells, columns, headings)
        if isinstance(models_or_error, RowError):
            errors.append(models_or_error)
        else:
            models.extend(models_or_error)
    return CatalogueRead(tuple(models), tuple(errors))


def _row_models(
    row: int, cells: list[str], columns: dict[str, int], headings: list[str]
) -> list[CatalogueModel] | RowError:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    make, model = cell("make"), cell("model")
    if not make or not model:
        column = "make" if not make else "model"
        heading = headings[columns[column]].strip()
        return RowError(row, heading, cell(column) or None,
                        f"Row {row} has no {column}; every catalogue row needs a make and a "
                        "model")
    figures: dict[str, Measure | str | None] = {
        key: parse_measure(cell(key), unit) for key, unit in _FIGURE_COLUMNS.items()
    }
    figures["usable_battery_kwh"] = _usable_battery(
        figures["battery_kwh"], cell("battery_kwh_basis")  # type: ignore[arg-type]
    )
    warranty = parse_battery_warranty(cell("battery_warranty"))
    figures["battery_warranty_years"] = warranty.years
    figures["battery_warranty_km"] = warranty.km
    figures["battery_warranty_capacity_pct"] = warranty.capacity_pct
    figures["euro_ncap_van_rating"] = cell("euro_ncap_van_rating") or None
    figures["body"] = cell("body") or None
    sources = tuple(s for s in _SOURCE_SPLIT.split(cell("sources")) if s)
    extra = {
        headings[i].strip(): cells[i].strip()
        for key, i in columns.items()
        if key not in _KNOWN and i < len(cells) and cells[i].strip()
    }
    if cell("over_3500kg"):
        extra["over_3500kg"] = cell("over_3500kg")
    gvw_text = cell("gvw_kg")
    weights = gvw_alternatives_kg(gvw_text) or (None,)
    variant = cell("variant")
    out = []
    for gvw in weights:
        own = dict(figures)
        if gvw is None:
            own["gvw_kg"] = parse_measure(gvw_text, "kg")
        else:
            qualifier = None if gvw_text.strip() == str(gvw) else f"stated as {gvw_text.strip()}"
            own["gvw_kg"] = Measure(gvw, gvw, gvw, qualifier, "kg", gvw_text)
        label = variant
        if len(weights) > 1:
            label = f"{variant} ({format_number(gvw)} kg GVW)" if variant else (
                f"{format_number(gvw)} kg GVW"
            )
        out.append(
            CatalogueModel(row, make, model, label, cell("body"), gvw, own, sources,
                           cell("notes"), extra)
        )
    return out


def catalogue_report(
    models: Iterable[CatalogueModel], standard: StandardSpec
) -> dict[str, list[dict[str, Any]]]:
    """Each model checked against the adopted standard, in the shape the
    ``fleet import-catalogue --json`` report prints (§4): ``compliant`` is null when a
    mandatory figure is unknown; ``failures`` are the mandatory failures."""
    out = []
    for model in models:
        compliance = check_compliance(standard, model.figures)
        gvw = model.gvw_kg
        out.append({
            "make": model.make,
            "model": model.model,
            "variant": model.variant,
            "gvw_kg": None if gvw is None else (int(gvw) if gvw == int(gvw) else float(gvw)),
            "compliant": compliance.compliant,
            "failures": [dict(f) for f in compliance.failures],
        })
    return {"models": out}
