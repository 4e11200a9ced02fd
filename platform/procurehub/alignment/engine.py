"""Renewal alignment: find sets of councils whose renewals could be tendered together.

Pure Python (no Flask, no SQLAlchemy) so it can run in a web request, a CLI command, a
scheduled job or a benchmark on nothing but an iterable of :class:`RenewalItem`.

The model (DESIGN §3 "Renewal alignment")
-----------------------------------------
* An item's **renewal window** is ``[end_date, max_end_date]`` (``max_end_date`` ``None``, or
  earlier than ``end_date``, means ``end_date``): the dates on which a successor contract
  could start. A window that has already begun (``end_date`` before ``as_of``) starts at
  ``as_of``. The window's end is **stretched** by the tolerance T (a short interim
  extension): ``[start, max_end_date + T months]``.
* An **opportunity** is a set of items of one *category group* from at least
  ``min_councils`` distinct councils whose stretched windows share a common date. Only
  **maximal** such sets are reported (see "Maximal sets" below).
* Its **joint start** is the earliest common date = the latest window start among the
  members; its **window end** is the earliest stretched end among the members (the last date
  they can all still start together); its **decision deadline** is ``joint start - L months``
  (``overdue`` when that is before ``as_of``).

Which items take part
---------------------
* ``collaboration_interest == "no"`` (case-insensitive): left out. ``yes``/``maybe``/
  ``unknown`` (and anything else) take part; members whose interest is not ``yes`` are listed
  in :attr:`Opportunity.unconfirmed_councils` so the hub can show them as such.
* No ``end_date``: cannot be aligned. They are **data-quality gaps**: get them with
  :func:`data_quality_gaps` (a separate pass, grouped per council) or, in the same single pass
  as the alignment, through the ``on_excluded(item, NO_END_DATE)`` callback of
  :func:`find_opportunities`. The end-date check comes first, so an item with no end date is a
  gap even when its council said "no".
* **Expired**: an item whose stretched end (``max_end_date + T``) is before ``as_of`` cannot
  be renewed any more (every extension and the interim tolerance have run out): it is left
  out silently (reported as ``EXPIRED`` to ``on_excluded``). An item whose ``max_end_date``
  has passed but ``max_end_date + T`` has not still takes part, with the window
  ``[as_of, max_end_date + T]``.

Category groups
---------------
``compatible`` maps a category key to keys it may be tendered with. The relation is made
symmetric and transitive with union-find, **restricted to the categories present** among the
alignable items (so ``a~b`` and ``b~c`` join ``a`` and ``c`` only when some ``b`` item is
there to link them). A group is keyed by its lexicographically smallest category
(:attr:`Opportunity.category`). Its settings combine the members' so that no member's
constraint is broken: lead time = the **largest** member lead time (enough time for the
slowest tender), tolerance = the **smallest** member tolerance (nobody is stretched further
than they accept), minimum councils = the **largest** member minimum. Categories without an
entry in ``settings`` use ``default_settings``.

Maximal sets, and why a sweep
-----------------------------
Stretched windows are closed intervals of dates. By the 1-D Helly property a set of intervals
shares a common date exactly when every pair of them overlaps, so the candidate sets are the
cliques of the group's interval graph, and we report its **maximal cliques** that contain at
least ``min_councils`` distinct councils. (Maximality is over *all* sets with a common date;
the council count is a filter applied afterwards. A maximal clique with too few councils is
dropped, never replaced by a sub-set of it.) Several items of one council may be in a set.

Comparing all pairs would be quadratic, and the hub must scale to a million contracts
(DESIGN §7), so the classic sweep is used: sort the windows by start and by end, walk both
orders together treating starts before ends at the same date (closed intervals touching at a
date share it), keep the set of "open" windows, and emit the open set just before the first
end event that follows at least one start event. Every such emitted set is a maximal clique,
and every maximal clique is emitted exactly once. The cost is O(n log n) for the sorts plus
O(size of the emitted sets) — output-sensitive, the best possible since every reported
member has to be written out. A running per-council count of the open set gives the number of
distinct councils in O(1), so cliques failing the ``min_councils`` filter are never even
materialised. At the moment of emission the latest start processed is the joint start and the
end being processed is the window end, so both come for free.

Streaming
---------
Dense inputs have enormous numbers of maximal sets (n staggered windows can give ~n sets of
~n/2 members each), so :func:`find_opportunities` is a generator that yields one
:class:`Opportunity` at a time and never holds the list of all of them. The input is consumed
once (any iterable, e.g. a database cursor); grouping by category needs all alignable items,
which are held as compact ``(end_date, max_end_date, item)`` tuples referencing the original
items (no copies); excluded items are not kept. While a group is swept its items live in
column arrays (day ordinals, ranks and council ids as machine ints; identity bytes, interest
flag and value precomputed once per item), so building each opportunity is a few C-level
sorts and maps over its members. The whole input is read when the first opportunity is
requested (it cannot be known before the last item has been seen); ``EXPIRED`` items are
reported to ``on_excluded`` when their group is reached (expiry depends on the group's
tolerance).

Identity
--------
:attr:`Opportunity.key` is the first 16 hex digits of SHA-1 over the group key and the sorted
member identities ``(source, source_id)``: the same members in the same group give the same
key in every run and for every input order, so the hub can keep an opportunity's status and
history across runs.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from procurehub.plugins import RenewalItem
from procurehub.renewal_dates import add_months

__all__ = [
    "DEFAULT_SETTINGS",
    "EXPIRED",
    "NOT_INTERESTED",
    "NO_END_DATE",
    "CategorySettings",
    "Opportunity",
    "category_groups",
    "data_quality_gaps",
    "find_opportunities",
    "group_settings",
    "opportunity_key",
    "renewal_window",
]

#: Reasons passed to the ``on_excluded`` callback of :func:`find_opportunities`.
NO_END_DATE = "no_end_date"
NOT_INTERESTED = "not_interested"
EXPIRED = "expired"


@dataclass(frozen=True)
class CategorySettings:
    """Alignment settings of one category (coordinators change them in the hub).

    ``lead_time_months``: months needed to run a joint tender (L). ``tolerance_months``: how
    far a window's end may be stretched by a short interim extension (T). ``min_councils``:
    distinct councils an opportunity needs.
    """

    lead_time_months: int = 12
    tolerance_months: int = 6
    min_councils: int = 2

    def __post_init__(self) -> None:
        if self.lead_time_months < 0:
            raise ValueError("lead_time_months must be 0 or more")
        if self.tolerance_months < 0:
            raise ValueError("tolerance_months must be 0 or more")
        if self.min_councils < 1:
            raise ValueError("min_councils must be 1 or more")


DEFAULT_SETTINGS = CategorySettings()
_NO_COMPATIBLE: Mapping[str, Iterable[str]] = MappingProxyType({})


@dataclass(frozen=True)
class Opportunity:
    """A maximal set of renewals that could be tendered together.

    - ``key``: stable identity (see :func:`opportunity_key`).
    - ``category``: the category group's key, its lexicographically smallest category.
    - ``categories``: the distinct categories of the members, sorted.
    - ``members``: the items, ordered by council, then end date, then (source, source_id).
    - ``councils``: the distinct council codes, sorted.
    - ``joint_start``: the earliest common date (latest window start among members).
    - ``window_end``: the earliest stretched end among members (last common date).
    - ``decision_deadline``: ``joint_start`` minus the group's lead time; ``overdue`` when it
      is before the as-of date.
    - ``total_value``: sum of the members' values that are known (``Decimal("0")`` when none
      is).
    - ``unconfirmed_councils``: councils with a member whose interest is not ``yes``.
    - ``lead_time_months`` / ``tolerance_months``: the group settings used.
    """

    key: str
    category: str
    categories: tuple[str, ...]
    members: tuple[RenewalItem, ...]
    councils: tuple[str, ...]
    joint_start: date
    window_end: date
    decision_deadline: date
    overdue: bool
    total_value: Decimal
    unconfirmed_councils: tuple[str, ...]
    lead_time_months: int
    tolerance_months: int

    @property
    def confirmed(self) -> bool:
        """True when every member's council said ``yes`` to a joint tender."""
        return not self.unconfirmed_councils


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _as_date(d: date) -> date:
    """A plain ``date`` (a ``datetime`` would not compare with dates)."""
    return d.date() if isinstance(d, datetime) else d


