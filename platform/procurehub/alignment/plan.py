"""The tender plan: which joint tenders to run, and when each must start (DESIGN §3).

Opportunities (:mod:`procurehub.alignment.engine`) are every maximal set of renewals that could
be tendered together; they overlap, and some can no longer be acted on. The plan answers the
coordinator's question instead: put every renewal in **at most one** joint tender (a *wave*)
that can still be started, or say why it stands alone. Pure Python, like the engine, so a web
request, a CLI command, a job or a benchmark can run it on any iterable of
:class:`~procurehub.plugins.RenewalItem`.

Which items take part
---------------------
The same as for opportunities, with the same category groups and group settings (lead time
L = the largest member lead time, tolerance T = the smallest, minimum councils = the largest;
both come from the engine, so the two never disagree):

* no ``end_date``: a data-quality gap (:attr:`TenderPlan.gaps`), not part of the plan, whatever
  the council's interest;
* ``collaboration_interest == "no"`` (any case or spacing): left out;
* everything else is planned: in a wave, or alone with a reason.

Feasible window
---------------
An item's stretched renewal window is ``[s, e]`` with ``s = max(end_date, as_of)`` and
``e = max(max_end_date, end_date) + T months``. A joint tender started today delivers a
successor no earlier than ``as_of + L months``, so the **feasible window** is
``[max(s, as_of + L), e]``. When it is empty the item is alone as :data:`TOO_LATE` (this
includes items whose stretched end has already passed).

The sweep (greedy, per category group)
--------------------------------------
Repeat until no item is left: take the remaining item with the earliest feasible end ``p``
(ties: feasible start, council code, reference, then ``(source, source_id)``, so every run and
every input order gives the same plan). Every remaining item has a feasible end ``>= p``, so
the remaining items whose feasible windows contain ``p`` are exactly the remaining items whose
feasible start is ``<= p``: the largest set that can share a date with the chosen item. If they
come from at least the group's minimum number of councils they all form a wave; otherwise the
chosen item alone leaves, as :data:`NO_PARTNER`. A wave's **joint start** is its latest member
feasible start, its **window end** is ``p`` (the earliest member feasible end), its **decision
deadline** is joint start − L.

The deadline is never before ``as_of``: joint start ``>= as_of + L`` and months are added with
end-of-month clamping, so ``(as_of + L) − L`` is ``as_of`` except at a month end, where it can
fall up to three days earlier (31 January + 1 month = 28 February, − 1 month = 28 January). A
tender started on ``as_of`` still delivers by ``as_of + L``, so the deadline is then ``as_of``
itself.

Why O(n log n)
--------------
``p`` never decreases (it is the next feasible end in one fixed sort order), so the set of
remaining items with feasible start ``<= p`` only grows by a pointer walking the items sorted
by feasible start, and shrinks when items are placed. It is kept as an insertion-ordered dict
(O(1) insert and delete) with a per-council counter, so the number of distinct councils is
known in O(1) at every turn. Each item is sorted twice (by end key, by start), enters the open
set once and leaves it once; a wave costs O(k log k) to order its k members, and the k sum to
at most n. Total: O(n log n), never a comparison of all pairs. Advice costs O(log w) per alone
item (a binary search over the group's w waves by joint start).

Advice
------
For an item left alone, the shortest interim extension **beyond the item's latest end**
(``max(max_end_date, end_date)``, in whole months, added the hub's way) that lets it join a
wave of the plan: the smallest ``m >= 1`` with ``latest end + m months >= joint start`` of a
wave of its group whose joint start is after the item's stretched end. Such a wave's joint
start is at or after the item's feasible start, and at or before the wave's window end, so the
extended item can start with the wave on its joint start without moving it. Months needed grow
with the joint start, so the wave with the earliest such joint start needs the fewest (ties:
the wave id). Because the tolerance T is already assumed for everyone, ``m`` is always more
than T: it is the extension the council has to arrange. Waves earlier in the sweep cannot be
joined by extending (the item's feasible start is after their window end), and for a
:data:`NO_PARTNER` item every later wave's joint start is after its end (otherwise the sweep
would have put it in that wave), so these are exactly the waves an extension can reach.

Identity
--------
:attr:`Wave.id` is :func:`~procurehub.alignment.engine.opportunity_key` of the group key and
the members: the same members give the same id in every run and for every input order.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Shared with the engine on purpose, so windows, interest and values mean the same thing in
# opportunities and in the plan. Month arithmetic goes through the engine's one saturating
# wrapper of ``add_months``; this module does not import ``add_months`` itself.
from procurehub.alignment.engine import (
    DEFAULT_SETTINGS,
    CategorySettings,
    _as_date,
    _decimal,
    _is_no,
    _shift,
    category_groups,
    group_settings,
    opportunity_key,
)
from procurehub.plugins import RenewalItem

__all__ = [
    "NO_PARTNER",
    "TOO_LATE",
    "AloneItem",
    "TenderPlan",
    "TenderPlanError",
    "Wave",
    "build_tender_plan",
    "earliest_joint_start",
    "plan_json",
]

#: Reasons an item stands alone in the plan (DESIGN §4 vocabulary).
NO_PARTNER = "no_partner"
TOO_LATE = "too_late"

#: ``RenewalItem.source`` values -> the ``source`` vocabulary of the plan's JSON.
_JSON_SOURCE = {"contract": "contract", "vehicle": "vehicles", "vehicles": "vehicles"}


#: An alone item before advice: (item, reason, latest end, stretched end).
_Alone = tuple[RenewalItem, str, date, date]


class TenderPlanError(ValueError):
    """The plan's input cannot be planned as given; the message says what to fix."""


