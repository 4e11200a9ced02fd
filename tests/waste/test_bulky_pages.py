"""The bulky waste profile form: every error in the summary at once, warnings shown but not
blocking, a council edits only its own profile, and the template comes back in one piece."""

from __future__ import annotations

import re

from sqlalchemy import select
from waste.bulky_hub import GLASGOW, NLC, csrf_of, profile_body, sign_in

from procurehub.extensions import db


def form_of(body: dict) -> dict:
    data = {k: ("" if v is None else v) for k, v in body.items() if k != "council_code"}
    data["contract_references"] = "; ".join(body.get("contract_references") or [])
    return data


def summary_items(html: str) -> list[str]:
    summary = re.search(r'<div class="ds_error-summary".*?</ul>', html, re.S).group(0)
    return re.findall(r'<li><a href="#([a-z_]+)">([^<]+)</a></li>', summary)


def test_the_form_lists_every_error_at_once(hub, client):
    sign_in(client, "nlc")
    csrf = csrf_of(client, "/waste/bulky/profiles/new")
    data = form_of(
        profile_body(
            financial_year="2024",
            collections="-1",
            items="many",
            tonnes_reuse="9999",
            operating_cost="-£5",
        )
    )
    data.pop("delivery_model")
    response = client.post("/waste/bulky/profiles/new", data={**data, "csrf_token": csrf})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    fields = [field for field, _ in summary_items(html)]
    assert sorted(fields) == sorted(
        [
            "financial_year",
            "delivery_model",
            "collections",
            "items",
            "tonnes_collected",
            "operating_cost",
        ]
    )
    assert "<title>Error: Record a bulky waste profile" in html
    assert 'value="many"' in html  # what was typed is kept
    assert 'id="collections-error"' in html and 'aria-invalid="true"' in html


def test_a_warning_does_not_stop_the_profile_and_is_shown(hub, client):
    sign_in(client, "nlc")
    csrf = csrf_of(client, "/waste/bulky/profiles/new")
    data = form_of(profile_body(tonnes_landfill=None))
    response = client.post("/waste/bulky/profiles/new", data={**data, "csrf_token": csrf})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved the bulky waste profile for 2024-25" in page
    assert "420 short of the 2310 tonnes collected" in page
    assert f'href="/contracts/{hub.contract_id}"' in page  # the contract, linked
    assert "North Lanarkshire Council" in page and "£1,092,000.00" in page


def test_an_officer_cannot_edit_another_councils_profile_page(hub, client):
    created = client.post(
        "/api/v1/waste/bulky-profiles", json=profile_body(GLASGOW), headers=hub.headers("glasgow")
    ).get_json()
    sign_in(client, "nlc")
    detail = client.get(f"/waste/bulky/profiles/{created['id']}").get_data(as_text=True)
    assert "Change this profile" not in detail  # no edit button for another council
    assert client.get(f"/waste/bulky/profiles/{created['id']}/edit").status_code == 403
    csrf = csrf_of(client, "/waste/bulky/")
    posted = client.post(
        f"/waste/bulky/profiles/{created['id']}/edit",
        data={**form_of(profile_body(GLASGOW, collections="1")), "csrf_token": csrf},
    )
    assert posted.status_code == 403
    deleted = client.post(
        f"/waste/bulky/profiles/{created['id']}/delete", data={"csrf_token": csrf}
    )
    assert deleted.status_code == 403
    still = client.get(f"/api/v1/waste/bulky-profiles/{created['id']}", headers=hub.headers("nlc"))
    assert still.get_json()["collections"] == 18200


def test_an_officer_may_not_pick_another_council_on_the_form(hub, client):
    """The form files a profile under the officer's own council, whatever is posted."""
    sign_in(client, "nlc")
    csrf = csrf_of(client, "/waste/bulky/profiles/new")
    data = {**form_of(profile_body()), "council_code": GLASGOW, "csrf_token": csrf}
    assert client.post("/waste/bulky/profiles/new", data=data).status_code == 303
    with hub.app.app_context():
        from plugins.waste.models import BulkyProfile

        assert list(db.session.scalars(select(BulkyProfile.council_code))) == [NLC]


def test_editing_records_the_change(hub, client):
    created = client.post(
        "/api/v1/waste/bulky-profiles", json=profile_body(), headers=hub.headers("nlc")
    ).get_json()
    sign_in(client, "nlc")
    form = client.get(f"/waste/bulky/profiles/{created['id']}/edit").get_data(as_text=True)
    assert 'value="2310"' in form and 'value="NLC-BULKY-1"' in form
    csrf = csrf_of(client, f"/waste/bulky/profiles/{created['id']}/edit")
    data = {**form_of(profile_body(days_to_collection="6.5")), "csrf_token": csrf}
    response = client.post(f"/waste/bulky/profiles/{created['id']}/edit", data=data)
    assert response.status_code == 303
    with hub.app.app_context():
        from procurehub.audit.models import AuditEvent

        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "update")
        ).one()
        assert event.changes == {"days_to_collection": ["8", "6.5"]}
        assert event.actor == "officer@nlc.example"


def test_index_lists_profiles_and_links_the_template(hub, client):
    client.post("/api/v1/waste/bulky-profiles", json=profile_body(), headers=hub.headers("nlc"))
    sign_in(client, "glasgow")
    html = client.get("/waste/bulky/").get_data(as_text=True)
    assert "North Lanarkshire Council" in html and "2024-25" in html
    assert 'href="/waste/bulky/template.xlsx"' in html
    assert 'href="/waste/bulky/"' in client.get("/contracts").get_data(as_text=True)  # nav
