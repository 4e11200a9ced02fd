"""Council specifications: created, read, changed and deleted by their own council (API and
web form), every change audited, another council refused (403), bad figures refused with a
message naming them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from procurehub.audit.models import AuditEvent
from procurehub.extensions import db

API = "/api/v1/fleet/specs"
GLASGOW = "S12000049"


def audit(app, spec_id):
    with app.app_context():
        return [
            (e.action, e.actor, e.council_code, e.changes)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "fleet_council_spec",
                       AuditEvent.object_id == str(spec_id))
                .order_by(AuditEvent.id)
            )
        ]


def test_a_council_keeps_its_own_spec_and_every_change_is_audited(fleet, client, app):
    created = client.post(API, json=fleet.glasgow_spec(), headers=fleet.glasgow)
    assert created.status_code == 201
    spec = created.get_json()
    assert spec["council_code"] == GLASGOW and spec["council_name"] == "Glasgow City Council"
    assert spec["catalogue_vehicle"].startswith("Renault Kangoo Van E-Tech Electric")
    assert spec["figures"]["telematics"] == "no" and spec["figures"]["gvw_kg"] == "2,260"
    assert spec["compliant"] is False
    assert spec["failures"] == [{"attribute": "telematics", "required": "fitted",
                                 "actual": "not fitted"}]
    assert client.get(f"{API}/{spec['id']}", headers=fleet.manager).get_json() == spec

    changed = client.patch(f"{API}/{spec['id']}",
                           json={"figures": {**fleet.glasgow_spec()["figures"],
                                             "telematics": "yes"}},
                           headers=fleet.glasgow)
    assert changed.status_code == 200
    assert changed.get_json()["compliant"] is True and changed.get_json()["failures"] == []
    listed = client.get(f"{API}?council={GLASGOW}", headers=fleet.edinburgh).get_json()
    assert [s["id"] for s in listed["items"]] == [spec["id"]] and listed["next"] is None

    assert client.delete(f"{API}/{spec['id']}", headers=fleet.glasgow).status_code == 204
    assert client.get(f"{API}/{spec['id']}", headers=fleet.glasgow).status_code == 404
    events = audit(app, spec["id"])
    assert [(a, who, council) for a, who, council, _ in events] == [
        ("create", "officer@glasgow.example", GLASGOW),
        ("update", "officer@glasgow.example", GLASGOW),
        ("delete", "officer@glasgow.example", GLASGOW),
    ]
    assert events[0][3]["name"] == [None, "City small van"]
    assert events[1][3]["figures"][0]["telematics"] == "no"
    assert events[1][3]["figures"][1]["telematics"] == "yes"
    assert events[2][3]["name"] == ["City small van", None]


@pytest.mark.parametrize("who", ["manager", "edinburgh", "nlc"])
def test_another_council_cannot_change_a_spec(fleet, client, app, who):
    spec = client.post(API, json=fleet.glasgow_spec(), headers=fleet.glasgow).get_json()
    headers = getattr(fleet, who)
    url = f"{API}/{spec['id']}"
    patch = client.patch(url, json={"name": "Renamed"}, headers=headers)
    assert patch.status_code == 403
    assert "your own council" in patch.get_json()["message"]
    assert client.delete(url, headers=headers).status_code == 403
    post = client.post(API, json={**fleet.glasgow_spec(), "name": "Sneaky",
                                  "council_code": GLASGOW}, headers=headers)
    assert post.status_code == 403
    assert client.get(url, headers=headers).get_json()["name"] == "City small van"
    assert [a for a, *_ in audit(app, spec["id"])] == ["create"]


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"colour": "red"}, "'colour' is not a figure"),
        ({"aeb": "maybe"}, "Autonomous emergency braking: write yes or no"),
        ({"payload_kg": "heavy"}, "Payload: no figure could be read from 'heavy' (in kg)"),
    ],
)
def test_figures_the_standard_cannot_read_are_refused(fleet, client, figures, message):
    response = client.post(API, json={"name": "Van", "figures": figures}, headers=fleet.glasgow)
    assert response.status_code == 422
    assert message in response.get_json()["message"]
    assert client.get(API, headers=fleet.glasgow).get_json()["items"] == []


def test_bad_costs_and_duplicate_names_are_refused(fleet, client):
    bad = client.post(API, json={"name": "Van", "costs": {"purchase_price": "-5"}},
                      headers=fleet.glasgow)
    assert bad.status_code == 422 and "zero or more" in bad.get_json()["message"]
    assert client.post(API, json={"name": "Van"}, headers=fleet.glasgow).status_code == 201
    again = client.post(API, json={"name": "Van"}, headers=fleet.glasgow)
    assert again.status_code == 409 and "already has" in again.get_json()["message"]
    missing = client.post(API, json={"name": "Van 2", "catalogue_vehicle_id": 999999},
                          headers=fleet.glasgow)
    assert missing.status_code == 422 and "no catalogue vehicle" in missing.get_json()["message"]


def test_an_officer_enters_a_spec_with_the_web_form(fleet, client, pages, app):
    pages.sign_in("officer@glasgow.example")
    form = {
        "name": "Pool van",
        "catalogue_vehicle_id": str(fleet.vehicle_id("Toyota", "Proace City Electric")),
        "fig_aeb": "yes",
        "fig_telematics": "no",
        "fig_payload_kg": "700",
        "cost_purchase_price": "31,000",
        "notes": "Housing repairs.",
    }
    saved = pages.post("/fleet/specs/new", form, follow_redirects=True)
    text = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Saved Pool van." in text
    assert "Not compliant" in text and "Telematics" in text
    body = client.get(API, headers=fleet.glasgow).get_json()["items"][0]
    assert body["figures"] == {"aeb": "yes", "telematics": "no", "payload_kg": "700"}
    assert body["costs"] == {"purchase_price": "31000"}

    wrong = pages.post(f"/fleet/specs/{body['id']}/edit", {**form, "fig_aeb": "perhaps"},
                       page=f"/fleet/specs/{body['id']}/edit")
    assert wrong.status_code == 422
    assert "write yes or no, not &#39;perhaps&#39;" in wrong.get_data(as_text=True)
    assert 'value="perhaps"' in wrong.get_data(as_text=True)  # what was typed is kept


def test_the_edit_page_of_another_councils_spec_is_refused(fleet, client, pages):
    spec = client.post(API, json=fleet.glasgow_spec(), headers=fleet.glasgow).get_json()
    pages.sign_in("manager@fife.example")
    assert client.get(f"/fleet/specs/{spec['id']}/edit").status_code == 403
    page = client.get(f"/fleet/specs/{spec['id']}").get_data(as_text=True)
    assert "Not compliant" in page and ">Edit<" not in page
    refused = pages.post(f"/fleet/specs/{spec['id']}/delete", {},
                         page=f"/fleet/specs/{spec['id']}")
    assert refused.status_code == 403
