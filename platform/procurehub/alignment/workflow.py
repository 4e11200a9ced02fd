"""A coordinator moving an opportunity along: status and notes, each change in its history."""

from __future__ import annotations

from typing import Any

from procurehub.alignment.models import OPPORTUNITY_STATUSES, Opportunity, OpportunityEvent
from procurehub.audit import service as audit
from procurehub.extensions import db


def change_opportunity(
    opp: Opportunity, *, user: Any, status: str | None = None, notes: str | None = None
) -> dict:
    """Apply a status and/or notes change; returns {field: [before, after]} of what changed."""
    changes: dict[str, list[Any]] = {}
    if status is not None and status != opp.status:
        if status not in OPPORTUNITY_STATUSES:
            raise ValueError(
                f"Unknown status {status!r}; choose from {', '.join(OPPORTUNITY_STATUSES)}."
            )
        changes["status"] = [opp.status, status]
        opp.status = status
    if notes is not None and notes != (opp.notes or ""):
        changes["notes"] = [opp.notes, notes]
        opp.notes = notes
    actor = getattr(user, "email", None) or "system"
    for name, (before, after) in changes.items():
        db.session.add(
            OpportunityEvent(
                opportunity_id=opp.id,
                actor=actor,
                kind=name,
                detail={"before": before, "after": after},
            )
        )
    if changes:
        audit.record("update", "opportunity", opp.id, user=user, changes=changes)
    return changes
