"""A procurement officer opens one of the council's contracts from the list and says it is open
to a joint tender; the change is saved and shows in the contract's history."""

import os
import re
from datetime import date

import pytest

from factories import PASSWORD, collaboration, contract

pytestmark = pytest.mark.browser

SCREENSHOT = os.environ.get("PROCUREHUB_CONTRACT_SCREENSHOT")


@pytest.fixture
def hub(app):
    with app.app_context():
        nlc = collaboration()["S12000050"]
        contract(
            nlc,
            reference="NLC-001",
            title="Residual waste treatment",
            supplier_name="Viridor Ltd",
            start_date=date(2020, 4, 1),
            end_date=date(2027, 3, 31),
            extension_terms="2+1+1",
            extension_periods_months=[12, 12],
            value_total=12_500_000,
            extra={"Contract owner": "Jane Smith", "Owner e-mail": "jane.smith@nlc.example"},
        )
    return app


def test_officer_marks_a_contract_open_to_collaboration(hub, live_server, page):
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail address").fill("officer@nlc.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/dashboard")  # signing in lands on the dashboard
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contracts").click()
    page.wait_for_url(live_server + "/contracts")

    page.locator("table#contracts").get_by_role("link", name="Residual waste treatment").click()
    page.wait_for_url(re.compile(r"/contracts/\d+$"))
    assert page.get_by_role("heading", name="Residual waste treatment", level=1).is_visible()
    assert "31 March 2029" in page.locator("#fields").inner_text()

    page.get_by_role("link", name="Edit this contract").click()
    page.wait_for_url("**/edit")
    # SGDS draws its own radio over the input: click the label, as a person does.
    page.get_by_text("Yes, we would consider a joint tender").click()
    assert page.get_by_label("Yes, we would consider a joint tender").is_checked()
    page.get_by_role("button", name="Save changes").click()

    page.wait_for_url(re.compile(r"/contracts/\d+$"))
    assert page.get_by_text("Saved", exact=True).is_visible()
    assert "Open to a joint tender: Yes" in page.locator("#interest-tag").inner_text()
    history = page.locator("table#history").inner_text()
    assert "officer@nlc.example" in history
    assert "Open to a joint tender: Not known → Yes" in history
    if SCREENSHOT:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=SCREENSHOT, full_page=True)
