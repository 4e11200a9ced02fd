"""People see councils by name, never by a bare GSS code (DESIGN §3 "Councils, users, roles").

Alert texts (inbox, e-mail, digests), webhook payloads, calendar events, the workstream
overview, the alignment CLI and the demo's sign-in table name the councils ("Fife Council");
JSON keeps the codes with the names beside them.
"""

from __future__ import annotations

import email
import email.policy
import html as html_module
import json
import re
import threading
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from factories import PASSWORD, bearer, contract
from procurehub.accounts.models import Council
from procurehub.alerts.job import run_alert_job
from procurehub.alerts.models import Alert
from procurehub.contracts.models import Contract
from procurehub.extensions import db

from .conftest import TODAY

GSS = re.compile(r"S12\d{6}")
NAMES = {
    "S12000050": "North Lanarkshire Council",
    "S12000049": "Glasgow City Council",
    "S12000047": "Fife Council",
}


def subscribe(client: Any, tok: str, **body: Any) -> dict[str, Any]:
    r = client.post(
        "/api/v1/subscriptions", headers=bearer(tok), json={"workstream": "waste", **body}
    )
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def page_text(html: str) -> str:
    """What a reader sees: the page without its tags, scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def sign_in(client: Any, email_address: str) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    r = client.post(
        "/sign-in", data={"email": email_address, "password": PASSWORD, "csrf_token": csrf}
    )
    assert r.status_code == 302


class Hook(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        Hook.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook_url():
    Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def walk(value: Any) -> list[dict[str, Any]]:
    """Every JSON object inside a value, the value itself included."""
    if isinstance(value, dict):
        return [value, *(d for v in value.values() for d in walk(v))]
    if isinstance(value, list):
        return [d for v in value for d in walk(v)]
    return []


def assert_named_beside_codes(payload: Any) -> int:
    """Each `council_code` has its `council_name`, each `councils` list its `council_names`."""
    checked = 0
    for obj in walk(payload):
        if "council_code" in obj:
            assert obj["council_name"] == NAMES[obj["council_code"]], obj
            checked += 1
        if isinstance(obj.get("councils"), list):
            assert obj["council_names"] == {c: NAMES[c] for c in obj["councils"]}, obj
            checked += 1
    return checked


def make_fife_register_stale(app: Any) -> None:
    """Fife's contracts arrived long ago and no register since: a "register not refreshed" alert."""
    with app.app_context():
        fife = db.session.scalar(select(Council.id).where(Council.code == "S12000047"))
        db.session.execute(
            update(Contract)
            .where(Contract.council_id == fife)
            .values(created_at=datetime(2025, 1, 1))
        )
        db.session.commit()


def test_alert_texts_emails_digests_and_webhooks_name_the_councils(
    hub, app, client, smtp_server, webhook_url
):
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        MAIL_FROM="alerts@procurehub.example",
        ALLOW_PRIVATE_WEBHOOKS=True,
    )
    make_fife_register_stale(app)
    subscribe(client, hub["coord"], channel="inbox")
    subscribe(client, hub["coord"], channel="email")
    subscribe(client, hub["coord"], channel="webhook", webhook_url=webhook_url)
    subscribe(client, hub["officer"], channel="email", frequency="daily")
    with app.app_context():
        result = run_alert_job(TODAY)
        kinds = {a.kind for a in db.session.scalars(select(Alert))}
    assert result.failed == 0 and result.retrying == 0
    assert kinds == {"opportunity", "wave", "deadline", "contract_end", "register_stale"}

    # the inbox (API and page)
    inbox = client.get("/api/v1/alerts?limit=500", headers=bearer(hub["coord"])).get_json()
    assert {item["kind"] for item in inbox["items"]} == kinds
    for item in inbox["items"]:
        assert not GSS.search(item["subject"] + item["body"]), item
    texts = " ".join(item["body"] for item in inbox["items"])
    assert "Glasgow City Council and North Lanarkshire Council" in texts
    assert "North Lanarkshire Council's contract NLC-F 'Food waste AD'" in texts
    sign_in(client, "coord@glasgow.example")
    page = page_text(client.get("/alerts").get_data(as_text=True))
    assert "North Lanarkshire Council's contract" in page and not GSS.search(page)

    # e-mails: one per alert to the coordinator, one digest to the officer
    assert len(smtp_server.messages) == len(inbox["items"]) + 1
    digests = 0
    for envelope in smtp_server.messages:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = str(message["Subject"])
        body = message.get_body(("plain",)).get_content()
        assert not GSS.search(subject) and not GSS.search(body), (subject, body)
        digests += "digest" in subject
    assert digests == 1

    # webhooks: text without codes, every code with its name beside it
    assert len(Hook.received) == len(inbox["items"])
    checked = 0
    for raw in Hook.received:
        alert = json.loads(raw)["alert"]
        assert not GSS.search(alert["subject"]) and not GSS.search(alert["body"]), alert
        assert alert["councils"] and set(alert["councils"]) <= set(NAMES)  # codes stay
        checked += assert_named_beside_codes(alert)
    assert checked >= 2 * len(Hook.received)
    payloads = [json.loads(raw)["alert"]["data"] for raw in Hook.received]
    ending = next(p for p in payloads if "contract_id" in p)
    assert ending["council_code"] == "S12000050"
    assert ending["council_name"] == "North Lanarkshire Council"
    stale = next(p for p in payloads if "last_upload" in p)
    assert stale["council_name"] == "Fife Council"


