"""An overdue opportunity says what is still possible for the same councils (or that the
window has closed), on its page and in the API; and the tender plan's waves are an alert kind
that subscriptions can choose, each wave told once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from factories import PASSWORD, bearer, contract, council, token, user
from procurehub.alerts.decide import decide_alerts
from procurehub.alerts.models import Alert, Delivery
from procurehub.alignment.engine import CategorySettings
from procurehub.alignment.models import Opportunity
from procurehub.alignment.plan import TenderPlanError, earliest_joint_start
from procurehub.alignment.store import run_alignment
from procurehub.extensions import db
from procurehub.plugins import RenewalItem
from procurehub.renewal_dates import add_months

AS_OF = date(2026, 1, 15)
LEAD_12 = CategorySettings(lead_time_months=12, tolerance_months=6, min_councils=2)


def item(
    n: int, council_code: str, end: date, max_end: date | None = None, **kw: Any
) -> RenewalItem:
    return RenewalItem("contract", n, council_code, "waste.food", end, max_end, **kw)


# ------------------------------------------------------------------------------ the rule


def test_earliest_joint_start_is_lead_time_from_today_when_windows_allow() -> None:
    items = [
        item(1, "A", date(2026, 6, 30), date(2028, 6, 30)),
        item(2, "B", date(2026, 9, 30), date(2027, 9, 30)),
    ]
    # Today + 12 months = 15 Jan 2027, inside both windows.
    assert earliest_joint_start(items, AS_OF, LEAD_12) == date(2027, 1, 15)


def test_earliest_joint_start_waits_for_the_latest_window_start() -> None:
    items = [
        item(1, "A", date(2027, 6, 30), date(2029, 6, 30)),
        item(2, "B", date(2027, 3, 31), date(2028, 3, 31)),
    ]
    assert earliest_joint_start(items, AS_OF, LEAD_12) == date(2027, 6, 30)


def test_a_council_with_two_contracts_needs_only_one_on_the_date() -> None:
    items = [
        item(1, "A", date(2026, 3, 31)),  # too soon: its window (+6 months) closes before 2027
        item(2, "A", date(2027, 8, 31)),
        item(3, "B", date(2027, 2, 28), date(2028, 2, 29)),
    ]
    assert earliest_joint_start(items, AS_OF, LEAD_12) == date(2027, 8, 31)
    assert earliest_joint_start(items[:1] + items[2:], AS_OF, LEAD_12) is None


def test_the_window_has_closed_when_no_common_date_remains() -> None:
    items = [
        item(1, "A", date(2026, 3, 31), date(2026, 9, 30)),  # + 6 months: 31 Mar 2027
        item(2, "B", date(2027, 6, 30)),
    ]
    assert earliest_joint_start(items, AS_OF, LEAD_12) is None
    # A council that said "no" or has no end date cannot be counted on.
    said_no = [item(1, "A", date(2027, 6, 30), collaboration_interest="No "), items[1]]
    assert earliest_joint_start(said_no, AS_OF, LEAD_12) is None


def test_bad_input_is_refused_with_a_message() -> None:
    with pytest.raises(TenderPlanError, match="CategorySettings"):
        earliest_joint_start([], AS_OF, {"lead_time_months": 12})  # type: ignore[arg-type]
    with pytest.raises(TenderPlanError, match="as_of must be a date"):
        earliest_joint_start([], "2026-01-15", LEAD_12)  # type: ignore[arg-type]
    with pytest.raises(TenderPlanError, match="end_date must be a date"):
        earliest_joint_start([item(1, "A", "31/03/2027")], AS_OF, LEAD_12)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ pages and API


@pytest.fixture
def hub(app: Any) -> Any:
    """Food waste (24 months' lead time): overdue but still possible from today + 24 months.
    Residual waste (36 months): overdue and closed."""
    today = date.today()
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        gcc = council("S12000049", "Glasgow City Council")
        user("lead@gcc.example", "S12000049", "coordinator")
        user("officer@nlc.example", "S12000050")
        contract(nlc, reference="NLC-FOOD", category="waste.food",
                 end_date=add_months(today, 10), extension_periods_months=[12, 12])  # fmt: skip
        contract(gcc, reference="GCC-FOOD", category="waste.food",
                 end_date=add_months(today, 20), extension_periods_months=[12, 12])  # fmt: skip
        contract(nlc, reference="NLC-RES", category="waste.residual_treatment",
                 end_date=add_months(today, 3))  # fmt: skip
        contract(gcc, reference="GCC-RES", category="waste.residual_treatment",
                 end_date=add_months(today, 5))  # fmt: skip
        run_alignment(today)
        ids = dict(db.session.execute(select(Opportunity.category, Opportunity.id)).all())
        return {"ids": ids, "coord": token("lead@gcc.example")}


def sign_in(client: Any, email: str) -> None:
    import re

    page = client.get("/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf})


def test_overdue_opportunity_page_says_what_is_still_possible(hub: Any, client: Any) -> None:
    today = date.today()
    sign_in(client, "officer@nlc.example")
    html = client.get(f"/opportunities/{hub['ids']['waste.food']}").get_data(as_text=True)
    still = html[
        html.index('id="still-possible"') : html.index("</dd>", html.index('id="still-possible"'))
    ]
    assert "Yes: a joint start on" in still
    assert add_months(today, 24).strftime("%d %B %Y") in still
    assert f"if the tender starts by {today.strftime('%d %B %Y')}" in still
    html = client.get(f"/opportunities/{hub['ids']['waste.residual_treatment']}").get_data(
        as_text=True
    )
    assert "No: the window has closed." in html
    assert 'href="/tender-plan?workstream=waste"' in html


def test_the_api_gives_the_same_answer(hub: Any, client: Any) -> None:
    today = date.today()
    headers = bearer(hub["coord"])
    food = client.get(f"/api/v1/opportunities/{hub['ids']['waste.food']}", headers=headers)
    assert food.get_json()["overdue"] is True
    assert food.get_json()["still_possible"] == {
        "earliest_joint_start": add_months(today, 24).isoformat(),
        "decide_by": today.isoformat(),
        "window_closed": False,
    }
    closed = client.get(
        f"/api/v1/opportunities/{hub['ids']['waste.residual_treatment']}", headers=headers
    ).get_json()["still_possible"]
    assert closed == {"earliest_joint_start": None, "decide_by": None, "window_closed": True}
    listing = client.get("/api/v1/opportunities", headers=headers).get_json()["items"]
    assert all(o["still_possible"] is not None for o in listing if o["overdue"])


def test_an_opportunity_not_yet_due_has_nothing_to_add(app: Any, client: Any) -> None:
    today = date.today()
    with app.app_context():
        a, b = council("S1", "Alpha Council"), council("S2", "Beta Council")
        user("lead@a.example", "S1", "coordinator")
        for c in (a, b):
            contract(c, reference=f"{c.code}-F", category="waste.food",
                     end_date=add_months(today, 40))  # fmt: skip
        run_alignment(today)
        opp_id = db.session.scalar(select(Opportunity.id))
        tok = token("lead@a.example")
    body = client.get(f"/api/v1/opportunities/{opp_id}", headers=bearer(tok)).get_json()
    assert body["overdue"] is False and body["still_possible"] is None


# ------------------------------------------------------------------------------ wave alerts


def test_a_wave_is_an_alert_kind_told_once(hub: Any, app: Any, client: Any) -> None:
    headers = bearer(hub["coord"])
    r = client.post(
        "/api/v1/subscriptions",
        json={"workstream": "waste", "channel": "inbox", "kinds": ["wave"]},
        headers=headers,
    )
    assert r.status_code == 201, r.get_json()
    bad = client.post(
        "/api/v1/subscriptions",
        json={"workstream": "waste", "channel": "inbox", "kinds": ["waves"]},
        headers=headers,
    )
    assert bad.status_code == 422
    (wave,) = client.get("/api/v1/tender-plan", headers=headers).get_json()["waves"]
    today = date.today()
    with app.app_context():
        decide_alerts(today)
        decide_alerts(today)  # a second run, a retry: nothing new
        alerts = db.session.scalars(select(Alert).where(Alert.kind == "wave")).all()
        assert [a.dedup_key for a in alerts] == [f"wave:{wave['id']}"]
        (alert,) = alerts
        assert "Glasgow City Council" in alert.body and "North Lanarkshire Council" in alert.body
        assert alert.payload["wave_id"] == wave["id"]
        assert alert.payload["opportunity_id"] == hub["ids"]["waste.food"]
        deliveries = db.session.scalars(select(Delivery)).all()
        assert [d.alert_id for d in deliveries] == [alert.id]  # only the kind asked for
    inbox = client.get("/api/v1/alerts", headers=headers).get_json()["items"]
    assert [i["kind"] for i in inbox] == ["wave"]


def test_a_dismissed_wave_is_not_announced(hub: Any, app: Any, client: Any) -> None:
    headers = bearer(hub["coord"])
    (wave,) = client.get("/api/v1/tender-plan", headers=headers).get_json()["waves"]
    r = client.patch(
        f"/api/v1/tender-plan/waves/{wave['id']}", json={"status": "dismissed"}, headers=headers
    )
    assert r.status_code == 200
    with app.app_context():
        decide_alerts(date.today())
        assert db.session.scalars(select(Alert).where(Alert.kind == "wave")).all() == []
