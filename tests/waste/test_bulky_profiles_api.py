"""Bulky waste profiles through the API: every error at once, a council edits only its own
profile, each change is audited with before and after."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from waste.bulky_hub import GLASGOW, NLC, profile_body

from procurehub.audit.models import AuditEvent
from procurehub.extensions import db

URL = "/api/v1/waste/bulky-profiles"


def audit(app, object_id):
    with app.app_context():
        return [
            (e.action, e.actor, e.changes)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "waste_bulky_profile")
                .where(AuditEvent.object_id == str(object_id))
                .order_by(AuditEvent.id)
            )
        ]


def test_officer_records_the_councils_profile(hub, client):
    body = profile_body(tonnes_landfill=None)  # destinations now fall 420 t short
    response = client.post(URL, json=body, headers=hub.headers("nlc"))
    assert response.status_code == 201, response.get_json()
    saved = response.get_json()
    assert saved["council_name"] == "North Lanarkshire Council"
    assert saved["tonnes_collected"] == 2310 and saved["tonnes_landfill"] is None
    assert saved["delivery_model"] == "in_house"
    assert saved["contracts"] == [
        {
            "reference": "NLC-BULKY-1",
            "contract_id": hub.contract_id,
            "title": "Bulky waste uplift and reuse",
            "url": f"/contracts/{hub.contract_id}",
        }
    ]
    [warning] = saved["warnings"]
    assert warning["field"] == "tonnes_collected" and "420 short" in warning["message"]
    again = client.get(f"{URL}/{saved['id']}", headers=hub.headers("glasgow")).get_json()
    assert again["operating_cost"] == 1092000.0
    [(action, actor, changes)] = audit(hub.app, saved["id"])
    assert action == "create" and actor == "officer@nlc.example"
    assert changes["operating_cost"] == [None, "1092000"]


def test_council_code_defaults_to_the_users_own_council(hub, client):
    body = profile_body()
    del body["council_code"]
    response = client.post(URL, json=body, headers=hub.headers("nlc"))
    assert response.status_code == 201 and response.get_json()["council_code"] == NLC


def test_every_error_is_reported_at_once_with_warnings(hub, client):
    body = profile_body(
        financial_year="2024/25",
        delivery_model="council",
        collections=-3,
        items="lots",
        tonnes_reuse=5000,  # destinations exceed tonnes collected
        days_to_collection="1e5",
        charge_price="12.345",  # a valid number, but pennies only
        colour="blue",
    )
    response = client.post(URL, json=body, headers=hub.headers("nlc"))
    assert response.status_code == 422
    payload = response.get_json()
    assert set(payload["errors"]) == {
        "financial_year",
        "delivery_model",
        "collections",
        "items",
        "tonnes_collected",
        "days_to_collection",
        "charge_price",
    }
    assert "2024/25" in payload["errors"]["financial_year"][0]
    assert payload["errors"]["collections"] == ["Collections made cannot be negative; got '-3'."]
    assert "at most 2 decimal places" in payload["errors"]["charge_price"][0]
    assert "7 problems" in payload["message"]
    assert any("not a bulky waste profile field" in w["message"] for w in payload["warnings"])
    with hub.app.app_context():
        from plugins.waste.models import BulkyProfile

        assert db.session.scalar(select(BulkyProfile.id)) is None


def test_a_second_profile_for_the_same_year_is_a_conflict(hub, client):
    assert client.post(URL, json=profile_body(), headers=hub.headers("nlc")).status_code == 201
    response = client.post(URL, json=profile_body(), headers=hub.headers("nlc"))
    assert response.status_code == 409
    assert "already recorded" in response.get_json()["errors"]["financial_year"][0]


def test_an_officer_cannot_write_another_councils_profile(hub, client):
    response = client.post(URL, json=profile_body(GLASGOW), headers=hub.headers("nlc"))
    assert response.status_code == 403
    assert "your own council" in response.get_json()["message"]
    created = client.post(URL, json=profile_body(), headers=hub.headers("nlc")).get_json()
    for who in ("glasgow", "coordinator"):
        patch = client.patch(
            f"{URL}/{created['id']}", json={"collections": 1}, headers=hub.headers(who)
        )
        assert patch.status_code == 403, who
        assert client.delete(f"{URL}/{created['id']}", headers=hub.headers(who)).status_code == 403
    unchanged = client.get(f"{URL}/{created['id']}", headers=hub.headers("nlc")).get_json()
    assert unchanged["collections"] == 18200
    by_admin = client.patch(
        f"{URL}/{created['id']}", json={"days_to_collection": 9}, headers=hub.headers("admin")
    )
    assert by_admin.status_code == 200 and by_admin.get_json()["days_to_collection"] == 9


def test_changes_and_deletion_are_audited_with_before_and_after(hub, client):
    created = client.post(URL, json=profile_body(), headers=hub.headers("nlc")).get_json()
    changed = client.patch(
        f"{URL}/{created['id']}",
        json={"operating_cost": "£1,100,000", "id": created["id"], "warnings": []},
        headers=hub.headers("nlc"),
    )
    assert changed.status_code == 200 and changed.get_json()["operating_cost"] == 1100000
    moved = client.patch(
        f"{URL}/{created['id']}", json={"council_code": GLASGOW}, headers=hub.headers("nlc")
    )
    assert moved.status_code == 422 and "another council" in moved.get_json()["errors"][
        "council_code"
    ][0]
    assert client.delete(f"{URL}/{created['id']}", headers=hub.headers("nlc")).status_code == 204
    events = audit(hub.app, created["id"])
    assert [e[0] for e in events] == ["create", "update", "delete"]
    assert events[1][2] == {"operating_cost": ["1092000", "1100000"]}
    assert events[2][2]["operating_cost"] == ["1100000", None]
    assert client.get(f"{URL}/{created['id']}", headers=hub.headers("nlc")).status_code == 404


def test_list_filters_and_pages(hub, client):
    for year in ("2022-23", "2023-24", "2024-25"):
        client.post(URL, json=profile_body(year=year), headers=hub.headers("nlc"))
    client.post(URL, json=profile_body(GLASGOW), headers=hub.headers("glasgow"))
    first = client.get(f"{URL}?council={NLC}&limit=2", headers=hub.headers("glasgow")).get_json()
    assert len(first["items"]) == 2 and first["next"]
    rest = client.get(
        f"{URL}?council={NLC}&limit=2&cursor={first['next']}", headers=hub.headers("glasgow")
    ).get_json()
    assert [p["financial_year"] for p in first["items"] + rest["items"]] == [
        "2022-23",
        "2023-24",
        "2024-25",
    ]
    year = client.get(f"{URL}?year=2024-25", headers=hub.headers("nlc")).get_json()
    assert {p["council_code"] for p in year["items"]} == {NLC, GLASGOW}


def test_stored_figures_keep_their_decimals(hub, client):
    body = profile_body(tonnes_collected="2310.125", tonnes_landfill="420.125")
    created = client.post(URL, json=body, headers=hub.headers("nlc")).get_json()
    with hub.app.app_context():
        from plugins.waste.models import BulkyProfile

        row = db.session.get(BulkyProfile, created["id"])
        assert row.tonnes_collected == Decimal("2310.125")
    too_fine = client.post(
        URL, json=profile_body(year="2023-24", tonnes_reuse="1.0005"), headers=hub.headers("nlc")
    )
    assert too_fine.status_code == 422
    assert "at most 3 decimal places" in too_fine.get_json()["errors"]["tonnes_reuse"][0]


def test_profiles_are_in_the_openapi_document(hub, client):
    spec = client.get("/api/v1/openapi.json", headers=hub.headers("nlc")).get_json()
    for path in (
        "/api/v1/waste/bulky-profiles",
        "/api/v1/waste/bulky-profiles/{profile_id}",
        "/api/v1/waste/bulky-benchmark",
        "/api/v1/waste/joint-models",
        "/api/v1/waste/joint-models/preview",
        "/api/v1/waste/joint-models/{model_id}",
    ):
        assert path in spec["paths"], path
