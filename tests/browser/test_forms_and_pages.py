"""In a real browser: the API documentation inside the site (reached signed out from the
footer, through sign-in and back), every error of the edit form at once, and the menu on a
phone-sized screen."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from factories import PASSWORD, contract, council, user
from procurehub.contracts.fields import LABELS

pytestmark = pytest.mark.browser


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        user("officer@nlc.example", "S12000050")
        contract(
            nlc,
            reference="NLC-001",
            title="Residual waste treatment",
            start_date=date(2020, 4, 1),
            end_date=date(2027, 3, 31),
        )
    return app


def sign_in_here(page: Any) -> None:
    page.get_by_label("E-mail address").fill("officer@nlc.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_api_docs_from_the_footer_signed_out_through_sign_in_and_back(
    hub: Any, live_server: str, page: Any
) -> None:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_server + "/sign-in")
    page.get_by_role("link", name="API documentation").click()
    page.wait_for_url(re.compile(r"/sign-in\?next=/api/docs$"))
    sign_in_here(page)
    page.wait_for_url(live_server + "/api/docs")

    assert page.locator("header.ds_site-header").is_visible()
    assert page.get_by_role("heading", name="ProcureHub API documentation", level=1).is_visible()
    page.locator("#swagger-ui-container .opblock").first.wait_for()  # Swagger UI ran
    assert page.locator("#swagger-ui-container .opblock").count() > 10
    assert page.get_by_text("/api/v1/contracts", exact=True).first.is_visible()
    assert problems == []

    page.get_by_role("link", name="Back to ProcureHub").click()
    page.wait_for_url(live_server + "/dashboard")


def test_the_edit_form_lists_every_error_and_links_to_each_field(
    hub: Any, live_server: str, page: Any
) -> None:
    page.goto(live_server + "/sign-in")
    sign_in_here(page)
    page.wait_for_url(live_server + "/dashboard")
    page.goto(live_server + "/contracts")
    page.locator("table#contracts").get_by_role("link", name="Residual waste treatment").click()
    page.get_by_role("link", name="Edit this contract").click()
    page.wait_for_url("**/edit")

    page.get_by_label("Title").fill("")
    page.get_by_label(LABELS["end_date"], exact=True).fill("2019-01-31")  # before the start
    page.get_by_label("Total value (£)").fill("lots")
    page.get_by_role("button", name="Save changes").click()

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    links = summary.get_by_role("link")
    assert links.count() == 3
    assert "The end date is before the start date." in summary.inner_text()
    assert page.locator("#end_date-error").is_visible()
    assert page.locator("#value_total-error").is_visible()
    links.nth(2).click()  # the total value
    assert page.evaluate("document.activeElement.id") == "value_total"


def test_the_menu_opens_on_a_phone(hub: Any, live_server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(live_server + "/sign-in")
        sign_in_here(page)
        page.wait_for_url(live_server + "/dashboard")
        # The menu's links (the dashboard has an "Upload a register" link of its own).
        menu = page.locator("#mobile-navigation")
        assert not menu.get_by_role("link", name="Upload a register").is_visible()
        page.get_by_role("button", name="Menu").click()
        menu.get_by_role("link", name="Upload a register").click()
        page.wait_for_url(re.compile(r"/uploads/new$|/upload"))
        assert page.get_by_role("button", name="Sign out").is_visible()
    finally:
        context.close()
