"""Alert delivery channels: e-mail over SMTP and signed JSON webhooks.

Plain values in, plain values out: no Flask, no SQLAlchemy, so the scheduler job, the API and
the tests can all use these functions. The caller owns the delivery record (its id, attempt
count, next attempt time); this module only sends once and says whether a failure is worth
retrying (`DeliveryError.retryable`, `WebhookResult.retryable`) and when (`next_attempt_delay`).

Privacy: no exception message or result produced here contains an e-mail address or a message
body, even when the SMTP server echoes the address in its reply, so failures can be logged and
stored as they are.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import re
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import MappingProxyType
from typing import Any

__all__ = [
    "MAX_ATTEMPTS",
    "DeliveryError",
    "OutgoingEmail",
    "SmtpSettings",
    "WebhookResult",
    "message_id_for",
    "next_attempt_delay",
    "post_webhook",
    "send_email",
    "sign_payload",
    "validate_webhook_url",
    "verify_signature",
]

# --------------------------------------------------------------------------------------------
# Retry policy
# --------------------------------------------------------------------------------------------

#: Total attempts (the first one included) before a delivery is given up as failed.
MAX_ATTEMPTS = 8

_FIRST_DELAY = timedelta(minutes=1)
_MAX_DELAY = timedelta(hours=6)


def next_attempt_delay(attempts: int) -> timedelta:
    """Back-off before the next attempt, given how many attempts have already failed.

    1 failed attempt → 1 minute, 2 → 2 minutes, 3 → 4 minutes, … doubling, capped at 6 hours.
    """
    if attempts < 1:
        raise ValueError("attempts counts the attempts already made and must be at least 1")
    # 2**9 minutes already exceeds the cap: never compute huge powers.
    delay = _FIRST_DELAY * (2 ** min(attempts - 1, 16))
    return min(delay, _MAX_DELAY)


# --------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------


class DeliveryError(Exception):
    """A send failed. `retryable` says whether trying again later may succeed.

    The message never contains an e-mail address or any part of the message body.
    `code` is the SMTP reply code when the server gave one.
    """

    def __init__(self, message: str, retryable: bool, *, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code

    def __repr__(self) -> str:
        return f"DeliveryError({self.message!r}, retryable={self.retryable}, code={self.code})"


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP relay (from the PROCUREHUB_SMTP_* / PROCUREHUB_MAIL_FROM settings)."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    mail_from: str = "procurehub@localhost"
    timeout: float = 30


@dataclass(frozen=True)
class OutgoingEmail:
    """One message to one recipient.

    `message_id` should be derived from the delivery id (see `message_id_for`) so that a retried
    send carries the same Message-ID and mail systems can drop the duplicate.
    """

    to: str
    subject: str
    text: str
    html: str | None = None
    message_id: str | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 field name: printable ASCII except ':'
_RESERVED_HEADERS = {
    "to",
    "from",
    "subject",
    "message-id",
    "date",
    "cc",
    "bcc",
    "content-type",
    "content-transfer-encoding",
    "mime-version",
}
_EMAIL_LIKE = re.compile(r"[^\s<>()\"',;:]+@[^\s<>()\"',;:]+")


def _redact(text: str) -> str:
    """Server replies often echo the address ("550 <bob@x.org> unknown"): blank it out."""
    return _EMAIL_LIKE.sub("<address>", text)


def _reply_text(raw: bytes | str | None) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return _redact(" ".join(raw.split()))[:300]


def _no_newlines(value: str, what: str) -> str:
    if "\r" in value or "\n" in value or "\x00" in value:
        raise ValueError(f"{what} must not contain line breaks")
    return value


def message_id_for(delivery_id: str | int | uuid.UUID, mail_from: str) -> str:
    """A stable Message-ID for a delivery: `<procurehub.DELIVERY_ID@DOMAIN_OF_MAIL_FROM>`."""
    domain = mail_from.rpartition("@")[2].strip(" <>") or "procurehub.localhost"
    local = re.sub(r"[^A-Za-z0-9.\-_]", "-", str(delivery_id))
    return f"<procurehub.{local}@{domain}>"


def _build_message(settings: SmtpSettings, email: OutgoingEmail) -> EmailMessage:
    _no_newlines(email.to, "the recipient address")
    _no_newlines(settings.mail_from, "the sender address")
    if "@" not in email.to or "," in email.to:
        raise ValueError("the recipient must be a single e-mail address")

    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = email.to
    # Subjects are built from user data (contract titles): fold any line breaks into spaces.
    msg["Subject"] = " ".join(email.subject.split())
    msg["Date"] = formatdate(usegmt=True)
    if email.message_id:
        message_id = _no_newlines(email.message_id.strip(), "the Message-ID")
        if not message_id.startswith("<"):
            message_id = f"<{message_id}>"
        msg["Message-ID"] = message_id
    else:
        domain = settings.mail_from.rpartition("@")[2].strip(" <>") or None
        msg["Message-ID"] = make_msgid(domain=domain)
    for name, value in email.headers.items():
        if not _HEADER_NAME.match(name):
            raise ValueError(f"invalid header name {name!r}")
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"header {name!r} is set by send_email and cannot be overridden")
        msg[name] = _no_newlines(str(value), f"header {name!r}")

    msg.set_content(email.text)
    if email.html is not None:
        msg.add_alternative(email.html, subtype="html")  # → multipart/alternative
    return msg


def _smtp_failure(exc: smtplib.SMTPResponseException, what: str) -> DeliveryError:
    code = exc.smtp_code
    text = _reply_text(exc.smtp_error)
    # 4xx: transient by definition; anything else we cannot make sense of is treated likewise
    # (-1 is smtplib's "no reply"); 5xx is a permanent rejection.
    retryable = not (500 <= code < 600)
    return DeliveryError(f"{what}: {code} {text}".rstrip(), retryable, code=code)


def send_email(settings: SmtpSettings, email: OutgoingEmail) -> None:
    """Send one message through the configured relay; raise `DeliveryError` when it fails.

    Retryable: connection refused or reset, DNS failure, timeouts, the server hanging up, TLS
    handshake failures, 4xx replies, and a server that does not offer STARTTLS when
    `starttls=True` (the message is never sent in clear instead; the problem lies with the
    relay or the network in between, not with this message, so later attempts may succeed).
    Not retryable: 5xx replies (recipient, sender or message refused, authentication rejected)
    and a server refusing to authenticate at all (AUTH not offered).
    Raises `ValueError` (not `DeliveryError`) for malformed input such as a header with a line
    break: a bug in the caller, not a delivery problem.
    """
    msg = _build_message(settings, email)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                try:
                    smtp.starttls(context=ssl.create_default_context())
                except smtplib.SMTPNotSupportedError:
                    raise DeliveryError(
                        "SMTP server does not offer STARTTLS; not sending in clear", True
                    ) from None
            if settings.user:
                try:
                    smtp.login(settings.user, settings.password or "")
                except smtplib.SMTPNotSupportedError:
                    raise DeliveryError(
                        "SMTP server does not offer AUTH (a user is configured)", False
                    ) from None
                except smtplib.SMTPAuthenticationError as exc:
                    raise _smtp_failure(exc, "SMTP authentication failed") from None
            smtp.send_message(msg, from_addr=settings.mail_from, to_addrs=[email.to])
    except DeliveryError:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        # {address: (code, reply)}: the addresses must not leak into the message or traceback.
        replies = list(exc.recipients.values())
        codes = [code for code, _ in replies]
        code, reply = replies[0] if replies else (-1, b"")
        retryable = not any(500 <= c < 600 for c in codes)
        raise DeliveryError(
            f"SMTP server refused the recipient: {code} {_reply_text(reply)}".rstrip(),
            retryable,
            code=code,
        ) from None
    except smtplib.SMTPSenderRefused as exc:
        raise _smtp_failure(exc, "SMTP server refused the sender") from None
    except smtplib.SMTPDataError as exc:
        raise _smtp_failure(exc, "SMTP server refused the message") from None
    except smtplib.SMTPConnectError as exc:
        raise _smtp_failure(exc, "SMTP server refused the connection") from None
    except smtplib.SMTPResponseException as exc:
        raise _smtp_failure(exc, "SMTP error") from None
    except smtplib.SMTPServerDisconnected as exc:
        # smtplib reports a read timeout as "Connection unexpectedly closed: timed out".
        detail = _reply_text(str(exc)) or "connection closed"
        raise DeliveryError(
            f"SMTP server {settings.host}:{settings.port}: {detail}", True
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(
            f"SMTP server does not support a needed feature: {exc}", False
        ) from None
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"SMTP error: {type(exc).__name__}", True) from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"TLS failure talking to the SMTP server: {exc.reason}", True) from None
    except TimeoutError:
        raise DeliveryError(
            f"timed out talking to SMTP server {settings.host}:{settings.port}", True
        ) from None
    except OSError as exc:  # refused, reset, unreachable, DNS (socket.gaierror)
        reason = exc.strerror or type(exc).__name__
        raise DeliveryError(
            f"cannot reach SMTP server {settings.host}:{settings.port}: {reason}", True
        ) from None


# --------------------------------------------------------------------------------------------
# Webhooks
# --------------------------------------------------------------------------------------------

SIGNATURE_HEADER = "X-ProcureHub-Signature"
DELIVERY_HEADER = "X-ProcureHub-Delivery"
USER_AGENT = "ProcureHub-Webhooks/1"
_MAX_REDIRECTS = 3
_MAX_URL_LENGTH = 2048


def _hmac_hex(secret: str, body: bytes, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign_payload(secret: str, body: bytes, timestamp: int) -> str:
    """`t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>." + body>` (Stripe style).

    Signing the timestamp with the body lets a receiver reject replays of old deliveries.
    """
    timestamp = int(timestamp)
    return f"t={timestamp},v1={_hmac_hex(secret, body, timestamp)}"


def verify_signature(
    secret: str,
    body: bytes,
    header: str | None,
    *,
    tolerance_seconds: int = 300,
    now: float | None = None,
) -> bool:
    """True when `header` is a valid signature of `body` made within `tolerance_seconds` of now.

    Accepts several `v1=` entries (as sent during a secret rotation); compares in constant time.
    Malformed headers give False, never an exception.
    """
    if not header:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return False
        elif key == "v1":
            candidates.append(value.strip())
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = _hmac_hex(secret, body, timestamp)
    ok = False
    for candidate in candidates:  # no early exit: same work whichever entry matches
        ok |= hmac.compare_digest(expected.encode(), candidate.encode("ascii", "replace"))
    return ok


@dataclass(frozen=True)
class WebhookResult:
    """Outcome of one POST. `status` is the HTTP status, 0 when no response was received."""

    status: int
    ok: bool
    retryable: bool
    error: str | None = None


def _split_url(url: str) -> urllib.parse.SplitResult:
    """Shape checks that need no network: http(s), a host, no credentials, a valid port."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("webhook URL is empty")
    url = url.strip()
    if len(url) > _MAX_URL_LENGTH:
        raise ValueError(f"webhook URL is longer than {_MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError("webhook URL must not contain spaces or control characters")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("webhook URL must start with http:// or https://")
    if "@" in parts.netloc:
        raise ValueError("webhook URL must not contain a user name or password")
    if not parts.hostname:
        raise ValueError("webhook URL has no host")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        raise ValueError("webhook URL has an invalid port") from None
    return parts


def _default_port(scheme: str) -> int:
    return 443 if scheme.lower() == "https" else 80


def _blocked_reason(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        return "a non-public address"
    return None


def _check_public(host: str, port: int) -> None:
    """Resolve `host`; raise ValueError if any address is not public, socket.gaierror if none."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for info in infos:
        address = str(info[4][0])
        reason = _blocked_reason(address)
        if reason:
            raise ValueError(
                f"webhook host {host!r} resolves to {reason} ({address}); "
                "only public addresses are allowed"
            )


def validate_webhook_url(url: str, *, allow_private: bool) -> str:
    """Check a user-supplied webhook URL; return it (stripped) or raise ValueError.

    Rejects anything but http(s), URLs with embedded credentials, and, unless `allow_private`,
    hosts that resolve (socket.getaddrinfo) to loopback, private, link-local or other
    non-public addresses (SSRF). A host that cannot be resolved is rejected too: it cannot be
    shown to be safe. Numeric hosts (`93.184.216.34`, also forms such as `2130706433`) are
    checked without DNS.
    """
    parts = _split_url(url)
    if not allow_private:
        port = parts.port or _default_port(parts.scheme)
        try:
            _check_public(parts.hostname or "", port)
        except (socket.gaierror, UnicodeError):
            raise ValueError(
                f"webhook host {parts.hostname!r} could not be resolved; "
                "check the address (it must be reachable from the hub)"
            ) from None
    return url.strip()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _encode_payload(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    ).encode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every 3xx back to `post_webhook` instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def _same_host_redirect(current: urllib.parse.SplitResult, target: str) -> str | None:
    """The absolute redirect target if it stays on the same host (no downgrade), else None."""
    try:
        new = _split_url(target)
    except ValueError:
        return None
    if (new.hostname or "").lower() != (current.hostname or "").lower():
        return None
    if current.scheme.lower() == "https" and new.scheme.lower() != "https":
        return None  # never downgrade to clear text
    new_port = new.port or _default_port(new.scheme)
    old_port = current.port or _default_port(current.scheme)
    if new_port != old_port and new_port != _default_port(new.scheme):
        return None
    return new.geturl()


def _classify(status: int) -> WebhookResult:
    if 200 <= status < 300:
        return WebhookResult(status, True, False, None)
    if status == 429 or status == 408 or status >= 500:
        return WebhookResult(status, False, True, f"receiver answered HTTP {status}")
    if 300 <= status < 400:
        return WebhookResult(
            status, False, False, f"receiver answered HTTP {status} (redirect not followed)"
        )
    return WebhookResult(status, False, False, f"receiver answered HTTP {status}")


def post_webhook(
    url: str,
    payload: Mapping[str, Any],
    *,
    secret: str,
    delivery_id: str,
    timeout: float = 10,
    allow_private: bool = True,
) -> WebhookResult:
    """POST `payload` as signed JSON; return what happened (network failures included).

    Body: JSON with sorted keys and compact separators (UTF-8). Headers: Content-Type,
    User-Agent `ProcureHub-Webhooks/1`, `X-ProcureHub-Signature` (`sign_payload`) and
    `X-ProcureHub-Delivery` (the delivery id: the same on every retry, an idempotency key).
    2xx → ok; 408, 429, 5xx, timeouts and connection errors → retryable; other 4xx and 3xx →
    not retryable. Redirects are followed only for 307/308 (which keep the POST body) to the
    same host, at most 3 times; a redirect elsewhere is never followed.

    Raises ValueError for a URL that is not http(s) or carries credentials. With
    `allow_private=False` the host is resolved again before sending and a non-public address
    raises ValueError too (the check `validate_webhook_url` made when the subscription was saved
    may be stale); a resolution failure then is a retryable result.
    """
    parts = _split_url(url)
    _no_newlines(delivery_id, "the delivery id")
    body = _encode_payload(payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign_payload(secret, body, int(time.time())),
        DELIVERY_HEADER: delivery_id,
    }
    current_url = parts.geturl()
    for _ in range(_MAX_REDIRECTS + 1):
        if not allow_private:
            try:
                _check_public(parts.hostname or "", parts.port or _default_port(parts.scheme))
            except (socket.gaierror, UnicodeError):
                return WebhookResult(0, False, True, "webhook host could not be resolved")
        request = urllib.request.Request(current_url, data=body, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                response.read(65536)  # drain a little so keep-alive servers are not cut off
                return _classify(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
            location = exc.headers.get("Location") if exc.headers else None
            exc.close()
            if status in (307, 308) and location:
                target = _same_host_redirect(parts, urllib.parse.urljoin(current_url, location))
                if target is not None:
                    current_url = target
                    parts = urllib.parse.urlsplit(target)
                    continue
            return _classify(status)
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError | socket.timeout):
                return WebhookResult(0, False, True, f"timed out after {timeout:g}s")
            text = getattr(reason, "strerror", None) or str(reason)
            return WebhookResult(0, False, True, f"connection failed: {text}")
        except TimeoutError:
            return WebhookResult(0, False, True, f"timed out after {timeout:g}s")
        except (OSError, http.client.HTTPException) as exc:
            return WebhookResult(0, False, True, f"connection failed: {type(exc).__name__}")
    return WebhookResult(0, False, False, f"more than {_MAX_REDIRECTS} redirects")
