"""E-mail and webhook delivery against real servers started by the tests (loopback only)."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from procurehub.alerts.channels import (
    MAX_ATTEMPTS,
    DeliveryError,
    OutgoingEmail,
    SmtpSettings,
    message_id_for,
    next_attempt_delay,
    post_webhook,
    send_email,
    sign_payload,
    validate_webhook_url,
    verify_signature,
)

RECIPIENT = "ann.smith@council.example.gov.uk"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------------
# SMTP
# --------------------------------------------------------------------------------------------


class Collector:
    """aiosmtpd handler keeping every accepted message; can refuse at RCPT or DATA."""

    def __init__(self, rcpt_reply: str | None = None, data_reply: str | None = None) -> None:
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply.replace("{address}", address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_reply:
            return self.data_reply
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator:
    """Start an aiosmtpd server: `start(handler, **smtp_kwargs)` returns its port."""
    controllers: list[Controller] = []

    def start(handler: Collector, **kwargs) -> int:
        port = _free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


def _message(**overrides) -> OutgoingEmail:
    values = {
        "to": RECIPIENT,
        "subject": "Decision deadline in 12 months: residual waste treatment",
        "text": "A joint tender must start by 31 March 2026.",
        "html": "<p>A joint tender must start by <strong>31 March 2026</strong>.</p>",
        "message_id": "<procurehub.delivery-42@hub.example.gov.uk>",
    }
    values.update(overrides)
    return OutgoingEmail(**values)


def test_email_is_delivered_with_text_html_and_message_id(smtp_server) -> None:
    handler = Collector()
    port = smtp_server(handler)
    settings = SmtpSettings(host="127.0.0.1", port=port, mail_from="alerts@hub.example.gov.uk")

    send_email(settings, _message(headers={"X-ProcureHub-Alert": "deadline"}))

    assert len(handler.messages) == 1
    mail_from, rcpt_tos, content = handler.messages[0]
    assert mail_from == "alerts@hub.example.gov.uk"
    assert rcpt_tos == [RECIPIENT]
    msg = email.message_from_bytes(content, policy=email.policy.default)
    assert msg["To"] == RECIPIENT
    assert msg["From"] == "alerts@hub.example.gov.uk"
    assert msg["Subject"] == "Decision deadline in 12 months: residual waste treatment"
    assert msg["Message-ID"] == "<procurehub.delivery-42@hub.example.gov.uk>"
    assert msg["X-ProcureHub-Alert"] == "deadline"
    assert msg["Date"]
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert plain.get_content().strip() == "A joint tender must start by 31 March 2026."
    assert "<strong>31 March 2026</strong>" in html.get_content()


def test_retried_send_keeps_the_message_id(smtp_server) -> None:
    handler = Collector()
    port = smtp_server(handler)
    settings = SmtpSettings(host="127.0.0.1", port=port, mail_from="alerts@hub.example.gov.uk")
    message_id = message_id_for("d-7", settings.mail_from)
    assert message_id == "<procurehub.d-7@hub.example.gov.uk>"

    for _ in range(2):
        send_email(settings, _message(message_id=message_id.strip("<>")))  # brackets optional

    ids = [
        email.message_from_bytes(c, policy=email.policy.default)["Message-ID"]
        for _, _, c in handler.messages
    ]
    assert ids == [message_id, message_id]


def test_text_only_email_is_plain_and_subject_line_breaks_are_folded(smtp_server) -> None:
    handler = Collector()
    port = smtp_server(handler)
    send_email(
        SmtpSettings(host="127.0.0.1", port=port),
        _message(html=None, message_id=None, subject="Contract ends:\r\nBcc: evil@example.com"),
    )
    (_, rcpt_tos, content) = handler.messages[0]
    assert rcpt_tos == [RECIPIENT]  # no injected Bcc recipient
    msg = email.message_from_bytes(content, policy=email.policy.default)
    assert msg.get_content_type() == "text/plain"
    assert msg["Subject"] == "Contract ends: Bcc: evil@example.com"
    assert msg["Bcc"] is None
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@localhost>")


def test_header_injection_in_extra_headers_is_refused() -> None:
    settings = SmtpSettings(host="127.0.0.1", port=_free_port())
    with pytest.raises(ValueError):
        send_email(settings, _message(headers={"X-Kind": "a\r\nBcc: evil@example.com"}))
    with pytest.raises(ValueError):
        send_email(settings, _message(headers={"To": "evil@example.com"}))
    with pytest.raises(ValueError):
        send_email(settings, _message(to="a@example.com, b@example.com"))


def _assert_private(exc: pytest.ExceptionInfo[DeliveryError]) -> None:
    rendered = "".join(traceback.format_exception(exc.value)) + repr(exc.value)
    assert RECIPIENT not in rendered
    assert "@" not in str(exc.value)
    assert "joint tender" not in rendered.lower()


def test_rejected_recipient_is_permanent_and_the_address_is_not_reported(smtp_server) -> None:
    handler = Collector(rcpt_reply="550 5.1.1 <{address}>: Recipient address rejected")
    port = smtp_server(handler)
    with pytest.raises(DeliveryError) as exc:
        send_email(SmtpSettings(host="127.0.0.1", port=port), _message())
    assert exc.value.retryable is False
    assert exc.value.code == 550
    assert "Recipient address rejected" in str(exc.value)
    _assert_private(exc)
    assert handler.messages == []


def test_temporary_recipient_failure_is_retryable(smtp_server) -> None:
    port = smtp_server(Collector(rcpt_reply="450 4.2.1 <{address}> mailbox busy, try later"))
    with pytest.raises(DeliveryError) as exc:
        send_email(SmtpSettings(host="127.0.0.1", port=port), _message())
    assert exc.value.retryable is True
    assert exc.value.code == 450
    _assert_private(exc)


def test_message_refused_at_data_is_permanent(smtp_server) -> None:
    port = smtp_server(Collector(data_reply="554 5.7.1 Message rejected as spam"))
    with pytest.raises(DeliveryError) as exc:
        send_email(SmtpSettings(host="127.0.0.1", port=port), _message())
    assert exc.value.retryable is False
    assert exc.value.code == 554
    _assert_private(exc)


def test_nothing_listening_is_retryable() -> None:
    with pytest.raises(DeliveryError) as exc:
        send_email(SmtpSettings(host="127.0.0.1", port=_free_port(), timeout=5), _message())
    assert exc.value.retryable is True
    _assert_private(exc)


def test_silent_server_times_out_and_is_retryable() -> None:
    with socket.socket() as listener:  # accepts TCP (backlog) but never greets
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(DeliveryError) as exc:
            send_email(SmtpSettings(host="127.0.0.1", port=port, timeout=0.5), _message())
    assert exc.value.retryable is True
    assert "timed out" in str(exc.value)
    assert time.monotonic() - started < 5


def test_starttls_required_but_not_offered_never_sends_in_clear(smtp_server) -> None:
    """Documented choice: retryable=True (the relay or the path to it is at fault, not the
    message); what matters is that nothing is sent without TLS."""
    handler = Collector()
    port = smtp_server(handler)  # no tls_context: the server does not advertise STARTTLS
    with pytest.raises(DeliveryError) as exc:
        send_email(SmtpSettings(host="127.0.0.1", port=port, starttls=True), _message())
    assert "STARTTLS" in str(exc.value)
    assert exc.value.retryable is True
    assert handler.messages == []


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"hub"
        and auth_data.password == b"s3cret"
    )
    # handled=False: let aiosmtpd answer "535" itself (the default, handled=True, answers nothing)
    return AuthResult(success=ok, handled=False)


def test_login_when_a_user_is_configured(smtp_server) -> None:
    handler = Collector()
    port = smtp_server(handler, authenticator=_authenticator, auth_require_tls=False)
    send_email(SmtpSettings(host="127.0.0.1", port=port, user="hub", password="s3cret"), _message())
    assert len(handler.messages) == 1


def test_wrong_password_is_permanent(smtp_server) -> None:
    handler = Collector()
    port = smtp_server(handler, authenticator=_authenticator, auth_require_tls=False)
    with pytest.raises(DeliveryError) as exc:
        send_email(
            SmtpSettings(host="127.0.0.1", port=port, user="hub", password="wrong"), _message()
        )
    assert exc.value.retryable is False
    assert exc.value.code == 535
    assert "wrong" not in str(exc.value)
    assert handler.messages == []


def test_user_configured_but_server_offers_no_auth(smtp_server) -> None:
    handler = Collector()
    port = smtp_server(handler)  # AUTH is not advertised without TLS by default
    with pytest.raises(DeliveryError) as exc:
        send_email(SmtpSettings(host="127.0.0.1", port=port, user="hub", password="x"), _message())
    assert exc.value.retryable is False
    assert handler.messages == []


def test_smtp_settings_repr_hides_the_password() -> None:
    assert "s3cret" not in repr(SmtpSettings(host="h", user="u", password="s3cret"))


# --------------------------------------------------------------------------------------------
# Webhook signatures
# --------------------------------------------------------------------------------------------

SECRET = "whsec_test_secret"


def test_sign_payload_format_matches_an_independent_hmac() -> None:
    body = b'{"a":1}'
    expected = hmac.new(SECRET.encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign_payload(SECRET, body, 1700000000) == f"t=1700000000,v1={expected}"


def test_verify_signature_accepts_the_real_thing_and_rejects_forgeries() -> None:
    body = b'{"kind":"deadline","opportunity":17}'
    ts = 1700000000
    header = sign_payload(SECRET, body, ts)
    assert verify_signature(SECRET, body, header, now=ts)
    assert verify_signature(SECRET, body, header, now=ts + 299)
    assert not verify_signature("another-secret", body, header, now=ts)
    assert not verify_signature(SECRET, body.replace(b"17", b"18"), header, now=ts)
    assert not verify_signature(SECRET, body, header, now=ts + 301)  # replay of an old one
    assert not verify_signature(SECRET, body, header, now=ts - 301)  # from the future
    assert verify_signature(SECRET, body, header, now=ts + 3000, tolerance_seconds=3600)
    # a rotated secret: several v1 entries, one of them right
    rotated = f"t={ts},v1={'0' * 64},v1={header.split('v1=')[1]}"
    assert verify_signature(SECRET, body, rotated, now=ts)
    for bad in ("", None, "garbage", f"t=abc,v1={'0' * 64}", f"v1={header.split('v1=')[1]}"):
        assert not verify_signature(SECRET, body, bad, now=ts)
    # the timestamp is signed too: moving it invalidates the signature
    moved = header.replace(f"t={ts}", f"t={ts + 10}")
    assert not verify_signature(SECRET, body, moved, now=ts + 10)


# --------------------------------------------------------------------------------------------
# Webhook delivery against a real HTTP server
# --------------------------------------------------------------------------------------------


class Receiver:
    """What a local webhook endpoint saw, and what it should answer next."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.responses: deque[tuple[int, dict[str, str]]] = deque()
        self.url = ""


