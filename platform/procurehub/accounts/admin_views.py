"""Administrator pages: an overview, users and councils (add, edit, roles, deactivate), API
tokens (create, shown once; revoke), the audit log (filtered, paginated, exported), job runs.

Thin: every change goes through `accounts.service` (the functions the CLI uses), which checks
it and writes the audit log with before and after. Every page is for administrators: anyone
else gets the friendly 403 page, anonymous visitors are sent to sign in by
`auth.require_sign_in`, and every form carries the CSRF token (checked for every POST there).
Odd input (a bad cursor, NUL characters, an unknown id) gives a 400/404 page or a message on
the form, never a 500.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from procurehub import exports
from procurehub.accounts import service as accounts
from procurehub.accounts.models import ROLE_LABELS, ROLES, Council, User
from procurehub.audit.models import AuditEvent
from procurehub.audit.service import EXPORT_COLUMNS, audit_query, export_rows
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
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    return render_template(
        "admin/users.html", users=list(rows), councils=list(councils), role_labels=ROLE_LABELS
    )


# ---------------------------------------------------------------------------- changing things
def _form(name: str, limit: int = 300) -> str:
    return request.form.get(name, "").replace("\x00", "").strip()[:limit]


def _councils() -> list[Council]:
    return list(db.session.scalars(select(Council).order_by(Council.name)))


def _field_of(message: str) -> str:
    """The form field an AccountError is about, for the error summary's link."""
    text = message.lower()
    for words, field in (
        ("e-mail", "email"),
        ("password", "password"),
        ("role", "roles"),
        ("council code", "code"),
        ("code", "council"),
        ("region", "region"),
        ("name", "name"),
    ):
        if words in text:
            return field
    return "name"


def _user_form(
    template_user: User | None, values: dict[str, Any], errors: list[tuple[str, str]], status: int
) -> Any:
    return (
        render_template(
            "admin/user_form.html",
            user=template_user,
            values=values,
            errors=errors,
            error_fields={field for field, _ in errors},
            councils=_councils(),
            roles=ROLES,
            role_labels=ROLE_LABELS,
        ),
        status,
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> Any:
    if request.method == "GET":
        values = {"email": "", "name": "", "council": "", "roles": []}
        return _user_form(None, values, [], 200)
    values = {
        "email": _form("email"),
        "name": _form("name", 200),
        "council": _form("council", 20),
        "roles": [r for r in request.form.getlist("roles") if r in ROLES],
    }
    password = request.form.get("password", "").replace("\x00", "")
    errors = []
    if not values["email"]:
        errors.append(("email", "Enter the person's e-mail address"))
    if not values["council"]:
        errors.append(("council", "Choose the person's council"))
    if not values["roles"]:
        errors.append(("roles", "Choose at least one role"))
    if errors:
        return _user_form(None, values, errors, 400)
    try:
        user = accounts.add_user(
            values["email"],
            values["council"],
            values["roles"],
            name=values["name"],
            password=password or None,
            actor=current_user,
        )
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        return _user_form(None, values, [(_field_of(str(exc)), str(exc))], 400)
    flash(
        f"Added {user.email} ({user.council.name})."
        + ("" if password else " No password was set: they can use API tokens but not sign in."),
        "info",
    )
    return redirect(url_for("admin_pages.users"), 303)


def _user_or_404(user_id: int) -> User:
    try:
        return accounts.get_user_by_id(user_id)
    except accounts.AccountError as exc:
        raise NotFound("There is no such user.") from exc


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> Any:
    user = _user_or_404(user_id)
    if request.method == "GET":
        values = {
            "email": user.email,
            "name": user.name,
            "council": user.council.code,
            "roles": list(user.roles or []),
        }
        return _user_form(user, values, [], 200)
    values = {
        "email": user.email,
        "name": _form("name", 200),
        "council": _form("council", 20),
        "roles": [r for r in request.form.getlist("roles") if r in ROLES],
    }
    if not values["roles"]:
        return _user_form(user, values, [("roles", "Choose at least one role")], 400)
    try:
        changes = accounts.update_user(
            user,
            name=values["name"],
            council_code=values["council"],
            roles=values["roles"],
            actor=current_user,
        )
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        return _user_form(user, values, [(_field_of(str(exc)), str(exc))], 400)
    flash(f"Saved {user.email}." if changes else f"Nothing to change for {user.email}.", "info")
    return redirect(url_for("admin_pages.users"), 303)


@bp.route("/users/<id:user_id>/active", methods=["POST"])
def user_active(user_id: int) -> Any:
    user = _user_or_404(user_id)
    active = request.form.get("active") == "yes"
    try:
        accounts.set_user_active(user, active, actor=current_user)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin_pages.edit_user", user_id=user.id), 303)
    flash(
        f"{user.email} can sign in again."
        if active
        else f"Deactivated {user.email}: they can no longer sign in or use their API tokens.",
        "info",
    )
    return redirect(url_for("admin_pages.users"), 303)


def _council_form(
    council: Council | None, values: dict[str, str], errors: list, status: int
) -> Any:
    return (
        render_template(
            "admin/council_form.html",
            council=council,
            values=values,
            errors=errors,
            error_fields={field for field, _ in errors},
        ),
        status,
    )


@bp.route("/councils/new", methods=["GET", "POST"])
def new_council() -> Any:
    if request.method == "GET":
        return _council_form(None, {"code": "", "name": "", "region": ""}, [], 200)
    values = {"code": _form("code", 40), "name": _form("name"), "region": _form("region", 200)}
    try:
        council = accounts.add_council(
            values["code"], values["name"], values["region"], actor=current_user
        )
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        message = str(exc)
        field = "code" if "code" in message.lower() else _field_of(message)
        return _council_form(None, values, [(field, message)], 400)
    flash(f"Added {council.name}.", "info")
    return redirect(url_for("admin_pages.users") + "#councils", 303)


@bp.route("/councils/<code>", methods=["GET", "POST"])
def edit_council(code: str) -> Any:
    try:
        council = accounts.get_council(code[:40])
    except accounts.AccountError as exc:
        raise NotFound("There is no such council.") from exc
    if request.method == "GET":
        values = {"code": council.code, "name": council.name, "region": council.region or ""}
        return _council_form(council, values, [], 200)
    values = {"code": council.code, "name": _form("name"), "region": _form("region", 200)}
    try:
        accounts.update_council(
            council.code, name=values["name"], region=values["region"], actor=current_user
        )
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        return _council_form(council, values, [(_field_of(str(exc)), str(exc))], 400)
    flash(f"Saved {council.name}.", "info")
    return redirect(url_for("admin_pages.users") + "#councils", 303)


def _tokens_page(
    new_token: str | None = None,
    errors: list[tuple[str, str]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    return (
        render_template(
            "admin/tokens.html",
            tokens=accounts.tokens(),
            users=list(
                db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.email))
            ),
            new_token=new_token,
            errors=errors or [],
            error_fields={field for field, _ in errors or []},
            values=values or {"user": "", "name": ""},
        ),
        status,
    )


@bp.route("/tokens", methods=["GET", "POST"])
def tokens() -> Any:
    if request.method == "GET":
        return _tokens_page()
    values = {"user": _form("user", 20), "name": _form("name", 200)}
    if not values["user"].isdigit():
        return _tokens_page(None, [("user", "Choose whose token it is")], values, 400)
    try:
        user = accounts.get_user_by_id(int(values["user"]))
        token = accounts.create_token(user, values["name"], actor=current_user)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        field = "name" if "characters" in str(exc) else "user"
        return _tokens_page(None, [(field, str(exc))], values, 400)
    # Shown on this response only: it is stored as a digest and can never be shown again.
    response = make_response(_tokens_page(new_token=token))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/tokens/<id:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int) -> Any:
    try:
        accounts.revoke_token(token_id, actor=current_user)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        raise NotFound("There is no such API token.") from exc
    flash("The token was revoked: programs using it can no longer reach the hub.", "info")
    return redirect(url_for("admin_pages.tokens"), 303)


