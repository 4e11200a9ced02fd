"""Coordinator pages for renewal alignment and alerts (DESIGN §1, §3 "Renewal alignment", "Alerts").

The opportunity list and detail page (with the timeline chart and the status form), the alert
subscriptions, the in-app inbox and the calendar feed link. Thin views: reads go through the
same queries as the API (`api.alerting.opportunity_query`), every write through the services
(`alignment.workflow`, `alerts.subscriptions`, `alerts.feed`), and every refusal becomes a page
that says what to do, never a 500.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from .alerts import feed
from .alerts.models import ALERT_KINDS, CHANNELS, FREQUENCIES, Delivery, Subscription
from .alerts.subscriptions import SubscriptionError, create_subscription, delete_subscription
from .alignment.models import (
    OPPORTUNITY_STATUSES,
    AlignmentRun,
    Opportunity,
    OpportunityEvent,
)
from .alignment.timeline import TimelineRow, render_timeline_svg
from .alignment.workflow import change_opportunity
from .api.alerting import opportunity_query
from .authz import can_write
from .extensions import db
from .models import Category, Council
from .plugins import NavEntry, enabled_plugins
from .renewal_dates import add_months

bp = Blueprint("alignment_pages", __name__)

INBOX_ENDPOINT = "alignment_pages.inbox"
OPPORTUNITIES_PER_PAGE = 50
INBOX_PER_PAGE = 50
NOTES_MAX = 10_000
SOON_MONTHS = 6

STATUS_LABELS = {
    "new": "New",
    "under_review": "Under review",
    "tender_planned": "Tender planned",
    "tender_launched": "Tender launched",
    "dismissed": "Dismissed",
}
STATUS_COLOURS = {
    "new": "blue",
    "under_review": "purple",
    "tender_planned": "teal",
    "tender_launched": "green",
    "dismissed": "grey",
}
KIND_LABELS = {
    "opportunity": "New or changed joint-tender opportunities",
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
INTEREST_LABELS = {"yes": "Yes", "no": "No", "maybe": "Maybe", "unknown": "Not known"}


# ---------------------------------------------------------------------------- helpers
def _council_names() -> dict[str, str]:
    return dict(db.session.execute(select(Council.code, Council.name)).all())


def _category_labels() -> dict[str, str]:
    return dict(db.session.execute(select(Category.key, Category.label)).all())


def _enabled_categories() -> list[Category]:
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.workstream.in_(list(enabled_plugins())))
            .order_by(Category.workstream, Category.label)
        )
    )


def urgency(deadline: date, today: date) -> str | None:
    """'overdue' when the decision deadline has passed, 'soon' within six months, else None."""
    if deadline < today:
        return "overdue"
    if deadline <= add_months(today, SOON_MONTHS):
        return "soon"
    return None


def may_coordinate() -> bool:
    return can_write(current_user, None, scope="coordination")


def _opportunity_or_404(opportunity_id: int) -> Opportunity:
    opp = db.session.get(Opportunity, opportunity_id)
    if opp is None:
        raise NotFound(
            "There is no opportunity with this number. It may have been typed wrongly; "
            "go back to the list of opportunities."
        )
    return opp


def describe_event(event: OpportunityEvent, councils: dict[str, str]) -> str:
    """One line of an opportunity's history in plain words."""
    detail = event.detail or {}

    def names(codes: list[str]) -> str:
        return ", ".join(councils.get(c, c) for c in codes)

    if event.kind == "found":
        return f"Found by the alignment run: {names(detail.get('councils') or [])}."
    if event.kind == "members_changed":
        joined, left = len(detail.get("joined") or []), len(detail.get("left") or [])
        return (
            f"Contracts changed ({joined} joined, {left} left); councils now: "
            f"{names(detail.get('councils') or [])}."
        )
    if event.kind == "dates_changed":
        start = detail.get("joint_start") or [None, None]
        deadline = detail.get("decision_deadline") or [None, None]
        return (
            f"Dates moved: joint start {_iso_to_text(start[0])} → {_iso_to_text(start[1])}, "
            f"decide by {_iso_to_text(deadline[0])} → {_iso_to_text(deadline[1])}."
        )
    if event.kind == "no_longer_found":
        return "No longer found by the alignment run (a contract changed or ended)."
    if event.kind == "found_again":
        return "Found again by the alignment run."
    if event.kind == "status":
        before, after = detail.get("before"), detail.get("after")
        return (
            f"Status changed from “{STATUS_LABELS.get(before, before)}” "
            f"to “{STATUS_LABELS.get(after, after)}”."
        )
    if event.kind == "notes":
        after = detail.get("after") or ""
        return f"Notes changed to: “{after}”" if after else "Notes removed."
    return event.kind.replace("_", " ").capitalize() + "."


def _iso_to_text(value: str | None) -> str:
    try:
        return date.fromisoformat(value).strftime("%d %b %Y") if value else "—"
    except (TypeError, ValueError):
        return str(value)


