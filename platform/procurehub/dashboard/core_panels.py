"""The core's own dashboard panels: procurement officer, coordinator and administrator.

Each provider is `(user) -> Iterable[Panel]`, the same shape a plugin gives as
`Plugin.dashboard_panels`, and returns panels only for roles the user has. Councils are named,
never shown by code; every panel links to the page where its items are acted on.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import func, or_, select

from procurehub.accounts.models import Council, User
from procurehub.accounts.service import council_names
from procurehub.alerts import feed
from procurehub.alerts.models import Delivery
from procurehub.alignment.models import CLOSED_STATUSES, Opportunity
from procurehub.audit.models import AuditEvent
from procurehub.contracts.fields import UNCLASSIFIED
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.plugins import Panel, PanelFigure, PanelItem
from procurehub.registers.models import Upload
from procurehub.renewal_dates import add_months
from procurehub.scheduler.models import JobRun
from procurehub.workstreams.categories import category_labels

ENDING_MONTHS = 12
SOON_MONTHS = 6
STALE_MONTHS = 6
SHOWN = 6
OPPORTUNITY_STATUS = {
    "new": "New",
    "under_review": "Under review",
    "tender_planned": "Tender planned",
    "tender_launched": "Tender launched",
    "dismissed": "Dismissed",
}


# ---------------------------------------------------------------------------- words
def day(value: Any) -> str:
    """`31 Mar 2027` for a date or datetime."""
    return f"{value.day} {value:%b %Y}" if value else ""


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def named(codes: list[str], names: dict[str, str]) -> str:
    shown = [names.get(code) or code for code in codes]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def urgency(deadline: date, today: date) -> tuple[str | None, str]:
    """A tag and its colour: overdue (red), due within six months (orange), or none."""
    if deadline < today:
        return "Overdue", "red"
    if deadline <= add_months(today, SOON_MONTHS):
        return "Due soon", "orange"
    return None, "grey"


def _roles(user: Any) -> set[str]:
    return set(getattr(user, "roles", None) or ())


# ---------------------------------------------------------------------------- officer
def officer_panels(user: Any) -> Iterator[Panel]:
    if "officer" not in _roles(user) or user.council is None:
        return
    council = user.council
    today = date.today()
    yield _ending_soon(council, today)
    yield _last_upload(council)
    yield _data_gaps(council)
    yield _officer_actions(council, today)


def _ending_soon(council: Council, today: date) -> Panel:
    until = add_months(today, ENDING_MONTHS)
    ending = Contract.end_date.between(today, until)
    where = (Contract.council_id == council.id, ending)
    count = db.session.scalar(select(func.count(Contract.id)).where(*where)) or 0
    rows = db.session.scalars(
        select(Contract).where(*where).order_by(Contract.end_date, Contract.id).limit(SHOWN)
    )
    items = []
    for c in rows:
        tag, colour = urgency(c.end_date, today)
        items.append(
            PanelItem(
                c.title or c.reference or "Contract without a title",
                url_for("contract_pages.detail", contract_id=c.id),
                f"Ends {day(c.end_date)}" + (f" · {c.supplier_name}" if c.supplier_name else ""),
                "Within 6 months" if tag else None,
                colour,
            )
        )
    list_url = url_for(
        "contract_pages.contracts",
        council=council.code,
        ends_after=today.isoformat(),
        ends_before=until.isoformat(),
    )
    return Panel(
        f"{council.name}: contracts ending in the next {ENDING_MONTHS} months",
        roles=("officer",),
        order=10,
        figures=(PanelFigure(count, "ending in the next 12 months", list_url),),
        items=items,
        empty="None of your council's contracts ends in the next 12 months.",
        links=((f"All {plural(count, 'contract')} ending soon", list_url),) if count else (),
    )


def _last_upload(council: Council) -> Panel:
    upload = db.session.scalar(
        select(Upload)
        .where(Upload.council_id == council.id, Upload.kind == "contracts")  # a register
        .order_by(Upload.created_at.desc(), Upload.id.desc())
        .limit(1)
    )
    upload_link = ("Upload a register", url_for("registers.upload"))
    if upload is None:
        return Panel(
            "Your last register upload",
            roles=("officer",),
            order=20,
            text=f"No register has been uploaded for {council.name} yet.",
            links=(upload_link,),
        )
    report = upload.report or {}
    rejected = int(report.get("rejected") or 0)
    refused = upload.status == "refused"
    figures = [
        PanelFigure(int(report.get(key) or 0), label)
        for key, label in (("created", "new"), ("updated", "updated"), ("rejected", "rejected"))
    ]
    items = [
        PanelItem(
            (f"Row {p.get('row')}" if p.get("row") else "The file")
            + (f", column “{p['column']}”" if p.get("column") else "")
            + f": {p.get('message') or 'a problem'}"
        )
        for p in (report.get("errors") or [])[:3]
        if isinstance(p, dict)
    ]
    links = [("Read the report", url_for("registers.upload_report", upload_id=upload.id))]
    if rejected:
        links.append(
            (
                "Download the rejected rows (.xlsx)",
                url_for("uploads.UploadErrors", upload_id=upload.id),
            )
        )
    links.append(upload_link)
    state = "was refused: nothing was stored" if refused else "was stored"
    problems = f" {plural(rejected, 'row')} had problems." if rejected else " No row had a problem."
    return Panel(
        "Your last register upload",
        roles=("officer",),
        order=20,
        figures=() if refused else figures,
        text=f"“{upload.filename}”, uploaded {day(upload.created_at)}, {state}."
        + ("" if refused else problems),
        items=items,
        links=links,
    )


def _data_gaps(council: Council) -> Panel:
    base = (Contract.council_id == council.id, Contract.status != "expired")
    no_end = db.session.scalar(
        select(func.count(Contract.id)).where(*base, Contract.end_date.is_(None))
    )
    unclassified = db.session.scalar(
        select(func.count(Contract.id)).where(
            *base, or_(Contract.category == UNCLASSIFIED, Contract.category.is_(None))
        )
    )
    fix_url = url_for("registers.unclassified", council=council.code)
    missing = db.session.scalars(
        select(Contract)
        .where(*base, Contract.end_date.is_(None))
        .order_by(Contract.id)
        .limit(SHOWN)
    )
    items = [
        PanelItem(
            c.title or c.reference or "Contract without a title",
            url_for("contract_pages.edit", contract_id=c.id),
            "No end date: add it",
        )
        for c in missing
    ]
    return Panel(
        "Data to complete",
        roles=("officer",),
        order=30,
        figures=(
            PanelFigure(no_end or 0, "contracts with no end date"),
            PanelFigure(unclassified or 0, "contracts without a category", fix_url),
        ),
        items=items,
        empty=None if unclassified else "Every contract has an end date and a category.",
        links=(("Give contracts a category", fix_url),) if unclassified else (),
    )


def _officer_actions(council: Council, today: date) -> Panel:
    names = council_names()
    labels = category_labels()
    open_opps = [
        o
        for o in db.session.scalars(
            select(Opportunity)
            .where(Opportunity.active.is_(True), Opportunity.status.not_in(CLOSED_STATUSES))
            .order_by(Opportunity.decision_deadline, Opportunity.id)
        )
        if council.code in (o.councils or [])
    ]
    items = []
    for o in open_opps[:SHOWN]:
        tag, colour = urgency(o.decision_deadline, today)
        others = [c for c in o.councils if c != council.code]
        items.append(
            PanelItem(
                f"{labels.get(o.category, o.category)} with {named(others, names)}",
                url_for("alignment_pages.opportunity", opportunity_id=o.id),
                f"Decide by {day(o.decision_deadline)} · {OPPORTUNITY_STATUS.get(o.status, o.status)}",
                tag,
                colour,
            )
        )
    unknown = db.session.scalar(
        select(func.count(Contract.id)).where(
            Contract.council_id == council.id,
            Contract.collaboration_interest == "unknown",
            Contract.end_date.between(today, add_months(today, 24)),
        )
    )
    return Panel(
        "To act on",
        roles=("officer",),
        order=40,
        figures=(
            PanelFigure(len(open_opps), "joint tenders your council could join"),
            PanelFigure(
                unknown or 0,
                "contracts ending within 2 years with no answer on collaboration",
                url_for(
                    "contract_pages.contracts",
                    council=council.code,
                    ends_after=today.isoformat(),
                    ends_before=add_months(today, 24).isoformat(),
                ),
            ),
        ),
        items=items,
        empty="No open joint-tender opportunity includes your council.",
        links=(("All opportunities", url_for("alignment_pages.opportunities")),),
    )


# ---------------------------------------------------------------------------- coordinator
def coordinator_panels(user: Any) -> Iterator[Panel]:
    if "coordinator" not in _roles(user):
        return
    today = date.today()
    names = council_names()
    labels = category_labels()
    yield _opportunities_by_urgency(today, names, labels)
    yield _waves_by_urgency(today, names, labels)
    yield _unread_alerts(user)
    yield _stale_registers(today)


def _opportunities_by_urgency(today: date, names: dict[str, str], labels: dict[str, str]) -> Panel:
    stmt = select(Opportunity).where(
        Opportunity.active.is_(True), Opportunity.status.not_in(CLOSED_STATUSES)
    )
    rows = list(db.session.scalars(stmt.order_by(Opportunity.decision_deadline, Opportunity.id)))
    overdue = sum(1 for o in rows if o.decision_deadline < today)
    soon = sum(1 for o in rows if today <= o.decision_deadline <= add_months(today, SOON_MONTHS))
    items = []
    for o in rows[:SHOWN]:  # earliest deadline first: overdue ones lead
        tag, colour = urgency(o.decision_deadline, today)
        items.append(
            PanelItem(
                f"{labels.get(o.category, o.category)}: {named(list(o.councils), names)}",
                url_for("alignment_pages.opportunity", opportunity_id=o.id),
                f"Decide by {day(o.decision_deadline)} · {OPPORTUNITY_STATUS.get(o.status, o.status)}",
                tag,
                colour,
            )
        )
    return Panel(
        "Opportunities by urgency",
        roles=("coordinator",),
        order=10,
        figures=(
            PanelFigure(overdue, "overdue"),
            PanelFigure(soon, "due within 6 months"),
            PanelFigure(len(rows), "open in all"),
        ),
        items=items,
        empty="No open opportunity: the next alignment run may find some.",
        links=(("All opportunities", url_for("alignment_pages.opportunities")),),
    )


def _waves_by_urgency(today: date, names: dict[str, str], labels: dict[str, str]) -> Panel:
    from procurehub.alignment.tender_plan import current_plan, wave_states

    plan = current_plan(today)
    states = wave_states(plan.waves)
    waves = sorted(
        (w for w in plan.waves if states[w.id].status not in CLOSED_STATUSES),
        key=lambda w: (w.decision_deadline, w.id),
    )
    items = []
    for w in waves[:SHOWN]:
        tag, colour = urgency(w.decision_deadline, today)
        workstream = w.category.split(".", 1)[0]
        items.append(
            PanelItem(
                f"{labels.get(w.category, w.category)}: {named(list(w.councils), names)}",
                url_for("alignment_pages.tender_plan", workstream=workstream) + f"#wave-{w.id}",
                f"Decide by {day(w.decision_deadline)} · joint start {day(w.joint_start)}",
                tag,
                colour,
            )
        )
    soon = sum(1 for w in waves if w.decision_deadline <= add_months(today, SOON_MONTHS))
    return Panel(
        "Tender plan waves by urgency",
        roles=("coordinator",),
        order=20,
        figures=(PanelFigure(soon, "to decide within 6 months"), PanelFigure(len(waves), "open")),
        items=items,
        empty="The tender plan has no open wave.",
        links=(("The tender plan", url_for("alignment_pages.tender_plan")),),
    )


def _unread_alerts(user: Any) -> Panel:
    count = feed.unread_count(user)
    rows = db.session.scalars(
        select(Delivery)
        .where(Delivery.user_id == user.id, Delivery.channel == "inbox", Delivery.read_at.is_(None))
        .order_by(Delivery.id.desc())
        .limit(SHOWN)
    )
    items = [
        PanelItem(
            d.alert.subject,
            url_for("alignment_pages.opportunity", opportunity_id=d.alert.opportunity_id)
            if d.alert.opportunity_id
            else url_for("alert_pages.inbox"),
            f"Received {day(d.created_at)}",
        )
        for d in rows
    ]
    return Panel(
        "Unread alerts",
        roles=("coordinator",),
        order=30,
        figures=(PanelFigure(count, "unread", url_for("alert_pages.inbox")),),
        items=items,
        empty="You have no unread alerts.",
        links=(
            ("Your alerts inbox", url_for("alert_pages.inbox")),
            ("Choose which alerts you get", url_for("alert_pages.subscriptions")),
        ),
    )


def stale_councils(today: date) -> list[tuple[Council, Any]]:
    """Councils whose register was last stored more than six months ago, or never: oldest first."""
    cutoff = add_months(today, -STALE_MONTHS)
    last = dict(
        db.session.execute(
            select(Upload.council_id, func.max(Upload.created_at))
            .where(Upload.status == "stored", Upload.kind == "contracts")
            .group_by(Upload.council_id)
        ).all()
    )
    stale = [
        (council, last.get(council.id))
        for council in db.session.scalars(select(Council).order_by(Council.name))
        if last.get(council.id) is None or last[council.id].date() < cutoff
    ]
    return sorted(stale, key=lambda pair: (pair[1] is not None, pair[1] or 0, pair[0].name))


def _stale_registers(today: date) -> Panel:
    stale = stale_councils(today)
    items = [
        PanelItem(
            council.name,
            url_for("registers.uploads", council=council.code),
            f"Last register {day(last)}" if last else "No register uploaded yet",
            "Never" if last is None else "Over 6 months",
            "red" if last is None else "orange",
        )
        for council, last in stale[: SHOWN * 2]
    ]
    return Panel(
        "Registers not refreshed for 6 months",
        roles=("coordinator",),
        order=40,
        figures=(PanelFigure(len(stale), "councils with a stale or missing register"),),
        items=items,
        empty="Every council has uploaded its register in the last 6 months.",
        links=(("All register uploads", url_for("registers.uploads")),),
    )


# ---------------------------------------------------------------------------- admin
def admin_panels(user: Any) -> Iterator[Panel]:
    if "admin" not in _roles(user):
        return
    yield _people()
    yield _jobs()
    yield _recent_changes()


def _people() -> Panel:
    users = db.session.scalar(select(func.count(User.id))) or 0
    inactive = db.session.scalar(select(func.count(User.id)).where(User.active.is_(False))) or 0
    councils = db.session.scalar(select(func.count(Council.id))) or 0
    return Panel(
        "Users and councils",
        roles=("admin",),
        order=10,
        figures=(
            PanelFigure(users - inactive, "active users", url_for("admin_pages.users")),
            PanelFigure(inactive, "deactivated users"),
            PanelFigure(councils, "councils", url_for("admin_pages.users") + "#councils"),
        ),
        links=(
            ("Add a user", url_for("admin_pages.new_user")),
            ("Add a council", url_for("admin_pages.new_council")),
            ("API tokens", url_for("admin_pages.tokens")),
        ),
    )


def _jobs() -> Panel:
    latest = (
        select(JobRun.job_id, func.max(JobRun.id).label("id")).group_by(JobRun.job_id).subquery()
    )
    runs = list(
        db.session.scalars(
            select(JobRun).join(latest, JobRun.id == latest.c.id).order_by(JobRun.job_id)
        )
    )
    runs.sort(key=lambda r: (r.status != "failed", r.job_id))  # failures first
    colours = {"ok": "green", "failed": "red", "running": "blue"}
    words = {"ok": "OK", "failed": "Failed", "running": "Running"}
    items = [
        PanelItem(
            run.job_id,
            None,
            f"Last run {day(run.started_at)} {run.started_at:%H:%M}"
            + (f" · {run.message}" if run.message else ""),
            words.get(run.status, run.status),
            colours.get(run.status, "grey"),
        )
        for run in runs
    ]
    failed = sum(1 for r in runs if r.status == "failed")
    return Panel(
        "Scheduled jobs",
        roles=("admin",),
        order=20,
        figures=(PanelFigure(failed, "failed at their last run", url_for("admin_pages.jobs")),),
        items=items,
        empty="No scheduled job has run yet (start `procurehub scheduler`).",
        links=(("All job runs", url_for("admin_pages.jobs")),),
    )


def _recent_changes() -> Panel:
    names = council_names()
    since = date.today() - timedelta(days=7)
    week = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.at >= since)) or 0
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(SHOWN))
    items = [
        PanelItem(
            f"{e.actor} · {e.action} {e.object_type.replace('_', ' ')}",
            None,
            f"{day(e.at)} {e.at:%H:%M}"
            + (f" · {names.get(e.council_code, e.council_code)}" if e.council_code else ""),
        )
        for e in events
    ]
    return Panel(
        "Recent changes",
        roles=("admin",),
        order=30,
        figures=(PanelFigure(week, "changes in the last 7 days", url_for("admin_pages.audit")),),
        items=items,
        empty="Nothing has been changed yet.",
        links=(("The audit log", url_for("admin_pages.audit")),),
    )


PROVIDERS = (officer_panels, coordinator_panels, admin_panels)