@lru_cache(maxsize=65536)
def _shift(d: date, months: int) -> date:
    """``add_months`` that saturates at the supported years instead of raising.

    Cached: register end dates cluster on month ends, so a few thousand distinct dates
    cover a million items.
    """
    if months == 0:
        return d
    try:
        return add_months(d, months)
    except (ValueError, OverflowError):
        return date.max if months > 0 else date.min


def _is_no(interest: Any) -> bool:
    if interest == "no":
        return True
    return isinstance(interest, str) and interest.strip().lower() == "no"


def _is_yes(interest: Any) -> bool:
    if interest == "yes":
        return True
    return isinstance(interest, str) and interest.strip().lower() == "yes"


def _decimal(value: Any) -> Decimal | None:
    """A member value as ``Decimal`` (accepts Decimal, int, float, str, ``Money``-likes)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    amount = getattr(value, "amount", None)
    if amount is not None:
        return _decimal(amount)
    if isinstance(value, bool):
        return None
    try:
        d = Decimal(value) if isinstance(value, int) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return d if d.is_finite() else None


def _identity(item: RenewalItem) -> tuple[str, str]:
    return (str(item.source), str(item.source_id))


def opportunity_key(category: str, members: Iterable[RenewalItem]) -> str:
    """Stable identity of an opportunity: 16 hex digits of SHA-1.

    Hashes the group key and the sorted ``(source, source_id)`` of the members, so it does
    not depend on input order, dates, values or settings: same members, same key.
    """
    h = hashlib.sha1(usedforsecurity=False)
    h.update(category.encode("utf-8", "surrogatepass"))
    for source, source_id in sorted(_identity(m) for m in members):
        h.update(b"\x1e")
        h.update(source.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
        h.update(source_id.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


def renewal_window(
    item: RenewalItem, *, as_of: date, tolerance_months: int = 0
) -> tuple[date, date] | None:
    """The item's (stretched) window ``(start, end)`` as of a date, or ``None``.

    ``None`` when it has no end date or when even the stretched end is before ``as_of``
    (expired). Start is ``max(end_date, as_of)``; end is ``max_end_date`` (or ``end_date``)
    plus ``tolerance_months``.
    """
    if item.end_date is None:
        return None
    as_of = _as_date(as_of)
    end = _as_date(item.end_date)
    max_end = item.max_end_date
    max_end = end if max_end is None else _as_date(max_end)
    if max_end < end:
        max_end = end
    stretched = _shift(max_end, tolerance_months)
    if stretched < as_of:
        return None
    return (end if end > as_of else as_of, stretched)


# --------------------------------------------------------------------------------------------
# data-quality gaps
# --------------------------------------------------------------------------------------------


def data_quality_gaps(items: Iterable[RenewalItem]) -> dict[str, list[RenewalItem]]:
    """Items that cannot be aligned because they have no end date, per council.

    Councils in sorted order, items in input order. Interest does not matter here (a missing
    end date is a data problem whatever the council said). To get the same gaps in the same
    pass as the alignment, pass ``on_excluded`` to :func:`find_opportunities` instead.
    """
    gaps: dict[str, list[RenewalItem]] = {}
    for item in items:
        if item.end_date is None:
            gaps.setdefault(item.council_code, []).append(item)
    return {code: gaps[code] for code in sorted(gaps)}


# --------------------------------------------------------------------------------------------
# category groups
# --------------------------------------------------------------------------------------------


def category_groups(
    present: Iterable[str], compatible: Mapping[str, Iterable[str]]
) -> dict[str, list[str]]:
    """Union-find over the compatibility graph restricted to the present categories.

    Returns group key (smallest member) -> sorted member categories. O(C + E α(C)). Public
    so the tender plan groups categories exactly as the opportunities do.
    """
    parent = {c: c for c in present}

    def find(c: str) -> str:
        root = c
        while parent[root] != root:
            root = parent[root]
        while parent[c] != root:  # path compression
            parent[c], c = root, parent[c]
        return root

    for a, others in compatible.items():
        if a not in parent:
            continue
        for b in others:
            if b in parent:
                ra, rb = find(a), find(b)
                if ra != rb:
                    # keep the smaller key as root: the root is then the group key
                    if rb < ra:
                        ra, rb = rb, ra
                    parent[rb] = ra
    groups: dict[str, list[str]] = {}
    for c in sorted(parent):
        groups.setdefault(find(c), []).append(c)
    return groups


def group_settings(
    members: list[str], settings: Mapping[str, CategorySettings], default: CategorySettings
) -> CategorySettings:
    """Combined settings: largest lead time, smallest tolerance, largest minimum.

    Shared with the tender plan, so a group has one set of settings wherever it is shown.
    """
    chosen = [settings.get(c, default) for c in members]
    return CategorySettings(
        lead_time_months=max(s.lead_time_months for s in chosen),
        tolerance_months=min(s.tolerance_months for s in chosen),
        min_councils=max(s.min_councils for s in chosen),
    )


# --------------------------------------------------------------------------------------------
# the engine
# --------------------------------------------------------------------------------------------


def find_opportunities(
    items: Iterable[RenewalItem],
    *,
    as_of: date,
    settings: Mapping[str, CategorySettings],
    compatible: Mapping[str, Iterable[str]] = _NO_COMPATIBLE,
    default_settings: CategorySettings = DEFAULT_SETTINGS,
    on_excluded: Callable[[RenewalItem, str], None] | None = None,
) -> Iterator[Opportunity]:
    """Yield every opportunity (maximal aligned set), one at a time.

    ``items`` is consumed once, when the first opportunity is requested. ``on_excluded``, if
    given, is called for every item left out, with :data:`NO_END_DATE` (a data-quality gap),
    :data:`NOT_INTERESTED` or :data:`EXPIRED`. Groups are processed in order of group key;
    within a group opportunities come in order of window end. Runs in O(n log n + output)
    per group; see the module docstring for the rules and the algorithm.
    """
    as_of = _as_date(as_of)
    by_category: dict[str, list[tuple[date, date | None, RenewalItem]]] = {}
    for item in items:
        end = item.end_date
        if end is None:
            if on_excluded is not None:
                on_excluded(item, NO_END_DATE)
            continue
        if _is_no(item.collaboration_interest):
            if on_excluded is not None:
                on_excluded(item, NOT_INTERESTED)
            continue
        bucket = by_category.get(item.category)
        if bucket is None:
            bucket = by_category[item.category] = []
        bucket.append((end, item.max_end_date, item))

    groups = category_groups(by_category, compatible)
    for group_key in sorted(groups):
        members = groups[group_key]
        combined = group_settings(members, settings, default_settings)
        yield from _sweep_group(group_key, members, by_category, combined, as_of, on_excluded)


def _sweep_group(
    group_key: str,
    categories: list[str],
    by_category: dict[str, list[tuple[date, date | None, RenewalItem]]],
    combined: CategorySettings,
    as_of: date,
    on_excluded: Callable[[RenewalItem, str], None] | None,
) -> Iterator[Opportunity]:
    """Maximal cliques of one group's interval graph with enough councils (see module doc)."""
    tolerance = combined.tolerance_months
    lead = combined.lead_time_months
    min_councils = combined.min_councils
    as_of_ord = as_of.toordinal()

    # (start, end, source, source_id, item): windows as day ordinals, identity as tie-break
    # so the order (and hence the output order) does not depend on the input order.
    windows: list[tuple[int, int, str, str, RenewalItem]] = []
    for category in categories:
        rows = by_category.pop(category)  # release as we go
        for end, max_end, item in rows:
            end = _as_date(end)
            max_end = end if max_end is None else _as_date(max_end)
            if max_end < end:
                max_end = end
            stretched = _shift(max_end, tolerance).toordinal()
            if stretched < as_of_ord:
                if on_excluded is not None:
                    on_excluded(item, EXPIRED)
                continue
            start = end.toordinal()
            if start < as_of_ord:
                start = as_of_ord
            windows.append((start, stretched, str(item.source), str(item.source_id), item))
        del rows
    if not windows:
        return
    windows.sort(key=lambda w: (w[0], w[1], w[2], w[3]))
    n = len(windows)
    # Compact per-item columns (machine ints in arrays; the items themselves by reference).
    starts = array("l", [w[0] for w in windows])
    ends = array("l", [w[1] for w in windows])
    items = [w[4] for w in windows]
    # Identity order: opportunity keys hash the members' identities in this order.
    identities = [(w[2], w[3]) for w in windows]
    del windows
    by_identity = sorted(range(n), key=identities.__getitem__)
    identity_bytes = [_identity_bytes(*identities[k]) for k in by_identity]
    identity_rank = array("l", [0]) * n
    for rank, k in enumerate(by_identity):
        identity_rank[k] = rank
    del by_identity, identities
    # Member order: council, end date, source, source_id.
    member_rank = array("l", [0]) * n
    for rank, k in enumerate(sorted(range(n), key=lambda k: _member_order(items[k]))):
        member_rank[k] = rank
    council_ids: dict[str, int] = {}
    council_of = array(
        "l", [council_ids.setdefault(it.council_code, len(council_ids)) for it in items]
    )
    council_names = list(council_ids)
    confirmed = bytearray(1 if _is_yes(it.collaboration_interest) else 0 for it in items)
    values = [None if it.value is None else _decimal(it.value) for it in items]
    end_order = sorted(range(n), key=ends.__getitem__)  # stable: ties by start order

    group = _Group(
        key=group_key,
        key_bytes=group_key.encode("utf-8", "surrogatepass"),
        categories=tuple(categories) if len(categories) == 1 else None,
        lead=lead,
        tolerance=tolerance,
        as_of=as_of,
        items=items,
        member_rank=member_rank,
        identity_rank=identity_rank,
        identity_bytes=identity_bytes,
        council_of=council_of,
        council_names=council_names,
        confirmed=confirmed,
        values=values,
    )
    active: dict[int, None] = {}  # insertion-ordered set with O(1) removal
    per_council = [0] * len(council_ids)
    distinct = 0
    j = 0  # next start event
    for i in end_order:
        x = ends[i]
        grown = False
        while j < n and starts[j] <= x:  # starts before ends on the same date
            active[j] = None
            c = council_of[j]
            if per_council[c] == 0:
                distinct += 1
            per_council[c] += 1
            j += 1
            grown = True
        if grown and distinct >= min_councils:
            yield group.opportunity(active, starts[j - 1], x)
        del active[i]
        c = council_of[i]
        per_council[c] -= 1
        if per_council[c] == 0:
            distinct -= 1


