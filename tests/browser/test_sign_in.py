"""A procurement officer signs in and sees every council's contracts."""

from datetime import date

import pytest

from factories import PASSWORD, collaboration, contract

pytestmark = pytest.mark.browser


@pytest.fixture
def hub(app):
    with app.app_context():
        councils = collaboration()
        nlc, gcc = councils["S12000050"], councils["S12000049"]
        contract(
            nlc, reference="NLC-001", title="Residual waste treatment", end_date=date(2028, 3, 31)
        )
        contract(
            gcc,
            reference="GCC-042",
            title="Food waste anaerobic digestion",
            category="waste.food",
            end_date=date(2027, 9, 30),
        )
    return app


def test_officer_signs_in_and_filters_the_contracts_list(hub, live_server, page):
    page.goto(live_server + "/contracts")
    assert page.url.startswith(live_server + "/sign-in")  # anonymous is sent to sign in
    page.get_by_label("E-mail address").fill("officer@nlc.example")
    page.get_by_label("Password").fill("a wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("The e-mail address or password is not right.").is_visible()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/contracts")
    table = page.locator("table#contracts")
    assert "NLC-001" in table.inner_text() and "GCC-042" in table.inner_text()
    assert "Glasgow City Council" in table.inner_text()

    page.get_by_label("Council").select_option("S12000049")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**council=S12000049**")
    text = page.locator("table#contracts").inner_text()
    assert "GCC-042" in text and "NLC-001" not in text

    page.get_by_label("Search").fill("nothing matches this")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_text("No contracts match these filters.").is_visible()


def test_pages_and_api_docs_work_under_the_content_security_policy(hub, live_server, page):
    """No page breaks the CSP (no inline script); Swagger UI still renders; an officer
    changes their password and another browser of theirs is signed out."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail address").fill("officer@nlc.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/dashboard")  # signing in lands on the role dashboard

    page.goto(live_server + "/api/docs")
    page.locator(".opblock-tag").first.wait_for()  # Swagger UI built the operation list
    assert "contracts" in page.locator("#swagger-ui-container").inner_text().lower()

    page.get_by_role("link", name="Back to ProcureHub").click()
    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Current password", exact=True).fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("heather thistle ferry")
    page.get_by_label("New password again", exact=True).fill("heather thistle ferry")
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_text("Your password was changed.").is_visible()
    assert refused == []
