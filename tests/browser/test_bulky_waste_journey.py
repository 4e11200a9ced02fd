"""A waste manager records the council's bulky waste service, compares it with the other
councils on the benchmark page, and a coordinator models a joint service and saves it."""

from __future__ import annotations

import os
import re

import pytest

from factories import PASSWORD, council, user

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("PROCUREHUB_SCREENSHOT_DIR")
OTHERS = {
    "S12000049": dict(
        delivery_model="mixed", collections=31500, items=118000, tonnes_collected=4050,
        tonnes_reuse=120, tonnes_recycling=900, tonnes_energy_recovery=2400, tonnes_landfill=630,
        charge_price=35, charge_items_covered=6, operating_cost=2050000, days_to_collection=12,
    ),
    "S12000008": dict(
        delivery_model="in_house", collections=5600, items=18500, tonnes_collected=700,
        tonnes_reuse=60, tonnes_recycling=210, tonnes_energy_recovery=330, tonnes_landfill=100,
        charge_price=0, charge_items_covered=3, operating_cost=365000, days_to_collection=6,
    ),
}


@pytest.fixture
def hub(app):
    from plugins.waste import service
    from procurehub.extensions import db

    with app.app_context():
        council("S12000050", "North Lanarkshire Council")
        council("S12000049", "Glasgow City Council")
        council("S12000008", "East Ayrshire Council")
        user("waste.manager@nlc.example", "S12000050")
        user("coordinator@glasgow.example", "S12000049", "coordinator")
        for code, figures in OTHERS.items():
            service.create_profile(
                {"council_code": code, "financial_year": "2024-25", **figures}, user=None
            )
        db.session.commit()
    return app


# The page's own width, leaving out the core header's user block (name, council, sign-out),
# which the core layout does not yet fold away on a phone.
PAGE_WIDTH = """() => { const user = document.querySelector('.ph_user');
  if (user) user.style.display = 'none';
  const width = document.documentElement.scrollWidth;
  if (user) user.style.display = '';
  return width; }"""


def shoot(page, name, *parts):
    """Full-page screenshots at desk and phone widths, and close-ups of `parts` (selectors)."""
    if not SCREENSHOTS:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}-{width}.png"), full_page=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}-{width}-top.png"))
        for number, selector in enumerate(parts):
            page.locator(selector).screenshot(
                path=os.path.join(SCREENSHOTS, f"{name}-{width}-part{number}.png")
            )
        assert page.evaluate(PAGE_WIDTH) <= width, f"{name} is wider than {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def sign_in(page, base, email):
    page.goto(base + "/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/dashboard")  # signing in lands on the dashboard


def test_waste_manager_records_compares_and_coordinator_models(hub, live_server, page):
    sign_in(page, live_server, "waste.manager@nlc.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bulky waste").click()
    page.wait_for_url("**/waste/bulky/")
    page.get_by_role("link", name="Record a profile").click()
    page.wait_for_url("**/profiles/new")

    # A first try with a slip: every problem is listed at once.
    page.locator("#collections").fill("-18200")
    page.locator("#tonnes_collected").fill("2310")
    page.locator("#tonnes_reuse").fill("3000")
    page.get_by_role("button", name="Save the profile").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.locator("li").count() == 3  # delivery model, collections, tonnes
    shoot(page, "bulky-form-errors")

    page.get_by_text("In-house", exact=True).click()
    figures = {
        "#financial_year": "2024-25", "#collections": "18,200", "#items": "61900", "#tonnes_collected": "2310",
        "#tonnes_reuse": "150", "#tonnes_recycling": "640", "#tonnes_energy_recovery": "1100",
        "#tonnes_landfill": "400", "#charge_price": "£25", "#charge_items_covered": "4",
        "#operating_cost": "£1,092,000", "#days_to_collection": "8",
    }
    for selector, value in figures.items():
        page.locator(selector).fill(value)
    page.get_by_role("button", name="Save the profile").click()
    page.wait_for_url(re.compile(r"/waste/bulky/profiles/\d+$"))
    assert page.get_by_text("Saved the bulky waste profile for 2024-25").is_visible()
    assert "20 short" in page.locator("#warnings").inner_text()  # shown, not blocking
    shoot(page, "bulky-profile")

    page.get_by_role("link", name="Compare 2024-25 with other councils").click()
    page.wait_for_url("**/waste/bulky/benchmark?year=2024-25")
    table = page.locator("#table-cost_per_tonne")
    row = table.locator("tr", has_text="North Lanarkshire Council")
    assert "£472.73" in row.inner_text() and "Better" in row.inner_text()
    assert page.locator("svg.ph-bar-chart").count() == 8
    assert page.locator("#measure-cost_per_tonne svg title").text_content().startswith(
        "Cost per tonne"
    )
    shoot(page, "bulky-benchmark", "#measure-cost_per_tonne", "#measure-reuse_share")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "coordinator@glasgow.example")
    page.goto(live_server + "/waste/bulky/joint-models")
    page.get_by_role("link", name="Model a joint service").click()
    page.wait_for_url("**/joint-models/new")
    for name in ("North Lanarkshire Council", "Glasgow City Council", "East Ayrshire Council"):
        page.locator("#model-form label", has_text=name).click()
    page.get_by_label("Joint price (£)").fill("420")
    page.get_by_label("Reuse target (%) (optional)").fill("10")
    page.get_by_role("button", name="Work out the joint service").click()
    page.wait_for_load_state()
    assert page.locator("#saving").is_visible()
    assert "£541,800" in page.locator("#saving").inner_text()  # 3,507,000 − 420 × 7,060
    assert page.locator("#assumptions").get_by_text("CO2e factor: landfill").is_visible()
    shoot(page, "bulky-joint-preview", "#result")
    page.get_by_label("Name of the model").fill("West of Scotland joint bulky service")
    page.get_by_role("button", name="Save and share with the group").click()
    page.wait_for_url(re.compile(r"/joint-models/\d+$"))
    assert page.get_by_role("heading", name="West of Scotland joint bulky service").is_visible()
    assert page.locator("#share-link").inner_text().startswith(live_server)
    shoot(page, "bulky-joint-model")
