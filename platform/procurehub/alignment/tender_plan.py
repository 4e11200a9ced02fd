"""The tender plan of the hub as it is now: every workstream's renewal items through the pure
plan engine (:mod:`procurehub.alignment.plan`), with the categories' settings and the
councils' names, plus what people decided about each wave (its status and notes).

The plan is computed on demand (20,000 items in 0.2 s), so it is never stale: an upload or an
edit is in the next page load. Only the coordinators' part is stored, by wave id
(`TenderWave`). A wave's id changes when its members change (a council uploads, a contract is
extended); the new wave then carries on the status of the stored wave it shares most members
with (at least half of its own, or two), as opportunities do, so a coordinator's decision is
not lost to an upload.

Which opportunity a wave comes from: the active stored opportunity of the same category group
that holds the most of the wave's items (every one of them, when the store is fresh: a wave's
items share a date, so some maximal set holds them all); ties go to the smallest such
opportunity (the closest match), then the lowest id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

import numpy as np
from sqlalchemy import select

from procurehub import exports
from procurehub.accounts.service import council_names
from procurehub.alignment.engine import CategorySettings
from procurehub.alignment.models import (
    AlignmentRun,
    Opportunity,
    TenderWave,
)
from procurehub.alignment.plan import (
    NO_PARTNER,
    AloneItem,
    TenderPlan,
    Wave,
    build_tender_plan,
    earliest_joint_start,
    plan_json,
)
from procurehub.alignment.store import (
    category_settings,
    group_scope,
    open_holders,
    renewal_items_in,
)
from procurehub.extensions import db
from procurehub.plugins import RenewalItem
from procurehub.renewal_dates import add_months
from procurehub.workstreams.registry import all_categories
from procurehub.workstreams.renewals import renewal_items

REASON_TEXT = {
    NO_PARTNER: "No partner: no other council can start a joint tender on a date it can",
    "too_late": "Too late: a joint tender started today would finish after its last possible "
    "end, even with every extension and the tolerance",
}


def current_plan(as_of: date, categories: Iterable[str] | None = None) -> TenderPlan:
    """The plan of the whole hub, or of the groups of `categories` only (the same waves)."""
    settings, compatible = category_settings()
    if categories is None:
        items: Iterable[RenewalItem] = renewal_items(as_of)
    else:
        items = renewal_items_in(group_scope(categories, compatible), as_of)
    return build_tender_plan(items, as_of, settings, compatible, council_names=council_names())


def workstream_categories(workstream: str) -> list[str]:
    """The categories a workstream owns (its plan also shows groups they share with others)."""
    return sorted(k for k, (plugin, _spec) in all_categories().items() if plugin.key == workstream)


def _belongs(wave_or_alone: Wave | AloneItem, categories: set[str]) -> bool:
    if isinstance(wave_or_alone, Wave):
        return wave_or_alone.category in categories or any(
            i.category in categories for i in wave_or_alone.items
        )
    return wave_or_alone.category in categories or wave_or_alone.item.category in categories


def plan_document(
    as_of: date, category: str | None = None, *, with_status: bool = False
) -> dict[str, Any]:
    """DESIGN §4's plan JSON; with `category`, only the waves and items of that category's group.

    A group is keyed by its smallest category, so a wave belongs to `category` when its key is
    that category or one of its items is in it. `with_status` (the API) adds, beside DESIGN's
    fields, each wave's `status`, `opportunity_id` and `council_names`.
    """
    plan = current_plan(as_of, [category] if category else None)
    document = plan_json(plan)
    if category:
        keep = {category}
        pairs = [(w, d) for w, d in zip(plan.waves, document["waves"], strict=True)]
        document["waves"] = [d for w, d in pairs if _belongs(w, keep)]
        document["alone"] = [
            d for a, d in zip(plan.alone, document["alone"], strict=True) if _belongs(a, keep)
        ]
        waves = [w for w, _ in pairs if _belongs(w, keep)]
    else:
        waves = list(plan.waves)
    if with_status:
        states = wave_states(waves)
        links = wave_opportunities(waves)
        names = council_names()
        for wave, doc in zip(waves, document["waves"], strict=True):
            doc["status"] = states[wave.id].status
            doc["opportunity_id"] = links.get(wave.id)
            doc["council_names"] = {c: names.get(c) or c for c in wave.councils}
    return document


# ------------------------------------------------------------------------------ wave status


@dataclass(frozen=True)
class WaveState:
    """A wave's status and notes; `continued_from`: the earlier wave id they were carried on
    from (its members changed since a coordinator last changed it), else None."""

    status: str = "new"
    notes: str | None = None
    continued_from: str | None = None


def member_keys(wave: Wave) -> list[str]:
    return [f"{item.source}:{item.source_id}" for item in wave.items]


def wave_states(waves: Sequence[Wave]) -> dict[str, WaveState]:
    """Each wave's status: its own row, else the row of the wave it continues, else `new`."""
    if not waves:
        return {}
    ids = [w.id for w in waves]
    own = {
        row.wave_id: row
        for row in db.session.scalars(select(TenderWave).where(TenderWave.wave_id.in_(ids)))
    }
    missing = [w for w in waves if w.id not in own]
    earlier: dict[str, list[TenderWave]] = defaultdict(list)
    if missing:
        current = set(ids)
        for row in db.session.scalars(
            select(TenderWave)
            .where(
                TenderWave.category.in_(sorted({w.category for w in missing})),
                TenderWave.replaced_by.is_(None),
            )
            .order_by(TenderWave.updated_at.desc())
        ):
            if row.wave_id not in current:
                earlier[row.category].append(row)
    states: dict[str, WaveState] = {}
    for wave in waves:
        row = own.get(wave.id)
        if row is not None:
            states[wave.id] = WaveState(row.status, row.notes)
            continue
        mine = set(member_keys(wave))
        best, shared = None, 0
        for candidate in earlier.get(wave.category, ()):
            overlap = len(mine & set(candidate.members or []))
            if overlap > shared:
                best, shared = candidate, overlap
        if best is not None and (shared * 2 >= len(mine) or shared >= 2):
            states[wave.id] = WaveState(best.status, best.notes, best.wave_id)
        else:
            states[wave.id] = WaveState()
    return states


