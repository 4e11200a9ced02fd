"""The standard stored and versioned: seeded once, adopted versions never edited (409), only
coordinators and network managers draft (403), adopting retires the previous version, every
change audited; the same through the pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from plugins.fleet.models import StandardSpecVersion
from plugins.fleet.standard_spec import phase1_evan_standard, standard_to_dict
from procurehub.audit.models import AuditEvent
from procurehub.extensions import db

API = "/api/v1/fleet/standards"
CLASS = "electric_van_lt_3_5t"


def versions(client, headers):
    body = client.get(f"{API}?vehicle_class={CLASS}", headers=headers).get_json()
    return {item["version"]: item for item in body["items"]}


def test_the_phase1_standard_is_seeded_once_and_adopted(fleet, client, app):
    first = client.get(API, headers=fleet.glasgow).get_json()
    again = client.get(API, headers=fleet.glasgow).get_json()
    assert first["next"] is None and len(first["items"]) == len(again["items"]) == 1
    stored = first["items"][0]
    seed = standard_to_dict(phase1_evan_standard())
    assert (stored["version"], stored["status"], stored["adopted_on"]) == (1, "adopted",
                                                                           seed["adopted_on"])
    assert [r["attribute"] for r in stored["requirements"]] == [
        r["attribute"] for r in seed["requirements"]
    ]
    gvw = stored["requirements"][0]
    assert gvw["attribute"] == "gvw_kg" and gvw["value"] == "3500" and gvw["mandatory"] is True
    assert gvw["in_words"] == "Gross vehicle weight must be at most 3,500 kg."
    ncap = next(r for r in stored["requirements"] if r["attribute"] == "euro_ncap_van_rating")
    assert ncap["value"] == ["Gold", "Platinum"] and ncap["mandatory"] is False
    with app.app_context():
        assert db.session.scalar(select(db.func.count(StandardSpecVersion.id))) == 1


def test_an_adopted_version_is_never_edited(fleet, client):
    url = f"{API}/{fleet.standard_id}"
    before = client.get(url, headers=fleet.manager).get_json()
    put = client.put(
        f"{url}/requirements/payload_kg",
        json={"operator": "min", "value": 900, "unit": "kg", "mandatory": False},
        headers=fleet.manager,
    )
    assert put.status_code == 409
    message = put.get_json()["message"]
    assert "adopted" in message and "cannot be edited" in message and "draft" in message
    assert client.patch(url, json={"title": "x"}, headers=fleet.manager).status_code == 409
    assert client.delete(f"{url}/requirements/aeb", headers=fleet.manager).status_code == 409
    assert client.delete(url, headers=fleet.manager).status_code == 409
    assert client.post(f"{url}/adopt", headers=fleet.manager).status_code == 409
    assert client.get(url, headers=fleet.manager).get_json() == before


@pytest.mark.parametrize("who", ["glasgow", "digital"])
def test_only_coordinators_and_network_managers_draft(fleet, client, who):
    response = client.post(f"{API}/drafts", json={"vehicle_class": CLASS},
                           headers=getattr(fleet, who))
    assert response.status_code == 403
    assert "coordinators and network managers" in response.get_json()["message"]
    assert set(versions(client, fleet.glasgow)) == {1}


def test_draft_edit_and_adopt_retires_the_previous_version(fleet, client, app):
    draft = client.post(f"{API}/drafts", json={"vehicle_class": CLASS}, headers=fleet.manager)
    assert draft.status_code == 201
    body = draft.get_json()
    assert (body["version"], body["status"]) == (2, "draft")
    again = client.post(f"{API}/drafts", json={"vehicle_class": CLASS},
                        headers=fleet.coordinator)
    assert again.status_code == 409 and "already a draft" in again.get_json()["message"]

    url = f"{API}/{body['id']}"
    changed = client.put(
        f"{url}/requirements/payload_kg",
        json={"label": "Payload", "operator": "min", "value": "900", "unit": "kg",
              "mandatory": False, "rationale": "Small vans carry less."},
        headers=fleet.manager,
    )
    assert changed.status_code == 200
    payload = next(r for r in changed.get_json()["requirements"]
                   if r["attribute"] == "payload_kg")
    assert payload["requirement"] == "min 900 kg"
    bad = client.put(f"{url}/requirements/payload_kg",
                     json={"operator": "at least", "value": "900"}, headers=fleet.manager)
    assert bad.status_code == 422
    not_a_number = client.put(f"{url}/requirements/payload_kg",
                              json={"operator": "min", "value": "heavy"}, headers=fleet.manager)
    assert not_a_number.status_code == 422
    assert "must be a number" in not_a_number.get_json()["message"]
    removed = client.delete(f"{url}/requirements/parking_sensors", headers=fleet.coordinator)
    assert removed.status_code == 200
    assert "parking_sensors" not in {r["attribute"] for r in removed.get_json()["requirements"]}
    assert client.patch(url, json={"title": "Phase 1, second version"},
                        headers=fleet.manager).status_code == 200
    # the adopted version is untouched while the draft changes
    assert versions(client, fleet.glasgow)[1]["requirements"][2]["value"] == "1000"

    adopted = client.post(f"{url}/adopt", headers=fleet.manager)
    assert adopted.status_code == 200
    assert (adopted.get_json()["status"], adopted.get_json()["adopted_on"]) == (
        "adopted", date.today().isoformat())
    by_version = versions(client, fleet.glasgow)
    assert by_version[1]["status"] == "retired"
    assert by_version[1]["retired_on"] == date.today().isoformat()
    assert by_version[2]["title"] == "Phase 1, second version"
    assert client.post(f"{url}/adopt", headers=fleet.manager).status_code == 409
    assert client.put(f"{url}/requirements/seats", json={"operator": "min", "value": 3},
                      headers=fleet.manager).status_code == 409
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "fleet_standard_spec")
            .order_by(AuditEvent.id)
        ).all()
        actions = [(e.action, e.actor) for e in events]
        assert actions == [
            ("create", "manager@fife.example"),
            ("update", "manager@fife.example"),
            ("update", "lead@glasgow.example"),
            ("update", "manager@fife.example"),
            ("retire", "manager@fife.example"),
            ("adopt", "manager@fife.example"),
        ]
        assert events[1].changes["requirement:payload_kg"][1]["value"] == "900"
        assert events[1].changes["requirement:payload_kg"][0]["value"] == "1000"


def test_a_draft_can_be_discarded_and_the_next_is_numbered_after_it(fleet, client):
    first = client.post(f"{API}/drafts", json={"vehicle_class": CLASS}, headers=fleet.manager)
    assert client.delete(f"{API}/{first.get_json()['id']}",
                         headers=fleet.manager).status_code == 204
    assert set(versions(client, fleet.glasgow)) == {1}
    second = client.post(f"{API}/drafts", json={"vehicle_class": CLASS}, headers=fleet.manager)
    assert second.get_json()["version"] == 2


def test_the_database_refuses_a_second_adopted_version(fleet, app):
    from plugins.fleet import standard_records, standards

    with app.app_context():
        adopted = standards.adopted_standard(CLASS)
        clash = StandardSpecVersion(created_by="test")
        standard_records.write_standard(clash, replace(adopted, version=7))
        db.session.add(clash)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_unknown_version_is_404(fleet, client):
    assert client.get(f"{API}/999999", headers=fleet.glasgow).status_code == 404
    response = client.post(f"{API}/drafts", json={"vehicle_class": "hovercraft"},
                           headers=fleet.manager)
    assert response.status_code == 404 and "hovercraft" in response.get_json()["message"]


# -- pages ------------------------------------------------------------------------------------


def test_the_standard_page_says_each_requirement_in_plain_words(fleet, client, pages):
    pages.sign_in("officer@glasgow.example")
    html = client.get(f"/fleet/standards/{CLASS}").get_data(as_text=True)
    assert "Gross vehicle weight must be at most 3,500 kg." in html
    assert "Payload should be at least 1,000 kg." in html
    assert "Autonomous emergency braking must be fitted." in html
    assert "car (category B) licence" in html  # the rationale
    assert "Mandatory" in html and "Desirable" in html
    assert "Start a new draft" not in html  # an officer reads only
    draft = client.get(f"/fleet/standards/{CLASS}/draft")
    assert "cannot be edited" in draft.get_data(as_text=True)
    refused = pages.post(f"/fleet/standards/{CLASS}/draft", {"action": "start"})
    assert refused.status_code == 403


def test_network_manager_drafts_and_adopts_through_the_pages(fleet, client, pages):
    pages.sign_in("manager@fife.example")
    url = f"/fleet/standards/{CLASS}/draft"
    nothing = pages.post(url, {"action": "adopt"})
    assert nothing.status_code == 409
    assert "There is no draft to change" in nothing.get_data(as_text=True)
    assert pages.post(url, {"action": "start"}).status_code == 302
    saved = pages.post(url, {"action": "requirement", "attribute": "payload_kg",
                             "label": "Payload", "unit": "kg", "operator": "min",
                             "value": "900", "mandatory": "desirable",
                             "rationale": "Small vans carry less."}, follow_redirects=True)
    assert "Saved: Payload should be at least 900 kg." in saved.get_data(as_text=True)
    bad = pages.post(url, {"action": "requirement", "attribute": "seats", "operator": "min",
                           "value": "two", "mandatory": "mandatory"})
    assert bad.status_code == 422 and "must be a number" in bad.get_data(as_text=True)
    adopted = pages.post(url, {"action": "adopt"}, follow_redirects=True)
    text = adopted.get_data(as_text=True)
    assert "Version 2 is now the adopted standard" in text
    assert "Payload should be at least 900 kg." in text
    history = client.get(f"/fleet/standards/{CLASS}/history").get_data(as_text=True)
    assert "Changed: Payload should be at least 900 kg. (was: Payload should be at least " \
           "1,000 kg.)" in history
    assert "Retired" in history and "Adopted" in history
    old = client.get(f"/fleet/standards/{CLASS}/v1").get_data(as_text=True)
    assert "This version is retired" in old