def _date(name: str) -> date | None:
    value = _arg(name)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None  # the page says the date was not understood


def audit_filters() -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The audit log's filters from the query string, and messages about ones not understood."""
    errors: list[tuple[str, str]] = []
    raw_user = _arg("user")
    user: int | str | None = None
    if raw_user == "system":
        user = "system"
    elif raw_user.isdigit() and int(raw_user) <= MAX_ID:
        user = int(raw_user)
    elif raw_user:
        errors.append(("user", "Choose a person from the list"))
    filters: dict[str, Any] = {
        "user": user,
        "object_type": _arg("object_type"),
        "council": _arg("council"),
        "object_id": _arg("object_id"),
        "date_from": _date("date_from"),
        "date_to": _date("date_to"),
    }
    for name, words in (("date_from", "From"), ("date_to", "To")):
        if _arg(name) and filters[name] is None:
            errors.append((name, f"“{words}” must be a real date, for example 2026-03-31"))
    return filters, errors


def _query_args(filters: dict[str, Any]) -> dict[str, str]:
    """The filters as they go back into a link (only those given)."""
    return {
        name: value.isoformat() if isinstance(value, date) else str(value)
        for name, value in filters.items()
        if value not in (None, "")
    }


@bp.route("/audit")
def audit() -> Any:
    filters, errors = audit_filters()
    after = _after_id(request.args.get("cursor"))
    stmt = audit_query(filters)
    if after is not None:
        stmt = stmt.where(AuditEvent.id < after)  # newest first
    events = list(db.session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(AUDIT_PER_PAGE + 1)))
    kept = _query_args(filters)
    next_url = None
    if len(events) > AUDIT_PER_PAGE:
        events = events[:AUDIT_PER_PAGE]
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
        filtered=bool(kept),
        errors=errors,
        first_page=after is None,
        first_url=url_for("admin_pages.audit", **kept),
        next_url=next_url,
        export_urls={
            fmt: url_for("admin_pages.audit_export", fmt=fmt, **kept) for fmt in ("csv", "xlsx")
        },
        councils=councils,
        council_names={c.code: c.name for c in councils},
        users=list(db.session.scalars(select(User).order_by(User.email))),
        object_types=object_types,
    )


@bp.route("/audit/export.<fmt>")
def audit_export(fmt: str) -> Any:
    """Every event the filters match (not only one page), oldest first, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise NotFound("The audit log can be downloaded as .csv or .xlsx.")
    filters, errors = audit_filters()
    if errors:
        raise BadRequest(errors[0][1] + ". Go back and correct the filters.")
    rows = export_rows(audit_query(filters), accounts.council_names())
    name = f"procurehub-audit-log-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        text = io.StringIO()
        exports.write_csv(text, EXPORT_COLUMNS, rows)
        return Response(
            text.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    buffer = io.BytesIO()
    exports.write_xlsx(buffer, EXPORT_COLUMNS, rows, sheet_title="Audit log")
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/jobs")
def jobs() -> Any:
    runs = db.session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(JOB_RUNS_SHOWN))
    return render_template(
        "admin/jobs.html", runs=list(runs), colours=STATUS_COLOURS, shown=JOB_RUNS_SHOWN
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
