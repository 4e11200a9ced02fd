"""Delivering decided alerts: e-mail and webhooks now or as digests; inbox entries need no sending.

Each delivery is claimed with a compare-and-set (`pending` → `sending`) committed before anything
is sent, so two runs at once never send the same delivery. A claim left behind by a crash
(`sending` for longer than CLAIM_TIMEOUT) is taken again by a later run: the send is retried
with the same Message-ID / X-ProcureHub-Delivery id, so a receiver can drop a duplicate.

Webhook payloads keep every council code and carry its name beside it (DESIGN §3: people see
councils by name): `council_name` beside each `council_code`, and `council_names` ({code: name})
beside each `councils` list, at any depth. The names are read once per run, not per alert.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, or_, select, update

from procurehub.accounts.service import council_names
from procurehub.alerts import channels
from procurehub.alerts.models import Alert, Delivery, Subscription
from procurehub.extensions import db, utcnow

CLAIM_TIMEOUT = timedelta(minutes=15)
DIGEST_PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


@dataclass
class DeliveryCounts:
    """Deliveries (one alert to one subscriber) sent, to retry, failed; `by_channel`: those
    sent, per channel ("email", "webhook"), each alert of a digest counted once."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


def smtp_settings() -> channels.SmtpSettings | None:
    cfg = current_app.config
    if not cfg.get("SMTP_HOST"):
        return None
    return channels.SmtpSettings(
        host=cfg["SMTP_HOST"],
        port=int(cfg.get("SMTP_PORT") or 25),
        user=cfg.get("SMTP_USER"),
        password=cfg.get("SMTP_PASSWORD"),
        starttls=bool(cfg.get("SMTP_STARTTLS")),
        mail_from=cfg.get("MAIL_FROM") or "procurehub@localhost",
    )


def claim_timeout() -> timedelta:
    """How long a claim may stay `sending` before a later run takes it again (a crashed run).

    `ALERT_CLAIM_TIMEOUT_MINUTES` (default 15): longer than any one send can take, so a run
    still sending is never overtaken.
    """
    minutes = current_app.config.get("ALERT_CLAIM_TIMEOUT_MINUTES")
    return CLAIM_TIMEOUT if minutes is None else timedelta(minutes=float(minutes))


def _claimable(now: datetime) -> Any:
    return or_(
        and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
        and_(Delivery.status == "sending", Delivery.claimed_at < now - claim_timeout()),
    )


def _claim(ids: list[int], now: datetime, condition: Any) -> list[int]:
    """Take deliveries for this run; only rows still claimable are taken (compare-and-set)."""
    taken = []
    for delivery_id in ids:
        result = db.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, condition)
            .values(status="sending", claimed_at=now)
        )
        if result.rowcount == 1:
            taken.append(delivery_id)
    db.session.commit()
    return taken