@dataclass(frozen=True)
class Wave:
    """One joint tender of the plan.

    - ``id``: stable key (16 hex digits of SHA-1 over the group key and the members).
    - ``category``: the category group's key (its smallest category).
    - ``councils``: distinct council codes, sorted.
    - ``items``: the members, ordered by council code, then reference, then identity.
    - ``joint_start``: latest member feasible start: the earliest date they can all start.
    - ``decision_deadline``: ``joint_start`` − lead time, never before the plan's as-of date.
    - ``window_end``: earliest member feasible end: the last date they can all start.
    - ``total_value``: sum of the members' known values; ``None`` when none is known.
    - ``lead_time_months``: the group's lead time used.
    """

    id: str
    category: str
    councils: tuple[str, ...]
    items: tuple[RenewalItem, ...]
    joint_start: date
    decision_deadline: date
    window_end: date
    total_value: Decimal | None
    lead_time_months: int


@dataclass(frozen=True)
class AloneItem:
    """An item the plan cannot put in a wave.

    ``reason`` is :data:`NO_PARTNER` or :data:`TOO_LATE`. ``advice`` is a sentence for the
    coordinator, or ``None`` when no wave of the plan can be reached by an extension; when
    there is advice, ``extension_months`` and ``advised_wave_id`` give its figures so a page
    can link to the wave.
    """

    item: RenewalItem
    category: str
    reason: str
    advice: str | None
    extension_months: int | None = None
    advised_wave_id: str | None = None


@dataclass(frozen=True)
class TenderPlan:
    """The plan as of a date.

    ``waves`` are sorted by decision deadline, joint start, id (what to act on first comes
    first); ``alone`` by category group, council code, reference; ``gaps`` are the items with
    no end date (sorted by council code, reference), which cannot be planned.
    """

    as_of: date
    waves: tuple[Wave, ...]
    alone: tuple[AloneItem, ...]
    gaps: tuple[RenewalItem, ...]

    @property
    def gap_count(self) -> int:
        return len(self.gaps)


# --------------------------------------------------------------------------------------------
# building the plan
# --------------------------------------------------------------------------------------------


