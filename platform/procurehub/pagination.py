"""Keyset pagination: every list answers `{"items", "next"}` in constant time per page.

An offset would make page 10,000 scan 500,000 rows; ordering by an indexed key and starting
after the last key seen keeps every page an index range scan, however big the hub. Most lists
are ordered by the primary key; a list filtered on a date range is ordered by `(date, id)`
so that the range scan of its index *is* the order (no sort of every match first).

A cursor is opaque to clients (base64 of a small JSON object) and names its order: one from
a list in another order is refused with a 400, never silently misread.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from typing import Any

from sqlalchemy import Select, tuple_
from werkzeug.exceptions import BadRequest

from procurehub.api.ids import MAX_ID
from procurehub.extensions import db

NOT_OURS = "The cursor is not one this API gave out; start again without ?cursor=."
OTHER_ORDER = (
    "The cursor belongs to this list in another order (the filters changed since it was "
    "given out); start again without ?cursor=."
)


def encode_cursor(last_id: int, position: dict[str, str] | None = None) -> str:
    """A cursor after `last_id`; `position` adds the leading order key (e.g. `end_date`)."""
    payload: dict[str, Any] = {"after": last_id, **(position or {})}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _payload(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after = payload["after"]
        # Bounded like every id: a number out of range must not reach the database.
        if isinstance(after, int) and not isinstance(after, bool) and 0 <= after <= MAX_ID:
            return payload
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        pass
    raise BadRequest(NOT_OURS)


def decode_cursor(cursor: str | None) -> int | None:
    """The id after which an id-ordered list goes on (None: from the start)."""
    if not cursor:
        return None
    payload = _payload(cursor)
    if set(payload) != {"after"}:
        raise BadRequest(OTHER_ORDER)
    return payload["after"]


def decode_date_position(cursor: str | None, key: str) -> tuple[date, int] | None:
    """The (date, id) after which a list ordered by `(key, id)` goes on."""
    if not cursor:
        return None
    payload = _payload(cursor)
    if set(payload) != {"after", key}:
        raise BadRequest(OTHER_ORDER)
    try:
        return date.fromisoformat(payload[key]), payload["after"]
    except (TypeError, ValueError):
        raise BadRequest(NOT_OURS) from None


def keyset_page(
    stmt: Select, id_column: Any, cursor: str | None, limit: int, *, by: Any = None
) -> dict[str, Any]:
    """One page of `stmt` ordered by `id_column`, or by `(by, id_column)` when `by` is given.

    `by` is a non-null date column the query already filters on (rows where it is NULL would
    never be reached). `id_column` may be any column equal to the rows' `id` (e.g. the rowid of
    a full-text table the query is driven by), so the database can read it in order.
    """
    if by is None:
        after = decode_cursor(cursor)
        if after is not None:
            stmt = stmt.where(id_column > after)
        rows = list(db.session.scalars(stmt.order_by(id_column).limit(limit + 1)))
        next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
        return {"items": rows[:limit], "next": next_cursor}
    position = decode_date_position(cursor, by.key)
    if position is not None:
        stmt = stmt.where(tuple_(by, id_column) > tuple_(*position))
    rows = list(db.session.scalars(stmt.order_by(by, id_column).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(last.id, {by.key: getattr(last, by.key).isoformat()})
    return {"items": rows[:limit], "next": next_cursor}
