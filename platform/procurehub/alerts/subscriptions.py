"""Subscriptions: who wants which alerts, on which channel, how often."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app
from sqlalchemy import select

from procurehub.accounts.models import Council
from procurehub.alerts import channels
from procurehub.alerts.models import ALERT_KINDS, CHANNELS, FREQUENCIES, Subscription
from procurehub.audit import service as audit
from procurehub.extensions import db
from procurehub.workstreams.registry import all_categories, enabled_plugins


class SubscriptionError(ValueError):
    """A subscription that cannot be created as asked; the message says why."""


def create_subscription(user: Any, data: dict[str, Any]) -> tuple[Subscription, str | None]:
    """Validate and store; returns the subscription and, for webhooks, its signing secret (shown once)."""
    workstream = data["workstream"]
    if workstream not in enabled_plugins():
        raise SubscriptionError(
            f"Unknown workstream {workstream!r}; choose from {', '.join(enabled_plugins())}."
        )
    categories = list(dict.fromkeys(data.get("categories") or []))
    known = all_categories()
    bad = [c for c in categories if c not in known or not c.startswith(workstream + ".")]
    if bad:
        raise SubscriptionError(
            f"{', '.join(bad)} is not a category of the {workstream} workstream."
        )
    councils = list(dict.fromkeys(data.get("councils") or []))
    existing = set(db.session.scalars(select(Council.code).where(Council.code.in_(councils))))
    if set(councils) - existing:
        raise SubscriptionError(f"Unknown council {', '.join(sorted(set(councils) - existing))}.")
    kinds = list(dict.fromkeys(data.get("kinds") or []))
    if set(kinds) - set(ALERT_KINDS):
        raise SubscriptionError(f"Unknown alert kind; choose from {', '.join(ALERT_KINDS)}.")
    channel, frequency = data["channel"], data.get("frequency") or "immediate"
    if channel not in CHANNELS or frequency not in FREQUENCIES:
        raise SubscriptionError("Unknown channel or frequency.")
    url, secret = None, None
    if channel == "webhook":
        if not data.get("webhook_url"):
            raise SubscriptionError("A webhook subscription needs a webhook_url.")
        try:
            url = channels.validate_webhook_url(
                data["webhook_url"],
                allow_private=bool(current_app.config.get("ALLOW_PRIVATE_WEBHOOKS")),
            )
        except ValueError as exc:
            raise SubscriptionError(str(exc)) from exc
        secret = "whsec_" + secrets.token_urlsafe(24)
    elif data.get("webhook_url"):
        raise SubscriptionError("webhook_url is only for channel 'webhook'.")
    sub = Subscription(
        user_id=user.id,
        workstream=workstream,
        categories=categories,
        councils=councils,
        region=(data.get("region") or None),
        kinds=kinds,
        channel=channel,
        frequency=frequency,
        webhook_url=url,
        webhook_secret=secret,
        active=True,
    )
    db.session.add(sub)
    db.session.flush()
    audit.record(
        "create",
        "subscription",
        sub.id,
        user=user,
        changes={"workstream": [None, workstream], "channel": [None, channel]},
    )
    return sub, secret


def delete_subscription(sub: Subscription, *, user: Any) -> None:
    audit.record("delete", "subscription", sub.id, user=user)
    db.session.delete(sub)
