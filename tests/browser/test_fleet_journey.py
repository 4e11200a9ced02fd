"""A network manager's journey through the fleet workstream: open the e-van standard, compare
three councils' van specs and two catalogue models against it, see every deviation, the
scores, the whole-life cost against diesel and the variation count, and export to Excel."""

from __future__ import annotations

import io
import os
from typing import Any

import openpyxl
import pytest

from factories import PASSWORD, council, user

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("PROCUREHUB_FLEET_SCREENSHOTS", "/tmp")


@pytest.fixture
def hub(app: Any) -> Any:
    from plugins.fleet.demo import load_demo

    with app.app_context():
        council("S12000047", "Fife Council")
        council("S12000049", "Glasgow City Council")
        council("S12000036", "City of Edinburgh Council")
        council("S12000050", "North Lanarkshire Council")
        user("manager@fife.example", "S12000047", "network_manager")
        load_demo()
    return app


def sign_in(page: Any, live_server: str, email: str) -> None:
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/dashboard")  # signing in lands on the dashboard


def test_network_manager_compares_van_specs_against_the_standard(hub, live_server, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "manager@fife.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Fleet dashboard").click()
    page.wait_for_url(live_server + "/fleet/dashboard")
    distinct = page.locator('[data-variation="distinct"]')
    assert distinct.inner_text() == "3"
    assert page.locator('[data-variation="compliant"]').inner_text() == "1"
    assert page.locator("svg.fl_chart").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/fleet_dashboard_1280.png", full_page=True)

    # the e-van standard
    page.get_by_role("link", name="Phase 1 standard: battery-electric small and medium vans").first.click()
    page.wait_for_url(live_server + "/fleet/standards/electric_van_lt_3_5t")
    gvw = page.locator("#requirement-gvw_kg")
    assert "Gross vehicle weight must be at most 3,500 kg." in gvw.inner_text()
    assert "Mandatory" in gvw.inner_text()
    assert "Desirable" in page.locator("#requirement-payload_kg").inner_text()

    # compare three councils' specs and two catalogue models
    page.get_by_role("navigation", name="Fleet").get_by_role("link", name="Compare").click()
    page.wait_for_url(live_server + "/fleet/compare")
    for label in ("Fife Council: Medium panel van, electric (2025)",
                  "Glasgow City Council: City small van",
                  "City of Edinburgh Council: Large panel van performance spec",
                  "Ford E-Transit 350 (3.5 t) panel van, 135/198 kW",
                  "Maxus eDeliver 3 LWB, 52.5 kWh"):
        # the design system's checkbox is drawn by its label, which takes the click
        page.locator("label.ds_checkbox__label", has_text=label).click()
        assert page.get_by_label(label, exact=True).is_checked()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector("table#comparison")
    assert page.locator("table#comparison thead th").count() == 2 + 5

    # deviations: coloured and said in words
    ac = page.locator("#row-ac_charge_kw td[data-status='fail']")
    assert ac.count() == 1
    assert "Deviates" in ac.inner_text()
    assert "AC charging power 6.6 kW is below the standard's minimum of 7 kW" in ac.inner_text()
    telematics = page.locator("#row-telematics td[data-status='fail']")
    assert telematics.count() == 1  # Glasgow's van has none
    assert "Telematics is not fitted; the standard requires it" in telematics.inner_text()
    assert page.locator("td[data-status='unknown']").first.inner_text().find("Not stated") >= 0

    # scores and verdicts
    scores = page.locator("table#scores tbody tr")
    assert scores.count() == 5
    verdicts = {row.locator("th").inner_text(): row.locator("td").first.inner_text()
                for row in scores.all()}
    assert verdicts["Fife Council: Medium panel van, electric (2025)"] == "Compliant"
    assert verdicts["Glasgow City Council: City small van"].startswith("Not compliant")
    assert "Fails ac_charge_kw" in verdicts[
        "City of Edinburgh Council: Large panel van performance spec"]
    assert verdicts["Ford E-Transit 350 (3.5 t) panel van, 135/198 kW (catalogue)"] == (
        "Compliance unknown")

    # whole-life cost against diesel, with the parameters it used
    wlc = page.locator("table#whole-life-cost tbody tr")
    assert wlc.count() == 5
    assert "£" in wlc.nth(0).inner_text()
    assert page.locator("table#parameters-used").get_by_text("Illustrative").first.is_visible()
    assert "distinct specifications" in page.locator("#compare-variation").inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/fleet_compare_1280.png", full_page=True)

    # export to Excel
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export this table to Excel").click()
    download = download_info.value
    with open(download.path(), "rb") as handle:
        workbook = openpyxl.load_workbook(io.BytesIO(handle.read()))
    header = next(r for r in workbook["Comparison"].iter_rows(values_only=True)
                  if r[0] == "Attribute")
    assert "Glasgow City Council: City small van" in header
    assert any(str(v).startswith("Maxus eDeliver 3") for v in header)

    # the same page on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("table#comparison")
    assert page.locator("table#comparison").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/fleet_compare_390.png", full_page=True)
    page.goto(live_server + "/fleet/dashboard")
    page.screenshot(path=f"{SCREENSHOTS}/fleet_dashboard_390.png", full_page=True)
