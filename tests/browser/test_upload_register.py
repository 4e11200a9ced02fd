"""A procurement officer uploads the council's register as it is, reads the report, fixes the
upload and the column mapping; a coordinator puts an unclassified contract in a category."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from factories import PASSWORD, council, user
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.registers.models import CouncilColumnMapping

pytestmark = pytest.mark.browser

SCREENSHOT = os.environ.get("PROCUREHUB_RESULTS_SCREENSHOT", "/tmp/results.png")


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        council("S12000050", "North Lanarkshire Council")
        council("S12000049", "Glasgow City Council")
        user("officer@nlc.example", "S12000050")
        user("lead@gcc.example", "S12000049", "coordinator")
    return app


def register_workbook(path: Any) -> Any:
    """A register as councils keep them: a title row, their own headings, UK dates, £1.2m."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Contracts 2025"
    ws.append(["North Lanarkshire Council – Contracts Register (March 2025)"])
    ws.append(
        [
            "Contract Ref",
            "Contract Title",
            "Supplier",
            "Start Date",
            "End Date",
            "Extension Options",
            "Total Value",
            "Service Area",
            "Misc",
        ]
    )
    ws.append(
        [
            "NLC-001",
            "Residual waste treatment",
            "Viridor",
            "01/04/2020",
            "31/03/2027",
            "2+1+1",
            "£1.2m",
            "Waste",
            "Review in 2026",
        ]
    )
    ws.append(
        [
            "NLC-002",
            "Food waste collection",
            "Acme Ltd",
            "01/04/2021",
            "31/02/2026",  # no such date: this row is refused
            "None",
            "£300,000",
            "Waste",
            "",
        ]
    )
    ws.append(
        [
            "NLC-003",
            "Widget maintenance",
            "Bob Ltd",
            "01/04/2022",
            "31/03/2026",
            "1 x 12 months",
            "£10,000",
            "Miscellaneous odds",
            "",
        ]
    )
    target = path / "NLC contracts register.xlsx"
    wb.save(target)
    return target


def sign_in(page: Any, live_server: str, email: str) -> None:
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/dashboard")  # signing in lands on the dashboard


def count(page: Any, key: str) -> str:
    return page.locator(f'#counts td[data-count="{key}"]').inner_text().strip()


def test_officer_uploads_fixes_and_maps_a_register(hub, live_server, page, tmp_path):
    register = register_workbook(tmp_path)
    sign_in(page, live_server, "officer@nlc.example")
    # The navigation's link (the dashboard's "last upload" panel has one too).
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Upload a register"
    ).click()
    page.wait_for_url(live_server + "/registers/upload")
    assert page.get_by_role(
        "link", name="Download the blank register template (.xlsx)"
    ).is_visible()
    assert page.get_by_label("Council").locator("option").all_inner_texts() == [
        "North Lanarkshire Council"
    ]

    # Without choosing a file: the form again, with the problem at the top.
    page.get_by_role("button", name="Upload register").click()
    assert page.locator(".ds_error-summary").get_by_text("Choose the register file").is_visible()

    # All or nothing (the default): one bad row, so nothing is stored.
    page.get_by_label("Register file").set_input_files(str(register))
    page.get_by_role("button", name="Upload register").click()
    page.wait_for_url("**/registers/uploads/*")
    assert page.locator("#status").get_by_text("Nothing was stored").first.is_visible()
    assert count(page, "rows_read") == "3" and count(page, "rejected") == "1"
    assert count(page, "created") == "0"
    assert "“Contracts 2025”, headings on row 2" in page.locator(".ds_metadata").inner_text()
    errors = page.locator("table#errors tbody tr")
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[0] == "4" and cells[1] == "End Date" and "31/02/2026" in cells[2]
    mapping = page.locator("table#mapping-table")
    assert "Contract Ref" in mapping.inner_text() and "Total Value" in mapping.inner_text()
    assert page.locator("#field_6").input_value() == "value_total"  # "Total Value"

    # Again, storing the valid rows: two stored, the bad one offered as a workbook.
    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Register file").set_input_files(str(register))
    # The design system draws the box over the input: people click the label.
    page.get_by_text("Store the valid rows even if some rows have problems").click()
    assert page.get_by_label("Store the valid rows even if some rows have problems").is_checked()
    page.get_by_role("button", name="Upload register").click()
    page.wait_for_url("**/registers/uploads/*")
    assert page.locator("#status").get_by_text("Register stored").is_visible()
    assert count(page, "created") == "2" and count(page, "rejected") == "1"
    page.screenshot(path=SCREENSHOT, full_page=True)

    link = page.get_by_role("link", name="Download the rejected rows (.xlsx)")
    response = page.request.get(live_server + link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    body = response.body()
    assert body[:2] == b"PK"
    rejected = load_workbook(io.BytesIO(body)).active
    assert any("NLC-002" in str(c.value) for row in rejected.iter_rows() for c in row)

    with hub.app_context():
        stored = db.session.scalar(select(Contract).where(Contract.reference == "NLC-001"))
        assert stored.value_total == 1_200_000 and stored.extension_periods_months == [12, 12]

    # "Misc" holds the contract notes: change it and save for next time.
    heading_row = page.locator("table#mapping-table tbody tr", has_text="Misc")
    select_box = heading_row.locator("select")
    select_box.select_option("notes")
    page.get_by_role("button", name="Save this mapping for my council's next uploads").click()
    page.wait_for_url("**/registers/uploads/*#mapping")
    assert page.get_by_text("Saved 1 column choice for North Lanarkshire Council").is_visible()
    with hub.app_context():
        saved = db.session.scalars(select(CouncilColumnMapping)).all()
        assert [(m.field) for m in saved] == ["notes"]

    # The list of uploads shows both, newest first.
    page.get_by_role("link", name="All uploads").click()
    page.wait_for_url("**/registers/uploads")
    rows = page.locator("table#uploads tbody tr")
    expect(rows).to_have_count(2)
    assert "Stored" in rows.nth(0).inner_text() and "Refused" in rows.nth(1).inner_text()


def test_coordinator_assigns_an_unclassified_contract(hub, live_server, page, tmp_path):
    from procurehub.accounts.service import get_council, get_user
    from procurehub.registers import service as register_import

    with hub.app_context():
        register_import.import_contracts(
            register_workbook(tmp_path),
            display_name="register.xlsx",
            council=get_council("S12000050"),
            user=get_user("officer@nlc.example"),
            options=register_import.ImportOptions(accept_valid=True),
        )
        odd = db.session.scalar(select(Contract).where(Contract.reference == "NLC-003"))
        assert odd.category == "unclassified"
        odd_id = odd.id

    sign_in(page, live_server, "lead@gcc.example")
    page.goto(live_server + "/contracts/unclassified?council=S12000050")
    row = page.locator(f"#contract-{odd_id}")
    assert "Miscellaneous odds" in row.inner_text()
    row.locator("select").select_option("waste.bulky")
    row.get_by_role("button", name="Assign").click()
    page.wait_for_url("**/contracts/unclassified?council=S12000050")
    assert page.get_by_text("NLC-003 is now in").is_visible()
    assert page.locator(f"#contract-{odd_id}").count() == 0
    with hub.app_context():
        assert db.session.get(Contract, odd_id).category == "waste.bulky"