def wave_opportunities(waves: Sequence[Wave]) -> dict[str, int | None]:
    """The stored opportunity each wave comes from (rule: module docstring).

    Reads the active opportunities of the waves' groups, one row each: their member indexes
    say which items they hold (no member row is read; a dense hub has hundreds of thousands),
    and each wave's shared counts are one `bincount` (see `store.open_holders`).
    """
    if not waves:
        return {}
    holders = open_holders({w.category for w in waves})
    found: dict[str, int | None] = {}
    for wave in waves:
        counts = holders.counts(f"{item.source}:{item.source_id}" for item in wave.items)
        top = 0 if counts is None else int(counts.max())
        if top == 0:
            found[wave.id] = None
            continue
        best = np.flatnonzero(counts == top)  # positions follow the ids
        # the smallest such opportunity (the closest match), then the lowest id
        found[wave.id] = holders.ids[int(best[int(np.argmin(holders.sizes[best]))])]
    return found


def find_wave(wave_id: str, as_of: date) -> Wave | None:
    """The wave with this id in the plan as of `as_of` (its group's plan when it was stored)."""
    row = db.session.get(TenderWave, wave_id)
    plan = current_plan(as_of, [row.category] if row is not None else None)
    found = next((w for w in plan.waves if w.id == wave_id), None)
    if found is None and row is not None:  # its group changed shape: look everywhere
        found = next((w for w in current_plan(as_of).waves if w.id == wave_id), None)
    return found


# ------------------------------------------------------------------------------ the page


@dataclass
class PlanPage:
    """What the tender plan page and its workbook show for one workstream."""

    workstream: str
    as_of: date
    waves: list[Wave]
    alone: list[AloneItem]
    gaps: int
    states: dict[str, WaveState]
    opportunities: dict[str, int | None]
    names: dict[str, str]
    labels: dict[str, str]
    numbers: dict[str, int] = field(default_factory=dict)

    def council_list(self, codes: Iterable[str]) -> str:
        return ", ".join(self.names.get(c) or c for c in codes)

    def label(self, category: str) -> str:
        return self.labels.get(category) or category


def plan_page(workstream: str, as_of: date, labels: Mapping[str, str]) -> PlanPage:
    mine = set(workstream_categories(workstream))
    plan = current_plan(as_of, mine)
    waves = [w for w in plan.waves if _belongs(w, mine)]
    alone = [a for a in plan.alone if _belongs(a, mine)]
    gaps = sum(1 for g in plan.gaps if g.category in mine)
    return PlanPage(
        workstream=workstream,
        as_of=as_of,
        waves=waves,
        alone=alone,
        gaps=gaps,
        states=wave_states(waves),
        opportunities=wave_opportunities(waves),
        names=council_names(),
        labels=dict(labels),
        numbers={w.id: n for n, w in enumerate(waves, start=1)},
    )