def test_a_digest_webhook_names_the_councils_of_every_alert(hub, app, client, webhook_url):
    app.config["ALLOW_PRIVATE_WEBHOOKS"] = True
    subscribe(client, hub["coord"], channel="webhook", webhook_url=webhook_url, frequency="daily")
    with app.app_context():
        assert run_alert_job(TODAY).sent >= 3  # each delivery in the one digest
    [raw] = Hook.received
    payload = json.loads(raw)
    assert payload["digest"] is True and len(payload["alerts"]) >= 3
    assert assert_named_beside_codes(payload) >= 2 * len(payload["alerts"])
    for alert in payload["alerts"]:
        assert not GSS.search(alert["subject"] + alert["body"])


def test_the_payload_of_an_alert_decided_before_names_were_stored_gains_them():
    from procurehub.alerts.deliver import with_council_names

    payload = {
        "councils": ["S12000047", "S12000049"],
        "data": {
            "council_code": "S12000047",
            "contracts": [{"council_code": "S12000049", "reference": "X"}],
        },
        "kept": {"council_code": "S12000050", "council_name": "As stored"},
        "unknown": {"council_code": "ZZ1"},
    }
    named = with_council_names(payload, NAMES)
    assert named["council_names"] == {"S12000047": "Fife Council", "S12000049": NAMES["S12000049"]}
    assert named["councils"] == ["S12000047", "S12000049"]
    assert named["data"]["council_name"] == "Fife Council"
    assert named["data"]["contracts"][0] == {
        "council_code": "S12000049",
        "council_name": "Glasgow City Council",
        "reference": "X",
    }
    assert named["kept"]["council_name"] == "As stored"
    assert named["unknown"]["council_name"] == "ZZ1"
    assert "council_name" not in payload["data"]  # the stored payload is not changed


def test_calendar_events_name_the_councils(hub, app, client):
    subscribe(client, hub["coord"], channel="inbox")
    with app.app_context():
        run_alert_job(TODAY)
    feed = client.get("/api/v1/calendar.ics", headers=bearer(hub["coord"]))
    assert feed.status_code == 200
    events = list(Calendar.from_ical(feed.data).walk("VEVENT"))
    assert events
    descriptions = [str(e.get("DESCRIPTION", "")) for e in events]
    for event, description in zip(events, descriptions, strict=True):
        assert not GSS.search(str(event["SUMMARY"]) + description), (event["SUMMARY"], description)
    assert any("Glasgow City Council, North Lanarkshire Council" in d for d in descriptions), (
        descriptions
    )
    assert not GSS.search(feed.data.decode())


def test_the_workstream_overview_heads_its_columns_with_council_names(hub, client):
    sign_in(client, "officer@nlc.example")
    response = client.get("/waste/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = [page_text(h) for h in re.findall(r"<th\b[^>]*>(.*?)</th>", html, flags=re.S)]
    assert {"Fife Council", "Glasgow City Council", "North Lanarkshire Council"} <= set(headings)
    assert not GSS.search(page_text(html))
    # the overview API keeps the codes, with the names beside them
    api = client.get("/api/v1/waste/overview").get_json()
    assert set(api["councils"]) == set(NAMES) and api["council_names"] == NAMES


def test_the_opportunity_page_and_history_name_the_councils(hub, app, client):
    with app.app_context():
        from procurehub.alignment.models import Opportunity
        from procurehub.alignment.store import run_alignment

        run_alignment(TODAY)
        nlc = db.session.scalar(select(Council).where(Council.code == "S12000050"))
        contract(
            nlc,
            reference="NLC-F2",
            title="Food waste collection rounds",
            category="waste.food",
            end_date=date(2028, 3, 31),
        )
        run_alignment(TODAY)  # members change: a history entry listing the councils
        opp_id = db.session.scalar(
            select(Opportunity.id).where(Opportunity.category == "waste.food")
        )
    sign_in(client, "coord@glasgow.example")
    html = client.get(f"/opportunities/{opp_id}").get_data(as_text=True)
    text = page_text(html)
    assert "Contracts changed" in text and "councils now: Glasgow City Council" in text
    assert not GSS.search(text)
    listing = page_text(client.get("/opportunities").get_data(as_text=True))
    assert "North Lanarkshire Council" in listing and not GSS.search(listing)


def test_alignment_run_names_councils_in_text_and_beside_codes_in_json(hub, app, runner):
    with app.app_context():
        fife = db.session.scalar(select(Council).where(Council.code == "S12000047"))
        contract(fife, reference="FIFE-X", title="Clinical waste", end_date=None)
    r = runner.invoke(["alignment", "run", "--as-of", TODAY.isoformat()])
    assert r.exit_code == 0, r.output
    assert "Fife Council: 1" in r.output and not GSS.search(r.output)
    r = runner.invoke(["alignment", "run", "--as-of", TODAY.isoformat(), "--json"])
    assert r.exit_code == 0, r.output
    document = json.loads(r.output)
    assert document["opportunities"]
    for opp in document["opportunities"]:
        assert opp["councils"] and opp["contracts"]
        assert assert_named_beside_codes(opp) == 1 + len(opp["contracts"])


def test_the_demo_sign_in_table_names_each_council(app, runner):
    r = runner.invoke(["demo", "--no-serve"])
    assert r.exit_code == 0, r.output
    table = r.output.split("Sign in with any of these", 1)[1].strip().splitlines()[1:]
    rows = [line.split() for line in table if "@" in line]
    assert len(rows) >= 9
    assert not GSS.search("\n".join(table))
    by_email = {row[0]: " ".join(row[2:]) for row in rows}
    assert by_email["officer.fife@procurehub.example"] == "Fife Council"
    assert by_email["coordinator@procurehub.example"] == "Glasgow City Council"
    again = runner.invoke(["demo", "--no-serve"])  # names come from the database
    assert "not loaded again" in again.output and "North Lanarkshire Council" in again.output
