"""A coordinator reviews joint-tender opportunities: the list with its urgency tags, the detail
page with the timeline chart, a status change with a note, an inbox subscription, and the
alert that follows in the inbox."""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from factories import PASSWORD, contract, council, user
from procurehub.alignment.models import Opportunity, OpportunityEvent
from procurehub.extensions import db
from procurehub.renewal_dates import add_months

pytestmark = pytest.mark.browser

SCREENSHOT = os.environ.get("PROCUREHUB_OPPORTUNITY_SCREENSHOT", "/tmp/opportunity.png")


@pytest.fixture
def hub(app: Any) -> Any:
    from procurehub.alignment.store import run_alignment

    today = date.today()
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        gcc = council("S12000049", "Glasgow City Council")
        fife = council("S12000047", "Fife Council")
        user("lead@gcc.example", "S12000049", "coordinator")
        # Food waste: three councils, decision deadline already passed.
        contract(
            nlc,
            reference="NLC-FOOD-2019",
            title="Food waste treatment",
            category="waste.food",
            end_date=add_months(today, 10),
            extension_periods_months=[12, 12],
            value_total=1_200_000,
        )
        contract(
            gcc,
            reference="GCC/FW/031",
            title="Food waste processing",
            category="waste.food",
            end_date=add_months(today, 20),
            extension_periods_months=[12, 12],
            value_total=800_000,
            collaboration_interest="maybe",
        )
        contract(
            fife,
            reference="FC-2020-114",
            title="Anaerobic digestion of food waste",
            category="waste.food",
            end_date=add_months(today, 14),
            extension_periods_months=[12],
            value_total=450_000,
            collaboration_interest="yes",
        )
        # Garden waste: decision due within six months.
        contract(
            nlc,
            reference="NLC-GW-7",
            title="Garden waste composting",
            category="waste.garden",
            end_date=add_months(today, 27),
            extension_periods_months=[12],
        )
        contract(
            gcc,
            reference="GCC/GW/002",
            title="Green waste",
            category="waste.garden",
            end_date=add_months(today, 26),
            extension_periods_months=[12],
        )
        run_alignment(today)
    return app


def sign_in(page: Any, live_server: str, email: str) -> None:
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/dashboard")  # signing in lands on the dashboard


def test_coordinator_reviews_an_opportunity_and_gets_alerts(hub, live_server, page):
    from procurehub.alerts.job import run_alert_job

    sign_in(page, live_server, "lead@gcc.example")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Opportunities").click()
    page.wait_for_url(live_server + "/opportunities")

    rows = page.locator("table#opportunities tbody tr")
    assert rows.count() == 2
    first, second = rows.nth(0), rows.nth(1)
    assert "Food waste treatment" in first.inner_text()
    assert first.locator(".ds_tag--red", has_text="Overdue").is_visible()
    assert "Garden waste and composting" in second.inner_text()
    assert second.locator(".ds_tag--orange", has_text="Within 6 months").is_visible()
    assert "Fife Council" in first.inner_text()

    first.get_by_role("link", name="Food waste treatment").click()
    page.wait_for_url(re.compile(r".*/opportunities/\d+$"))
    chart = page.locator("svg[role=img]")
    assert chart.count() == 1 and chart.is_visible()
    assert chart.locator("rect.ph-tl-window").count() == 3  # one bar per member
    assert chart.locator("line.ph-tl-deadline.ph-tl-overdue").count() == 1
    members = page.locator("table#members tbody tr")
    assert members.count() == 3
    assert "GCC/FW/031" in page.locator("table#members").inner_text()

    page.get_by_label("Status").select_option("under_review")
    page.get_by_label("Notes").fill("Glasgow to lead; soft market test in spring.")
    page.get_by_role("button", name="Save status and notes").click()
    page.wait_for_url(re.compile(r".*/opportunities/\d+$"))
    assert page.get_by_text("The status is now “Under review”").is_visible()
    assert page.locator("#status-tag").inner_text() == "Under review"
    assert page.locator("table#history").get_by_text("Glasgow to lead").is_visible()
    opp_url = page.url
    with hub.app_context():
        opp = db.session.scalar(select(Opportunity).where(Opportunity.category == "waste.food"))
        assert opp.status == "under_review"
        assert "Glasgow to lead" in opp.notes
        assert db.session.scalar(
            select(OpportunityEvent.id).where(
                OpportunityEvent.opportunity_id == opp.id, OpportunityEvent.kind == "status"
            )
        )

    # Subscribe to inbox alerts for the waste workstream.
    nav.get_by_role("link", name="Alerts").click()
    page.wait_for_url(live_server + "/alerts")
    assert page.locator("#inbox-empty").is_visible()
    page.get_by_role("link", name="Choose which alerts you get").click()
    page.wait_for_url(live_server + "/alerts/subscriptions")
    page.get_by_label("Workstream").select_option("waste")
    page.get_by_text("In my ProcureHub alerts inbox").click()
    page.get_by_text("As soon as it happens").click()
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(live_server + "/alerts/subscriptions")
    assert page.get_by_text("Subscribed:").is_visible()
    assert "Waste" in page.locator("table#subscriptions").inner_text()

    with hub.app_context():
        assert run_alert_job(date.today()).new_alerts > 0

    page.reload()
    alerts_link = nav.get_by_role("link", name=re.compile(r"^Alerts \(\d+\)$"))
    assert alerts_link.is_visible()
    unread = int(re.search(r"\((\d+)\)", alerts_link.inner_text()).group(1))
    assert unread > 0
    alerts_link.click()
    page.wait_for_url(live_server + "/alerts")
    inbox = page.locator("table#inbox")
    assert inbox.get_by_text("Joint tender opportunity: Food waste treatment").first.is_visible()
    assert inbox.locator("tbody tr").count() == unread
    inbox.get_by_role("link", name="Open the opportunity").first.click()
    page.wait_for_url(re.compile(r".*/opportunities/\d+$"))

    page.goto(live_server + "/alerts")
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_url(live_server + "/alerts")
    assert nav.get_by_role("link", name="Alerts", exact=True).is_visible()

    page.goto(opp_url)
    page.screenshot(path=SCREENSHOT, full_page=True)