def write_plan_workbook(
    page: PlanPage, target: IO[bytes], status_labels: Mapping[str, str]
) -> None:
    """The plan as an xlsx (through `procurehub.exports`: every text cell neutralised)."""
    wave_rows = []
    for wave in page.waves:
        state = page.states[wave.id]
        for item in wave.items:
            wave_rows.append(
                [
                    page.numbers[wave.id],
                    wave.id,
                    page.label(wave.category),
                    status_labels.get(state.status, state.status),
                    wave.decision_deadline,
                    wave.joint_start,
                    wave.window_end,
                    page.council_list(wave.councils),
                    wave.total_value,
                    page.names.get(item.council_code) or item.council_code,
                    item.reference,
                    item.title,
                    item.value,
                    page.opportunities.get(wave.id),
                ]
            )
    alone_rows = [
        [
            page.names.get(a.item.council_code) or a.item.council_code,
            a.item.reference,
            a.item.title,
            page.label(a.item.category),
            REASON_TEXT.get(a.reason, a.reason),
            a.advice,
        ]
        for a in page.alone
    ]
    intro = [f"Tender plan as of {page.as_of:%d %B %Y}"]
    exports.write_sheets(
        target,
        [
            exports.SheetSpec(
                title="Waves",
                intro=intro,
                header=[
                    "Wave",
                    "Wave id",
                    "Category",
                    "Status",
                    "Decide by",
                    "Joint start",
                    "Window end",
                    "Councils",
                    "Wave value (GBP)",
                    "Council",
                    "Reference",
                    "Title",
                    "Value (GBP)",
                    "Opportunity",
                ],  # fmt: skip
                rows=wave_rows,
                column_widths=[7, 18, 24, 16, 12, 12, 12, 40, 16, 28, 18, 40, 14, 12],
            ),
            exports.SheetSpec(
                title="Alone",
                intro=intro,
                header=["Council", "Reference", "Title", "Category", "Reason", "Advice"],
                rows=alone_rows,
                column_widths=[28, 18, 40, 24, 50, 60],
            ),
        ],
    )


# ------------------------------------------------------------------------------ overdue


@dataclass(frozen=True)
class StillPossible:
    """For an opportunity whose decision deadline has passed: what the same councils can do.

    `joint_start` None means the window has closed.
    """

    joint_start: date | None
    decide_by: date | None
    lead_time_months: int

    @property
    def window_closed(self) -> bool:
        return self.joint_start is None

    def as_json(self) -> dict[str, Any]:
        return {
            "earliest_joint_start": self.joint_start.isoformat() if self.joint_start else None,
            "decide_by": self.decide_by.isoformat() if self.decide_by else None,
            "window_closed": self.window_closed,
        }


def still_possible(opp: Opportunity, today: date) -> StillPossible | None:
    """None unless the opportunity's decision deadline has passed (see `StillPossible`)."""
    if opp.decision_deadline >= today:
        return None
    items = [
        RenewalItem(
            m.source,
            m.source_id,
            m.council_code,
            m.category,
            m.end_date,
            m.max_end_date,
            m.interest,
            m.reference,
        )
        for m in opp.members
    ]
    settings = CategorySettings(
        lead_time_months=opp.lead_time_months,
        tolerance_months=opp.tolerance_months,
        min_councils=1,
    )
    start = earliest_joint_start(items, today, settings, opp.councils or None)
    if start is None:
        return StillPossible(None, None, opp.lead_time_months)
    decide_by = max(add_months(start, -opp.lead_time_months), today)
    return StillPossible(start, decide_by, opp.lead_time_months)


def latest_full_run() -> AlignmentRun | None:
    """The newest finished run over the whole hub (a partial run covers some groups only)."""
    return db.session.scalar(
        select(AlignmentRun)
        .where(AlignmentRun.finished_at.is_not(None), AlignmentRun.partial.is_(False))
        .order_by(AlignmentRun.id.desc())
        .limit(1)
    )


__all__ = [
    "PlanPage",
    "StillPossible",
    "WaveState",
    "current_plan",
    "find_wave",
    "latest_full_run",
    "plan_document",
    "plan_page",
    "still_possible",
    "wave_opportunities",
    "wave_states",
    "write_plan_workbook",
]
