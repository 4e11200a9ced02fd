"""Demo data for bulky waste: the six demo councils' profiles for two years and one saved
joint service model (called by `procurehub demo` through the plugin's `demo` field).

The figures are invented but plausible for the councils' sizes (about one collection a year
per 8 to 12 households, 0.12 to 0.13 tonnes and 3 to 4 items per collection, £45 to £80 per
collection); they are not any council's published figures.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from procurehub import toolkit as tk

from . import service
from .models import BulkyProfile

LATEST = "2024-25"
EARLIER = "2023-24"

# code: (model, collections, items, tonnes, reuse, recycling, energy, landfill, charge,
#        items covered, concessions, operating cost, days)
PROFILES_2024: dict[str, tuple[Any, ...]] = {
    "S12000050": (
        "in_house", 18200, 61900, "2310", "150", "640", "1100", "420", "25.00", 4,
        "Free for households receiving Council Tax Reduction.", "1092000", "8",
    ),
    "S12000049": (
        "mixed", 31500, 118000, "4050", "120", "900", "2400", "630", "35.00", 6,
        "Half price for residents over 65.", "2050000", "12",
    ),
    "S12000036": (
        "contractor", 21800, 72000, "2600", "210", "760", "1350", "280", "32.00", 6,
        "None.", "1480000", "10",
    ),
    "S12000047": (
        "reuse_partner", 16400, 57000, "2050", "410", "620", "720", "300", "25.00", 3,
        "Free reuse collection of furniture in good condition.", "980000", "7",
    ),
    "S12000006": (
        "in_house", 6900, 22000, "890", "40", "250", "180", "420", "30.00", 3,
        "None.", "520000", "14",
    ),
    "S12000008": (
        "in_house", 5600, 18500, "700", "60", "210", "330", "100", "0", 3,
        "Free service (up to three items).", "365000", "6",
    ),
}

JOINT_MODEL = {
    "name": "West of Scotland joint bulky waste service",
    "description": "A joint contract at £420 a tonne with a reuse partner, aiming for 10% reuse "
    "and 30% recycling. Price from an informal market sounding (illustrative).",
    "financial_year": LATEST,
    "councils": ["S12000050", "S12000049", "S12000008"],
    "assumptions": {
        "pricing_basis": "per_tonne",
        "joint_price": "420",
        "reuse_share_target": "0.10",
        "recycling_share_target": "0.30",
    },
    "source": "Picked by hand for the demo: the three West of Scotland demo councils",
}
FIELDS = (
    "delivery_model",
    "collections",
    "items",
    "tonnes_collected",
    "tonnes_reuse",
    "tonnes_recycling",
    "tonnes_energy_recovery",
    "tonnes_landfill",
    "charge_price",
    "charge_items_covered",
    "concessions",
    "operating_cost",
    "days_to_collection",
)


def _scaled(figures: tuple[Any, ...], volume: Decimal, cost: Decimal) -> dict[str, Any]:
    """The year before: fewer collections and tonnes, a lower cost, a day longer to wait."""
    values = dict(zip(FIELDS, figures, strict=True))
    for name in ("collections", "items"):
        values[name] = int(Decimal(values[name]) * volume)
    destinations = ("tonnes_reuse", "tonnes_recycling", "tonnes_energy_recovery", "tonnes_landfill")
    for name in destinations:
        values[name] = str((Decimal(values[name]) * volume).quantize(Decimal("1")))
    values["tonnes_collected"] = str(sum(Decimal(values[name]) for name in destinations))
    values["operating_cost"] = str((Decimal(values["operating_cost"]) * cost).quantize(Decimal(1)))
    values["days_to_collection"] = str(Decimal(values["days_to_collection"]) + 1)
    return values


def load_demo() -> None:
    """Profiles for the demo councils over two years and one saved joint model (once)."""
    if tk.session.scalar(select(func.count(BulkyProfile.id))):
        return
    names = tk.council_names()
    for code, figures in PROFILES_2024.items():
        if code not in names:
            continue
        references = [
            c["reference"] for c in service.bulky_contracts(code) if c.get("reference")
        ]
        latest = dict(zip(FIELDS, figures, strict=True))
        earlier = _scaled(figures, Decimal("0.96"), Decimal("0.95"))
        if code == "S12000008":
            earlier["tonnes_landfill"] = None  # a gap the profile page warns about
        for year, values in ((LATEST, latest), (EARLIER, earlier)):
            service.create_profile(
                {
                    "council_code": code,
                    "financial_year": year,
                    **values,
                    "contract_references": references,
                },
                user=None,
            )
    tk.session.flush()
    if all(code in names for code in JOINT_MODEL["councils"]):
        author = tk.user_id("coordinator@procurehub.example")
        model = service.save_joint_model(JOINT_MODEL, user=None)
        model.author_id = author
        model.author_email = "coordinator@procurehub.example" if author else None
    tk.session.commit()