def _link(path: str) -> str:
    return (current_app.config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/") + path


def _alert_text(alert: Alert) -> str:
    link = (
        _link(f"/opportunities/{alert.opportunity_id}")
        if alert.opportunity_id
        else _link("/alerts")
    )
    return f"{alert.body}\n\n{link}\n"


def with_council_names(value: Any, names: Mapping[str, str]) -> Any:
    """A copy of a JSON value with each council's name beside its code, at any depth.

    A dict with a `council_code` gains `council_name`; one with a `councils` list of codes
    gains `council_names` ({code: name}). Names already there are kept; a code the hub does not
    know is named by itself.
    """
    if isinstance(value, list):
        return [with_council_names(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: with_council_names(item, names) for key, item in value.items()}
    code = value.get("council_code")
    if isinstance(code, str) and "council_name" not in value:
        out["council_name"] = names.get(code) or code
    councils = value.get("councils")
    if (
        isinstance(councils, list)
        and all(isinstance(c, str) for c in councils)
        and "council_names" not in value
    ):
        out["council_names"] = {c: names.get(c) or c for c in councils}
    return out


def _alert_payload(alert: Alert, names: Mapping[str, str]) -> dict[str, Any]:
    return with_council_names(
        {
            "id": alert.id,
            "kind": alert.kind,
            "dedup_key": alert.dedup_key,
            "subject": alert.subject,
            "body": alert.body,
            "workstream": alert.workstream,
            "category": alert.category,
            "councils": alert.councils,
            "due_date": alert.due_date.isoformat() if alert.due_date else None,
            "data": alert.payload,
            "created_at": alert.created_at.isoformat(),
        },
        names,
    )


def _send(
    sub: Subscription, delivery_key: str, subject: str, text: str, payload: dict[str, Any]
) -> None:
    """Send one message on the subscription's channel; raises channels.DeliveryError on failure."""
    if sub.channel == "email":
        settings = smtp_settings()
        if settings is None:
            raise channels.DeliveryError(
                "e-mail is not configured (PROCUREHUB_SMTP_HOST)", retryable=True
            )
        channels.send_email(
            settings,
            channels.OutgoingEmail(
                to=sub.user.email,
                subject=subject,
                text=text,
                message_id=channels.message_id_for(delivery_key, settings.mail_from),
            ),
        )
    elif sub.channel == "webhook":
        result = channels.post_webhook(
            sub.webhook_url or "",
            payload,
            secret=sub.webhook_secret or "",
            delivery_id=delivery_key,
            allow_private=bool(current_app.config.get("ALLOW_PRIVATE_WEBHOOKS")),
        )
        if not result.ok:
            raise channels.DeliveryError(
                result.error or f"HTTP {result.status}",
                result.retryable,
                code=result.status or None,
            )


def _record(
    ids: list[int], now: datetime, error: channels.DeliveryError | None, counts: DeliveryCounts
) -> None:
    for delivery in db.session.scalars(select(Delivery).where(Delivery.id.in_(ids))):
        if error is None:
            delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
            counts.sent += 1
            counts.by_channel[delivery.channel] = counts.by_channel.get(delivery.channel, 0) + 1
            continue
        delivery.attempts += 1
        delivery.last_error = error.message[:500]
        delivery.last_status_code = error.code
        if error.retryable and delivery.attempts < channels.MAX_ATTEMPTS:
            delivery.status = (
                "pending" if delivery.subscription.frequency == "immediate" else "digest"
            )
            delivery.next_attempt_at = now + channels.next_attempt_delay(delivery.attempts)
            counts.retrying += 1
        else:
            delivery.status = "failed"
            counts.failed += 1
    db.session.commit()


def deliver_pending(
    now: datetime | None = None, names: Mapping[str, str] | None = None
) -> DeliveryCounts:
    """Send every immediate delivery that is due (e-mail and webhook).

    `names` is `council_names()`, read here when the caller has not read it.
    """
    now = now or utcnow()
    counts = DeliveryCounts()
    condition = and_(_claimable(now), Delivery.channel.in_(("email", "webhook")))
    ids = list(db.session.scalars(select(Delivery.id).where(condition).order_by(Delivery.id)))
    taken = _claim(ids, now, condition)
    if taken and names is None:
        names = council_names()
    for delivery_id in taken:
        delivery = db.session.get(Delivery, delivery_id)
        alert, sub = delivery.alert, delivery.subscription
        key = f"delivery-{delivery.id}"
        try:
            _send(
                sub,
                key,
                alert.subject,
                _alert_text(alert),
                {"delivery_id": key, "alert": _alert_payload(alert, names or {})},
            )
            error = None
        except channels.DeliveryError as exc:
            error = exc
        _record([delivery_id], now, error, counts)
    return counts


def send_digests(
    now: datetime | None = None, names: Mapping[str, str] | None = None
) -> DeliveryCounts:
    """One message per daily/weekly subscription with waiting alerts, when its period is up.

    `names` is `council_names()`, read here (once) when the caller has not read it.
    """
    now = now or utcnow()
    counts = DeliveryCounts()
    waiting: dict[int, list[int]] = defaultdict(list)
    rows = db.session.execute(
        select(Delivery.subscription_id, Delivery.id)
        .where(Delivery.status == "digest", Delivery.next_attempt_at <= now)
        .order_by(Delivery.id)
    )
    for sub_id, delivery_id in rows:
        waiting[sub_id].append(delivery_id)
    for sub_id, ids in waiting.items():
        sub = db.session.get(Subscription, sub_id)
        period = DIGEST_PERIOD.get(sub.frequency, timedelta(days=1))
        if sub.last_digest_at is not None and now - sub.last_digest_at < period:
            continue
        taken = _claim(ids, now, Delivery.status == "digest")
        if not taken:
            continue
        alerts = [
            d.alert for d in db.session.scalars(select(Delivery).where(Delivery.id.in_(taken)))
        ]
        if names is None:
            names = council_names()
        plural = "s" if len(alerts) != 1 else ""
        if sub.frequency == "immediate":  # the catch-up for a new subscriber
            subject = f"ProcureHub: {len(alerts)} alert{plural} already open when you subscribed"
        else:
            subject = f"ProcureHub {sub.frequency} digest: {len(alerts)} alert{plural}"
        text = "\n\n".join(f"{a.subject}\n{_alert_text(a)}" for a in alerts)
        key = f"digest-{sub.id}-{min(taken)}-{max(taken)}"
        try:
            _send(
                sub,
                key,
                subject,
                text,
                {
                    "delivery_id": key,
                    "digest": True,
                    "alerts": [_alert_payload(a, names) for a in alerts],
                },
            )
            error = None
            sub.last_digest_at = now
        except channels.DeliveryError as exc:
            error = exc
        except ValueError as exc:
            error = channels.DeliveryError(str(exc), retryable=False)
        _record(taken, now, error, counts)
    return counts
