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
    plugins = enabled_plugins()
    if workstream not in plugins:
        raise SubscriptionError(
            f"Choose a workstream from the list: {or_list([p.title for p in plugins.values()])}."
        )
    categories = list(dict.fromkeys(data.get("categories") or []))
    problem = category_problem(categories, workstream)
    if problem:
        raise SubscriptionError(problem)
    councils = list(dict.fromkeys(data.get("councils") or []))
    existing = set(db.session.scalars(select(Council.code).where(Council.code.in_(councils))))
    if set(councils) - existing:
        missing = sorted(set(councils) - existing)
        raise SubscriptionError(
            f"No council has the code {', '.join(c[:20] for c in missing[:3])}: "
            "choose councils from the list."
        )
    kinds = list(dict.fromkeys(data.get("kinds") or []))
    if set(kinds) - set(ALERT_KINDS):
        raise SubscriptionError("Choose the kinds of alert to get from the list.")
    channel, frequency = data["channel"], data.get("frequency") or "immediate"
    if channel not in CHANNELS or frequency not in FREQUENCIES:
        raise SubscriptionError(
            "Choose how (the channel) and how often (the frequency) from the lists."
        )
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


def or_list(words: list[str]) -> str:
    """`A, B or C`."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def quoted(words: list[str]) -> str:
    shown = [f"“{w}”" for w in words]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def category_problem(categories: list[str], workstream: str) -> str | None:
    """A sentence in the users' words when some categories are not the workstream's, else None.

    Categories are named by their labels and workstreams by their titles, never by keys.
    """
    known = all_categories()
    plugins = enabled_plugins()
    title = plugins[workstream].title
    unknown = [c for c in categories if c not in known]
    if unknown:
        return (
            f"{len(unknown)} of the chosen categories {'is' if len(unknown) == 1 else 'are'} "
            "not known to the hub. Choose categories from the list."
        )
    others = [c for c in categories if not c.startswith(workstream + ".")]
    if not others:
        return None
    by_workstream: dict[str, list[str]] = {}
    for c in others:
        plugin, spec = known[c]
        by_workstream.setdefault(plugin.title, []).append(spec.label)
    parts = [
        f"{quoted(labels)} {'is a category' if len(labels) == 1 else 'are categories'} "
        f"of the {other} workstream"
        for other, labels in by_workstream.items()
    ]
    instead = (
        f"choose the {next(iter(by_workstream))} workstream instead"
        if len(by_workstream) == 1
        else "change the workstream"
    )
    return f"{'; '.join(parts)}, not of {title}. Choose only {title} categories, or {instead}."


def delete_subscription(sub: Subscription, *, user: Any) -> None:
    audit.record("delete", "subscription", sub.id, user=user)
    db.session.delete(sub)
