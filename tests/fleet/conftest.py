"""A fleet hub for the service, API and page tests: councils, people of each role, the real
catalogue, and helpers to sign in and post forms."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from factories import PASSWORD, bearer, council, token, user
from procurehub.extensions import db

CATALOGUE = Path(__file__).parents[1] / "ingest" / "data" / "electric_vans_uk_public_sources.csv"
FIFE, GLASGOW, EDINBURGH, NLC = "S12000047", "S12000049", "S12000036", "S12000050"


@pytest.fixture(autouse=True)
def _quick_hashing(quick_password_hashing: None) -> None:
    """Every fleet test makes several users (tests/conftest.py `quick_password_hashing`)."""


@pytest.fixture
def fleet(app: Any) -> SimpleNamespace:
    """Four councils; a network manager (Fife), officers (Glasgow, Edinburgh, NLC), a
    coordinator and a digital lead (Glasgow); the catalogue loaded. Tokens by role."""
    from plugins.fleet import catalogue_store, standards

    with app.app_context():
        council(FIFE, "Fife Council")
        council(GLASGOW, "Glasgow City Council")
        council(EDINBURGH, "City of Edinburgh Council")
        council(NLC, "North Lanarkshire Council")
        user("manager@fife.example", FIFE, "network_manager")
        user("officer@glasgow.example", GLASGOW, "officer")
        user("officer@edinburgh.example", EDINBURGH, "officer")
        user("officer@nlc.example", NLC, "officer")
        user("lead@glasgow.example", GLASGOW, "coordinator")
        user("digital@glasgow.example", GLASGOW, "digital_lead")
        catalogue_store.load_catalogue(CATALOGUE)
        db.session.commit()
        vehicles = {
            (v.make, v.model, v.variant): v.id for v in catalogue_store.catalogue_vehicles()
        }
        standard_id = standards.adopted_record(standards.DEFAULT_CLASS).id
        db.session.commit()
        hub = SimpleNamespace(
            manager=bearer(token("manager@fife.example")),
            glasgow=bearer(token("officer@glasgow.example")),
            edinburgh=bearer(token("officer@edinburgh.example")),
            nlc=bearer(token("officer@nlc.example")),
            coordinator=bearer(token("lead@glasgow.example")),
            digital=bearer(token("digital@glasgow.example")),
            vehicles=vehicles,
            standard_id=standard_id,
        )
        hub.vehicle_id = lambda make, model: vehicle_id(hub, make, model)
        hub.fife_spec = lambda: fife_spec(hub)
        hub.glasgow_spec = lambda: glasgow_spec(hub)
        hub.edinburgh_spec = edinburgh_spec
        return hub


def vehicle_id(fleet: SimpleNamespace, make: str, model: str) -> int:
    return next(i for (mk, md, _v), i in fleet.vehicles.items() if (mk, md) == (make, model))


KIT = {
    "aeb": "yes",
    "reversing_camera": "yes",
    "parking_sensors": "yes",
    "bulkhead": "yes",
    "beacons": "yes",
    "chevrons": "yes",
    "telematics": "yes",
}
WARRANTY = {
    "battery_warranty_years": "8",
    "battery_warranty_km": "160,000",
    "battery_warranty_capacity_pct": "70",
}


def fife_spec(fleet: SimpleNamespace) -> dict[str, Any]:
    """A compliant spec linked to the Ford E-Transit Custom, figures the catalogue lacks."""
    return {
        "name": "Medium panel van 2025",
        "catalogue_vehicle_id": vehicle_id(fleet, "Ford", "E-Transit Custom"),
        "figures": {**KIT, **WARRANTY, "gvw_kg": "3,200 kg", "usable_battery_kwh": "64",
                    "load_volume_m3": "5.8", "load_length_mm": "2,554", "seats": "3"},
        "costs": {"purchase_price": "43500", "annual_km": "16000"},
    }


def glasgow_spec(fleet: SimpleNamespace) -> dict[str, Any]:
    """A Kangoo with no telematics: fails a mandatory requirement."""
    return {
        "name": "City small van",
        "catalogue_vehicle_id": vehicle_id(fleet, "Renault", "Kangoo Van E-Tech Electric"),
        "figures": {**KIT, **WARRANTY, "telematics": "no", "gvw_kg": "2,260",
                    "usable_battery_kwh": "45", "load_volume_m3": "3.9",
                    "load_length_mm": "1,806", "seats": "2"},
    }


def edinburgh_spec() -> dict[str, Any]:
    """A performance spec (no model) with a 6.6 kW charger and a 220 km WLTP range."""
    return {
        "name": "Large panel van performance spec",
        "figures": {**KIT, **WARRANTY, "gvw_kg": "3.5 t", "payload_kg": "1,000",
                    "load_volume_m3": "6", "load_length_mm": "2,600",
                    "usable_battery_kwh": "50", "wltp_range_km": "220", "ac_charge_kw": "6.6",
                    "dc_charge_kw": "50", "max_speed_kmh": "130", "towing_braked_kg": "1,000",
                    "seats": "3", "battery_warranty_km": "100,000 miles"},
        "costs": {"purchase_price": "46000", "energy_kwh_per_100km": "27"},
    }


@pytest.fixture
def three_specs(fleet: SimpleNamespace, client: Any) -> dict[str, int]:
    """Fife's, Glasgow's and Edinburgh's van specs, each posted by its own council."""
    ids = {}
    for key, headers, body in (
        ("fife", fleet.manager, fife_spec(fleet)),
        ("glasgow", fleet.glasgow, glasgow_spec(fleet)),
        ("edinburgh", fleet.edinburgh, edinburgh_spec()),
    ):
        response = client.post("/api/v1/fleet/specs", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        ids[key] = response.get_json()["id"]
    return ids


class Pages:
    """Signing in and posting forms as a browser would (with the page's CSRF token)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @staticmethod
    def csrf_of(html: str) -> str:
        return csrf_of(html)

    def sign_in(self, email: str) -> None:
        sign_in(self.client, email)

    def post(self, url: str, data: dict[str, Any], page: str | None = None, **kw: Any) -> Any:
        html = self.client.get(page or url).get_data(as_text=True)
        return self.client.post(url, data={**data, "csrf_token": csrf_of(html)}, **kw)


@pytest.fixture
def pages(client: Any) -> Pages:
    return Pages(client)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, email: str) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302