def build_tender_plan(
    items: Iterable[RenewalItem],
    as_of: date,
    settings: Mapping[str, CategorySettings],
    compatible: Mapping[str, Iterable[str]] | None = None,
    default_settings: CategorySettings = DEFAULT_SETTINGS,
    *,
    council_names: Mapping[str, str] | None = None,
) -> TenderPlan:
    """The tender plan of ``items`` as of ``as_of`` (rules and algorithm: module docstring).

    ``settings`` maps category keys to their settings (others use ``default_settings``);
    ``compatible`` maps a category to the categories it may be tendered with (made symmetric
    and transitive, as for opportunities). ``council_names`` (code -> name) is used only for
    the advice text, which names councils by code when it is not given. ``items`` is read
    once. Raises :class:`TenderPlanError` for input that cannot be planned (an as-of that is
    not a date, settings that are not :class:`CategorySettings`, a category's compatible
    categories given as one string, an end date that is not a date, the same
    ``(source, source_id)`` twice).
    """
    as_of = _checked_as_of(as_of)
    _check_settings(settings, default_settings)
    compatible = _checked_compatible(compatible)
    names = council_names or {}

    by_category: dict[str, list[RenewalItem]] = {}
    gaps: list[RenewalItem] = []
    seen: set[tuple[str, str]] = set()
    for item in items:
        identity = (str(item.source), str(item.source_id))
        if identity in seen:
            raise TenderPlanError(
                f"{item.source} {item.source_id} appears twice in the renewal items; each "
                "contract, vehicle or system can be planned only once"
            )
        seen.add(identity)
        if item.end_date is None:
            gaps.append(item)
            continue
        _check_dates(item)
        if _is_no(item.collaboration_interest):
            continue
        by_category.setdefault(item.category, []).append(item)
    del seen

    waves: list[Wave] = []
    alone: list[AloneItem] = []
    groups = category_groups(by_category, compatible)
    for group_key in sorted(groups):
        members = groups[group_key]
        combined = group_settings(members, settings, default_settings)
        group_items = [it for c in members for it in by_category.pop(c)]
        group_waves, group_alone = _plan_group(group_key, group_items, combined, as_of)
        alone.extend(_advise(group_alone, group_waves, group_key, names))
        waves.extend(group_waves)

    waves.sort(key=lambda w: (w.decision_deadline, w.joint_start, w.id))
    alone.sort(key=lambda a: (a.category, *_item_order(a.item)))
    gaps.sort(key=_item_order)
    return TenderPlan(as_of=as_of, waves=tuple(waves), alone=tuple(alone), gaps=tuple(gaps))


def _plan_group(
    group_key: str, items: list[RenewalItem], combined: CategorySettings, as_of: date
) -> tuple[list[Wave], list[_Alone]]:
    """The greedy sweep of one category group: its waves (in sweep order) and alone items."""
    lead = combined.lead_time_months
    tolerance = combined.tolerance_months
    min_councils = combined.min_councils
    # A tender started today delivers from here. It is never before as_of, so it also covers
    # "a window that has already begun starts at as_of": max(s, as_of + L) = max(end, as_of + L).
    earliest = _shift(as_of, lead).toordinal()

    alone: list[_Alone] = []
    planned: list[RenewalItem] = []
    starts: list[int] = []
    ends: list[int] = []
    latest_ends: list[date] = []
    for item in items:
        end = _as_date(item.end_date)  # type: ignore[arg-type]  # gaps were taken out
        latest = end if item.max_end_date is None else _as_date(item.max_end_date)
        if latest < end:
            latest = end
        stretched = _shift(latest, tolerance).toordinal()
        start = max(end.toordinal(), earliest)
        if start > stretched:
            alone.append((item, TOO_LATE, latest, date.fromordinal(stretched)))
            continue
        planned.append(item)
        starts.append(start)
        ends.append(stretched)
        latest_ends.append(latest)

    n = len(planned)
    council_ids: dict[str, int] = {}
    council_of = [council_ids.setdefault(it.council_code, len(council_ids)) for it in planned]
    # The turn order: feasible end, feasible start, council, reference, identity.
    end_order = sorted(range(n), key=lambda k: (ends[k], starts[k], *_item_order(planned[k])))
    start_order = sorted(range(n), key=starts.__getitem__)

    waves: list[Wave] = []
    open_items: dict[int, None] = {}  # remaining items with feasible start <= p
    per_council = [0] * len(council_ids)
    distinct = 0
    placed = bytearray(n)
    j = 0
    for chosen in end_order:
        if placed[chosen]:
            continue
        p = ends[chosen]
        while j < n and starts[start_order[j]] <= p:
            k = start_order[j]
            j += 1
            open_items[k] = None
            c = council_of[k]
            if per_council[c] == 0:
                distinct += 1
            per_council[c] += 1
        # the chosen item is open: its feasible start is <= its own end p
        if distinct >= min_councils:
            group = list(open_items)
            open_items.clear()
            for k in group:
                placed[k] = 1
                per_council[council_of[k]] = 0
            distinct = 0
            waves.append(
                _wave(
                    group_key,
                    [planned[k] for k in group],
                    joint_start=date.fromordinal(max(starts[k] for k in group)),
                    window_end=date.fromordinal(p),
                    lead=lead,
                    as_of=as_of,
                )
            )
        else:
            del open_items[chosen]
            placed[chosen] = 1
            c = council_of[chosen]
            per_council[c] -= 1
            if per_council[c] == 0:
                distinct -= 1
            alone.append((planned[chosen], NO_PARTNER, latest_ends[chosen], date.fromordinal(p)))
    return waves, alone


