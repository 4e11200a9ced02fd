"""Forms and pages as people meet them (issue 8 item 7): every form error at once, "Not given"
for absent values, uploads in a contract's history, the API documents for people in a browser,
plain error pages and the site icon."""

from __future__ import annotations

import re
import struct
from datetime import date
from typing import Any

import pytest
from flask import render_template_string
from sqlalchemy import select

from factories import PASSWORD, contract, council, user
from procurehub.accounts.admin_views import change_lines
from procurehub.accounts.models import User
from procurehub.audit.models import AuditEvent
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.registers.service import ImportOptions, import_contracts
from procurehub.web.display import NOT_GIVEN, is_absent, not_given

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        user("officer@nlc.example", "S12000050")
        user("admin@nlc.example", "S12000050", "admin")
        full = contract(
            nlc,
            reference="NLC-001",
            title="Residual waste treatment",
            start_date=date(2020, 4, 1),
            end_date=date(2027, 3, 31),
        )
        bare = contract(
            nlc, reference=None, title="Grounds maintenance", category="unclassified", end_date=None
        )
        app.config.update(contract_id=full.id, bare_id=bare.id)
    return app


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, email: str = "officer@nlc.example", next_url: str = "") -> Any:
    page = client.get("/sign-in").get_data(as_text=True)
    query = f"?next={next_url}" if next_url else ""
    response = client.post(
        f"/sign-in{query}", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302
    return response


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def edit_form(client: Any, cid: int) -> dict[str, str]:
    html = client.get(f"/contracts/{cid}/edit").get_data(as_text=True)
    data = {
        "csrf_token": csrf_of(html),
        "title": "Residual waste treatment",
        "status": "active",
        "category": "waste.residual_treatment",
        "collaboration_interest": "unknown",
        "start_date": "2020-04-01",
        "end_date": "2027-03-31",
    }
    return data


def summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="ds_error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary at the top of the form"
    return re.findall(r'<a href="#([^"]+)">', summary.group(0))


# ---------------------------------------------------------------------------- every error at once
def test_the_edit_form_shows_every_error_at_once(hub: Any, client: Any) -> None:
    """A wrong amount used to hide the end date before the start date until it was fixed."""
    cid = hub.config["contract_id"]
    sign_in(client)
    data = edit_form(client, cid)
    data.update(
        title=" ",
        start_date="2024-01-01",
        end_date="2023-01-01",  # before the start: a rule across two fields
        value_total="lots",
        value_annual="a few",
        extension_periods_months="12;twelve",
        status="finished",
    )
    response = client.post(f"/contracts/{cid}/edit", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    expected = [
        "title",
        "end_date",
        "extension_periods_months",
        "value_total",
        "value_annual",
        "status",
    ]
    assert summary_links(html) == expected  # in the order of the form
    for field in expected:
        assert f'id="{field}-error"' in html, field  # and each beside its field
    text = visible_text(html)
    assert "The end date is before the start date." in text
    assert "Enter an amount in pounds" in text
    assert text.count("Enter an amount in pounds") == 4  # two fields: summary and beside each
    with hub.app_context():
        c = db.session.get(Contract, cid)
        assert c.title == "Residual waste treatment" and c.end_date == date(2027, 3, 31)


def test_every_message_for_one_field_is_shown(hub: Any, client: Any) -> None:
    cid = hub.config["contract_id"]
    sign_in(client)
    data = edit_form(client, cid)
    data.update(extension_periods_months="0;twelve", reference="R" * 250)
    html = client.post(f"/contracts/{cid}/edit", data=data).get_data(as_text=True)
    beside = re.search(r'id="extension_periods_months-error">(.*?)</p>', html, re.S).group(1)
    assert "whole numbers" in beside and "from 1 to 240" in beside  # "twelve" and the 0
    assert "Use 200 characters or fewer" in visible_text(html)  # not "Longer than maximum…"
    assert summary_links(html).count("extension_periods_months") == 2


def test_a_valid_form_still_saves(hub: Any, client: Any) -> None:
    cid = hub.config["contract_id"]
    sign_in(client)
    data = edit_form(client, cid)
    data.update(value_total="£1,000", extension_periods_months="12")
    assert client.post(f"/contracts/{cid}/edit", data=data).status_code == 303


# ---------------------------------------------------------------------------- "Not given"
@pytest.mark.parametrize("value", [None, "", "   ", [], {}, ()])
def test_absent_values(value: Any) -> None:
    assert is_absent(value)
    assert "Not given" in str(not_given(value))


@pytest.mark.parametrize("value", [0, False, "0", "None", [12], date(2027, 3, 31)])
def test_present_values_are_shown_as_they_are(value: Any) -> None:
    assert not is_absent(value)
    assert not_given(value) is value


def test_templates_never_print_none(hub: Any) -> None:
    with hub.test_request_context():
        assert render_template_string("[{{ x }}]", x=None) == "[]"
        assert render_template_string('<input value="{{ x }}">', x=None) == '<input value="">'
        shown = render_template_string("{{ x|not_given }}", x=None)
        assert shown == '<span class="ph_not-given">Not given</span>'
        assert render_template_string("{{ x|not_given }}", x="<b>") == "&lt;b&gt;"


@pytest.mark.parametrize(
    "path",
    ["/contracts", "/contracts/{bare}", "/contracts/{bare}/edit", "/admin/audit", "/admin/users"],
)
def test_no_page_shows_none_for_an_absent_value(hub: Any, client: Any, path: str) -> None:
    sign_in(client, "admin@nlc.example")
    url = path.format(bare=hub.config["bare_id"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert not re.search(r"\bNone\b", visible_text(html)), url
    assert 'value="None"' not in html
    if url != f"/contracts/{hub.config['bare_id']}/edit":
        assert NOT_GIVEN in visible_text(html), url


def test_the_contract_page_says_not_given(hub: Any, client: Any) -> None:
    sign_in(client)
    html = client.get(f"/contracts/{hub.config['bare_id']}").get_data(as_text=True)
    reference = re.search(r'id="field-reference">(.*?)</div>', html, re.S).group(1)
    assert "Not given" in reference
    listing = visible_text(client.get("/contracts").get_data(as_text=True))
    assert "Grounds maintenance" in listing and "Not given" in listing and "—" not in listing


def test_history_says_not_given_for_a_value_that_was_empty(hub: Any, client: Any) -> None:
    cid = hub.config["bare_id"]
    sign_in(client)
    data = edit_form(client, cid)
    data.update(
        title="Grounds maintenance",
        category="unclassified",
        start_date="",
        end_date="",
        supplier_name="Idverde",
    )
    assert client.post(f"/contracts/{cid}/edit", data=data).status_code == 303
    html = client.get(f"/contracts/{cid}").get_data(as_text=True)
    history = visible_text(html[html.index('id="history"') :])
    assert "Supplier: Not given → Idverde" in history
    assert "(empty)" not in history


def test_the_audit_log_says_not_given() -> None:
    lines = change_lines(
        {"supplier_name": [None, "Idverde"], "extension_periods_months": [[], [12]]}
    )
    assert lines == [
        "supplier_name: Not given → Idverde",
        "extension_periods_months: Not given → [12]",
    ]


# ---------------------------------------------------------------------------- uploads in history
def write_register(tmp_path: Any, rows: list[str], name: str = "nlc-register.csv") -> Any:
    path = tmp_path / name
    path.write_text(
        "Contract Ref,Contract Title,Supplier,Start Date,End Date\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return path


def test_a_contract_created_by_an_upload_says_so_in_its_history(
    hub: Any, client: Any, tmp_path: Any
) -> None:
    first = write_register(
        tmp_path,
        [
            "UP-1,Street lighting,Amey,01/04/2023,31/03/2027",
            "UP-2,Winter gritting,,01/10/2023,30/09/2026",
        ],
    )
    with hub.app_context():
        nlc = db.session.scalar(select(Contract).where(Contract.reference == "NLC-001")).council
        officer = db.session.scalar(select(User).where(User.email == "officer@nlc.example"))
        report = import_contracts(first, display_name="nlc-register.csv", council=nlc, user=officer)
        assert report["created"] == 2
        created = db.session.scalar(select(Contract).where(Contract.reference == "UP-1"))
        cid, upload_id = created.id, report["upload_id"]
        events = list(
            db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.object_type == "contract", AuditEvent.object_id == str(cid)
                )
            )
        )
        assert [(e.action, e.upload_id, e.actor) for e in events] == [
            ("create", upload_id, officer.email)
        ]
    sign_in(client)
    html = client.get(f"/contracts/{cid}").get_data(as_text=True)
    history = visible_text(html[html.index('id="history"') :])
    assert "Created by upload of nlc-register.csv" in history
    assert f"Upload {upload_id}" in history  # with a link to the upload's report

    second = write_register(
        tmp_path, ["UP-1,Street lighting,Amey Ltd,01/04/2023,31/03/2028"], name="nlc-register-2.csv"
    )
    with hub.app_context():
        nlc = db.session.get(Contract, cid).council
        import_contracts(second, display_name="nlc-register-2.csv", council=nlc, user=None)
    html = client.get(f"/contracts/{cid}").get_data(as_text=True)
    history = visible_text(html[html.index('id="history"') :])
    assert history.index("Changed by upload of nlc-register-2.csv") < history.index(
        "Created by upload of nlc-register.csv"
    )  # newest first


def test_an_upload_that_stores_nothing_adds_no_history(hub: Any, tmp_path: Any) -> None:
    path = write_register(tmp_path, ["UP-9,Street lighting,Amey,01/04/2023,31/03/2027"])
    with hub.app_context():
        nlc = db.session.scalar(select(Contract).where(Contract.reference == "NLC-001")).council
        before = len(list(db.session.scalars(select(AuditEvent))))
        report = import_contracts(
            path, display_name="x.csv", council=nlc, user=None, options=ImportOptions(dry_run=True)
        )
        assert report["created"] == 1 and report["status"] == "dry_run"
        assert len(list(db.session.scalars(select(AuditEvent)))) == before


# ---------------------------------------------------------------------------- API documents
@pytest.mark.parametrize("path", ["/api/docs", "/api/v1/openapi.json"])
def test_api_documents_send_a_signed_out_browser_to_sign_in_and_back(
    hub: Any, client: Any, path: str
) -> None:
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sign-in?next={path}")
    back = sign_in(client, next_url=path)
    assert back.headers["Location"].endswith(path)
    assert client.get(path, headers={"Accept": BROWSER_ACCEPT}).status_code == 200


@pytest.mark.parametrize("path", ["/api/docs", "/api/v1/openapi.json"])
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept": "*/*"},
        {"Accept": "application/json"},
        {"Accept": "text/html;q=0, application/json"},
        {"Accept": BROWSER_ACCEPT, "Authorization": "Bearer not-a-token"},
    ],
    ids=["no-accept", "any", "json", "html-refused", "browser-with-token"],
)
def test_api_clients_still_get_401_json(hub: Any, client: Any, path: str, headers: dict) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.is_json and response.get_json()["code"] == 401


def test_other_api_routes_answer_a_browser_with_401_json(hub: Any, client: Any) -> None:
    response = client.get("/api/v1/contracts", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 401 and response.is_json


def test_the_api_docs_sit_inside_the_site(hub: Any, client: Any) -> None:
    sign_in(client)
    html = client.get("/api/docs").get_data(as_text=True)
    assert 'class="ds_site-header"' in html and 'class="ds_site-footer"' in html
    assert re.search(r'class="ds_back-link" href="/"[^>]*>Back to ProcureHub', html)
    assert 'id="swagger-ui-container"' in html and 'data-spec-url="/api/v1/openapi.json"' in html
    sources = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', html)
    assert "/static/swagger-ui/swagger-ui-bundle.js" in sources
    assert "/static/swagger-ui/swagger-ui.css" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]  # no CDN
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script (CSP)
    for asset in sources:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_footer_links_to_the_api_documentation(hub: Any, client: Any, signed_in: bool) -> None:
    if signed_in:
        sign_in(client)
    html = client.get("/contracts" if signed_in else "/sign-in").get_data(as_text=True)
    link = re.search(r'<a href="([^"]*)"[^>]*>API documentation</a>', html)
    assert link and link.group(1) == "/api/docs"


# ---------------------------------------------------------------------------- 404 and favicon
def test_the_404_page_speaks_plainly(hub: Any, client: Any) -> None:
    sign_in(client)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    text = visible_text(response.get_data(as_text=True))
    assert "Page not found" in text
    assert "We could not find that page" in text
    assert "requested URL" not in text and "Not Found" not in text
    assert "Go to the contracts list" in text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.is_json


def test_a_page_s_own_explanation_is_kept(hub: Any, client: Any) -> None:
    sign_in(client)
    text = visible_text(client.get("/contracts/999999").get_data(as_text=True))
    assert "Page not found" in text and "There is no contract with this number" in text


def test_favicon_is_a_32_pixel_icon_anyone_can_fetch(hub: Any, client: Any) -> None:
    response = client.get("/favicon.ico")  # signed out: browsers ask before anyone signs in
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    data = response.get_data()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, _, _, planes, bits, size, offset = struct.unpack_from("<BBBBHHII", data, 6)
    assert (width, height, bits) == (32, 32, 32)
    assert offset + size == len(data)
    assert 'rel="icon"' in client.get("/sign-in").get_data(as_text=True)
