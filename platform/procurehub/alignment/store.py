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

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np
from flask import current_app
from sqlalchemy import bindparam, insert, select, text, update

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
ALIGNMENT_LOCK_KEY = 7_201_001  # arbitrary, constant: the advisory lock serialising runs
DEFAULT_TOLERANCE_MONTHS = 6


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
        self._tokens: dict[int, str] = {}
        self._identities_of: dict[int, str] = {}
        self._alive: list[RenewalItem] = []
        items = self._tap(items)
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

    def _tap(self, items: Iterable[RenewalItem]) -> Iterator[RenewalItem]:
        """Pass the items on to the engine, noting each one's member token on the way.

        Tokens are kept by ``id(item)``: every item is read before the engine yields its first
        opportunity, and `_alive` holds them all, so no id is reused during the run.
        """
        tokens, identities, alive = self._tokens, self._identities_of, self._alive
        for item in items:
            token = member_token(item)
            tokens[id(item)] = token
            identities[id(item)] = token[:_IDENTITY_END]
            alive.append(item)
            yield item

    def _index(self, opp: Opportunity) -> list[str]:
        """The member tokens of a found opportunity, in member order (C-level lookups)."""
        return list(map(self._tokens.__getitem__, map(id, opp.members)))

    def _load_existing(self) -> None:
        """Stored opportunities by key, and what each holds, to recognise them again.

        One read of the opportunity rows of the run's groups: their member index says what
        their member rows hold, so no member row is read back (dense hubs have hundreds of
        thousands). Rows stored before the index existed have their member identities read.
        """
        self.by_key: dict[str, int] = dict(
            db.session.execute(
                self._in_scope(select(StoredOpportunity.key, StoredOpportunity.id))
            ).all()
        )
        self.state: dict[int, _Stored] = {}
        self._read_states(
            self._in_scope(
                select(*_STATE_COLUMNS).where(StoredOpportunity.status.not_in(CLOSED_STATUSES))
            )
        )
        #: identity -> ids of the open stored opportunities holding it (built when needed)
        self._by_member: _Holders | None = None

    def _read_states(self, stmt: Any) -> None:
        legacy: list[int] = []
        for row in db.session.connection().execute(stmt):
            state = _Stored(*row)
            self.state[state.id] = state
            if state.index is None:
                legacy.append(state.id)
        # Stored before the member index: their identities come from the member rows (once:
        # the run rewrites them with an index).
        self.legacy: dict[int, set[str]] = getattr(self, "legacy", {})
        for start in range(0, len(legacy), 900):
            for opp_id, source, source_id in db.session.connection().execute(
                select(
                    OpportunityMember.opportunity_id,
                    OpportunityMember.source,
                    OpportunityMember.source_id,
                ).where(OpportunityMember.opportunity_id.in_(legacy[start : start + 900]))
            ):
                self.legacy.setdefault(opp_id, set()).add(f"{source}:{source_id}")
        for opp_id in legacy:
            self.legacy.setdefault(opp_id, set())

    def _identities(self, state: _Stored) -> Iterable[str]:
        if state.index is None:
            return self.legacy.get(state.id, ())
        return (t[:_IDENTITY_END] for t in state.index.split())

    def _holders(self, seen: set[int]) -> _Holders:
        if self._by_member is None:
            self._by_member = _Holders(
                (state.id, state.category, self._identities(state))
                for state in self.state.values()
                if state.status not in CLOSED_STATUSES
            )
            for stored_id in seen:
                self._by_member.taken(stored_id)
        return self._by_member

    def _see(self, seen: set[int], stored_id: int) -> None:
        seen.add(stored_id)
        if self._by_member is not None:
            self._by_member.taken(stored_id)

    def _continuation(self, opp: Opportunity, seen: set[int]) -> int | None:
        """The stored opportunity this set continues: most shared members (ties: the lowest
        id), same category group, not already taken this run; None when it shares fewer than
        half of the set's members and fewer than two."""
        identities = map(self._identities_of.__getitem__, map(id, opp.members))
        found = self._holders(seen).most_shared(identities, opp.category)
        if found is None:
            return None
        best, count = found
        return best if count * 2 >= len(opp.members) or count >= 2 else None

    # ------------------------------------------------------------------ writing
    def _store(
        self, batch: list[Opportunity], run_id: int, seen: set[int], result: RunResult
    ) -> None:
        now = utcnow()
        missing = sorted(
            {self.by_key[o.key] for o in batch if o.key in self.by_key} - self.state.keys()
        )
        for start in range(0, len(missing), 900):  # closed ones found again by their key
            self._read_states(
                select(*_STATE_COLUMNS).where(
                    StoredOpportunity.id.in_(missing[start : start + 900])
                )
            )
        new: list[tuple[Opportunity, list[str]]] = []
        unchanged: list[int] = []
        refresh: list[tuple[int, Opportunity, list[str], bool]] = []
        for opp in batch:
            index = self._index(opp)
            stored_id = self.by_key.get(opp.key)
            if stored_id is not None and stored_id not in seen:
                if self._same(self.state[stored_id], opp, index):
                    unchanged.append(stored_id)  # found again exactly as stored
                else:
                    refresh.append((stored_id, opp, index, False))
            else:
                stored_id = self._continuation(opp, seen)
                if stored_id is None:
                    new.append((opp, index))
                    continue
                refresh.append((stored_id, opp, index, True))
                result.changed += 1
            self._see(seen, stored_id)
            if self.on_opportunity:
                self.on_opportunity(opp, stored_id)
        if unchanged:
            db.session.execute(
                update(StoredOpportunity)
                .where(StoredOpportunity.id.in_(sorted(unchanged)))
                # updated_at says when something changed: nothing did
                .values(
                    last_seen_at=now, last_run_id=run_id, updated_at=StoredOpportunity.updated_at
                )
            )
        if refresh:
            self._refresh_many(refresh, run_id, now)
        if new:
            ids = db.session.scalars(
                insert(StoredOpportunity).returning(
                    StoredOpportunity.id, sort_by_parameter_order=True
                ),
                [
                    self._values(opp, index, run_id, now) | {"status": "new", "first_seen_at": now}
                    for opp, index in new
                ],
            ).all()
            members, events = [], []
            for (opp, _index), stored_id in zip(new, ids, strict=True):
                members.extend(self._member_rows(opp.members, stored_id))
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
                self._see(seen, stored_id)
                result.created += 1
                if self.on_opportunity:
                    self.on_opportunity(opp, stored_id)
            _insert_members(members)
            db.session.execute(insert(OpportunityEvent.__table__), events)
        db.session.flush()

    @staticmethod
    def _same(state: _Stored, opp: Opportunity, index: list[str]) -> bool:
        """Stored exactly as found: active, same dates, councils, value, settings, and the
        same member rows (same tokens: same members with the same details)."""
        return (
            state.active
            and state.index is not None
            and state.index == " ".join(index)
            and (
                state.category,
                list(state.categories or []),
                list(state.councils or []),
                list(state.unconfirmed_councils or []),
                state.joint_start,
                state.decision_deadline,
                state.window_end,
                state.lead_time_months,
                state.tolerance_months,
            )
            == (
                opp.category,
                list(opp.categories),
                list(opp.councils),
                list(opp.unconfirmed_councils),
                opp.joint_start,
                opp.decision_deadline,
                opp.window_end,
                opp.lead_time_months,
                opp.tolerance_months,
            )
            and _cents(state.total_value) == _cents(opp.total_value)
        )

    def _values(self, opp: Opportunity, index: list[str], run_id: int, now: Any) -> dict[str, Any]:
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
            "member_index": " ".join(index),
        }

    @staticmethod
    def _member_rows(members: Iterable[RenewalItem], stored_id: int) -> list[tuple[Any, ...]]:
        """Member rows as tuples in `MEMBER_COLUMNS` order (see `_insert_members`)."""
        return [
            (
                stored_id,
                m.source,
                m.source_id,
                m.council_code,
                m.category,
                m.reference,
                m.title,
                m.end_date,
                m.max_end_date,
                m.value,
                m.collaboration_interest or "unknown",
            )
            for m in members
        ]

    def _refresh_many(
        self, found: list[tuple[int, Opportunity, list[str], bool]], run_id: int, now: Any
    ) -> None:
        """Rewrite the stored opportunities `found` again with new members or details.

        Only the member rows that differ are written (the member indexes say which, without
        reading a member row): a council joining an opportunity adds its rows and leaves the
        others alone (dense hubs have hundreds per opportunity). The history gets
        "members_changed", "dates_changed", "found_again". A few statements per batch, not
        several per opportunity.
        """
        stale: list[tuple[int, str, int]] = []
        wiped: list[int] = []
        member_rows: list[tuple[Any, ...]] = []
        events: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for stored_id, opp, index, continued in found:
            was = self.state[stored_id]
            if was.index is None:  # stored before the index: rewrite its member rows once
                wiped.append(stored_id)
                member_rows.extend(self._member_rows(opp.members, stored_id))
                old_ids = self.legacy.get(stored_id, set())
            else:
                old_tokens = was.index.split()
                old = set(old_tokens)
                new = set(index)
                if old != new:
                    added = [m for m, t in zip(opp.members, index, strict=True) if t not in old]
                    member_rows.extend(self._member_rows(added, stored_id))
                    for token in old_tokens:
                        if token not in new:
                            source, source_id = _split_identity(token[:_IDENTITY_END])
                            stale.append((stored_id, source, source_id))
                old_ids = {t[:_IDENTITY_END] for t in old_tokens}
            new_ids = {t[:_IDENTITY_END] for t in index}
            if continued or old_ids != new_ids:
                if self.by_key.get(was.key) == stored_id:
                    self.by_key.pop(was.key, None)
                self.by_key[opp.key] = stored_id
                events.append(
                    self._event(
                        stored_id,
                        "members_changed",
                        now,
                        {
                            "joined": _sorted_identities(new_ids - old_ids),
                            "left": _sorted_identities(old_ids - new_ids),
                            "councils": list(opp.councils),
                        },
                    )
                )
            values = self._values(opp, index, run_id, now)
            updates.append({"b_id": stored_id, **values})
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
            self.state[stored_id] = was._replace(
                key=opp.key,
                active=True,
                index=values["member_index"],
                joint_start=opp.joint_start,
                decision_deadline=opp.decision_deadline,
            )
        members = OpportunityMember.__table__
        _delete_members(stale)
        for start in range(0, len(wiped), 900):
            db.session.execute(
                members.delete().where(members.c.opportunity_id.in_(wiped[start : start + 900]))
            )
        _insert_members(member_rows)
        opportunities = StoredOpportunity.__table__
        db.session.execute(
            opportunities.update().where(opportunities.c.id == bindparam("b_id")), updates
        )
        if events:
            db.session.execute(insert(OpportunityEvent.__table__), events)
        for stored_id, _opp, _index, _continued in found:  # the ORM's copies are stale now
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