@pytest.fixture
def receivers() -> Iterator:
    servers: list[ThreadingHTTPServer] = []

    def start(host: str = "127.0.0.1") -> Receiver:
        receiver = Receiver()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": self.headers,  # case-insensitive, as HTTP header names are
                        "body": self.rfile.read(length),
                    }
                )
                status, headers = receiver.responses.popleft() if receiver.responses else (200, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST  # noqa: N815 - a followed 302 would arrive as a GET

            def log_message(self, format, *args) -> None:  # noqa: A002
                pass

        server = ThreadingHTTPServer((host, 0), Handler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        receiver.url = f"http://{host}:{server.server_address[1]}"
        return receiver

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


PAYLOAD = {
    "kind": "deadline_approaching",
    "opportunity": {"id": 17, "category": "waste.residual_treatment"},
    "councils": ["S12000050", "S12000049"],
    "decision_deadline": date(2026, 3, 31),
    "total_value": Decimal("12500000.00"),
    "note": "Près de Glasgow",
}


def test_webhook_delivers_signed_json(receivers) -> None:
    receiver = receivers()
    before = int(time.time())
    result = post_webhook(
        receiver.url + "/hooks/procurehub", PAYLOAD, secret=SECRET, delivery_id="dlv-0001"
    )
    assert result.ok and result.status == 200 and not result.retryable and result.error is None

    (request,) = receiver.requests
    assert request["path"] == "/hooks/procurehub"
    headers = request["headers"]
    body = request["body"]
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "ProcureHub-Webhooks/1"
    assert headers["X-ProcureHub-Delivery"] == "dlv-0001"
    decoded = json.loads(body)
    assert decoded == {
        "councils": ["S12000050", "S12000049"],
        "decision_deadline": "2026-03-31",
        "kind": "deadline_approaching",
        "note": "Près de Glasgow",
        "opportunity": {"category": "waste.residual_treatment", "id": 17},
        "total_value": "12500000.00",
    }
    # sorted keys, compact separators
    assert (
        body
        == json.dumps(decoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )

    signature = headers["X-ProcureHub-Signature"]
    ts = int(signature.split(",")[0].removeprefix("t="))
    assert before <= ts <= int(time.time())
    assert verify_signature(SECRET, body, signature)
    assert not verify_signature("some-other-secret", body, signature)
    assert not verify_signature(SECRET, body + b" ", signature)
    assert not verify_signature(SECRET, body, signature, now=ts + 3600)


def test_500_is_retryable_and_the_retry_succeeds_with_the_same_delivery_id(receivers) -> None:
    receiver = receivers()
    receiver.responses.extend([(500, {}), (200, {})])
    first = post_webhook(receiver.url, PAYLOAD, secret=SECRET, delivery_id="dlv-2")
    assert (first.status, first.ok, first.retryable) == (500, False, True)
    assert "500" in first.error
    second = post_webhook(receiver.url, PAYLOAD, secret=SECRET, delivery_id="dlv-2")
    assert (second.status, second.ok, second.retryable) == (200, True, False)
    ids = [r["headers"]["X-ProcureHub-Delivery"] for r in receiver.requests]
    assert ids == ["dlv-2", "dlv-2"]
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(400, False), (401, False), (404, False), (410, False), (429, True), (503, True)],
)
def test_status_classification(receivers, status: int, retryable: bool) -> None:
    receiver = receivers()
    receiver.responses.append((status, {}))
    result = post_webhook(receiver.url, PAYLOAD, secret=SECRET, delivery_id="d")
    assert result.status == status
    assert result.ok is False
    assert result.retryable is retryable


@pytest.mark.parametrize("code", [301, 302, 307, 308])
def test_redirect_to_another_host_is_not_followed(receivers, code: int) -> None:
    origin = receivers("127.0.0.1")
    elsewhere = receivers("127.0.0.1")
    # same address, different host name: only the host name decides
    origin.responses.append((code, {"Location": elsewhere.url.replace("127.0.0.1", "localhost")}))
    result = post_webhook(origin.url, PAYLOAD, secret=SECRET, delivery_id="d")
    assert result.status == code
    assert result.ok is False and result.retryable is False
    assert "redirect" in result.error
    assert len(origin.requests) == 1
    assert elsewhere.requests == []


def test_same_host_307_is_followed_with_the_same_signed_body(receivers) -> None:
    receiver = receivers()
    receiver.responses.extend([(307, {"Location": "/moved"}), (204, {})])
    result = post_webhook(receiver.url + "/old", PAYLOAD, secret=SECRET, delivery_id="d-9")
    assert result.ok and result.status == 204
    first, second = receiver.requests
    assert (first["path"], second["path"]) == ("/old", "/moved")
    assert first["body"] == second["body"]
    sig = second["headers"]["X-ProcureHub-Signature"]
    assert sig == first["headers"]["X-ProcureHub-Signature"]
    assert verify_signature(SECRET, second["body"], sig)


def test_same_host_302_is_not_followed_because_it_would_drop_the_body(receivers) -> None:
    receiver = receivers()
    receiver.responses.append((302, {"Location": "/moved"}))
    result = post_webhook(receiver.url, PAYLOAD, secret=SECRET, delivery_id="d")
    assert (result.status, result.ok, result.retryable) == (302, False, False)
    assert len(receiver.requests) == 1


def test_connection_refused_is_retryable() -> None:
    result = post_webhook(
        f"http://127.0.0.1:{_free_port()}/hook", PAYLOAD, secret=SECRET, delivery_id="d"
    )
    assert (result.status, result.ok, result.retryable) == (0, False, True)
    assert result.error


def test_timeout_is_retryable() -> None:
    with socket.socket() as listener:  # connects, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
        result = post_webhook(url, PAYLOAD, secret=SECRET, delivery_id="d", timeout=0.5)
    assert (result.status, result.ok, result.retryable) == (0, False, True)
    assert "timed out" in result.error


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/hook", "file:///etc/passwd", "http://user:pass@127.0.0.1/", "hook"]
)
def test_post_webhook_refuses_unsafe_urls(url: str) -> None:
    with pytest.raises(ValueError):
        post_webhook(url, PAYLOAD, secret=SECRET, delivery_id="d")