def _identity_bytes(source: str, source_id: str) -> bytes:
    return f"{source}\x1f{source_id}".encode("utf-8", "surrogatepass")


def _member_order(item: RenewalItem) -> tuple[str, date, str, str]:
    return (item.council_code, _as_date(item.end_date), str(item.source), str(item.source_id))  # type: ignore[arg-type]


@dataclass
class _Group:
    """Per-group columns and settings needed to build an :class:`Opportunity` from a clique.

    Everything per member is precomputed once per item (ranks, identity bytes, interest flag,
    Decimal value), so building an opportunity costs O(k log k) C-level work for k members.
    """

    key: str
    key_bytes: bytes
    categories: tuple[str, ...] | None  # None: several categories, compute per opportunity
    lead: int
    tolerance: int
    as_of: date
    items: list[RenewalItem]
    member_rank: array
    identity_rank: array
    identity_bytes: list[bytes]
    council_of: array
    council_names: list[str]
    confirmed: bytearray
    values: list[Decimal | None]

    def opportunity(self, active: Iterable[int], start: int, end: int) -> Opportunity:
        order = sorted(active, key=self.member_rank.__getitem__)
        items = self.items
        members = tuple(map(items.__getitem__, order))
        council_of = self.council_of
        names = self.council_names
        councils = tuple(map(names.__getitem__, dict.fromkeys(map(council_of.__getitem__, order))))
        confirmed = self.confirmed
        unconfirmed = tuple(
            names[c] for c in dict.fromkeys(council_of[k] for k in order if not confirmed[k])
        )
        values = self.values
        total = sum((v for v in map(values.__getitem__, order) if v is not None), start=Decimal(0))
        ranks = sorted(map(self.identity_rank.__getitem__, order))
        digest = hashlib.sha1(
            self.key_bytes + b"\x1e" + b"\x1e".join(map(self.identity_bytes.__getitem__, ranks)),
            usedforsecurity=False,
        ).hexdigest()[:16]
        categories = self.categories
        if categories is None:
            categories = tuple(sorted({m.category for m in members}))
        joint_start = date.fromordinal(start)
        deadline = _shift(joint_start, -self.lead)
        return Opportunity(
            key=digest,
            category=self.key,
            categories=categories,
            members=members,
            councils=councils,  # members are sorted by council already
            joint_start=joint_start,
            window_end=date.fromordinal(end),
            decision_deadline=deadline,
            overdue=deadline < self.as_of,
            total_value=total,
            unconfirmed_councils=unconfirmed,
            lead_time_months=self.lead,
            tolerance_months=self.tolerance,
        )
