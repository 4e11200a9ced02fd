"""Alerts end to end: decided once, delivered once, by e-mail, webhook, inbox and calendar."""

import email
import email.policy
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from icalendar import Calendar
from sqlalchemy import func, select, update

from factories import bearer
from procurehub.alerts import deliver
from procurehub.alerts.channels import verify_signature
from procurehub.alerts.job import run_alert_job
from procurehub.alerts.models import Alert, Delivery, Subscription
from procurehub.extensions import db, utcnow

from .conftest import TODAY, free_port


def subscribe(client, tok, **body):
    r = client.post(
        "/api/v1/subscriptions", headers=bearer(tok), json={"workstream": "waste", **body}
    )
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def use_smtp(app, server):
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_FROM="alerts@procurehub.example"
    )


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_email_alerts_are_delivered_once_even_when_the_job_runs_twice(
    hub, app, client, smtp_server
):
    use_smtp(app, smtp_server)
    subscribe(client, hub["coord"], channel="email", kinds=["opportunity"])
    with app.app_context():
        first = run_alert_job(TODAY)
        second = run_alert_job(TODAY)
    assert first.new_alerts >= 1 and first.sent == 1
    assert second.new_alerts == 0 and second.sent == 0
    [message] = smtp_server.messages
    assert message.rcpt_tos == ["coord@glasgow.example"]
    text = message.content.decode()
    assert "Subject: Joint tender opportunity: Food waste treatment (2 councils)" in text
    body = email.message_from_bytes(message.content, policy=email.policy.default)
    body = body.get_body(("plain",)).get_content()
    assert "Glasgow City Council and North Lanarkshire Council" in body and "30 June 2028" in body


def test_a_failure_between_deciding_and_sending_is_retried_and_delivered_once(
    hub, app, client, smtp_server
):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing listens there yet
    subscribe(client, hub["coord"], channel="email", kinds=["opportunity"])
    with app.app_context():
        failed = run_alert_job(TODAY)
        assert failed.sent == 0 and failed.retrying == 1
        [delivery] = db.session.scalars(select(Delivery)).all()
        assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_error
    use_smtp(app, smtp_server)
    with app.app_context():
        assert deliver.deliver_pending(utcnow()).sent == 0  # not due yet: back-off
        later = utcnow() + timedelta(minutes=5)
        assert deliver.deliver_pending(later).sent == 1
        assert deliver.deliver_pending(later + timedelta(hours=1)).sent == 0
    assert len(smtp_server.messages) == 1


def test_a_crash_after_claiming_is_recovered_once(hub, app, client, smtp_server):
    use_smtp(app, smtp_server)
    subscribe(client, hub["coord"], channel="email", kinds=["opportunity"])
    with app.app_context():
        from procurehub.alerts.decide import decide_alerts
        from procurehub.alignment.store import run_alignment

        run_alignment(TODAY)
        decide_alerts(TODAY)
        # a scheduler took the delivery and died before sending (killed mid-run)
        db.session.execute(update(Delivery).values(status="sending", claimed_at=utcnow()))
        db.session.commit()
        assert deliver.deliver_pending(utcnow()).sent == 0  # another run leaves a fresh claim alone
        assert (
            deliver.deliver_pending(utcnow() + deliver.CLAIM_TIMEOUT + timedelta(minutes=1)).sent
            == 1
        )
        assert run_alert_job(TODAY).sent == 0
    assert len(smtp_server.messages) == 1


def test_two_alert_runs_at_the_same_time_send_each_alert_once(hub, app, client, smtp_server):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrent writers are a PostgreSQL deployment; SQLite serialises them")
    use_smtp(app, smtp_server)
    subscribe(client, hub["coord"], channel="email")
    subscribe(client, hub["officer"], channel="email")
    errors = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                run_alert_job(TODAY)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with app.app_context():
        deliveries = count(app, Delivery)
        assert count(app, Delivery, Delivery.status == "sent") == deliveries
    assert len(smtp_server.messages) == deliveries
    keys = [
        str(email.message_from_bytes(m.content, policy=email.policy.default)["Subject"]).strip()
        + m.rcpt_tos[0]
        for m in smtp_server.messages
    ]
    assert len(keys) == len(set(keys))