# --------------------------------------------------------------------------------------------
# URL validation (SSRF)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "http"),
        ("javascript:alert(1)", "http"),
        ("http://user:pass@93.184.216.34/hook", "password"),
        ("https://token@93.184.216.34/hook", "password"),
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://2130706433/hook", "loopback"),  # 127.0.0.1 written as one number
        ("http://localhost/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://192.168.0.10/hook", "private"),
        ("http://172.16.5.4/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),  # cloud metadata
        ("http://0.0.0.0/hook", "address"),
        ("http://93.184.216.34:99999/hook", "port"),
        ("http:///hook", "host"),
        ("http://93.184.216.34/ho ok", "spaces"),
        ("", "empty"),
    ],
)
def test_validate_webhook_url_rejects(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_webhook_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hook",
        "https://93.184.216.34:8443/hooks/procurehub?x=1",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
    ],
)
def test_validate_webhook_url_accepts_public_literal_addresses(url: str) -> None:
    assert validate_webhook_url(f"  {url} ", allow_private=False) == url


def test_allow_private_accepts_loopback_but_still_checks_the_shape() -> None:
    assert validate_webhook_url("http://127.0.0.1:8080/h", allow_private=True) == (
        "http://127.0.0.1:8080/h"
    )
    assert validate_webhook_url("http://intranet.invalid/h", allow_private=True)
    with pytest.raises(ValueError):
        validate_webhook_url("ftp://127.0.0.1/", allow_private=True)
    with pytest.raises(ValueError):
        validate_webhook_url("http://u:p@127.0.0.1/", allow_private=True)


