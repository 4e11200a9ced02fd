"""Builders for the bulky waste tests: three councils, an officer of each of two, a
coordinator, an administrator, a bulky waste contract, and API tokens."""

from __future__ import annotations

from typing import Any

from factories import PASSWORD

NLC, GLASGOW, EAST_AYRSHIRE = "S12000050", "S12000049", "S12000008"
NAMES = {
    NLC: "North Lanarkshire Council",
    GLASGOW: "Glasgow City Council",
    EAST_AYRSHIRE: "East Ayrshire Council",
}
USERS = {
    "nlc": ("officer@nlc.example", NLC, ("officer",)),
    "glasgow": ("officer@glasgow.example", GLASGOW, ("officer",)),
    "coordinator": ("coordinator@glasgow.example", GLASGOW, ("coordinator",)),
    "admin": ("admin@nlc.example", NLC, ("admin",)),
}


def profile_body(council_code: str = NLC, year: str = "2024-25", **changes: Any) -> dict:
    """A complete, valid profile as an API client sends it."""
    body = {
        "council_code": council_code,
        "financial_year": year,
        "delivery_model": "in_house",
        "collections": 18200,
        "items": 61900,
        "tonnes_collected": 2310,
        "tonnes_reuse": 150,
        "tonnes_recycling": 640,
        "tonnes_energy_recovery": 1100,
        "tonnes_landfill": 420,
        "charge_price": 25,
        "charge_items_covered": 4,
        "concessions": "Free for households receiving Council Tax Reduction.",
        "operating_cost": 1092000,
        "days_to_collection": 8,
        "contract_references": ["NLC-BULKY-1"],
    }
    body.update(changes)
    return body


def sign_in(client: Any, who: str) -> None:
    """Sign a test client in through the sign-in form (CSRF token included)."""
    import re

    page = client.get("/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/sign-in", data={"email": USERS[who][0], "password": PASSWORD, "csrf_token": csrf}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def csrf_of(client: Any, url: str) -> str:
    import re

    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
