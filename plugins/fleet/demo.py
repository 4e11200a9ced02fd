"""`procurehub demo` for the fleet workstream: the real catalogue, councils' van specs with the
deviations real specs have, a short history of the variation count, and the councils' fleet
lists (loaded through the fleet list import, see `demo_fleet_lists`).

The councils' specs are invented but realistic: one council buys a compliant E-Transit
Custom (and a second council the same model, so the variation count shows them as one
specification), one buys a small Kangoo without telematics, and one writes a performance
spec with a 6.6 kW on-board charger and no rear chevrons. The earlier points of the
variation-count trend are demo history, so the chart has a line to show.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from procurehub import toolkit as tk

from . import catalogue_store, council_spec_edits, seed, standards, variation, vehicles
from .demo_fleet_lists import DEMO_FLEET_LISTS
from .models import VariationSnapshot

CATALOGUE = Path(__file__).with_name("electric_vans_uk_public_sources.csv")

FULL_KIT = {
    "aeb": "yes",
    "reversing_camera": "yes",
    "parking_sensors": "yes",
    "bulkhead": "yes",
    "beacons": "yes",
    "chevrons": "yes",
    "telematics": "yes",
}

# (council code, name, (make, model) of a catalogue model or None, figures, costs, notes)
DEMO_SPECS: tuple[tuple[str, str, tuple[str, str] | None, dict[str, str], dict[str, str],
                        str], ...] = (
    (
        "S12000047",
        "Medium panel van, electric (2025)",
        ("Ford", "E-Transit Custom"),
        {**FULL_KIT, "gvw_kg": "3,200 kg", "usable_battery_kwh": "64", "load_volume_m3": "5.8",
         "load_length_mm": "2,554", "seats": "3", "battery_warranty_years": "8",
         "battery_warranty_km": "160,000", "battery_warranty_capacity_pct": "70",
         "euro_ncap_van_rating": "Platinum"},
        {"purchase_price": "43500", "annual_km": "16000"},
        "Fife's replacement for its Transit Custom diesel vans in property services.",
    ),
    (
        "S12000050",
        "Trades van (electric)",
        ("Ford", "E-Transit Custom"),
        {**FULL_KIT, "gvw_kg": "3,200", "usable_battery_kwh": "64", "load_volume_m3": "5.8",
         "load_length_mm": "2554", "seats": "3", "battery_warranty_years": "8",
         "battery_warranty_km": "160000", "battery_warranty_capacity_pct": "70"},
        {"purchase_price": "44200"},
        "The same model as Fife's: one specification in the variation count.",
    ),
    (
        "S12000049",
        "City small van",
        ("Renault", "Kangoo Van E-Tech Electric"),
        {**FULL_KIT, "telematics": "no", "beacons": "no", "gvw_kg": "2,260 kg",
         "usable_battery_kwh": "45", "load_volume_m3": "3.9", "load_length_mm": "1,806",
         "seats": "2",
         "battery_warranty_years": "8", "battery_warranty_km": "160,000",
         "battery_warranty_capacity_pct": "70"},
        {"purchase_price": "33000", "annual_km": "9000"},
        "Town-centre environmental wardens; no telematics and no beacons on the order.",
    ),
    (
        "S12000036",
        "Large panel van performance spec",
        None,
        {**FULL_KIT, "chevrons": "no", "gvw_kg": "3.5 t", "payload_kg": "1,000",
         "load_volume_m3": "6", "load_length_mm": "2,600", "usable_battery_kwh": "50",
         "wltp_range_km": "220", "ac_charge_kw": "6.6", "dc_charge_kw": "50",
         "max_speed_kmh": "130", "towing_braked_kg": "1,000", "seats": "3",
         "battery_warranty_years": "8", "battery_warranty_km": "100,000 miles",
         "battery_warranty_capacity_pct": "70"},
        {"purchase_price": "46000", "energy_kwh_per_100km": "27"},
        "A performance specification for any make: a 6.6 kW charger and no rear chevrons.",
    ),
)

# Demo history of the variation count (months ago, distinct, compliant, councils).
DEMO_TREND = ((6, 6, 0, 4), (4, 5, 1, 4), (2, 4, 1, 4))


class DemoLoader:
    """The demo acts as an administrator (audited as "demo"), as `procurehub demo` does."""

    is_authenticated = True
    is_admin = True
    is_coordinator = True
    roles = ("admin",)
    email = "demo"
    id = None
    council_id = None


def load_demo() -> None:
    """Catalogue, councils' specs and variation history; skips councils the demo lacks."""
    seed.ensure_seeded()
    catalogue_store.load_catalogue(CATALOGUE)
    tk.session.flush()
    vehicles = catalogue_store.catalogue_vehicles()
    user = DemoLoader()
    for code, name, model, figures, costs, notes in DEMO_SPECS:
        if tk.council_id(code) is None:
            continue
        data: dict[str, Any] = {"name": name, "figures": figures, "costs": costs,
                                "notes": notes}
        if model is not None:
            match = next((v for v in vehicles if (v.make, v.model) == model), None)
            data["catalogue_vehicle_id"] = match.id if match else None
        council_spec_edits.create_council_spec(code, data, user)
    today = date.today()
    for months, distinct, compliant, councils in DEMO_TREND:
        taken_on = today - timedelta(days=30 * months)
        exists = tk.session.scalar(
            select(VariationSnapshot.id).where(
                VariationSnapshot.vehicle_class == standards.DEFAULT_CLASS,
                VariationSnapshot.taken_on == taken_on,
            )
        )
        if exists is None:
            tk.session.add(
                VariationSnapshot(
                    vehicle_class=standards.DEFAULT_CLASS, taken_on=taken_on,
                    distinct_specs=distinct, compliant_specs=compliant, councils=councils,
                    standard_version=1,
                )
            )
    variation.record_variation_snapshot(today)
    tk.session.commit()
    load_demo_fleet_lists(today)


def load_demo_fleet_lists(today: date | None = None) -> list[dict[str, Any]]:
    """Each demo council's fleet list, written as the council keeps it and imported through
    the fleet list import (each import commits, as an upload does). The reports, in order."""
    import tempfile

    today = today or date.today()
    reports = []
    with tempfile.TemporaryDirectory(prefix="procurehub-demo-fleet-") as folder:
        for code, write in DEMO_FLEET_LISTS:
            if tk.council_id(code) is None:
                continue
            path = write(Path(folder), today)
            reports.append(vehicles.import_fleet_list(path, code, filename=path.name))
    return reports
