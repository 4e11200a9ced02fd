"""Read-only administrator pages: an overview, users and councils, the audit log, job runs.

Reads only; users, councils and tokens are changed with the `procurehub` command. Every page
is for administrators: anyone else gets the friendly 403 page, anonymous visitors are sent
to sign in by `auth.require_sign_in`. Odd input (a bad cursor, NUL characters) gives a 400
page or is ignored, never a 500.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest, Forbidden

from procurehub.accounts.models import Council, User
from procurehub.audit.models import AuditEvent
from procurehub.contracts.models import Contract
from procurehub.extensions import db, utcnow
from procurehub.pagination import decode_cursor, encode_cursor
from procurehub.registers.models import Upload
from procurehub.scheduler.models import JobRun
from procurehub.web.display import NOT_GIVEN, is_absent

bp = Blueprint("admin_pages", __name__, url_prefix="/admin", template_folder="templates")

INDEX_ENDPOINT = "admin_pages.index"
AUDIT_PER_PAGE = 50
JOB_RUNS_SHOWN = 200
RECENT_UPLOAD_DAYS = 30
VALUE_MAX = 80
FILTER_MAX = 200
MAX_ID = 2**63 - 1  # the largest id a database integer column can hold
STATUS_COLOURS = {"ok": "green", "failed": "red"}


@bp.before_request
def admins_only() -> None:
    if not getattr(current_user, "is_admin", False):
        raise Forbidden("Only an administrator can see the administration pages.")


# ---------------------------------------------------------------------------- helpers
def _arg(name: str) -> str:
    return request.args.get(name, "").replace("\x00", "").strip()[:FILTER_MAX]


def _short(value: Any) -> str:
    if is_absent(value):
        return NOT_GIVEN
    text = value if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def change_lines(changes: Any) -> list[str]:
    """{field: [before, after]} as "field: before → after" lines, long values shortened."""
    if not isinstance(changes, dict):
        return [_short(changes)] if changes else []
    lines = []
    for field, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            lines.append(f"{field}: {_short(value[0])} → {_short(value[1])}")
        else:
            lines.append(f"{field}: {_short(value)}")
    return lines


def _after_id(cursor: str | None) -> int | None:
    after = decode_cursor(cursor)  # BadRequest for anything we did not give out
    if after is not None and not -MAX_ID <= after <= MAX_ID:
        raise BadRequest("The cursor is not one this page gave out; start again without it.")
    return after


# ---------------------------------------------------------------------------- pages
@bp.route("/")
def index() -> Any:
    since = utcnow() - timedelta(days=RECENT_UPLOAD_DAYS)
    counts = {
        "councils": db.session.scalar(select(func.count(Council.id))) or 0,
        "users": db.session.scalar(select(func.count(User.id))) or 0,
        "contracts": db.session.scalar(select(func.count(Contract.id))) or 0,
        "uploads": db.session.scalar(
            select(func.count(Upload.id)).where(Upload.created_at >= since)
        )
        or 0,
    }
    return render_template("admin/index.html", counts=counts, days=RECENT_UPLOAD_DAYS)


@bp.route("/users")
def users() -> Any:
    rows = db.session.scalars(
        select(User).join(User.council).order_by(Council.name, User.email)
    ).unique()
    councils = db.session.scalars(select(Council).order_by(Council.name))
    return render_template("admin/users.html", users=list(rows), councils=list(councils))


@bp.route("/audit")
def audit() -> Any:
    filters = {
        "object_type": _arg("object_type"),
        "council": _arg("council"),
        "object_id": _arg("object_id"),
    }
    after = _after_id(request.args.get("cursor"))
    stmt = select(AuditEvent)
    for name, column in (
        ("object_type", AuditEvent.object_type),
        ("council", AuditEvent.council_code),
        ("object_id", AuditEvent.object_id),
    ):
        if filters[name]:
            stmt = stmt.where(column == filters[name])
    if after is not None:
        stmt = stmt.where(AuditEvent.id < after)  # newest first
    events = list(db.session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(AUDIT_PER_PAGE + 1)))
    next_url = None
    if len(events) > AUDIT_PER_PAGE:
        events = events[:AUDIT_PER_PAGE]
        kept = {k: v for k, v in filters.items() if v}
        next_url = url_for("admin_pages.audit", **kept, cursor=encode_cursor(events[-1].id))
    councils = list(db.session.scalars(select(Council).order_by(Council.name)))
    object_types = sorted(
        t
        for t in db.session.scalars(select(AuditEvent.object_type).distinct())
        if t  # never None, but a defensive read costs nothing
    )
    if filters["object_type"] and filters["object_type"] not in object_types:
        object_types.append(filters["object_type"])
    return render_template(
        "admin/audit.html",
        events=events,
        lines={event.id: change_lines(event.changes) for event in events},
        filters=filters,
        first_page=after is None,
        first_url=url_for("admin_pages.audit", **{k: v for k, v in filters.items() if v}),
        next_url=next_url,
        councils=councils,
        council_names={c.code: c.name for c in councils},
        object_types=object_types,
    )


@bp.route("/jobs")
def jobs() -> Any:
    runs = db.session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(JOB_RUNS_SHOWN))
    return render_template(
        "admin/jobs.html", runs=list(runs), colours=STATUS_COLOURS, shown=JOB_RUNS_SHOWN
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
