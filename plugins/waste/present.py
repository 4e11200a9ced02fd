"""Figures as people read them: pounds, tonnes, percentages, days (pages and the CLI).

Pure: rounding goes through `display_value` (half away from zero, as Excel's ROUND).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from .bulky_benchmark import display_value
from .bulky_profile import DELIVERY_MODEL_LABELS
from .joint_service import PER_COLLECTION, PER_TONNE

MONEY_MEASURES = {"cost_per_collection", "cost_per_tonne", "charge"}
SHARE_MEASURES = {"reuse_share", "recycling_share", "reuse_and_recycling_share"}
DESTINATION_LABELS = {
    "reuse": "Reuse",
    "recycling": "Recycling",
    "energy_recovery": "Energy recovery",
    "landfill": "Landfill",
}
BASIS_LABELS = {PER_TONNE: "per tonne", PER_COLLECTION: "per collection"}


def money(value: Any, places: int = 0) -> str:
    if value is None:
        return "not known"
    shown = display_value(Fraction(value), places)
    sign = "−" if shown < 0 else ""
    return f"{sign}£{abs(shown):,.{places}f}"


def number(value: Any, places: int = 0) -> str:
    if value is None:
        return "not known"
    shown = display_value(Fraction(value), places)
    sign = "−" if shown < 0 else ""
    return f"{sign}{abs(shown):,.{places}f}"


def percent(value: Any, places: int = 1) -> str:
    if value is None:
        return "not known"
    return number(Fraction(value) * 100, places) + "%"


def measure_text(key: str, value: Any) -> str:
    if value is None:
        return "not known"
    if key in MONEY_MEASURES:
        return money(value, 2)
    if key in SHARE_MEASURES:
        return percent(value)
    if key == "days_to_collection":
        return number(value, 1) + " days"
    return number(value, 1) + " t"


def signed(key: str, value: Any) -> str:
    if value is None:
        return ""
    text = measure_text(key, abs(Fraction(value)))
    if key in SHARE_MEASURES:
        text = text.replace("%", " points")
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def field_text(name: str, value: Any) -> str:
    """A stored profile figure as a person reads it."""
    if value is None or value == [] or value == "":
        return ""
    if name == "delivery_model":
        return DELIVERY_MODEL_LABELS.get(value, value)
    if name in {"charge_price", "operating_cost"}:
        return money(value, 2)
    if name.startswith("tonnes_"):
        return number(value, 3 if Decimal(value) != int(value) else 0) + " t"
    if name == "days_to_collection":
        return number(value, 1) + " days"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
