"""Coordinator pages for renewal alignment and alerts (DESIGN §1, §3 "Renewal alignment", "Alerts").

The opportunity list and detail page (with the timeline chart and the status form), the alert
subscriptions, the in-app inbox and the calendar feed link. Thin views: reads go through the
same queries as the API (`alignment.queries.opportunity_query`), every write through the services
(`alignment.workflow`, `alerts.subscriptions`, `alerts.feed`), and every refusal becomes a page
that says what to do, never a 500.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from procurehub.accounts.authz import can_write
from procurehub.accounts.models import Council
from procurehub.accounts.service import council_names
from procurehub.alignment.models import (
    OPPORTUNITY_STATUSES,
    WAVE_STATUSES,
    Opportunity,
    OpportunityEvent,
)
from procurehub.alignment.plan_chart import PlanBar, render_plan_svg
from procurehub.alignment.queries import opportunity_query
from procurehub.alignment.tender_plan import (
    REASON_TEXT,
    find_wave,
    latest_full_run,
    plan_page,
    still_possible,
    wave_states,
    write_plan_workbook,
)
from procurehub.alignment.timeline import TimelineRow, render_timeline_svg
from procurehub.alignment.workflow import WaveChangeError, change_opportunity, change_wave
from procurehub.contracts.fields import contract_field
from procurehub.extensions import db
from procurehub.renewal_dates import add_months
from procurehub.web.forms import query_arg, without_nul
from procurehub.workstreams.categories import category_labels, enabled_categories
from procurehub.workstreams.registry import enabled_plugins

bp = Blueprint("alignment_pages", __name__, template_folder="templates")

OPPORTUNITIES_PER_PAGE = 50
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
# An opportunity member's interest is its contract's collaboration_interest: the same words.
INTEREST_LABELS = contract_field("collaboration_interest").choice_labels
WAVE_STATUS_LABELS = {s: STATUS_LABELS[s] for s in WAVE_STATUSES}
WAVE_ID = re.compile(r"[0-9a-f]{16}")


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


@bp.route("/opportunities")
def opportunities() -> Any:
    status = query_arg("status")
    args = {
        "category": query_arg("category"),
        "council": query_arg("council"),
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
    latest_run = latest_full_run()
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
        council_names=council_names(),
        category_labels=category_labels(),
        categories=enabled_categories(),
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
    councils = council_names()
    labels = category_labels()
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
            still=still_possible(opp, today),
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


@bp.route("/opportunities/<id:opportunity_id>", methods=["GET", "POST"])
def opportunity(opportunity_id: int) -> Any:
    opp = _opportunity_or_404(opportunity_id)
    if request.method == "GET":
        return _detail(opp)
    if not may_coordinate():
        raise Forbidden(
            "Only a coordinator or an administrator can change an opportunity's status or notes."
        )
    values = {
        "status": without_nul(request.form.get("status", "")).strip(),
        "notes": without_nul(request.form.get("notes", "")).replace("\r\n", "\n"),
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


# ---------------------------------------------------------------------------- tender plan
def _plan_workstream() -> str:
    plugins = enabled_plugins()
    chosen = query_arg("workstream")
    if chosen is None and plugins:
        return next(iter(plugins))
    if chosen not in plugins:
        raise NotFound(
            "There is no workstream with this name. Choose one of the workstreams listed in "
            "the navigation."
        )
    return chosen


def _plan_view(workstream: str, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    today = date.today()
    labels = category_labels()
    page = plan_page(workstream, today, labels)
    if request.args.get("format") == "xlsx":
        out = io.BytesIO()
        write_plan_workbook(page, out, WAVE_STATUS_LABELS)
        out.seek(0)
        return send_file(
            out,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=f"tender-plan-{workstream}-{today.isoformat()}.xlsx",
        )
    title = enabled_plugins()[workstream].title
    chart = render_plan_svg(
        [
            PlanBar(
                wave_id=w.id,
                label=page.label(w.category),
                councils=page.council_list(w.councils),
                decide_by=w.decision_deadline,
                joint_start=w.joint_start,
                window_end=w.window_end,
                status=WAVE_STATUS_LABELS.get(page.states[w.id].status, ""),
            )
            for w in page.waves
        ],
        today=today,
        title=f"Tender plan: {title}",
    )
    return (
        render_template(
            "alignment/tender_plan.html",
            page=page,
            title=title,
            chart=chart,
            today=today,
            workstreams=enabled_plugins(),
            can_change=may_coordinate(),
            statuses=WAVE_STATUSES,
            status_labels=WAVE_STATUS_LABELS,
            status_colours=STATUS_COLOURS,
            reason_text=REASON_TEXT,
            errors=errors or {},
        ),
        status,
    )


@bp.route("/tender-plan")
def tender_plan() -> Any:
    return _plan_view(_plan_workstream())


@bp.route("/tender-plan/waves/<wave_key>", methods=["POST"])
def tender_plan_wave(wave_key: str) -> Any:
    """A coordinator changes a wave's status or notes from the plan page."""
    workstream = _plan_workstream()
    if not may_coordinate():
        raise Forbidden("Only a coordinator or an administrator can change a wave's status.")
    wave = find_wave(wave_key, date.today()) if WAVE_ID.fullmatch(wave_key) else None
    if wave is None:
        raise NotFound(
            "This joint tender is no longer in the plan: a council's contracts changed since "
            "the page was loaded. Open the tender plan again."
        )
    status = without_nul(request.form.get("status", "")).strip()
    notes = without_nul(request.form.get("notes", "")).replace("\r\n", "\n")
    if status not in WAVE_STATUSES:
        return _plan_view(workstream, {wave.id: "Choose a status from the list"}, 400)
    if len(notes) > NOTES_MAX:
        return _plan_view(
            workstream, {wave.id: f"The notes are too long: keep them under {NOTES_MAX:,}"}, 400
        )
    try:
        changes = change_wave(
            wave, wave_states([wave])[wave.id], user=current_user, status=status, notes=notes
        )
        db.session.commit()
    except WaveChangeError as exc:
        db.session.rollback()
        return _plan_view(workstream, {wave.id: str(exc)}, 400)
    if changes:
        flash(f"Saved. The joint tender's status is now “{WAVE_STATUS_LABELS[status]}”.", "info")
    else:
        flash("Nothing was changed: the status and notes were already as shown.", "info")
    return redirect(
        url_for("alignment_pages.tender_plan", workstream=workstream, _anchor=f"wave-{wave.id}"),
        303,
    )
