"""Running the alignment over the hub and keeping opportunities stable across runs.

The engine (`engine.py`) is pure; this module feeds it renewal items from the enabled plugins,
and stores what it yields as it yields it (streamed: a dense hub can have millions of maximal
sets). Same members → same opportunity. A set that differs from a stored opportunity by some
members (someone's contract was extended, a council joined) continues that opportunity — same
id, status and notes — and the change is recorded in its history.

A run can cover the whole hub (the scheduled job, `procurehub alignment run`) or only some
category groups (`run_alignment(as_of, categories=...)`, what an upload or an edit triggers
through `alignment.freshness`). A partial run reads only the renewal items of those groups,
recognises and closes only the stored opportunities of those groups, and leaves every other
opportunity exactly as it was. Its scope is the given categories and every category they can
be tendered with (the compatible relation made symmetric and transitive, over all the hub's
categories), so a group is never split between a partial run and the rest of the hub.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import insert, select, text, update

from procurehub.alignment.engine import (
    NO_END_DATE,
    CategorySettings,
    Opportunity,
    find_opportunities,
)
from procurehub.alignment.models import (
    CLOSED_STATUSES,
    AlignmentRun,
    OpportunityEvent,
    OpportunityMember,
)
from procurehub.alignment.models import Opportunity as StoredOpportunity
from procurehub.extensions import db, utcnow
from procurehub.plugins import RenewalItem
from procurehub.workstreams.models import Category
from procurehub.workstreams.renewals import renewal_items

BATCH = 500
MEMBER_FACTS = (
    "source",
    "source_id",
    "council_code",
    "category",
    "reference",
    "title",
    "end_date",
    "max_end_date",
    "value",
    "interest",
)
ALIGNMENT_LOCK_KEY = 7_201_001  # arbitrary, constant: the advisory lock serialising runs
DEFAULT_TOLERANCE_MONTHS = 6
_FACTS_OF = operator.itemgetter(*MEMBER_FACTS)


def category_settings() -> tuple[dict[str, CategorySettings], dict[str, list[str]]]:
    min_councils = int(current_app.config.get("ALIGNMENT_MIN_COUNCILS", 2))
    tolerance = int(current_app.config.get("ALIGNMENT_TOLERANCE_MONTHS", DEFAULT_TOLERANCE_MONTHS))
    settings, compatible = {}, {}
    for c in db.session.scalars(select(Category)):
        settings[c.key] = CategorySettings(
            lead_time_months=c.lead_time_months,
            tolerance_months=c.tolerance_months if c.tolerance_months is not None else tolerance,
            min_councils=c.min_councils if c.min_councils is not None else min_councils,
        )
        compatible[c.key] = list(c.compatible or [])
    return settings, compatible


def group_scope(categories: Iterable[str], compatible: Mapping[str, Iterable[str]]) -> set[str]:
    """The categories whose items can share a group with any of `categories`.

    The compatible relation, made symmetric and transitive over every category of the hub
    (not only those with items today), so the scope is a union of whole groups whatever the
    items are: a partial run and the rest of the hub never share a group.
    """
    neighbours: dict[str, set[str]] = defaultdict(set)
    for key, others in compatible.items():
        for other in others:
            neighbours[key].add(other)
            neighbours[other].add(key)
    scope: set[str] = set()
    todo = [c for c in categories if c]
    while todo:
        key = todo.pop()
        if key not in scope:
            scope.add(key)
            todo.extend(neighbours.get(key, ()))
    return scope


def renewal_items_in(categories: Iterable[str], as_of: date) -> Iterator[RenewalItem]:
    """The renewal items of some categories only (an incremental run's scope)."""
    return renewal_items(as_of, categories)


@dataclass
class RunResult:
    run_id: int
    as_of: date
    found: int = 0
    created: int = 0
    changed: int = 0
    closed: int = 0
    gaps: dict[str, int] = field(default_factory=dict)
    #: The categories a partial run covered (sorted); None for a run over the whole hub.
    categories: list[str] | None = None


def opportunity_json(
    opp: Opportunity, stored_id: int, names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The DESIGN §4 shape of one opportunity (`alignment run --json`), plus a few extras.

    Given `names` ({code: name}, read once by the caller: `accounts.service.council_names()`),
    each council is named beside its code: `council_names` beside `councils`, `council_name`
    beside each contract's `council_code`.
    """
    contracts: list[dict[str, Any]] = [
        {"council_code": m.council_code, "reference": m.reference} for m in opp.members
    ]
    named: dict[str, Any] = {}
    if names is not None:
        named["council_names"] = {c: names.get(c) or c for c in opp.councils}
        for contract in contracts:
            code = contract["council_code"]
            contract["council_name"] = names.get(code) or code
    return {
        "id": stored_id,
        "category": opp.category,
        "councils": list(opp.councils),
        **named,
        "contracts": contracts,
        "joint_start": opp.joint_start.isoformat(),
        "decision_deadline": opp.decision_deadline.isoformat(),
        "total_value": float(opp.total_value),
        "key": opp.key,
        "categories": list(opp.categories),
        "window_end": opp.window_end.isoformat(),
        "overdue": opp.overdue,
        "unconfirmed_councils": list(opp.unconfirmed_councils),
    }


class AlignmentRunner:
    """One run: stream the engine's opportunities into the database.

    With `categories`, only the groups of those categories (see `group_scope`): their items
    are read, their stored opportunities recognised or closed; nothing else is touched.
    """

    def __init__(
        self,
        as_of: date,
        *,
        on_opportunity: Callable[[Opportunity, int], None] | None = None,
        categories: Iterable[str] | None = None,
    ) -> None:
        self.as_of = as_of
        self.on_opportunity = on_opportunity
        self.gaps: Counter[str] = Counter()
        self.requested = None if categories is None else set(categories)
        self.scope: set[str] | None = None

    def run(self) -> RunResult:
        if db.engine.dialect.name == "postgresql":
            # One alignment at a time (two schedulers, a CLI run beside the scheduler): the
            # second waits for the first to commit and then recognises what it stored.
            db.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": ALIGNMENT_LOCK_KEY}
            )
        settings, compatible = category_settings()
        if self.requested is not None:
            self.scope = group_scope(self.requested, compatible)
        run = AlignmentRun(
            as_of=self.as_of,
            partial=self.scope is not None,
            categories=None if self.scope is None else sorted(self.scope),
        )
        db.session.add(run)
        db.session.flush()
        result = RunResult(run.id, self.as_of, categories=run.categories)
        items = (
            renewal_items(self.as_of)
            if self.scope is None
            else renewal_items_in(self.scope, self.as_of)
        )
        self._load_existing()
        seen: set[int] = set()
        pending: list[Opportunity] = []

        def excluded(item: RenewalItem, reason: str) -> None:
            if reason == NO_END_DATE:
                self.gaps[item.council_code] += 1

        for opp in find_opportunities(
            items,
            as_of=self.as_of,
            settings=settings,
            compatible=compatible,
            on_excluded=excluded,
        ):
            result.found += 1
            pending.append(opp)
            if len(pending) >= BATCH:
                self._store(pending, run.id, seen, result)
                pending = []
        self._store(pending, run.id, seen, result)
        result.closed = self._close_unseen(seen, run.id)
        result.gaps = dict(sorted(self.gaps.items()))
        run.found, run.created, run.changed, run.closed = (
            result.found,
            result.created,
            result.changed,
            result.closed,
        )
        run.gaps, run.finished_at = result.gaps, utcnow()
        db.session.commit()
        return result

    # ------------------------------------------------------------------ matching
    def _in_scope(self, stmt: Any) -> Any:
        """Only the stored opportunities of this run's groups (a group is keyed by a member)."""
        if self.scope is None:
            return stmt
        return stmt.where(StoredOpportunity.category.in_(sorted(self.scope)))

    def _load_existing(self) -> None:
        """Stored opportunities by key, and open ones by member, to recognise them again."""
        self.by_key: dict[str, int] = dict(
            db.session.execute(
                self._in_scope(select(StoredOpportunity.key, StoredOpportunity.id))
            ).all()
        )
        self.by_member: dict[tuple[str, int], set[int]] = defaultdict(set)
        self.category_of: dict[int, str] = {}
        rows = (
            select(
                OpportunityMember.source,
                OpportunityMember.source_id,
                StoredOpportunity.id,
                StoredOpportunity.category,
            )
            .join(StoredOpportunity, OpportunityMember.opportunity_id == StoredOpportunity.id)
            .where(StoredOpportunity.status.not_in(CLOSED_STATUSES))
        )
        rows = db.session.connection().execute(self._in_scope(rows))
        for source, source_id, opp_id, category in rows:
            self.by_member[(source, source_id)].add(opp_id)
            self.category_of[opp_id] = category

    def _continuation(self, opp: Opportunity, seen: set[int]) -> int | None:
        """The stored opportunity this set continues: most shared members, same category group."""
        counted: Counter[int] = Counter()
        by_member = self.by_member
        for m in opp.members:
            holders = by_member.get((m.source, m.source_id))
            if holders:
                counted.update(holders)  # counted in C: dense hubs share members widely
        category_of = self.category_of
        shared = [
            (count, -opp_id)
            for opp_id, count in counted.items()
            if opp_id not in seen and category_of.get(opp_id) == opp.category
        ]
        if not shared:
            return None
        count, negative_id = max(shared)
        best = -negative_id
        return best if count * 2 >= len(opp.members) or count >= 2 else None

    # ------------------------------------------------------------------ writing
    def _store(
        self, batch: list[Opportunity], run_id: int, seen: set[int], result: RunResult
    ) -> None:
        now = utcnow()
        new: list[Opportunity] = []
        unchanged = self._unchanged(batch, seen)
        if unchanged:
            db.session.execute(
                update(StoredOpportunity)
                .where(StoredOpportunity.id.in_(sorted(unchanged.values())))
                # updated_at says when something changed: nothing did
                .values(
                    last_seen_at=now, last_run_id=run_id, updated_at=StoredOpportunity.updated_at
                )
            )
        refresh: list[tuple[int, Opportunity, bool]] = []
        for opp in batch:
            stored_id = self.by_key.get(opp.key)
            if opp.key in unchanged:
                pass  # found again exactly as stored: only last_seen_at moved (above)
            elif stored_id is not None and stored_id not in seen:
                refresh.append((stored_id, opp, False))
            else:
                stored_id = self._continuation(opp, seen)
                if stored_id is None:
                    new.append(opp)
                    continue
                refresh.append((stored_id, opp, True))
                result.changed += 1
            seen.add(stored_id)
            if self.on_opportunity:
                self.on_opportunity(opp, stored_id)
        if refresh:
            self._refresh_many(refresh, run_id, now)
        if new:
            ids = db.session.scalars(
                insert(StoredOpportunity).returning(
                    StoredOpportunity.id, sort_by_parameter_order=True
                ),
                [
                    self._values(opp, run_id, now) | {"status": "new", "first_seen_at": now}
                    for opp in new
                ],
            ).all()
            members, events = [], []
            for opp, stored_id in zip(new, ids, strict=True):
                members.extend(self._member_rows(opp, stored_id))
                events.append(
                    {
                        "opportunity_id": stored_id,
                        "kind": "found",
                        "at": now,
                        "actor": "alignment",
                        "detail": {"councils": list(opp.councils), "members": len(opp.members)},
                    }
                )
                self.by_key[opp.key] = stored_id
                seen.add(stored_id)
                result.created += 1
                if self.on_opportunity:
                    self.on_opportunity(opp, stored_id)
            db.session.execute(
                insert(OpportunityMember.__table__).execution_options(render_nulls=True), members
            )
            db.session.execute(insert(OpportunityEvent.__table__), events)
        db.session.flush()

    def _unchanged(self, batch: list[Opportunity], seen: set[int]) -> dict[str, int]:
        """{key: stored id} of the batch's opportunities stored exactly as found now.

        Same members (same key), active, same dates, councils, value, settings and member
        details: nothing to write but "seen again". Read with two queries per batch, so a run
        that finds the hub unchanged (a partial run after an upload elsewhere in the group, the
        nightly run) costs little more than the engine itself.
        """
        wanted = {
            opp.key: self.by_key[opp.key]
            for opp in batch
            if opp.key in self.by_key and self.by_key[opp.key] not in seen
        }
        if not wanted:
            return {}
        ids = sorted(set(wanted.values()))
        stored = {
            row.id: row
            for row in db.session.execute(
                select(
                    StoredOpportunity.id,
                    StoredOpportunity.active,
                    StoredOpportunity.category,
                    StoredOpportunity.categories,
                    StoredOpportunity.councils,
                    StoredOpportunity.unconfirmed_councils,
                    StoredOpportunity.joint_start,
                    StoredOpportunity.decision_deadline,
                    StoredOpportunity.window_end,
                    StoredOpportunity.total_value,
                    StoredOpportunity.lead_time_months,
                    StoredOpportunity.tolerance_months,
                ).where(StoredOpportunity.id.in_(ids))
            )
        }
        facts: dict[int, dict[tuple[str, int], tuple[Any, ...]]] = defaultdict(dict)
        columns = [getattr(OpportunityMember, k) for k in MEMBER_FACTS]
        for row in db.session.connection().execute(
            select(OpportunityMember.opportunity_id, *columns).where(
                OpportunityMember.opportunity_id.in_(ids)
            )
        ):
            facts[row[0]][(row[1], row[2])] = tuple(row[1:])
        same: dict[str, int] = {}
        for opp in batch:
            stored_id = wanted.get(opp.key)
            row = stored.get(stored_id) if stored_id is not None else None
            if row is None or not row.active:
                continue
            if (
                row.category,
                list(row.categories or []),
                list(row.councils or []),
                list(row.unconfirmed_councils or []),
                row.joint_start,
                row.decision_deadline,
                row.window_end,
                row.lead_time_months,
                row.tolerance_months,
            ) != (
                opp.category,
                list(opp.categories),
                list(opp.councils),
                list(opp.unconfirmed_councils),
                opp.joint_start,
                opp.decision_deadline,
                opp.window_end,
                opp.lead_time_months,
                opp.tolerance_months,
            ) or _cents(row.total_value) != _cents(opp.total_value):
                continue
            rows = self._member_rows(opp, stored_id)
            if {(r["source"], r["source_id"]): self._member_facts(r) for r in rows} == facts.get(
                stored_id, {}
            ):
                same[opp.key] = stored_id
        return same

    def _values(self, opp: Opportunity, run_id: int, now: Any) -> dict[str, Any]:
        return {
            "key": opp.key,
            "category": opp.category,
            "categories": list(opp.categories),
            "councils": list(opp.councils),
            "unconfirmed_councils": list(opp.unconfirmed_councils),
            "joint_start": opp.joint_start,
            "decision_deadline": opp.decision_deadline,
            "window_end": opp.window_end,
            "total_value": opp.total_value,
            "lead_time_months": opp.lead_time_months,
            "tolerance_months": opp.tolerance_months,
            "active": True,
            "last_seen_at": now,
            "last_run_id": run_id,
            "updated_at": now,
        }

    @staticmethod
    def _member_rows(opp: Opportunity, stored_id: int) -> list[dict[str, Any]]:
        return [
            {
                "opportunity_id": stored_id,
                "source": m.source,
                "source_id": m.source_id,
                "council_code": m.council_code,
                "category": m.category,
                "reference": m.reference,
                "title": m.title,
                "end_date": m.end_date,
                "max_end_date": m.max_end_date,
                "value": m.value,
                "interest": m.collaboration_interest or "unknown",
            }
            for m in opp.members
        ]

    @staticmethod
    def _member_facts(row: dict[str, Any]) -> tuple[Any, ...]:
        """What a member row says, comparable with a stored row's columns (dates as dates,
        values as Decimals: 1000 == 1000.00)."""
        return _FACTS_OF(row)

    def _refresh_many(
        self, found: list[tuple[int, Opportunity, bool]], run_id: int, now: Any
    ) -> None:
        """Rewrite the stored opportunities `found` again with new members or details.

        Members that joined, left or whose details moved are written, the others left as they
        are; the history gets "members_changed", "dates_changed", "found_again". A few
        statements per batch, not several per opportunity.
        """
        ids = [stored_id for stored_id, _, _ in found]
        before = {
            row.id: row
            for row in db.session.execute(
                select(
                    StoredOpportunity.id,
                    StoredOpportunity.key,
                    StoredOpportunity.joint_start,
                    StoredOpportunity.decision_deadline,
                    StoredOpportunity.active,
                ).where(StoredOpportunity.id.in_(ids))
            )
        }
        # stored members: (opportunity, item) -> (row id, facts)
        old_members: dict[int, dict[tuple[str, int], tuple[int, tuple[str, ...]]]] = defaultdict(
            dict
        )
        columns = [getattr(OpportunityMember, k) for k in MEMBER_FACTS]
        for row in db.session.connection().execute(
            select(OpportunityMember.opportunity_id, OpportunityMember.id, *columns).where(
                OpportunityMember.opportunity_id.in_(ids)
            )
        ):
            facts = row[2:]
            old_members[row[0]][(facts[0], facts[1])] = (row[1], tuple(facts))
        # Only the member rows that differ are written: a council joining an opportunity adds
        # its rows and leaves the others alone (dense hubs have hundreds per opportunity).
        stale_rows: list[int] = []
        member_rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for stored_id, opp, members_changed in found:
            was = before[stored_id]
            old = old_members.get(stored_id, {})
            rows = self._member_rows(opp, stored_id)
            new_ids = {(m.source, m.source_id) for m in opp.members}
            for row in rows:
                key = (row["source"], row["source_id"])
                kept = old.get(key)
                if kept is None or kept[1] != self._member_facts(row):
                    member_rows.append(row)
                    if kept is not None:
                        stale_rows.append(kept[0])
            stale_rows.extend(kept[0] for key, kept in old.items() if key not in new_ids)
            if members_changed or set(old) != new_ids:
                joined = sorted(new_ids - set(old))
                left = sorted(set(old) - new_ids)
                if self.by_key.get(was.key) == stored_id:
                    self.by_key.pop(was.key, None)
                self.by_key[opp.key] = stored_id
                events.append(
                    self._event(
                        stored_id,
                        "members_changed",
                        now,
                        {
                            "joined": [f"{s}:{i}" for s, i in joined],
                            "left": [f"{s}:{i}" for s, i in left],
                            "councils": list(opp.councils),
                        },
                    )
                )
            updates.append({"id": stored_id, **self._values(opp, run_id, now)})
            if (was.joint_start, was.decision_deadline) != (opp.joint_start, opp.decision_deadline):
                events.append(
                    self._event(
                        stored_id,
                        "dates_changed",
                        now,
                        {
                            "joint_start": [
                                was.joint_start.isoformat(),
                                opp.joint_start.isoformat(),
                            ],
                            "decision_deadline": [
                                was.decision_deadline.isoformat(),
                                opp.decision_deadline.isoformat(),
                            ],
                        },
                    )
                )
            if not was.active:
                events.append(self._event(stored_id, "found_again", now, {}))
        for start in range(0, len(stale_rows), 1000):
            db.session.execute(
                OpportunityMember.__table__.delete().where(
                    OpportunityMember.id.in_(stale_rows[start : start + 1000])
                )
            )
        if member_rows:
            db.session.execute(
                insert(OpportunityMember.__table__).execution_options(render_nulls=True),
                member_rows,
            )
        db.session.execute(update(StoredOpportunity), updates)
        if events:
            db.session.execute(insert(OpportunityEvent.__table__), events)
        for stored_id in ids:  # the ORM's copies are stale now
            cached = db.session.identity_map.get(
                db.session.identity_key(StoredOpportunity, stored_id)
            )
            if cached is not None:
                db.session.expire(cached)

    @staticmethod
    def _event(stored_id: int, kind: str, now: Any, detail: dict[str, Any]) -> dict[str, Any]:
        return {
            "opportunity_id": stored_id,
            "kind": kind,
            "at": now,
            "actor": "alignment",
            "detail": detail,
        }

    def _close_unseen(self, seen: set[int], run_id: int) -> int:
        """Opportunities not found this run are kept (with their history) but marked inactive."""
        stale = [
            i
            for (i,) in db.session.execute(
                self._in_scope(
                    select(StoredOpportunity.id).where(StoredOpportunity.active.is_(True))
                )
            )
            if i not in seen
        ]
        for start in range(0, len(stale), 1000):
            chunk = stale[start : start + 1000]
            db.session.execute(
                update(StoredOpportunity)
                .where(StoredOpportunity.id.in_(chunk))
                .values(active=False, last_run_id=run_id)
            )
            db.session.execute(
                insert(OpportunityEvent),
                [
                    {
                        "opportunity_id": i,
                        "kind": "no_longer_found",
                        "at": utcnow(),
                        "actor": "alignment",
                        "detail": {},
                    }
                    for i in chunk
                ],
            )
        return len(stale)


def _cents(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def run_alignment(
    as_of: date,
    *,
    on_opportunity: Callable[[Opportunity, int], None] | None = None,
    categories: Iterable[str] | None = None,
) -> RunResult:
    """Align the hub (or, with `categories`, only their groups) and store what is found."""
    return AlignmentRunner(as_of, on_opportunity=on_opportunity, categories=categories).run()