#: A member token ends with ":" and 8 hex digits of its details' hash.
_IDENTITY_END = -9


def member_token(item: RenewalItem) -> str:
    """``source:source_id:FACTS`` of one member row (see `Opportunity.member_index`).

    FACTS hashes what the member row stores about the item (council, category, reference,
    title, dates, value, interest), so equal tokens mean an identical member row.
    """
    facts = (
        item.council_code,
        item.category,
        item.reference,
        item.title,
        item.end_date,
        item.max_end_date,
        None if item.value is None else str(item.value),
        item.collaboration_interest or "unknown",
    )
    digest = hashlib.blake2b(
        repr(facts).encode("utf-8", "surrogatepass"), digest_size=4
    ).hexdigest()
    return f"{item.source}:{item.source_id}:{digest}"


def _split_identity(identity: str) -> tuple[str, int]:
    source, _, source_id = identity.rpartition(":")
    return source, int(source_id)


def _sorted_identities(identities: Iterable[str]) -> list[str]:
    """``source:id`` strings in (source, numeric id) order, as the history lists them."""
    return [f"{s}:{i}" for s, i in sorted(map(_split_identity, identities))]


class _Stored(NamedTuple):
    """What a run needs to know about a stored opportunity (one row, no member rows)."""

    id: int
    key: str
    category: str
    status: str
    active: bool
    index: str | None
    categories: list[str] | None
    councils: list[str] | None
    unconfirmed_councils: list[str] | None
    joint_start: date
    decision_deadline: date
    window_end: date
    total_value: Decimal | None
    lead_time_months: int
    tolerance_months: int


