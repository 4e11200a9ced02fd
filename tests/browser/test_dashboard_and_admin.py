"""Each role signs in to its own dashboard; an administrator adds a user and issues a token
(shown once, copied with a button) and revokes it; secrets sit at the top of their page;
signing out says so."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from factories import PASSWORD, collaboration, contract, user

pytestmark = pytest.mark.browser


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        councils = collaboration()
        contract(
            councils["S12000050"],
            reference="NLC-1",
            title="Residual waste treatment",
            end_date=date.today().replace(year=date.today().year + 1),
        )
        user("manager@nlc.example", "S12000050", "network_manager")
        user("lead@nlc.example", "S12000050", "digital_lead")
    return app


def sign_in(page: Any, live_server: str, email: str) -> None:
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/dashboard")


def on_screen(page: Any, locator: Any) -> bool:
    """Wholly inside the window as the page opens, without scrolling."""
    box = locator.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= page.viewport_size["height"]
    )


@pytest.mark.parametrize(
    "email,role,panel",
    [
        ("officer@nlc.example", "Procurement officer", "Data to complete"),
        ("coord@glasgow.example", "Coordinator", "Opportunities by urgency"),
        ("admin@hub.example", "Administrator", "Users and councils"),
        ("manager@nlc.example", "Fleet / network manager", "Vehicle variations"),
        ("lead@nlc.example", "Digital lead", "Business cases for national systems"),
    ],
)
def test_each_role_lands_on_its_dashboard(
    hub: Any, live_server: str, page: Any, email: str, role: str, panel: str
) -> None:
    sign_in(page, live_server, email)
    assert page.get_by_role("heading", name="Your dashboard", level=1).is_visible()
    assert page.get_by_role("heading", name=role, level=2).is_visible()
    assert page.get_by_role("heading", name=panel, level=3).is_visible()
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings == [role]  # only its own role's panels
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Home").get_attribute("aria-current") == "page"
    nav.get_by_role("link", name="Contracts").click()
    page.wait_for_url(live_server + "/contracts")  # the list keeps its place


def test_admin_adds_a_user_issues_a_token_once_and_revokes_it(
    hub: Any, live_server: str, browser: Any
) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, "admin@hub.example")
        page.get_by_role("link", name="Add a user").first.click()
        page.wait_for_url("**/admin/users/new")
        page.get_by_role("button", name="Add the user").click()  # nothing filled in
        summary = page.locator("#error-summary")
        assert "Enter the person's e-mail address" in summary.inner_text()
        page.get_by_label("E-mail address").fill("new.officer@glasgow.example")
        page.get_by_label("Name (optional)").fill("New Officer")
        page.get_by_label("Council").select_option(label="Glasgow City Council")
        page.locator("label[for=role-officer]").click()  # the design system styles the label
        assert page.get_by_label("Procurement officer").is_checked()
        page.get_by_label("First password (optional)").fill("a long enough password")
        page.get_by_role("button", name="Add the user").click()
        page.wait_for_url("**/admin/users")
        assert page.get_by_text(
            "Added new.officer@glasgow.example (Glasgow City Council)."
        ).is_visible()
        row = page.locator("table#users tr", has_text="new.officer@glasgow.example")
        assert (
            "Procurement officer" in row.inner_text() and "Glasgow City Council" in row.inner_text()
        )

        page.get_by_role("link", name="API tokens").first.click()
        page.wait_for_url("**/admin/tokens")
        page.get_by_label("Whose token").select_option(
            label="new.officer@glasgow.example (Glasgow City Council)"
        )
        page.get_by_label("What it is for (optional)").fill("Finance export")
        page.get_by_role("button", name="Create the token").click()
        field = page.get_by_label("API token")
        token = field.input_value()
        assert token.startswith("phub_")
        # At the top of the page, above everything else, and copied with the button.
        top = page.locator("#new-token").bounding_box()["y"]
        assert top < page.locator("table#tokens").bounding_box()["y"]
        assert on_screen(page, field)
        page.get_by_role("button", name="Copy the token").click()
        page.get_by_text("Copied.").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == token

        page.goto(live_server + "/admin/tokens")  # shown once: never again
        assert token not in page.content()
        row = page.locator("table#tokens tr", has_text="Finance export")
        assert "Active" in row.inner_text()
        row.get_by_role("button", name=re.compile("Revoke")).click()
        assert page.get_by_text("The token was revoked").is_visible()
        assert "Revoked" in page.locator("table#tokens tr", has_text="Finance export").inner_text()
        program = browser.new_context()  # no session cookie: the token alone
        try:
            api = program.request.get(
                live_server + "/api/v1/contracts", headers={"Authorization": f"Bearer {token}"}
            )
            assert api.status == 401
        finally:
            program.close()
    finally:
        context.close()


def test_the_webhook_secret_and_calendar_address_are_at_the_top(
    hub: Any, live_server: str, page: Any
) -> None:
    hub.config["ALLOW_PRIVATE_WEBHOOKS"] = True
    sign_in(page, live_server, "coord@glasgow.example")
    page.goto(live_server + "/alerts/subscriptions")
    assert page.get_by_label("Workstream").input_value() == ""  # nothing chosen for you
    page.get_by_label("Workstream").select_option(label="Waste")
    page.locator("label[for=channel-webhook]").click()
    page.get_by_label("Webhook address (only for a webhook)").fill("http://127.0.0.1:9/hook")
    page.get_by_role("button", name="Subscribe").click()
    secret = page.get_by_role("textbox", name="Signing secret")
    assert secret.input_value().startswith("whsec_")
    assert on_screen(page, secret)  # at the top: seen without scrolling
    assert page.get_by_role("button", name="Copy the secret").is_visible()

    page.goto(live_server + "/alerts")
    page.get_by_role("button", name="Create a calendar address").click()
    address = page.get_by_role("textbox", name="Your calendar address")
    assert "/calendar/cal_" in address.input_value()
    assert on_screen(page, address)
    assert page.get_by_role("button", name="Copy the address").is_visible()


def test_signing_out_is_confirmed(hub: Any, live_server: str, page: Any) -> None:
    sign_in(page, live_server, "officer@nlc.example")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server + "/sign-in")
    assert page.get_by_role("status").filter(has_text="You have signed out.").is_visible()
    page.goto(live_server + "/dashboard")
    page.wait_for_url(re.compile(r"/sign-in\?next=/dashboard"))
