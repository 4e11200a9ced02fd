"""Keyset pagination: every list answers `{"items", "next"}` in constant time per page.

An offset would make page 10,000 scan 500,000 rows; ordering by the primary key and
starting after the last id seen keeps every page an index range scan, however big the hub.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy import Select
from werkzeug.exceptions import BadRequest

from procurehub.api.ids import MAX_ID
from procurehub.extensions import db


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
        # Bounded like every id: a number out of range must not reach the database.
        if isinstance(after, int) and not isinstance(after, bool) and 0 <= after <= MAX_ID:
            return after
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        pass
    raise BadRequest("The cursor is not one this API gave out; start again without ?cursor=.")


def keyset_page(stmt: Select, id_column: Any, cursor: str | None, limit: int) -> dict[str, Any]:
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(id_column > after)
    rows = list(db.session.scalars(stmt.order_by(id_column).limit(limit + 1)))
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return {"items": rows[:limit], "next": next_cursor}
