"""A coordinator opens the tender plan from the navigation, reads the chart and the table, marks
a joint tender as planned, and downloads the plan; no page script is needed for any of it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from factories import PASSWORD, contract, council, user
from procurehub.renewal_dates import add_months

pytestmark = pytest.mark.browser


@pytest.fixture
def hub(app: Any) -> Any:
    today = date.today()
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        gcc = council("S12000049", "Glasgow City Council")
        user("lead@gcc.example", "S12000049", "coordinator")
        for c, months in ((nlc, 10), (gcc, 20)):
            contract(
                c,
                reference=f"{c.code}-FOOD",
                title="Food waste treatment",
                category="waste.food",
                end_date=add_months(today, months),
                extension_periods_months=[12, 12],
            )
        contract(
            gcc,
            reference="GCC-SOON",
            title="Food waste interim",
            category="waste.food",
            end_date=add_months(today, 4),
        )
    return app


def test_coordinator_plans_a_joint_tender(hub: Any, live_server: str, page: Any) -> None:
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail address").fill("lead@gcc.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/dashboard")  # signing in lands on the dashboard
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tender plan").click()
    page.wait_for_url(re.compile(r".*/tender-plan$"))
    switch = page.get_by_role("navigation", name="Workstreams")
    if switch.get_by_role("link", name="Waste").count():  # the first workstream may be another
        switch.get_by_role("link", name="Waste").click()
        page.wait_for_url(re.compile(r".*/tender-plan\?workstream=waste$"))
    assert page.get_by_role("heading", name="Tender plan: Waste").is_visible()

    chart = page.locator("svg.ph-plan[role=img]")
    assert chart.is_visible() and chart.locator("g.ph-plan-wave").count() == 1
    waves = page.locator("table#waves tbody tr")
    assert waves.count() == 1
    assert "Glasgow City Council, North Lanarkshire Council" in waves.first.inner_text()
    alone = page.locator("table#alone").inner_text()
    assert "GCC-SOON" in alone and "Too late" in alone and "interim extension of" in alone

    page.locator("select[name=status]").select_option("tender_planned")
    page.locator("textarea[name=notes]").fill("Glasgow leads")
    page.get_by_role("button", name="Save status and notes").click()
    page.wait_for_url(re.compile(r".*/tender-plan\?workstream=waste#wave-[0-9a-f]{16}$"))
    assert page.get_by_text("The joint tender's status is now “Tender planned”").is_visible()
    assert "Tender planned" in page.locator("table#waves").inner_text()

    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    assert download.value.suggested_filename.startswith("tender-plan-waste-")
    with open(download.value.path(), "rb") as fh:
        book = load_workbook(fh)
    assert book.sheetnames == ["Waves", "Alone"]
