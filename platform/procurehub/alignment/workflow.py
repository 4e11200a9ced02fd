"""A coordinator moving an opportunity or a wave of the tender plan along: status and notes,
each change in its history."""

from __future__ import annotations

from typing import Any

from procurehub.alignment.models import (
    OPPORTUNITY_STATUSES,
    WAVE_STATUSES,
    Opportunity,
    OpportunityEvent,
    TenderWave,
    TenderWaveEvent,
)
from procurehub.alignment.plan import Wave
from procurehub.alignment.tender_plan import WaveState, member_keys
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


class WaveChangeError(ValueError):
    """A wave status or notes change that cannot be made as asked; the message says why."""


def change_wave(
    wave: Wave,
    state: WaveState,
    *,
    user: Any,
    status: str | None = None,
    notes: str | None = None,
) -> dict[str, list[Any]]:
    """Move a wave of the tender plan along; returns {field: [before, after]} of what changed.

    `state` is what the page showed (`tender_plan.wave_states`): a wave seen for the first
    time gets its row now, carrying on the status of the wave it continues (recorded in both
    histories). The row keeps the wave's current members, so the next change of members is
    recognised again.
    """
    if status is not None and status not in WAVE_STATUSES:
        raise WaveChangeError(f"Unknown status {status!r}; choose from {', '.join(WAVE_STATUSES)}.")
    actor = getattr(user, "email", None) or "system"
    row = db.session.get(TenderWave, wave.id)
    if row is None:
        row = TenderWave(
            wave_id=wave.id,
            category=wave.category,
            status=state.status,
            notes=state.notes,
            members=member_keys(wave),
            councils=list(wave.councils),
        )
        db.session.add(row)
        db.session.flush()
        if state.continued_from:
            earlier = db.session.get(TenderWave, state.continued_from)
            if earlier is not None:
                earlier.replaced_by = wave.id
                db.session.add(
                    TenderWaveEvent(
                        wave_id=earlier.wave_id,
                        actor=actor,
                        kind="continued_as",
                        detail={"wave_id": wave.id},
                    )
                )
            db.session.add(
                TenderWaveEvent(
                    wave_id=wave.id,
                    actor=actor,
                    kind="continues",
                    detail={"wave_id": state.continued_from, "status": state.status},
                )
            )
    row.members, row.councils = member_keys(wave), list(wave.councils)
    changes: dict[str, list[Any]] = {}
    if status is not None and status != row.status:
        changes["status"] = [row.status, status]
        row.status = status
    if notes is not None and notes != (row.notes or ""):
        changes["notes"] = [row.notes, notes]
        row.notes = notes
    for name, (before, after) in changes.items():
        db.session.add(
            TenderWaveEvent(
                wave_id=wave.id, actor=actor, kind=name, detail={"before": before, "after": after}
            )
        )
    if changes:
        audit.record("update", "tender_wave", wave.id, user=user, changes=changes)
    return changes