def _wave(
    group_key: str,
    members: list[RenewalItem],
    *,
    joint_start: date,
    window_end: date,
    lead: int,
    as_of: date,
) -> Wave:
    members.sort(key=_item_order)
    # Month-end clamping can put (as_of + L) - L a few days before as_of: see module doc.
    deadline = max(_shift(joint_start, -lead), as_of)
    assert as_of <= deadline <= joint_start <= window_end, "the sweep broke its own rule"
    values = [v for v in (_decimal(m.value) for m in members) if v is not None]
    return Wave(
        id=opportunity_key(group_key, members),
        category=group_key,
        councils=tuple(sorted({m.council_code for m in members})),
        items=tuple(members),
        joint_start=joint_start,
        decision_deadline=deadline,
        window_end=window_end,
        total_value=sum(values, start=Decimal(0)) if values else None,
        lead_time_months=lead,
    )


# --------------------------------------------------------------------------------------------
# an overdue opportunity: what is still possible for the same councils
# --------------------------------------------------------------------------------------------


def earliest_joint_start(
    items: Iterable[RenewalItem],
    as_of: date,
    settings: CategorySettings,
    councils: Iterable[str] | None = None,
) -> date | None:
    """The earliest date on which every one of ``councils`` still has an item that a joint
    tender started on ``as_of`` could replace; ``None`` when the window has closed.

    For an opportunity whose decision deadline has passed: its members' feasible windows
    (as in the plan: ``[max(end, as_of + L), max end + T]``) say whether the same councils
    can still tender together, and from when. A council with several items needs only one of
    them on that date. ``councils`` defaults to the items' councils. Items with no end date
    or whose council said "no" cannot take part. The tender must then start by
    ``max(date − L, as_of)``: in practice now.
    """
    as_of = _checked_as_of(as_of)
    if not isinstance(settings, CategorySettings):
        raise TenderPlanError(f"settings must be CategorySettings, not {settings!r}")
    earliest = _shift(as_of, settings.lead_time_months)
    windows: list[tuple[date, date, str]] = []
    seen: set[str] = set()
    for item in items:
        seen.add(item.council_code)
        if item.end_date is None or _is_no(item.collaboration_interest):
            continue
        _check_dates(item)
        end = _as_date(item.end_date)
        latest = end if item.max_end_date is None else max(end, _as_date(item.max_end_date))
        stretched = _shift(latest, settings.tolerance_months)
        start = max(end, earliest)
        if start <= stretched:
            windows.append((start, stretched, item.council_code))
    needed = set(seen if councils is None else councils)
    if not needed:
        return None
    # Coverage of every council can only begin where some window begins: try those in order.
    for candidate in sorted({start for start, _, _ in windows}):
        covered = {c for start, end, c in windows if start <= candidate <= end}
        if needed <= covered:
            return candidate
    return None


# --------------------------------------------------------------------------------------------
# advice
# --------------------------------------------------------------------------------------------