_STATE_COLUMNS = (
    StoredOpportunity.id,
    StoredOpportunity.key,
    StoredOpportunity.category,
    StoredOpportunity.status,
    StoredOpportunity.active,
    StoredOpportunity.member_index,
    StoredOpportunity.categories,
    StoredOpportunity.councils,
    StoredOpportunity.unconfirmed_councils,
    StoredOpportunity.joint_start,
    StoredOpportunity.decision_deadline,
    StoredOpportunity.window_end,
    StoredOpportunity.total_value,
    StoredOpportunity.lead_time_months,
    StoredOpportunity.tolerance_months,
)


def run_alignment(
    as_of: date,
    *,
    on_opportunity: Callable[[Opportunity, int], None] | None = None,
    categories: Iterable[str] | None = None,
) -> RunResult:
    """Align the hub (or, with `categories`, only their groups) and store what is found."""
    return AlignmentRunner(as_of, on_opportunity=on_opportunity, categories=categories).run()


MEMBER_COLUMNS = (
    "opportunity_id",
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


def _driver_sql(sql: str, rows: list[tuple[Any, ...]]) -> None:
    """One executemany straight through the driver, in the session's transaction.

    Member rows are the bulk of what a dense run writes (a changed opportunity's rows that
    differ: tens of thousands per upload on a dense hub); SQLAlchemy's per-row parameter
    processing cost more than the INSERT itself. `?` becomes `%s` for psycopg.
    """
    connection = db.session.connection()
    if connection.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    connection.exec_driver_sql(sql, rows)


def _insert_members(rows: list[tuple[Any, ...]]) -> None:
    """Insert member rows (tuples in `MEMBER_COLUMNS` order), as SQLAlchemy would bind them:
    on SQLite dates as ISO text and amounts as floats (its `Date` and `Numeric` storage)."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "sqlite":
        rows = [
            (*r[:7], _sqlite_date(r[7]), _sqlite_date(r[8]), _sqlite_number(r[9]), r[10])
            for r in rows
        ]
    marks = ", ".join("?" * len(MEMBER_COLUMNS))
    for start in range(0, len(rows), 10_000):
        _driver_sql(
            f"INSERT INTO opportunity_member ({', '.join(MEMBER_COLUMNS)}) VALUES ({marks})",
            rows[start : start + 10_000],
        )


def _delete_members(keys: list[tuple[int, str, int]]) -> None:
    """Delete member rows by (opportunity id, source, source id): the unique key."""
    for start in range(0, len(keys), 10_000):
        _driver_sql(
            "DELETE FROM opportunity_member WHERE opportunity_id = ? AND source = ? "
            "AND source_id = ?",
            keys[start : start + 10_000],
        )


def _sqlite_date(value: Any) -> str | None:
    if value is None:
        return None
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _sqlite_number(value: Any) -> float | None:
    return None if value is None else float(value)


def open_holders(categories: Iterable[str]) -> _Holders:
    """Which active opportunities of these categories hold each item (from their member
    indexes; member rows are read only for opportunities stored before the index)."""
    wanted = sorted(set(categories))
    rows: list[tuple[int, str, str | None]] = []
    for start in range(0, len(wanted), 900):
        rows.extend(
            db.session.connection().execute(
                select(
                    StoredOpportunity.id, StoredOpportunity.category, StoredOpportunity.member_index
                ).where(
                    StoredOpportunity.active.is_(True),
                    StoredOpportunity.category.in_(wanted[start : start + 900]),
                )
            )
        )
    legacy: dict[int, list[str]] = {opp_id: [] for opp_id, _c, index in rows if index is None}
    ids = sorted(legacy)
    for start in range(0, len(ids), 900):
        for opp_id, source, source_id in db.session.connection().execute(
            select(
                OpportunityMember.opportunity_id,
                OpportunityMember.source,
                OpportunityMember.source_id,
            ).where(OpportunityMember.opportunity_id.in_(ids[start : start + 900]))
        ):
            legacy[opp_id].append(f"{source}:{source_id}")
    return _Holders(
        (
            opp_id,
            category,
            legacy[opp_id] if index is None else [t[:_IDENTITY_END] for t in index.split()],
        )
        for opp_id, category, index in rows
    )


class _Holders:
    """Which open stored opportunities hold each item, for finding continuations.

    A dense hub's items sit in dozens of opportunities each, so counting the holders of every
    member of every changed set one by one (a Counter) was most of an upload's recompute;
    here each item's holders are a NumPy array of opportunity positions, and one set's shared
    counts are a single `bincount` over their concatenation. Positions follow the ids, so the
    first maximum is the lowest id.
    """

    def __init__(self, opportunities: Iterable[tuple[int, str, Iterable[str]]]) -> None:
        ids: list[int] = []
        categories: list[int] = []
        self.category_code: dict[str, int] = {}
        lists: dict[str, list[int]] = defaultdict(list)
        sizes: list[int] = []
        for position, (opp_id, category, identities) in enumerate(
            sorted(opportunities, key=lambda o: o[0])
        ):
            ids.append(opp_id)
            categories.append(self.category_code.setdefault(category, len(self.category_code)))
            size = 0
            for identity in identities:
                lists[identity].append(position)
                size += 1
            sizes.append(size)
        self.ids = ids
        self.sizes = np.array(sizes, dtype=np.int64)
        self.position = {opp_id: position for position, opp_id in enumerate(ids)}
        self.category = np.array(categories, dtype=np.int32)
        self.arrays = {k: np.array(v, dtype=np.int32) for k, v in lists.items()}
        self.unseen = np.ones(len(ids), dtype=bool)

    def taken(self, opp_id: int) -> None:
        """This opportunity was found again or continued this run: no other set takes it."""
        position = self.position.get(opp_id)
        if position is not None:
            self.unseen[position] = False

    def counts(self, identities: Iterable[str]) -> Any:
        """Members shared with each opportunity (by position), a NumPy array; None if none."""
        arrays = [a for a in map(self.arrays.get, identities) if a is not None]
        if not arrays:
            return None
        return np.bincount(np.concatenate(arrays), minlength=len(self.ids))

    def most_shared(self, identities: Iterable[str], category: str) -> tuple[int, int] | None:
        """(opportunity id, members shared) of the best unseen holder in `category`."""
        code = self.category_code.get(category)
        if code is None:
            return None
        counts = self.counts(identities)
        if counts is None:
            return None
        counts[~(self.unseen & (self.category == code))] = 0
        best = int(counts.argmax())
        count = int(counts[best])
        return (self.ids[best], count) if count else None
