"""Joint service models: preview equals the pure model, a saved model is shared with every
signed-in user and changed only by its author or a coordinator, and the page offers the
tender plan's bulky waste wave."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from waste.bulky_hub import EAST_AYRSHIRE, GLASGOW, NLC, csrf_of, profile_body, sign_in

from plugins.waste.bulky_profile import profile_from_values
from plugins.waste.joint_service import JointServiceAssumptions, model_joint_service
from procurehub.extensions import db

GLASGOW_BODY = profile_body(
    GLASGOW,
    collections=31500,
    items=118000,
    tonnes_collected=4050,
    tonnes_reuse=120,
    tonnes_recycling=900,
    tonnes_energy_recovery=2400,
    tonnes_landfill=630,
    operating_cost=2050000,
    contract_references=[],
)
ASSUMPTIONS = {
    "pricing_basis": "per_tonne",
    "joint_price": 420,
    "reuse_share_target": 0.1,
    "recycling_share_target": "30%",
}


@pytest.fixture
def profiles(hub, client):
    for body, who in ((profile_body(), "nlc"), (GLASGOW_BODY, "glasgow")):
        response = client.post("/api/v1/waste/bulky-profiles", json=body, headers=hub.headers(who))
        assert response.status_code == 201
    return hub


def model_body(**changes):
    body = {
        "name": "West joint bulky service",
        "financial_year": "2024-25",
        "councils": [NLC, GLASGOW],
        "assumptions": dict(ASSUMPTIONS),
    }
    body.update(changes)
    return body


def test_preview_equals_the_pure_model_with_every_assumption(profiles, client):
    response = client.post(
        "/api/v1/waste/joint-models/preview",
        json={k: v for k, v in model_body().items() if k != "name"},
        headers=profiles.headers("coordinator"),
    )
    assert response.status_code == 200, response.get_json()
    got = response.get_json()
    pure = model_joint_service(
        [profile_from_values(profile_body()), profile_from_values(GLASGOW_BODY)],
        [NLC, GLASGOW],
        "2024-25",
        JointServiceAssumptions(
            "per_tonne", Decimal(420), Decimal("0.1"), Decimal("0.3")
        ),
    )
    assert got["current_cost"] == float(pure.current_cost) == 3142000
    assert got["joint_cost"] == float(pure.joint_cost) == 420 * (2310 + 4050)
    assert got["saving"] == float(pure.saving)
    assert [c["saving"] for c in got["council_costs"]] == [float(c.saving) for c in pure.council_costs]
    assert got["council_costs"][0]["council_name"] == "North Lanarkshire Council"
    assert got["diverted_from_landfill"] == float(pure.diverted_from_landfill)
    assert got["co2e"]["current_kg"] == float(pure.co2e_current_kg)
    assert got["co2e"]["modelled_kg"] == float(pure.co2e_modelled_kg)
    assert got["destinations"]["modelled"]["reuse"] == pytest.approx(0.1 * 6360)
    factors = [a for a in got["assumptions"] if a["name"].startswith("CO2e factor")]
    assert len(factors) == 4
    assert all(a["valid_from"] == "2025-01-01" and "DESNZ" in a["source"] for a in factors)
    price = next(a for a in got["assumptions"] if a["name"] == "Joint price")
    assert price["value"] == 420 and price["unit"] == "£ per tonne"


def test_preview_refusals_say_what_to_change(profiles, client):
    headers = profiles.headers("nlc")
    missing = client.post(
        "/api/v1/waste/joint-models/preview",
        json={**{k: v for k, v in model_body().items() if k != "name"},
              "councils": [NLC, EAST_AYRSHIRE]},
        headers=headers,
    )
    assert missing.status_code == 422
    assert "East Ayrshire Council" in missing.get_json()["message"]  # by name, not code
    bad = client.post(
        "/api/v1/waste/joint-models/preview",
        json={
            "financial_year": "2024",
            "councils": ["S99999999"],
            "assumptions": {"pricing_basis": "per_tonne", "joint_price": -1,
                            "reuse_share_target": "150%"},
        },
        headers=headers,
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {
        "councils",
        "financial_year",
        "joint_price",
        "reuse_share_target",
    }
    huge = client.post(
        "/api/v1/waste/joint-models/preview",
        json={**{k: v for k, v in model_body().items() if k != "name"},
              "assumptions": {"pricing_basis": "per_tonne", "joint_price": 1e308}},
        headers=headers,
    )
    assert huge.status_code == 422 and "under £1,000,000" in huge.get_json()["message"]


def test_a_saved_model_is_shared_and_changed_only_by_author_or_coordinator(profiles, client):
    created = client.post(
        "/api/v1/waste/joint-models", json=model_body(), headers=profiles.headers("nlc")
    )
    assert created.status_code == 201, created.get_json()
    model = created.get_json()
    assert model["author"] == "officer@nlc.example" and model["result"]["saving"] > 0
    listed = client.get("/api/v1/waste/joint-models", headers=profiles.headers("glasgow"))
    [seen] = listed.get_json()["items"]
    assert seen["id"] == model["id"] and seen["may_edit"] is False
    url = f"/api/v1/waste/joint-models/{model['id']}"
    denied = client.patch(url, json={"name": "Mine now"}, headers=profiles.headers("glasgow"))
    assert denied.status_code == 403
    by_coordinator = client.patch(
        url,
        json={"assumptions": {"joint_price": 400}},
        headers=profiles.headers("coordinator"),
    )
    assert by_coordinator.status_code == 200
    assert by_coordinator.get_json()["assumptions"]["joint_price"] == "400"
    assert by_coordinator.get_json()["assumptions"]["reuse_share_target"] == "0.1"
    by_author = client.patch(url, json={"name": "West 2"}, headers=profiles.headers("nlc"))
    assert by_author.status_code == 200 and by_author.get_json()["name"] == "West 2"
    assert client.delete(url, headers=profiles.headers("glasgow")).status_code == 403
    assert client.delete(url, headers=profiles.headers("nlc")).status_code == 204
    with profiles.app.app_context():
        from procurehub.audit.models import AuditEvent

        events = list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.object_type == "waste_joint_model")
            )
        )
    assert [(e.action, e.actor) for e in events] == [
        ("create", "officer@nlc.example"),
        ("update", "coordinator@glasgow.example"),
        ("update", "officer@nlc.example"),
        ("delete", "officer@nlc.example"),
    ]
    assert events[1].changes["assumptions"][1]["joint_price"] == "400"


def test_only_a_coordinator_or_a_council_in_the_group_may_save(profiles, client, app):
    body = model_body(councils=[GLASGOW])
    assert (
        client.post("/api/v1/waste/joint-models", json=body, headers=profiles.headers("nlc"))
        .status_code
        == 403
    )
    refused = client.post(
        "/api/v1/waste/joint-models",
        json=model_body(councils=[NLC, EAST_AYRSHIRE]),
        headers=profiles.headers("coordinator"),
    )
    assert refused.status_code == 422 and "East Ayrshire Council" in refused.get_json()["message"]


def test_coordinator_models_from_the_tender_plan_wave_and_saves_on_the_page(
    profiles, client, app
):
    with app.app_context():
        from factories import contract
        from procurehub.accounts.service import get_council

        for code, reference in ((GLASGOW, "GCC-BULKY-9"), (NLC, "NLC-BULKY-2")):
            contract(
                get_council(code),
                reference=reference,
                title="Bulky uplift",
                category="waste.bulky",
                end_date=date(date.today().year + 4, 3, 31),
            )
    sign_in(client, "coordinator")
    page = client.get("/waste/bulky/joint-models/new").get_data(as_text=True)
    wave = re.search(r'<option value="([^"]+)"[^>]*>([^<]*Glasgow[^<]*)</option>', page)
    assert wave and "North Lanarkshire Council" in wave.group(2)
    chosen = client.get(f"/waste/bulky/joint-models/new?wave={wave.group(1)}").get_data(
        as_text=True
    )
    assert f'value="{NLC}" checked' in chosen and f'value="{GLASGOW}" checked' in chosen
    assert "Tender plan wave" in chosen
    worked = client.get(
        "/waste/bulky/joint-models/new",
        query_string={
            "run": "1",
            "year": "2024-25",
            "councils": [NLC, GLASGOW],
            "pricing_basis": "per_tonne",
            "joint_price": "420",
            "reuse_target": "10",
            "recycling_target": "",
            "source": "Tender plan wave",
        },
    )
    html = worked.get_data(as_text=True)
    assert worked.status_code == 200
    assert 'id="saving"' in html and "£470,800" in html  # 3,142,000 − 420 × 6,360
    assert "CO2e factor: landfill" in html and "01 Jan 2025" in html
    csrf = csrf_of(client, "/waste/bulky/joint-models")
    saved = client.post(
        "/waste/bulky/joint-models",
        data={
            "csrf_token": csrf,
            "year": "2024-25",
            "councils": [NLC, GLASGOW],
            "pricing_basis": "per_tonne",
            "joint_price": "420",
            "reuse_target": "10",
            "recycling_target": "",
            "source": "Tender plan wave",
            "name": "West bulky wave",
            "description": "",
        },
    )
    assert saved.status_code == 303
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "West bulky wave" in shown and 'id="share-link"' in shown and "£470,800" in shown
    with app.app_context():
        from plugins.waste.models import JointModel

        model = db.session.scalars(select(JointModel)).one()
        assert model.assumptions["reuse_share_target"] == "0.1"
        assert model.councils == [NLC, GLASGOW]
    sign_in(client, "glasgow")  # another officer sees the shared model
    listing = client.get("/waste/bulky/joint-models").get_data(as_text=True)
    assert "West bulky wave" in listing


def test_the_model_page_with_errors_lists_them(profiles, client):
    sign_in(client, "coordinator")
    response = client.get(
        "/waste/bulky/joint-models/new",
        query_string={"run": "1", "year": "2024-25", "pricing_basis": "per_tonne",
                      "joint_price": "abc", "reuse_target": "120"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#councils"' in html and 'href="#joint_price"' in html
    assert 'href="#reuse_target"' in html