def _advise(
    alone: list[_Alone],
    waves: list[Wave],
    group_key: str,
    names: Mapping[str, str],
) -> Iterable[AloneItem]:
    """Alone items of one group, each with the extension that reaches the nearest wave."""
    by_start = sorted(waves, key=lambda w: (w.joint_start, w.id))
    joint_starts = [w.joint_start for w in by_start]
    for item, reason, latest, stretched_end in alone:
        advice = months = wave_id = None
        i = bisect.bisect_right(joint_starts, stretched_end)
        if i < len(by_start):
            wave = by_start[i]
            months = _months_to_reach(latest, wave.joint_start)
            wave_id = wave.id
            advice = _advice_text(months, wave, item.council_code, names)
        yield AloneItem(
            item=item,
            category=group_key,
            reason=reason,
            advice=advice,
            extension_months=months,
            advised_wave_id=wave_id,
        )


def _months_to_reach(latest: date, joint_start: date) -> int:
    """Smallest whole ``m >= 1`` with ``latest + m months >= joint_start``."""
    m = max(1, (joint_start.year - latest.year) * 12 + joint_start.month - latest.month)
    while _shift(latest, m) < joint_start:
        m += 1
    while m > 1 and _shift(latest, m - 1) >= joint_start:
        m -= 1
    return m


def _advice_text(months: int, wave: Wave, own_council: str, names: Mapping[str, str]) -> str:
    unit = "month" if months == 1 else "months"
    text = f"an interim extension of {months} {unit} would let it join the "
    text += f"{wave.joint_start.year} wave"
    others = sorted(names.get(c, c) for c in wave.councils if c != own_council)
    if others:
        text += " with " + _and_list(others)
    return text


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --------------------------------------------------------------------------------------------
# JSON (DESIGN §4 `procurehub alignment plan --json`)
# --------------------------------------------------------------------------------------------


def plan_json(plan: TenderPlan) -> dict[str, Any]:
    """The plan in DESIGN §4's shape: ISO dates, ``total_value`` a number or ``null``."""
    return {
        "as_of": plan.as_of.isoformat(),
        "waves": [
            {
                "id": w.id,
                "category": w.category,
                "councils": list(w.councils),
                "items": [_item_json(it) for it in w.items],
                "joint_start": w.joint_start.isoformat(),
                "decision_deadline": w.decision_deadline.isoformat(),
                "window_end": w.window_end.isoformat(),
                "total_value": _number(w.total_value),
            }
            for w in plan.waves
        ],
        "alone": [
            {
                **_item_json(a.item),
                "category": a.category,
                "reason": a.reason,
                "advice": a.advice,
            }
            for a in plan.alone
        ],
    }


def _item_json(item: RenewalItem) -> dict[str, Any]:
    source = str(item.source)
    return {
        "source": _JSON_SOURCE.get(source, source),
        "council_code": item.council_code,
        "reference": item.reference,
    }


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# --------------------------------------------------------------------------------------------
# ordering and input checks
# --------------------------------------------------------------------------------------------


def _item_order(item: RenewalItem) -> tuple[str, str, str, str]:
    """Council code, reference, then identity: the order people read, made total."""
    return (item.council_code, item.reference or "", str(item.source), str(item.source_id))


def _checked_as_of(as_of: Any) -> date:
    if not isinstance(as_of, date):
        raise TenderPlanError(f"as_of must be a date, not {as_of!r}")
    return _as_date(as_of)


def _check_settings(
    settings: Mapping[str, CategorySettings], default_settings: CategorySettings
) -> None:
    if not isinstance(default_settings, CategorySettings):
        raise TenderPlanError(
            f"default_settings must be CategorySettings, not {default_settings!r}"
        )
    for key, value in settings.items():
        if not isinstance(value, CategorySettings):
            raise TenderPlanError(
                f"settings for category {key!r} must be CategorySettings, not {value!r}"
            )


def _checked_compatible(
    compatible: Mapping[str, Iterable[str]] | None,
) -> Mapping[str, Iterable[str]]:
    if compatible is None:
        return {}
    for key, others in compatible.items():
        if isinstance(others, str):
            raise TenderPlanError(
                f"compatible categories of {key!r} must be a list of category keys, "
                f"not the single string {others!r}"
            )
    return compatible


def _check_dates(item: RenewalItem) -> None:
    for field in ("end_date", "max_end_date"):
        value = getattr(item, field)
        if value is not None and not isinstance(value, (date, datetime)):
            raise TenderPlanError(
                f"{item.source} {item.source_id} (council {item.council_code}): {field} "
                f"must be a date, not {value!r}"
            )