def timeline_rows(opp: Opportunity, councils: dict[str, str], today: date) -> list[TimelineRow]:
    rows = []
    for m in opp.members:
        end_date = m.end_date or today
        end = m.max_end_date or end_date
        name = councils.get(m.council_code, m.council_code)
        rows.append(
            TimelineRow(
                label=f"{name} — {m.reference or m.title or 'no reference'}",
                start=max(end_date, today),
                end=end,
                stretched_end=add_months(end, opp.tolerance_months or 0),
                note=f"interest: {INTEREST_LABELS.get(m.interest, m.interest).lower()}",
                council=name,
            )
        )
    return rows


# ---------------------------------------------------------------------------- opportunities
def _clean(value: str) -> str:
    """Form and query text without NUL bytes (PostgreSQL refuses them in text columns)."""
    return value.replace("\x00", "")


def _arg(name: str) -> str | None:
    return _clean(request.args.get(name, "")).strip()[:100] or None


@bp.route("/opportunities")
def opportunities() -> Any:
    status = _arg("status")
    args = {
        "category": _arg("category"),
        "council": _arg("council"),
        "status": status if status in OPPORTUNITY_STATUSES else None,
        "include_inactive": request.args.get("include_inactive") == "1",
    }
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    rows = list(
        db.session.scalars(
            opportunity_query(args)
            .offset((page - 1) * OPPORTUNITIES_PER_PAGE)
            .limit(OPPORTUNITIES_PER_PAGE + 1)
        )
    )
    more = len(rows) > OPPORTUNITIES_PER_PAGE
    rows = rows[:OPPORTUNITIES_PER_PAGE]
    kept = {k: v for k, v in request.args.items() if k != "page"}
    latest_run = db.session.scalar(
        select(AlignmentRun)
        .where(AlignmentRun.finished_at.is_not(None))
        .order_by(AlignmentRun.id.desc())
        .limit(1)
    )
    today = date.today()
    filtered = any(args.values())
    return render_template(
        "alignment/opportunities.html",
        rows=rows,
        args=args,
        filtered=filtered,
        today=today,
        urgency=urgency,
        councils=list(db.session.scalars(select(Council).order_by(Council.name))),
        council_names=_council_names(),
        category_labels=_category_labels(),
        categories=_enabled_categories(),
        statuses=OPPORTUNITY_STATUSES,
        status_labels=STATUS_LABELS,
        status_colours=STATUS_COLOURS,
        latest_run=latest_run,
        gaps=sorted((latest_run.gaps or {}).items()) if latest_run else [],
        prev_url=url_for("alignment_pages.opportunities", **kept, page=page - 1)
        if page > 1
        else None,
        next_url=url_for("alignment_pages.opportunities", **kept, page=page + 1) if more else None,
    )