class Hook(BaseHTTPRequestHandler):
    received: list = []
    answers: list = []

    def do_POST(self):  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((dict(self.headers), body))
        self.send_response(Hook.answers.pop(0) if Hook.answers else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server():
    Hook.received, Hook.answers = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/procurehub"
    server.shutdown()


def test_webhook_is_signed_and_retried_after_a_500(hub, app, client, webhook_server):
    app.config["ALLOW_PRIVATE_WEBHOOKS"] = True
    created = subscribe(
        client, hub["coord"], channel="webhook", webhook_url=webhook_server, kinds=["opportunity"]
    )
    secret = created["webhook_secret"]
    assert (
        secret
        and "webhook_secret"
        not in client.get("/api/v1/subscriptions", headers=bearer(hub["coord"])).get_json()[
            "items"
        ][0]
    )
    Hook.answers = [500]
    with app.app_context():
        assert run_alert_job(TODAY).retrying == 1
        assert deliver.deliver_pending(utcnow() + timedelta(minutes=5)).sent == 1
    assert len(Hook.received) == 2
    (headers1, body1), (headers2, body2) = Hook.received
    assert headers1["X-Procurehub-Delivery"] == headers2["X-Procurehub-Delivery"]
    assert verify_signature(secret, body2, headers2["X-Procurehub-Signature"])
    assert not verify_signature("whsec_wrong", body2, headers2["X-Procurehub-Signature"])
    payload = json.loads(body2)
    assert payload["alert"]["kind"] == "opportunity" and payload["alert"]["data"]["councils"] == [
        "S12000049",
        "S12000050",
    ]


def test_webhook_to_a_private_address_is_refused_by_default(hub, client):
    r = client.post(
        "/api/v1/subscriptions",
        headers=bearer(hub["coord"]),
        json={"workstream": "waste", "channel": "webhook", "webhook_url": "http://127.0.0.1:9/x"},
    )
    assert r.status_code == 422


def test_inbox_deadline_alerts_and_digest(hub, app, client, smtp_server):
    use_smtp(app, smtp_server)
    subscribe(client, hub["coord"], channel="inbox")
    subscribe(client, hub["officer"], channel="email", frequency="daily", councils=["S12000050"])
    with app.app_context():
        run_alert_job(TODAY)
    inbox = client.get("/api/v1/alerts", headers=bearer(hub["coord"])).get_json()
    kinds = sorted(item["kind"] for item in inbox["items"])
    assert "opportunity" in kinds and "deadline" in kinds  # the decision deadline has passed
    assert inbox["unread"] == len(inbox["items"])
    r = client.post("/api/v1/alerts/read", headers=bearer(hub["coord"]), json={})
    assert r.get_json()["unread"] == 0
    # the daily digest is one e-mail for all of the officer's alerts
    assert len(smtp_server.messages) == 1
    assert "daily digest" in smtp_server.messages[0].content.decode()
    with app.app_context():
        assert run_alert_job(TODAY).sent == 0  # the next digest waits a day


def test_subscription_validation(hub, client):
    for body in (
        {"workstream": "parking", "channel": "email"},
        {"workstream": "waste", "channel": "pigeon"},
        {"workstream": "waste", "channel": "email", "categories": ["fleet.cars"]},
        {"workstream": "waste", "channel": "email", "councils": ["NOPE"]},
        {"workstream": "waste", "channel": "email", "kinds": ["gossip"]},
        {"workstream": "waste", "channel": "webhook"},
        {"workstream": "waste", "channel": "webhook", "webhook_url": "ftp://example.com/x"},
    ):
        r = client.post("/api/v1/subscriptions", headers=bearer(hub["coord"]), json=body)
        assert r.status_code == 422, body
        assert r.get_json()["message"]
    sub = subscribe(client, hub["coord"], channel="email", categories=["waste.food"])
    assert (
        client.delete(
            f"/api/v1/subscriptions/{sub['id']}", headers=bearer(hub["officer"])
        ).status_code
        == 404
    )
    assert (
        client.delete(
            f"/api/v1/subscriptions/{sub['id']}", headers=bearer(hub["coord"])
        ).status_code
        == 204
    )


def test_calendar_feed_lists_deadlines_and_contract_ends(hub, app, client):
    subscribe(client, hub["coord"], channel="inbox")
    with app.app_context():
        run_alert_job(TODAY)
    feed = client.get("/api/v1/calendar.ics", headers=bearer(hub["officer"]))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = [e for e in Calendar.from_ical(feed.data).walk("VEVENT")]
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Decide on joint tender: Food waste treatment" in summaries
    assert any(s.startswith("Contract ends: NLC-F") for s in summaries)
    link = client.post("/api/v1/calendar/link", headers=bearer(hub["officer"])).get_json()["url"]
    path = link.split("localhost", 1)[-1]
    public = client.get(path)  # no sign-in: the secret URL is the credential
    assert public.status_code == 200 and b"BEGIN:VCALENDAR" in public.data
    assert client.get("/calendar/cal_not-a-real-token.ics").status_code == 404
    client.post("/api/v1/calendar/link", headers=bearer(hub["officer"]))
    assert client.get(path).status_code == 404  # a new link disables the old one


def test_alerts_have_unique_dedup_keys_in_the_database(hub, app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        run_alert_job(TODAY)
        existing = db.session.scalars(select(Alert)).first()
        db.session.add(
            Alert(dedup_key=existing.dedup_key, kind="opportunity", subject="x", body="y")
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert count(app, Subscription) == 0


def test_a_late_subscriber_gets_what_is_open_as_one_catch_up_then_new_alerts_at_once(
    hub, app, client, smtp_server
):
    use_smtp(app, smtp_server)
    with app.app_context():
        assert run_alert_job(TODAY).new_alerts >= 2  # decided before anyone subscribed
    subscribe(client, hub["coord"], channel="email")
    subscribe(client, hub["coord"], channel="inbox")
    with app.app_context():
        run_alert_job(TODAY)
    assert len(smtp_server.messages) == 1
    assert "already open when you subscribed" in smtp_server.messages[0].content.decode()
    inbox = client.get("/api/v1/alerts", headers=bearer(hub["coord"])).get_json()
    assert inbox["unread"] >= 2
    with app.app_context():
        run_alert_job(TODAY)
        from datetime import date

        from factories import contract
        from procurehub.accounts.models import Council

        nlc = db.session.scalar(select(Council).where(Council.code == "S12000050"))
        contract(
            nlc,
            reference="NLC-G",
            title="Garden waste composting",
            category="waste.garden",
            end_date=date(2030, 10, 31),
        )
        run_alert_job(TODAY)  # a new garden-waste opportunity with Fife, and its wave
    assert len(smtp_server.messages) == 3
    import email
    import email.policy

    subjects = sorted(
        str(email.message_from_bytes(m.content, policy=email.policy.default)["Subject"]).strip()
        for m in smtp_server.messages[1:]
    )
    assert subjects[0].startswith("Joint tender opportunity: Garden waste")
    assert subjects[1].startswith("Tender plan: joint tender for Garden waste")
