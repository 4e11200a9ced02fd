"""The audit log page: filtered by person, council, kind of thing and dates; 50 a page with the
filters kept; exported (every matching event, not one page) as CSV or XLSX through the core
exports module."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from factories import ADMIN, COORDINATOR, PASSWORD, collaboration
from procurehub.accounts.models import User
from procurehub.audit import service as audit
from procurehub.audit.models import AuditEvent
from procurehub.extensions import db


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def sign_in(client: Any, email: str = ADMIN) -> None:
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})


def rows(html: str) -> list[str]:
    table = html.split('id="audit"', 1)
    if len(table) != 2:
        return []
    return re.findall(r"widget #(w-\d+)", table[1].split("</tbody>", 1)[0])


@pytest.fixture
def hub(app: Any) -> Any:
    """120 widget changes by the admin in 2025 (every day from 1 January), 3 by the hub itself
    in March 2026, one with a formula-looking value."""
    with app.app_context():
        collaboration()
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        for i in range(120):
            event = audit.record(
                "update",
                "widget",
                f"w-{i}",
                user=admin,
                council_code="S12000049",
                changes={"n": [i, i + 1]},
            )
            db.session.flush()
            db.session.execute(
                update(AuditEvent)
                .where(AuditEvent.id == event.id)
                .values(
                    at=datetime(2025, 1, 1, 12) + (datetime(2025, 1, 2) - datetime(2025, 1, 1)) * i
                )
            )
        for i in range(120, 123):
            event = audit.record(
                "update",
                "widget",
                f"w-{i}",
                council_code="S12000050",
                changes={"title": ['=HYPERLINK("http://evil")', "+1"]},
            )
            db.session.flush()
            db.session.execute(
                update(AuditEvent)
                .where(AuditEvent.id == event.id)
                .values(at=datetime(2026, 3, 5, 9))
            )
        audit.record("update", "formula", "=SUM(A1:A9)", council_code="S12000050")
        db.session.commit()
        app.config["admin_id"] = admin.id
    return app


def test_filters_by_person_council_dates_and_keeps_them_across_pages(hub: Any, client: Any) -> None:
    sign_in(client)
    admin_id = hub.config["admin_id"]
    html = client.get(f"/admin/audit?object_type=widget&user={admin_id}").get_data(as_text=True)
    assert f'<option value="{admin_id}" selected>{ADMIN}</option>' in html
    seen, url = [], f"/admin/audit?object_type=widget&user={admin_id}"
    pages = 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        page_rows = rows(html)
        assert len(page_rows) <= 50
        seen += page_rows
        match = re.search(r'href="([^"]+)">Older</a>', html)
        url = match.group(1).replace("&amp;", "&") if match else None
        if url:
            assert f"user={admin_id}" in url and "object_type=widget" in url
    assert pages == 3 and seen == [f"w-{i}" for i in reversed(range(120))]

    system = rows(client.get("/admin/audit?object_type=widget&user=system").get_data(as_text=True))
    assert system == ["w-122", "w-121", "w-120"]
    # 1 January 2025 + 31 days = 1 February: both ends of a range are included.
    feb = rows(
        client.get(
            "/admin/audit?object_type=widget&date_from=2025-02-01&date_to=2025-02-03"
        ).get_data(as_text=True)
    )
    assert feb == ["w-33", "w-32", "w-31"]
    html = client.get(
        "/admin/audit?object_type=widget&council=S12000050&date_from=2026-01-01"
    ).get_data(as_text=True)
    assert (
        rows(html) == ["w-122", "w-121", "w-120"] and "Glasgow" not in html.split('id="audit"')[1]
    )
    assert "North Lanarkshire Council" in html.split('id="audit"')[1]


@pytest.mark.parametrize(
    "query,message",
    [
        ("date_from=31/02/2025", "“From” must be a real date"),
        ("date_to=tomorrow", "“To” must be a real date"),
        ("user=somebody", "Choose a person from the list"),
    ],
)
def test_a_filter_not_understood_is_said_and_ignored(
    hub: Any, client: Any, query: str, message: str
) -> None:
    sign_in(client)
    response = client.get("/admin/audit?object_type=widget&" + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert len(rows(html)) == 50
    assert client.get("/admin/audit/export.csv?" + query).status_code == 400


def test_export_has_every_matching_event_neutralised(hub: Any, client: Any) -> None:
    sign_in(client)
    html = client.get("/admin/audit?object_type=widget&council=S12000049").get_data(as_text=True)
    assert 'href="/admin/audit/export.csv?object_type=widget&amp;council=S12000049"' in html
    response = client.get("/admin/audit/export.csv?object_type=widget&council=S12000049")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(table) == 120  # every page, not only the first 50
    assert [r["object_id"] for r in table[:2]] == ["w-0", "w-1"]  # oldest first
    assert table[0]["council_name"] == "Glasgow City Council" and table[0]["actor"] == ADMIN

    response = client.get("/admin/audit/export.xlsx?object_type=widget&user=system")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][:4] == ("id", "at", "actor", "action") and len(values) == 4
    changes = values[1][values[0].index("changes")]
    assert "=HYPERLINK" in changes and sheet.cell(row=2, column=10).data_type == "s"
    assert values[1][values[0].index("council_name")] == "North Lanarkshire Council"
    # A cell that starts like a formula is text in both formats, never a formula.
    text = client.get("/admin/audit/export.csv?object_type=formula").get_data(as_text=True)
    assert "'=SUM(A1:A9)" in text and ",=SUM" not in text
    book = load_workbook(
        io.BytesIO(client.get("/admin/audit/export.xlsx?object_type=formula").data)
    )
    cell = book.active.cell(row=2, column=6)
    assert cell.value == "=SUM(A1:A9)" and cell.data_type == "s"


def test_only_admins_read_or_export_the_log(hub: Any, client: Any) -> None:
    sign_in(client, COORDINATOR)
    for path in ("/admin/audit", "/admin/audit/export.csv", "/admin/audit/export.xlsx"):
        assert client.get(path).status_code == 403
    sign_in(client)
    assert client.get("/admin/audit/export.pdf").status_code == 404