def _fake_dns(table: dict[str, str]):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            family = socket.AF_INET6 if ":" in table[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (table[host], port))]
        if host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, port, *args, **kwargs)

    return getaddrinfo


def test_names_are_resolved_and_judged_by_their_addresses(monkeypatch) -> None:
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        _fake_dns({"example.com": "93.184.216.34", "internal.example.com": "10.0.0.7"}),
    )
    assert validate_webhook_url("https://example.com/hook", allow_private=False)
    with pytest.raises(ValueError, match="private"):
        validate_webhook_url("https://internal.example.com/hook", allow_private=False)
    with pytest.raises(ValueError, match="could not be resolved"):
        validate_webhook_url("https://no-such-host.invalid/hook", allow_private=False)


def test_post_webhook_rechecks_the_address_when_private_hosts_are_not_allowed(
    monkeypatch, receivers
) -> None:
    receiver = receivers()
    with pytest.raises(ValueError, match="loopback"):
        post_webhook(receiver.url, PAYLOAD, secret=SECRET, delivery_id="d", allow_private=False)
    assert receiver.requests == []
    monkeypatch.setattr(socket, "getaddrinfo", _fake_dns({}))
    result = post_webhook(
        "https://gone.invalid/h", PAYLOAD, secret=SECRET, delivery_id="d", allow_private=False
    )
    assert (result.ok, result.retryable) == (False, True)


# --------------------------------------------------------------------------------------------
# Back-off
# --------------------------------------------------------------------------------------------


def test_back_off_doubles_from_one_minute_and_is_capped_at_six_hours() -> None:
    assert MAX_ATTEMPTS == 8
    delays = [next_attempt_delay(n) for n in range(1, MAX_ATTEMPTS + 1)]
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64, 128)]
    assert next_attempt_delay(9) == timedelta(minutes=256)
    assert next_attempt_delay(10) == timedelta(hours=6)
    assert next_attempt_delay(1000) == timedelta(hours=6)
    with pytest.raises(ValueError):
        next_attempt_delay(0)
