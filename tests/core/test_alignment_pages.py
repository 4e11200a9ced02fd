"""The opportunity, subscription and alert pages through the Flask test client: the list and its
urgency tags, the detail page with its timeline chart, who may change the status (with CSRF),
subscriptions, the inbox and the calendar link; friendly refusals, never a 500."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from factories import PASSWORD, contract, council, user
from procurehub.alerts.models import Alert, Delivery, Subscription
from procurehub.alignment.models import Opportunity, OpportunityEvent
from procurehub.extensions import db
from procurehub.renewal_dates import add_months


@pytest.fixture
def hub(app: Any) -> Any:
    """Two councils whose food-waste contracts can be tendered together (deadline passed),
    two whose garden-waste contracts can (deadline within six months), and a gap."""
    from procurehub.alignment.store import run_alignment

    today = date.today()
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        gcc = council("S12000049", "Glasgow City Council")
        user("officer@nlc.example", "S12000050")
        user("lead@gcc.example", "S12000049", "coordinator")
        contract(
            nlc,
            reference="NLC-FOOD",
            title="Food waste treatment",
            category="waste.food",
            end_date=add_months(today, 10),
            extension_periods_months=[12, 12],
            value_total=1_000_000,
        )
        contract(
            gcc,
            reference="GCC-FOOD",
            title="Food waste <processing>",
            category="waste.food",
            end_date=add_months(today, 20),
            extension_periods_months=[12, 12],
            value_total=500_000,
            collaboration_interest="maybe",
        )
        contract(
            nlc,
            reference="NLC-GARDEN",
            title="Garden waste composting",
            category="waste.garden",
            end_date=add_months(today, 27),
            extension_periods_months=[12],
        )
        contract(
            gcc,
            reference="GCC-GARDEN",
            title="Green waste",
            category="waste.garden",
            end_date=add_months(today, 26),
            extension_periods_months=[12],
        )
        contract(
            gcc, reference="GCC-NOEND", title="Bulky uplift", category="waste.bulky", end_date=None
        )
        run_alignment(today)
    return app


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


def opportunity_id(app: Any, category: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Opportunity.id).where(Opportunity.category == category))


@pytest.mark.parametrize(
    "path", ["/opportunities", "/opportunities/1", "/alerts", "/alerts/subscriptions"]
)
def test_anonymous_visitors_are_sent_to_sign_in(hub: Any, client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_list_shows_the_opportunities_most_urgent_first(hub: Any, client: Any) -> None:
    sign_in(client, "officer@nlc.example")
    html = client.get("/opportunities").get_data(as_text=True)
    assert 'href="/opportunities"' in html and ">Alerts<" in html  # navigation
    table = html[html.index('id="opportunities"') :]
    food, garden = table.index("Food waste treatment"), table.index("Garden waste and composting")
    assert food < garden  # the overdue one first
    assert "North Lanarkshire Council" in table and "Glasgow City Council" in table
    assert 'data-urgency="overdue">Overdue' in table
    assert 'data-urgency="soon"' in table
    assert "1,500,000" in table
    food_id = opportunity_id(hub, "waste.food")
    assert f'href="/opportunities/{food_id}"' in table
    # The council without an end date is a data-quality gap, linked to its contracts.
    gaps = html[html.index('id="gaps"') :]
    assert "Glasgow City Council" in gaps and 'href="/contracts?council=S12000049"' in gaps

    filtered = client.get("/opportunities?category=waste.garden").get_data(as_text=True)
    assert "Garden waste and composting" in filtered
    assert "Food waste treatment</a>" not in filtered
    none = client.get("/opportunities?status=dismissed").get_data(as_text=True)
    assert "No opportunities match these filters" in none
    for odd in (
        "/opportunities?status=nonsense&page=-3&council=%00",
        f"/opportunities?page={10**30}&category=x%00y",
        f"/alerts?before={10**30}",
    ):
        assert client.get(odd).status_code == 200, odd


def test_empty_list_explains_where_opportunities_come_from(app: Any, client: Any) -> None:
    with app.app_context():
        council("S12000050", "North Lanarkshire Council")
        user("officer@nlc.example", "S12000050")
    sign_in(client, "officer@nlc.example")
    html = client.get("/opportunities").get_data(as_text=True)
    assert "at least two councils" in html and "procurehub alignment run" in html


def test_detail_shows_the_timeline_and_members(hub: Any, client: Any) -> None:
    sign_in(client, "officer@nlc.example")
    food_id = opportunity_id(hub, "waste.food")
    html = client.get(f"/opportunities/{food_id}").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="ph-timeline" role="img"' in html
    assert html.count('class="ph-tl-window"') == 2
    assert "North Lanarkshire Council — NLC-FOOD" in html
    assert "interest: maybe" in html
    assert "Food waste &lt;processing&gt;" in html and "<processing>" not in html
    members = html[html.index('id="members"') :]
    assert "NLC-FOOD" in members and "GCC-FOOD" in members
    assert "Overdue" in html[html.index('id="decide-by"') :]
    unconfirmed = html[html.index("Interest not confirmed") :]
    assert "Glasgow City Council" in unconfirmed[:400]
    assert "Found by the alignment run" in html  # history
    assert client.get("/opportunities/99999").status_code == 404


def test_officer_cannot_change_the_status(hub: Any, client: Any) -> None:
    sign_in(client, "officer@nlc.example")
    food_id = opportunity_id(hub, "waste.food")
    html = client.get(f"/opportunities/{food_id}").get_data(as_text=True)
    assert 'id="status-form"' not in html
    assert "Only coordinators and administrators can change" in html
    forged = client.post(
        f"/opportunities/{food_id}",
        data={"status": "dismissed", "notes": "x", "csrf_token": csrf_of(html)},
    )
    assert forged.status_code == 403
    assert "Only a coordinator or an administrator" in forged.get_data(as_text=True)
    with hub.app_context():
        assert db.session.get(Opportunity, food_id).status == "new"


def test_coordinator_changes_the_status_and_it_is_recorded(hub: Any, client: Any) -> None:
    sign_in(client, "lead@gcc.example")
    food_id = opportunity_id(hub, "waste.food")
    html = client.get(f"/opportunities/{food_id}").get_data(as_text=True)
    assert 'id="status-form"' in html
    response = client.post(
        f"/opportunities/{food_id}",
        data={"status": "under_review", "notes": "Lead: GCC", "csrf_token": csrf_of(html)},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The status is now “Under review”" in page
    assert "Lead: GCC" in page and "lead@gcc.example" in page
    with hub.app_context():
        opp = db.session.get(Opportunity, food_id)
        assert (opp.status, opp.notes) == ("under_review", "Lead: GCC")
        kinds = set(
            db.session.scalars(
                select(OpportunityEvent.kind).where(
                    OpportunityEvent.opportunity_id == food_id,
                    OpportunityEvent.actor == "lead@gcc.example",
                )
            )
        )
        assert kinds == {"status", "notes"}

    # An unknown status is an error on the form, not a 500, and changes nothing.
    bad = client.post(
        f"/opportunities/{food_id}",
        data={"status": "won", "notes": "", "csrf_token": csrf_of(page)},
    )
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "There is a problem" in text and "Choose a status from the list" in text
    with hub.app_context():
        assert db.session.get(Opportunity, food_id).status == "under_review"


def test_status_change_needs_the_csrf_token(hub: Any, client: Any) -> None:
    sign_in(client, "lead@gcc.example")
    food_id = opportunity_id(hub, "waste.food")
    response = client.post(f"/opportunities/{food_id}", data={"status": "dismissed"})
    assert response.status_code == 400
    assert "The page had expired" in response.get_data(as_text=True)
    with hub.app_context():
        assert db.session.get(Opportunity, food_id).status == "new"


def test_subscriptions_are_created_and_deleted(hub: Any, client: Any) -> None:
    sign_in(client, "lead@gcc.example")
    html = client.get("/alerts/subscriptions").get_data(as_text=True)
    assert "You have no subscriptions yet" in html
    token = csrf_of(html)
    response = client.post(
        "/alerts/subscriptions",
        data={
            "workstream": "waste",
            "categories": ["waste.food"],
            "councils": ["S12000050"],
            "kinds": ["opportunity", "deadline"],
            "channel": "inbox",
            "frequency": "immediate",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    page = client.get("/alerts/subscriptions").get_data(as_text=True)
    assert "Subscribed:" in page
    listed = page[page.index('id="subscriptions"') :]
    assert "Food waste treatment" in listed and "North Lanarkshire Council" in listed

    # A category of another workstream: the service's message, at the top of the form.
    bad = client.post(
        "/alerts/subscriptions",
        data={
            "workstream": "waste",
            "categories": ["fleet.cars"],
            "channel": "inbox",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 400
    error = bad.get_data(as_text=True)
    # In the users' words: the category's label and the workstreams' titles, never keys.
    assert "“Cars” is a category of the Fleet workstream, not of Waste" in error
    assert "fleet.cars" not in error.split('id="subscription-form"')[0]
    hostile = client.post(
        "/alerts/subscriptions",
        data={
            "workstream": "waste",
            "councils": ["S1\x00", "X" * 500],
            "region": "Nowhere" * 50,
            "channel": "inbox",
            "csrf_token": token,
        },
    )
    assert hostile.status_code == 400
    missing_url = client.post(
        "/alerts/subscriptions",
        data={"workstream": "waste", "channel": "webhook", "csrf_token": token},
    )
    assert missing_url.status_code == 400
    assert "Enter the web address" in missing_url.get_data(as_text=True)

    with hub.app_context():
        sub_id = db.session.scalar(select(Subscription.id))
        assert db.session.scalar(select(func.count(Subscription.id))) == 1
    other = client.post("/alerts/subscriptions/99999/delete", data={"csrf_token": token})
    assert other.status_code == 404
    deleted = client.post(f"/alerts/subscriptions/{sub_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    with hub.app_context():
        assert db.session.scalar(select(func.count(Subscription.id))) == 0


def test_webhook_secret_is_shown_once(hub: Any, client: Any) -> None:
    hub.config["ALLOW_PRIVATE_WEBHOOKS"] = True
    sign_in(client, "lead@gcc.example")
    token = csrf_of(client.get("/alerts/subscriptions").get_data(as_text=True))
    response = client.post(
        "/alerts/subscriptions",
        data={
            "workstream": "waste",
            "channel": "webhook",
            "frequency": "daily",
            "webhook_url": "http://127.0.0.1:9/hook",
            "csrf_token": token,
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    secret = re.search(r'id="secret" value="(whsec_[^"]+)"', html).group(1)
    assert "X-ProcureHub-Signature" in html and "HMAC-SHA256" in html
    assert secret not in client.get("/alerts/subscriptions").get_data(as_text=True)


def test_inbox_lists_alerts_and_marks_them_read(hub: Any, client: Any) -> None:
    from procurehub.alerts.job import run_alert_job

    sign_in(client, "lead@gcc.example")
    html = client.get("/alerts").get_data(as_text=True)
    assert "No alerts yet" in html
    token = csrf_of(html)
    client.post(
        "/alerts/subscriptions",
        data={"workstream": "waste", "channel": "inbox", "csrf_token": token},
    )
    with hub.app_context():
        run_alert_job(date.today())
        unread = db.session.scalar(
            select(func.count(Delivery.id)).where(Delivery.read_at.is_(None))
        )
        assert unread > 0
        food_id = opportunity_id(hub, "waste.food")
        assert db.session.scalar(
            select(func.count(Alert.id)).where(Alert.opportunity_id == food_id)
        )
    html = client.get("/alerts").get_data(as_text=True)
    assert f">Alerts ({unread})<" in html
    assert "<strong>Joint tender opportunity: Food waste treatment" in html
    assert f'href="/opportunities/{food_id}"' in html
    response = client.post("/alerts/read", data={"csrf_token": token})
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Marked {unread} alerts as read" in html
    assert ">Alerts<" in html and "<strong>Joint tender opportunity" not in html
    assert client.post("/alerts/read").status_code == 400  # no CSRF token


def test_calendar_address_is_created_and_works(hub: Any, client: Any) -> None:
    sign_in(client, "lead@gcc.example")
    html = client.get("/alerts").get_data(as_text=True)
    assert 'href="/api/v1/calendar.ics"' in html
    response = client.post("/alerts/calendar", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 200
    url = re.search(r'id="calendar_url" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert "/calendar/cal_" in url
    anonymous = hub.test_client()
    feed = anonymous.get(url.replace("http://localhost", ""))
    assert feed.status_code == 200 and feed.data.startswith(b"BEGIN:VCALENDAR")
    assert client.get("/api/v1/calendar.ics").status_code == 200
