"""Alert pages: subscriptions, the in-app inbox and the calendar feed link."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from procurehub.accounts.models import Council
from procurehub.alerts import feed
from procurehub.alerts.models import ALERT_KINDS, CHANNELS, FREQUENCIES, Delivery, Subscription
from procurehub.alerts.subscriptions import (
    SubscriptionError,
    create_subscription,
    delete_subscription,
)
from procurehub.extensions import db
from procurehub.web.forms import without_nul
from procurehub.workstreams.categories import enabled_categories
from procurehub.workstreams.models import Category
from procurehub.workstreams.registry import enabled_plugins

bp = Blueprint("alert_pages", __name__, template_folder="templates")

INBOX_ENDPOINT = "alert_pages.inbox"
INBOX_PER_PAGE = 50


KIND_LABELS = {
    "opportunity": "New or changed joint-tender opportunities",
    "wave": "New or changed joint tenders in the tender plan",
    "deadline": "Decision deadlines approaching (24, 12, 6 and 3 months before)",
    "contract_end": "Contracts ending without a recorded plan",
    "register_stale": "Council registers not refreshed for 6 months",
}


CHANNEL_LABELS = {
    "email": "E-mail",
    "webhook": "Webhook (for another computer system)",
    "inbox": "In my ProcureHub alerts inbox",
}


FREQUENCY_LABELS = {
    "immediate": "As soon as it happens",
    "daily": "Daily summary",
    "weekly": "Weekly summary",
}


# ---------------------------------------------------------------------------- subscriptions
def _subscriptions_page(
    errors: list[tuple[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    subs = list(
        db.session.scalars(
            select(Subscription)
            .where(Subscription.user_id == current_user.id)
            .order_by(Subscription.id)
        )
    )
    plugins = enabled_plugins()
    categories = enabled_categories()
    grouped: dict[str, list[Category]] = {}
    for c in categories:
        grouped.setdefault(c.workstream, []).append(c)
    labels = option_labels(categories, {key: p.title for key, p in plugins.items()})
    councils = list(db.session.scalars(select(Council).order_by(Council.name)))
    return (
        render_template(
            "alerts/subscriptions.html",
            subs=subs,
            workstreams={key: p.title for key, p in plugins.items()},
            grouped_categories=grouped,
            category_labels=labels,
            councils=councils,
            council_names={c.code: c.name for c in councils},
            regions=_regions(),
            kinds=ALERT_KINDS,
            kind_labels=KIND_LABELS,
            channels=CHANNELS,
            channel_labels=CHANNEL_LABELS,
            frequencies=FREQUENCIES,
            frequency_labels=FREQUENCY_LABELS,
            errors=errors or [],
            error_fields={field for field, _ in errors or []},
            values=values
            or {
                "workstream": own_workstream(current_user, plugins),
                "categories": [],
                "councils": [],
                "region": "",
                "kinds": [],
                "channel": "inbox",
                "frequency": "immediate",
                "webhook_url": "",
            },
        ),
        status,
    )


#: The workstream a role's alerts are usually about; other roles choose one themselves.
ROLE_WORKSTREAMS = {"network_manager": "fleet", "digital_lead": "digital"}


def own_workstream(user: Any, plugins: dict[str, Any]) -> str:
    """The form's first choice: the workstream of the user's own role, else none (they choose)."""
    for role in getattr(user, "roles", None) or ():
        workstream = ROLE_WORKSTREAMS.get(role)
        if workstream in plugins:
            return workstream
    return ""


def option_labels(categories: list[Category], titles: dict[str, str]) -> dict[str, str]:
    """Each category's label, with its workstream's title when another workstream's category
    has the same label ("Fleet management system (Digital)"), so no two choices read alike."""
    count: dict[str, int] = {}
    for c in categories:
        count[c.label.casefold()] = count.get(c.label.casefold(), 0) + 1
    return {
        c.key: f"{c.label} ({titles.get(c.workstream, c.workstream)})"
        if count[c.label.casefold()] > 1
        else c.label
        for c in categories
    }


def _regions() -> list[str]:
    return sorted(r for r in db.session.scalars(select(Council.region).distinct()) if r)


def _subscription_form() -> dict[str, Any]:
    def one(name: str) -> str:
        return without_nul(request.form.get(name, "")).strip()

    def many(name: str) -> list[str]:
        return [without_nul(v).strip() for v in request.form.getlist(name) if without_nul(v).strip()]

    return {
        "workstream": one("workstream"),
        "categories": many("categories"),
        "councils": many("councils"),
        "region": one("region"),
        "kinds": many("kinds"),
        "channel": one("channel"),
        "frequency": one("frequency") or "immediate",
        "webhook_url": one("webhook_url")[:2000],
    }


def _field_of(message: str) -> str:
    text = message.lower()
    for field in ("webhook", "categor", "council", "kind", "workstream", "channel", "frequency"):
        if field in text:
            return {"webhook": "webhook_url", "categor": "categories", "kind": "kinds"}.get(
                field, field + "s" if field == "council" else field
            )
    return "workstream"


@bp.route("/alerts/subscriptions", methods=["GET", "POST"])
def subscriptions() -> Any:
    if request.method == "GET":
        return _subscriptions_page()
    values = _subscription_form()
    errors: list[tuple[str, str]] = []
    if not values["workstream"]:
        errors.append(("workstream", "Choose the workstream you want alerts about"))
    if values["channel"] not in CHANNELS:
        errors.append(("channel", "Choose how you want to receive the alerts"))
    elif values["channel"] == "webhook" and not values["webhook_url"]:
        errors.append(("webhook_url", "Enter the web address the alerts should be sent to"))
    elif values["channel"] != "webhook" and values["webhook_url"]:
        values["webhook_url"] = ""  # only meaningful for webhooks: drop it rather than refuse
    if values["region"] and values["region"] not in _regions():
        errors.append(("region", "Choose a region from the list, or “Any region”"))
    if errors:
        return _subscriptions_page(errors, values, 400)
    data = {
        **values,
        "region": values["region"] or None,
        "webhook_url": values["webhook_url"] or None,
    }
    try:
        sub, secret = create_subscription(current_user, data)
        db.session.commit()
    except SubscriptionError as exc:
        db.session.rollback()
        return _subscriptions_page([(_field_of(str(exc)), str(exc))], values, 400)
    if secret:
        response = make_response(
            render_template(
                "alerts/webhook_secret.html",
                sub=sub,
                secret=secret,
                workstream=enabled_plugins()[sub.workstream].title,
            )
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    how = {"email": "by e-mail", "webhook": "by webhook", "inbox": "in your alerts inbox"}
    flash(
        f"Subscribed: {_kinds_text(sub.kinds)} for {enabled_plugins()[sub.workstream].title}, "
        f"{how.get(sub.channel, sub.channel)}, {FREQUENCY_LABELS[sub.frequency].lower()}.",
        "info",
    )
    return redirect(url_for("alert_pages.subscriptions"), 303)


def _kinds_text(kinds: list[str]) -> str:
    short = {
        "opportunity": "opportunities",
        "wave": "tender plan waves",
        "deadline": "decision deadlines",
        "contract_end": "contract ends",
        "register_stale": "stale registers",
    }
    return ", ".join(short.get(k, k) for k in kinds) if kinds else "every kind of alert"


@bp.route("/alerts/subscriptions/<id:subscription_id>/delete", methods=["POST"])
def delete(subscription_id: int) -> Any:
    sub = db.session.get(Subscription, subscription_id)
    if sub is None or sub.user_id != current_user.id:
        raise NotFound("This subscription does not exist, or it is not yours.")
    delete_subscription(sub, user=current_user)
    db.session.commit()
    flash("The subscription was deleted: you will get no more alerts from it.", "info")
    return redirect(url_for("alert_pages.subscriptions"), 303)


# ---------------------------------------------------------------------------- inbox
def _inbox() -> Any:
    stmt = select(Delivery).where(Delivery.user_id == current_user.id, Delivery.channel == "inbox")
    before = request.args.get("before", type=int)
    if before and 0 < before < 2**62:
        stmt = stmt.where(Delivery.id < before)
    rows = list(db.session.scalars(stmt.order_by(Delivery.id.desc()).limit(INBOX_PER_PAGE + 1)))
    more = len(rows) > INBOX_PER_PAGE
    rows = rows[:INBOX_PER_PAGE]
    return render_template(
        "alerts/inbox.html",
        rows=rows,
        unread=feed.unread_count(current_user),
        older_url=url_for(INBOX_ENDPOINT, before=rows[-1].id) if more else None,
        has_subscriptions=db.session.scalar(
            select(Subscription.id).where(Subscription.user_id == current_user.id).limit(1)
        )
        is not None,
    )


@bp.route("/alerts")
def inbox() -> Any:
    return _inbox()


@bp.route("/alerts/read", methods=["POST"])
def mark_all_read() -> Any:
    count = feed.mark_read(current_user)
    db.session.commit()
    flash(
        f"Marked {count} alert{'s' if count != 1 else ''} as read."
        if count
        else "There were no unread alerts.",
        "info",
    )
    return redirect(url_for(INBOX_ENDPOINT), 303)


@bp.route("/alerts/calendar", methods=["POST"])
def calendar_link() -> Any:
    """A new secret calendar address, shown once, at the top of a page of its own."""
    token = feed.new_calendar_token(current_user)
    db.session.commit()
    response = make_response(
        render_template(
            "alerts/calendar_address.html",
            calendar_url=url_for("calendar_feed", token=token, _external=True),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------- navigation
def unread_badge() -> int | None:
    """The number shown beside "Alerts" in the navigation."""
    return feed.unread_count(current_user) or None
