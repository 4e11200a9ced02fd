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
