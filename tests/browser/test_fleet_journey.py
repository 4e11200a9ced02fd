"""A network manager's journey through the fleet workstream: open the e-van standard, compare
three councils' van specs and two catalogue models against it, see every deviation, the
scores, the whole-life cost against diesel and the variation count, and export to Excel; then
upload the council's fleet list as it keeps it and see the replacement demand across councils
and the joint purchase it creates."""

from __future__ import annotations

import io
import os
from datetime import date
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
    assert page.locator("svg.fl_chart").first.is_visible()
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


@pytest.fixture
def glasgow_listed(app: Any, tmp_path: Any) -> Any:
    """Fife (the manager's council) without a fleet list yet; Glasgow's list already in."""
    from plugins.fleet import vehicles
    from plugins.fleet.demo_fleet_lists import glasgow_csv

    with app.app_context():
        council("S12000047", "Fife Council")
        council("S12000049", "Glasgow City Council")
        user("manager@fife.example", "S12000047", "network_manager")
        path = glasgow_csv(tmp_path, date.today())
        report = vehicles.import_fleet_list(path, "S12000049", filename=path.name)
        assert report["status"] == "stored", report
    return app


def test_network_manager_uploads_the_fleet_list_and_sees_the_joint_purchase(
    glasgow_listed, live_server, page, tmp_path
):
    from plugins.fleet.demo_fleet_lists import fife_workbook

    fleet_list = fife_workbook(tmp_path, date.today())  # title rows, "Reg No", a totals row
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "manager@fife.example")
    page.goto(live_server + "/fleet/dashboard")
    assert "Fife Council" not in page.locator("#replacement-demand").inner_text()
    page.get_by_role("navigation", name="Fleet").get_by_role("link", name="Fleet lists").click()
    page.get_by_role("link", name="Upload your council's fleet list").first.click()
    page.wait_for_url(live_server + "/fleet/vehicles/upload")
    assert page.get_by_label("Council").input_value() == "S12000047"
    page.get_by_label("Fleet list file").set_input_files(str(fleet_list))
    page.get_by_role("button", name="Upload fleet list").click()
    page.wait_for_selector("#status")
    assert "Fleet list stored" in page.locator("#status").inner_text()
    assert page.locator("#council-name").inner_text() == "Fife Council"
    assert page.locator('[data-count="created"]').inner_text() == "25"
    assert page.locator('[data-count="rejected"]').inner_text() == "0"
    mapping = page.locator("table#mapping").inner_text()
    assert "Reg No\tRegistration" in mapping and "GVW (kg)\tGVW" in mapping
    assert "totals row" in page.locator("table#warnings").inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/fleet_list_report_1280.png", full_page=True)

    page.get_by_role("link", name="Replacement demand").click()
    page.wait_for_selector("#replacement-demand")
    chart = page.locator("#demand-chart svg")
    assert chart.is_visible()
    due = date.today().year + 2
    assert f"{due}: " in chart.locator("desc").text_content()
    assert "Fife Council" in chart.locator("desc").text_content()
    page.locator("#demand-table-details summary").click()
    assert page.locator("table#demand-table").is_visible()
    joint = page.locator("table#joint-purchases")
    vans = joint.locator("tr", has_text="Vans under 3.5 tonnes")
    assert vans.count() == 1
    assert "Fife Council" in vans.inner_text() and "Glasgow City Council" in vans.inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/fleet_demand_1280.png", full_page=True)
    vans.get_by_role("link", name="Opportunities").click()
    page.wait_for_url("**/opportunities?category=fleet.vans_lt_3_5t")
    assert "Fife Council" in page.content() and "Glasgow City Council" in page.content()
