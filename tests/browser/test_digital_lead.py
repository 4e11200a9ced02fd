"""The digital lead's journey: sign in, see every council's fleet and housing systems, build
the national housing management system business case, read its value for money, switching
values and joining schedule, and download the workbook."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from factories import PASSWORD, council, user

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("PROCUREHUB_DIGITAL_SCREENSHOTS")  # a folder, when wanted


@pytest.fixture
def hub(app: Any) -> Any:
    from plugins.digital.demo import load_demo

    with app.app_context():
        council("S12000050", "North Lanarkshire Council")
        council("S12000049", "Glasgow City Council")
        council("S12000036", "City of Edinburgh Council")
        council("S12000047", "Fife Council")
        user("lead@edinburgh.example", "S12000036", "digital_lead")
        from procurehub.extensions import db

        load_demo()
        # The lead builds the housing case in the test: start without it.
        from plugins.digital.models import DigitalBusinessCase

        db.session.query(DigitalBusinessCase).delete()
        db.session.commit()
    return app


def test_digital_lead_builds_the_housing_business_case(hub, live_server, page):
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail address").fill("lead@edinburgh.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/dashboard$"))  # signing in lands on the dashboard

    page.get_by_role("link", name="Digital systems").click()
    page.wait_for_url("**/digital/systems")
    housing = page.locator("table#systems-housing_management_system").inner_text()
    fleet = page.locator("table#systems-fleet_management_system").inner_text()
    for name in ("North Lanarkshire Council", "City of Edinburgh Council", "Fife Council"):
        assert name in housing
    assert "Glasgow City Council" in fleet and "Glasgow City Council" not in housing
    assert "£530,000" in housing and "NEC Housing" in housing  # North Lanarkshire's costs
    assert "S12000050" not in housing
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/digital-systems.png", full_page=True)

    page.get_by_role("link", name="Business cases", exact=True).first.click()
    page.wait_for_url("**/digital/business-cases")
    page.get_by_role("link", name="Build the housing management system business case").click()
    page.wait_for_url("**/housing-management-system/edit")
    page.get_by_label("Mitigation (%)").fill("80")
    page.get_by_label("Strategic case").fill("Four councils buy the same system four times.")
    page.get_by_role("button", name="Save and appraise").click()
    page.wait_for_url(re.compile(r"/digital/business-cases/housing-management-system$"))
    assert page.get_by_text("Saved the business case").is_visible()

    headline = page.locator("#headline").inner_text()
    assert "Preferred option: Single national system" in headline
    vfm = page.locator("#headline-vfm").inner_text().strip()
    assert vfm in {"Poor", "Low", "Medium", "High", "Very high"}
    switching = page.locator("table#switching-values").inner_text()
    assert "Savings: business-as-usual costs avoided" in switching
    joining = page.locator("table#joining-table").inner_text()
    assert "Fife Council" in joining and "North Lanarkshire Council" in joining
    assert page.locator("#joining-chart svg[role=img]").count() == 1
    assert page.locator("#cumulative-chart svg[role=img]").count() == 1
    assert "Four councils buy the same system four times." in page.locator("main").inner_text()
    npsv_on_page = {
        cell.get_attribute("data-option"): float(cell.get_attribute("data-npsv"))
        for cell in page.locator("table#options td[data-npsv]").all()
    }
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/digital-business-case.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download workbook")).click()
    download = download_info.value
    assert download.suggested_filename == "business-case-housing-management-system.xlsx"
    # Playwright keeps the file without its extension, which openpyxl needs: read the bytes.
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    summary = book["Summary"]
    rows = {summary.cell(r, 1).value: r for r in range(5, 5 + len(npsv_on_page))}
    assert set(rows) == set(npsv_on_page)
    for name, row in rows.items():
        assert summary.cell(row, 4).value == f"=C{row}-B{row}"  # NPSV is a live formula
        assert float(summary.cell(row, 8).value) == pytest.approx(npsv_on_page[name], abs=0.01)
