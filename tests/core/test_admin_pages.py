"""The read-only administrator pages through the Flask test client: admins only, real data
on each page, audit-log filters and newest-first keyset pagination, odd input never a 500."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from factories import PASSWORD, collaboration, contract
from procurehub.accounts.service import get_user
from procurehub.audit import service as audit
from procurehub.contracts.models import Contract
from procurehub.contracts.service import update_contract
from procurehub.extensions import db
from procurehub.pagination import encode_cursor
from procurehub.scheduler.models import JobRun

PAGES = ["/admin/", "/admin/users", "/admin/audit", "/admin/jobs"]


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        nlc = collaboration()["S12000050"]
        c = contract(nlc, title="Residual waste treatment", supplier_name="Acme Ltd")
        update_contract(
            c,
            {"title": "Residual waste treatment (lot 2)", "notes": "x" * 300},
            user=get_user("admin@hub.example"),
        )
        db.session.add(
            JobRun(
                job_id="alerts.send_digests",
                started_at=datetime(2025, 1, 2, 3, 0),
                finished_at=datetime(2025, 1, 2, 3, 1),
                status="ok",
                message="42 digests sent",
            )
        )
        db.session.add(
            JobRun(
                job_id="alignment.refresh",
                started_at=datetime(2025, 1, 3, 3, 0),
                finished_at=datetime(2025, 1, 3, 3, 2),
                status="failed",
                message="RuntimeError: boom",
            )
        )
        db.session.commit()
        app.config["contract_id"] = c.id
    return app


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, email: str = "admin@hub.example") -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302


def body(client: Any, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def audit_rows(html: str) -> int:
    table = html.split('id="audit"', 1)
    if len(table) != 2:
        return 0
    return table[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")


def add_events(app: Any, n: int, object_type: str = "widget", code: str = "S12000049") -> None:
    with app.app_context():
        for i in range(n):
            audit.record(
                "update", object_type, f"obj-{i}", council_code=code, changes={"n": [i, i + 1]}
            )
        db.session.commit()


# ---------------------------------------------------------------------------- access
@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(hub: Any, client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("email", ["officer@nlc.example", "coord@glasgow.example"])
@pytest.mark.parametrize("path", PAGES)
def test_non_admins_get_the_friendly_403(hub: Any, client: Any, path: str, email: str) -> None:
    sign_in(client, email)
    html = body(client, path, 403)
    assert "Only an administrator can see the administration pages." in html
    assert "Go to the contracts list" in html  # the app's error page, not a bare 403


def test_admin_link_is_shown_to_admins_only(hub: Any, client: Any) -> None:
    sign_in(client, "officer@nlc.example")
    html = body(client, "/contracts")
    assert "/admin/" not in html and "Administration" not in html
    client.post("/sign-out", data={"csrf_token": csrf_of(html)})

    sign_in(client, "admin@hub.example")
    html = body(client, "/contracts")
    assert 'href="/admin/">Administration</a>' in html
    assert "Alerts" in html  # the other entries are still there
    html = body(client, "/admin/users")
    assert 'aria-current="page" href="/admin/">Administration' in html


# ---------------------------------------------------------------------------- pages
def test_index_shows_counts_and_links(hub: Any, client: Any) -> None:
    sign_in(client)
    html = body(client, "/admin/")
    counts = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="ph_num">([^<]+)</td>', html))
    assert counts == {
        "Councils": "2",
        "Users": "4",
        "Contracts": "1",
        "Register uploads in the last 30 days": "0",
    }
    for path in PAGES[1:]:
        assert f'href="{path}"' in html


def test_users_page_lists_users_councils_and_the_cli(hub: Any, client: Any) -> None:
    sign_in(client)
    html = body(client, "/admin/users")
    for text in (
        "officer@nlc.example",
        "admin@hub.example",
        "coord@glasgow.example",
        "Coordinator",  # roles in words, not their keys
        "S12000049",
        "Glasgow City Council",
        "West",
        "procurehub users add",
        "procurehub councils add",
        "procurehub tokens create",
    ):
        assert text in html, text
    users_table = html.split('id="users"', 1)[1].split("</table>", 1)[0]
    assert users_table.count("<tr>") == 5  # heading + 4 users
    assert "ds_tag--green" in users_table


def test_audit_page_shows_changes_newest_first(hub: Any, client: Any) -> None:
    sign_in(client)
    cid = hub.config["contract_id"]
    html = body(client, "/admin/audit?object_type=contract")
    assert audit_rows(html) == 2  # create, then update
    assert html.index(">update<") < html.index(">create<")
    assert f'href="/contracts/{cid}">#{cid}</a>' in html
    assert "title: Residual waste treatment → Residual waste treatment (lot 2)" in html
    assert "notes: Not given → " + "x" * 79 + "…" in html  # long values shortened
    assert "x" * 81 not in html
    assert "admin@hub.example" in html and "North Lanarkshire Council" in html


def test_jobs_page_lists_runs_with_status_tags(hub: Any, client: Any) -> None:
    sign_in(client)
    html = body(client, "/admin/jobs")
    assert html.index("alignment.refresh") < html.index("alerts.send_digests")  # newest first
    assert '<strong class="ds_tag  ds_tag--green">ok</strong>' in html
    assert '<strong class="ds_tag  ds_tag--red">failed</strong>' in html
    assert "42 digests sent" in html and "RuntimeError: boom" in html
    assert "02 Jan 2025 03:01:00" in html


def test_jobs_page_shows_at_most_200_runs(hub: Any, client: Any) -> None:
    with hub.app_context():
        db.session.add_all(JobRun(job_id=f"bulk.{i}", status="ok") for i in range(205))
        db.session.commit()
    sign_in(client)
    html = body(client, "/admin/jobs")
    assert html.split('id="job-runs"', 1)[1].count("<tr>") == 201  # heading + 200
    assert "bulk.204" in html and "alerts.send_digests" not in html


# ---------------------------------------------------------------------------- filters
def test_audit_filters(hub: Any, client: Any) -> None:
    add_events(hub, 3)
    sign_in(client)
    cid = hub.config["contract_id"]
    total = audit_rows(body(client, "/admin/audit"))
    html = body(client, "/admin/audit?object_type=contract")
    assert audit_rows(html) == 2 and '<option value="contract" selected>' in html
    assert audit_rows(body(client, "/admin/audit?object_type=widget")) == 3
    nlc = audit_rows(body(client, "/admin/audit?council=S12000050"))
    html = body(client, "/admin/audit?council=S12000049")
    gcc = audit_rows(html)
    assert '<option value="S12000049" selected>' in html
    assert gcc >= 3 and nlc >= 2 and nlc + gcc <= total
    html = body(client, "/admin/audit?object_type=widget&council=S12000050")
    assert audit_rows(html) == 0
    assert audit_rows(body(client, "/admin/audit?object_type=contract&council=S12000050")) == 2
    assert audit_rows(body(client, f"/admin/audit?object_type=contract&object_id={cid}")) == 2
    html = body(client, "/admin/audit?object_id=obj-1")
    assert audit_rows(html) == 1 and 'value="obj-1"' in html
    html = body(client, "/admin/audit?object_type=nothing")
    assert audit_rows(html) == 0 and "No audit events match these filters" in html


@pytest.mark.parametrize(
    "query",
    [
        "object_type=contr%00act",
        "council=S1200%000050",
        "object_id=%00",
        "object_type=%00&council=%00&object_id=%00",
        "object_id=" + "9" * 5000,
        "council=%F0%9F%92%A9&object_type=%27%3B--",
    ],
)
def test_odd_filters_are_never_a_500(hub: Any, client: Any, query: str) -> None:
    sign_in(client)
    html = body(client, "/admin/audit?" + query)
    assert "\x00" not in html


def test_nul_characters_are_stripped_from_filters(hub: Any, client: Any) -> None:
    sign_in(client)
    assert audit_rows(body(client, "/admin/audit?object_type=contr%00act")) == 2


# ---------------------------------------------------------------------------- pagination
def test_audit_pagination_newest_first(hub: Any, client: Any) -> None:
    add_events(hub, 120)
    sign_in(client)
    seen: list[str] = []
    url: str | None = "/admin/audit?object_type=widget"
    pages = 0
    while url:
        html = body(client, url)
        pages += 1
        ids = re.findall(r"widget #(obj-\d+)", html)
        seen.extend(ids)
        match = re.search(r'href="([^"]+)">Older</a>', html)
        url = match.group(1).replace("&amp;", "&") if match else None
        if url:
            assert "object_type=widget" in url  # filters are kept
        if pages > 1:
            assert ">Newest</a>" in html
    assert pages == 3
    assert seen == [f"obj-{i}" for i in reversed(range(120))]


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "%00",
        "eyJhZnRlciI6ICJ4In0",  # {"after": "x"}
        encode_cursor(10**30),
        encode_cursor(-(10**30)),
        "=" * 5,
        "a" * 5000,
    ],
)
def test_bad_cursor_is_a_400_page_not_a_500(hub: Any, client: Any, cursor: str) -> None:
    sign_in(client)
    response = client.get(f"/admin/audit?cursor={cursor}")
    assert response.status_code == 400
    assert "start again without" in response.get_data(as_text=True)


def test_cursor_past_the_end_is_an_empty_page(hub: Any, client: Any) -> None:
    sign_in(client)
    html = body(client, f"/admin/audit?cursor={encode_cursor(1)}")
    assert audit_rows(html) == 0
    assert 'href="/admin/audit">Go to the newest events</a>' in html


def test_contract_link_only_for_contracts(hub: Any, client: Any) -> None:
    add_events(hub, 1)
    sign_in(client)
    html = body(client, "/admin/audit?object_type=widget")
    assert "widget #obj-0" in html and 'href="/contracts/obj-0"' not in html
    with hub.app_context():
        assert db.session.get(Contract, hub.config["contract_id"]) is not None
