"""The audit log: one call site for recording who changed what."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from procurehub.audit.models import AuditEvent
from procurehub.extensions import db


def jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields only, as {field: [before, after]} in JSON-safe form."""
    return {
        key: [jsonable(before.get(key)), jsonable(after.get(key))]
        for key in after
        if jsonable(before.get(key)) != jsonable(after.get(key))
    }


def record(
    action: str,
    object_type: str,
    object_id: Any = None,
    *,
    user: Any = None,
    council_code: str | None = None,
    changes: dict[str, Any] | None = None,
    upload_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the change itself)."""
    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        user_id=getattr(user, "id", None),
        actor=getattr(user, "email", None) or "system",
        council_code=council_code,
        changes=jsonable(changes or {}),
        upload_id=upload_id,
    )
    db.session.add(event)
    return event


# ---------------------------------------------------------------------------- reading the log
AUDIT_FILTERS = ("user", "council", "object_type", "object_id", "date_from", "date_to")
EXPORT_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "council_code",
    "council_name",
    "upload_id",
    "changes",
)


def audit_query(filters: dict[str, Any]) -> Any:
    """The audit events matching the filters, unordered (the page orders newest first).

    `user` is a user id, or "system" for changes no person made (imports, jobs); `date_from`
    and `date_to` are dates, both included; text filters must match exactly.
    """
    from datetime import timedelta

    from sqlalchemy import select

    stmt = select(AuditEvent)
    user = filters.get("user")
    if user == "system":
        stmt = stmt.where(AuditEvent.user_id.is_(None))
    elif isinstance(user, int):
        stmt = stmt.where(AuditEvent.user_id == user)
    for name, column in (
        ("object_type", AuditEvent.object_type),
        ("council", AuditEvent.council_code),
        ("object_id", AuditEvent.object_id),
    ):
        if filters.get(name):
            stmt = stmt.where(column == filters[name])
    if filters.get("date_from"):
        stmt = stmt.where(
            AuditEvent.at >= datetime.combine(filters["date_from"], datetime.min.time())
        )
    if filters.get("date_to"):
        end = datetime.combine(filters["date_to"] + timedelta(days=1), datetime.min.time())
        stmt = stmt.where(AuditEvent.at < end)
    return stmt


def export_rows(stmt: Any, council_names: dict[str, str]) -> Any:
    """Audit events as export rows (EXPORT_COLUMNS), oldest first, streamed."""
    import json

    for event in db.session.scalars(stmt.order_by(AuditEvent.id).execution_options(yield_per=2000)):
        yield [
            event.id,
            event.at,
            event.actor,
            event.action,
            event.object_type,
            event.object_id,
            event.council_code,
            council_names.get(event.council_code or ""),
            event.upload_id,
            json.dumps(event.changes or {}, ensure_ascii=False, sort_keys=True),
        ]
