"""Reading stored opportunities: the one query the API and the pages share, and its cursors."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from typing import Any

from sqlalchemy import select

from procurehub.alignment.models import (
    Opportunity,
)
from procurehub.api.ids import MAX_ID


def encode_cursor(deadline: date, ident: int) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps([deadline.isoformat(), ident]).encode())
        .decode()
        .rstrip("=")
    )


class InvalidCursor(ValueError):
    """A cursor this hub did not give out (edited, truncated or from another list)."""


def decode_cursor(cursor: str) -> tuple[date, int]:
    try:
        deadline, ident = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        ident = int(ident)
        if not 0 <= ident <= MAX_ID:  # bounded like every id: never out of range into the database
            raise ValueError(ident)
        return date.fromisoformat(deadline), ident
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor(
            "The cursor is not one this API gave out; start again without ?cursor=."
        ) from exc


def opportunity_query(args: dict[str, Any]) -> Any:
    """Most urgent decision deadline first (shared by the API and the web list)."""
    stmt = select(Opportunity)
    if not args.get("include_inactive"):
        stmt = stmt.where(Opportunity.active.is_(True))
    if args.get("category"):
        stmt = stmt.where(Opportunity.category == args["category"])
    if args.get("status"):
        stmt = stmt.where(Opportunity.status == args["status"])
    if args.get("overdue") is not None:
        today = date.today()
        stmt = stmt.where(
            Opportunity.decision_deadline < today
            if args["overdue"]
            else Opportunity.decision_deadline >= today
        )
    if args.get("council"):
        # JSON containment differs per database; members carry the council code in a plain column.
        from procurehub.alignment.models import OpportunityMember

        stmt = stmt.where(
            Opportunity.id.in_(
                select(OpportunityMember.opportunity_id).where(
                    OpportunityMember.council_code == args["council"]
                )
            )
        )
    return stmt.order_by(Opportunity.decision_deadline, Opportunity.id)