def _detail(
    opp: Opportunity,
    errors: list[tuple[str, str]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    today = date.today()
    councils = _council_names()
    labels = _category_labels()
    label = labels.get(opp.category, opp.category)
    chart = render_timeline_svg(
        timeline_rows(opp, councils, today),
        joint_start=opp.joint_start,
        decision_deadline=opp.decision_deadline,
        today=today,
        title=f"Renewal windows: {label}",
    )
    events = list(
        db.session.scalars(
            select(OpportunityEvent)
            .where(OpportunityEvent.opportunity_id == opp.id)
            .order_by(OpportunityEvent.at.desc(), OpportunityEvent.id.desc())
        )
    )
    return (
        render_template(
            "alignment/opportunity.html",
            opp=opp,
            label=label,
            category_labels=labels,
            council_names=councils,
            chart=chart,
            events=events,
            describe_event=describe_event,
            today=today,
            state=urgency(opp.decision_deadline, today),
            can_change=may_coordinate(),
            statuses=OPPORTUNITY_STATUSES,
            status_labels=STATUS_LABELS,
            status_colours=STATUS_COLOURS,
            interest_labels=INTEREST_LABELS,
            errors=errors or [],
            error_fields={field for field, _ in errors or []},
            values=values or {"status": opp.status, "notes": opp.notes or ""},
        ),
        status,
    )


@bp.route("/opportunities/<int:opportunity_id>", methods=["GET", "POST"])
def opportunity(opportunity_id: int) -> Any:
    opp = _opportunity_or_404(opportunity_id)
    if request.method == "GET":
        return _detail(opp)
    if not may_coordinate():
        raise Forbidden(
            "Only a coordinator or an administrator can change an opportunity's status or notes."
        )
    values = {
        "status": _clean(request.form.get("status", "")).strip(),
        "notes": _clean(request.form.get("notes", "")).replace("\r\n", "\n"),
    }
    errors: list[tuple[str, str]] = []
    if values["status"] not in OPPORTUNITY_STATUSES:
        errors.append(("status", "Choose a status from the list"))
    if len(values["notes"]) > NOTES_MAX:
        errors.append(
            ("notes", f"The notes are too long: keep them under {NOTES_MAX:,} characters")
        )
    if errors:
        return _detail(opp, errors, values, 400)
    try:
        changes = change_opportunity(
            opp, user=current_user, status=values["status"], notes=values["notes"]
        )
        db.session.commit()
    except ValueError as exc:
        db.session.rollback()
        return _detail(opp, [("status", str(exc))], values, 400)
    if not changes:
        flash("Nothing was changed: the status and notes were already as shown.", "info")
    elif "status" in changes:
        flash(f"Saved. The status is now “{STATUS_LABELS[opp.status]}”.", "info")
    else:
        flash("Saved the notes.", "info")
    return redirect(url_for("alignment_pages.opportunity", opportunity_id=opp.id), 303)


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
    categories = _enabled_categories()
    grouped: dict[str, list[Category]] = {}
    for c in categories:
        grouped.setdefault(c.workstream, []).append(c)
    councils = list(db.session.scalars(select(Council).order_by(Council.name)))
    return (
        render_template(
            "alignment/subscriptions.html",
            subs=subs,
            workstreams={key: p.title for key, p in plugins.items()},
            grouped_categories=grouped,
            category_labels={c.key: c.label for c in categories},
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
                "workstream": next(iter(plugins), ""),
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


def _regions() -> list[str]:
    return sorted(r for r in db.session.scalars(select(Council.region).distinct()) if r)


def _subscription_form() -> dict[str, Any]:
    def one(name: str) -> str:
        return _clean(request.form.get(name, "")).strip()

    def many(name: str) -> list[str]:
        return [_clean(v).strip() for v in request.form.getlist(name) if _clean(v).strip()]

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
        return render_template(
            "alignment/webhook_secret.html",
            sub=sub,
            secret=secret,
            workstream=enabled_plugins()[sub.workstream].title,
        )
    how = {"email": "by e-mail", "webhook": "by webhook", "inbox": "in your alerts inbox"}
    flash(
        f"Subscribed: {_kinds_text(sub.kinds)} for {enabled_plugins()[sub.workstream].title}, "
        f"{how.get(sub.channel, sub.channel)}, {FREQUENCY_LABELS[sub.frequency].lower()}.",
        "info",
    )
    return redirect(url_for("alignment_pages.subscriptions"), 303)


def _kinds_text(kinds: list[str]) -> str:
    short = {
        "opportunity": "opportunities",
        "deadline": "decision deadlines",
        "contract_end": "contract ends",
        "register_stale": "stale registers",
    }
    return ", ".join(short.get(k, k) for k in kinds) if kinds else "every kind of alert"


@bp.route("/alerts/subscriptions/<int:subscription_id>/delete", methods=["POST"])
def delete(subscription_id: int) -> Any:
    sub = db.session.get(Subscription, subscription_id)
    if sub is None or sub.user_id != current_user.id:
        raise NotFound("This subscription does not exist, or it is not yours.")
    delete_subscription(sub, user=current_user)
    db.session.commit()
    flash("The subscription was deleted: you will get no more alerts from it.", "info")
    return redirect(url_for("alignment_pages.subscriptions"), 303)


# ---------------------------------------------------------------------------- inbox
def _inbox(calendar_url: str | None = None) -> Any:
    stmt = select(Delivery).where(Delivery.user_id == current_user.id, Delivery.channel == "inbox")
    before = request.args.get("before", type=int)
    if before and 0 < before < 2**62:
        stmt = stmt.where(Delivery.id < before)
    rows = list(db.session.scalars(stmt.order_by(Delivery.id.desc()).limit(INBOX_PER_PAGE + 1)))
    more = len(rows) > INBOX_PER_PAGE
    rows = rows[:INBOX_PER_PAGE]
    return render_template(
        "alignment/inbox.html",
        rows=rows,
        unread=feed.unread_count(current_user),
        older_url=url_for(INBOX_ENDPOINT, before=rows[-1].id) if more else None,
        calendar_url=calendar_url,
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
    token = feed.new_calendar_token(current_user)
    db.session.commit()
    return _inbox(calendar_url=url_for("calendar_feed", token=token, _external=True))


# ---------------------------------------------------------------------------- navigation
def alerts_navigation() -> dict[str, Any]:
    """The navigation with the number of unread alerts next to "Alerts" (e.g. "Alerts (3)").

    Registered after `views.navigation`, so its `nav_entries` replaces that one's.
    """
    from .views import navigation  # views imports this module

    context = navigation()
    if not getattr(current_user, "is_authenticated", False):
        return context
    unread = feed.unread_count(current_user)
    context["alerts_unread"] = unread
    if unread:
        context["nav_entries"] = [
            NavEntry(f"{entry.label} ({unread})", entry.endpoint)
            if entry.endpoint == INBOX_ENDPOINT
            else entry
            for entry in context["nav_entries"]
        ]
    return context


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(alerts_navigation)
