"""Tests of the renewal-alignment engine (procurehub.alignment.engine).

The property test checks the sweep against a brute-force oracle. The oracle, per category
group (groups computed independently with a naive transitive closure over the categories
present), takes the alignable items (end date known, interest not "no", stretched end not
before as-of), enumerates EVERY non-empty subset, keeps the subsets whose stretched windows
have a common date (max start <= min end) - the cliques - then keeps the cliques that are not
a proper subset of another clique (maximality over all cliques, regardless of councils) and
only then drops those with fewer than min_councils distinct councils. That is exactly the
definition the engine documents.
"""

from __future__ import annotations

import inspect
import itertools
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurehub.alignment.engine import (
    EXPIRED,
    NO_END_DATE,
    NOT_INTERESTED,
    CategorySettings,
    Opportunity,
    data_quality_gaps,
    find_opportunities,
    opportunity_key,
    renewal_window,
)
from procurehub.plugins import RenewalItem
from procurehub.renewal_dates import add_months

AS_OF = date(2025, 1, 1)
RESIDUAL = "waste.residual_treatment"
FLEET_FMS = "fleet.fleet_management_system"
DIGITAL_FMS = "digital.fleet_management_system"

_ids = itertools.count(1)


def item(
    council: str,
    end: date | None,
    max_end: date | None = None,
    *,
    category: str = RESIDUAL,
    interest: str = "unknown",
    value: object = None,
    source: str = "contract",
    source_id: int | None = None,
) -> RenewalItem:
    return RenewalItem(
        source=source,
        source_id=next(_ids) if source_id is None else source_id,
        council_code=council,
        category=category,
        end_date=end,
        max_end_date=max_end,
        collaboration_interest=interest,
        value=value,
    )


def run(items, **kwargs) -> list[Opportunity]:
    kwargs.setdefault("as_of", AS_OF)
    kwargs.setdefault("settings", {})
    return list(find_opportunities(items, **kwargs))


def ids(opp: Opportunity) -> frozenset[tuple[str, int]]:
    return frozenset((m.source, m.source_id) for m in opp.members)


# --------------------------------------------------------------------------------------------
# brute-force oracle
# --------------------------------------------------------------------------------------------


def oracle_groups(categories: set[str], compatible: dict[str, set[str]]) -> list[set[str]]:
    """Connected components of the compatibility graph on the present categories (naive)."""
    groups = [{c} for c in categories]
    changed = True
    while changed:
        changed = False
        for a, b in itertools.combinations(range(len(groups)), 2):
            linked = any(
                y in compatible.get(x, ()) or x in compatible.get(y, ())
                for x in groups[a]
                for y in groups[b]
            )
            if linked:
                groups[a] |= groups.pop(b)
                changed = True
                break
    return groups


def oracle(items, *, as_of, settings_map, compatible, default):
    """Every maximal clique (with >= min councils) as (member ids, joint start, window end)."""
    alignable = [
        it for it in items if it.end_date is not None and it.collaboration_interest != "no"
    ]
    result = set()
    for group in oracle_groups({it.category for it in alignable}, compatible):
        chosen = [settings_map.get(c, default) for c in group]
        tol = min(s.tolerance_months for s in chosen)
        lead = max(s.lead_time_months for s in chosen)
        min_c = max(s.min_councils for s in chosen)
        windows = {}
        for it in alignable:
            if it.category not in group:
                continue
            last = max(it.max_end_date or it.end_date, it.end_date)
            stretched = add_months(last, tol)
            if stretched < as_of:
                continue
            windows[it] = (max(it.end_date, as_of), stretched)
        members = list(windows)
        cliques = []
        for r in range(1, len(members) + 1):
            for subset in itertools.combinations(members, r):
                if max(windows[m][0] for m in subset) <= min(windows[m][1] for m in subset):
                    cliques.append(frozenset(subset))
        for c in cliques:
            if any(c < other for other in cliques):
                continue
            if len({m.council_code for m in c}) < min_c:
                continue
            start = max(windows[m][0] for m in c)
            result.add(
                (
                    frozenset((m.source, m.source_id) for m in c),
                    start,
                    min(windows[m][1] for m in c),
                    add_months(start, -lead),
                )
            )
    return result


_day0 = date(2023, 1, 1)


@st.composite
def scenarios(draw):
    n = draw(st.integers(0, 9))
    councils = ["C1", "C2", "C3"][: draw(st.integers(1, 3))]
    categories = ["cat.a", "cat.b"][: draw(st.integers(1, 2))]
    items = []
    for i in range(n):
        has_end = draw(st.booleans()) or draw(st.booleans())  # mostly known
        end = _day0 + timedelta(days=draw(st.integers(0, 5 * 365))) if has_end else None
        max_end = None
        if end is not None and draw(st.booleans()):
            max_end = add_months(end, draw(st.integers(0, 36)))
        items.append(
            RenewalItem(
                source=draw(st.sampled_from(["contract", "vehicle"])),
                source_id=i,
                council_code=draw(st.sampled_from(councils)),
                category=draw(st.sampled_from(categories)),
                end_date=end,
                max_end_date=max_end,
                collaboration_interest=draw(st.sampled_from(["yes", "no", "maybe", "unknown"])),
            )
        )
    settings_map = {
        c: CategorySettings(
            lead_time_months=draw(st.integers(0, 36)),
            tolerance_months=draw(st.integers(0, 9)),
            min_councils=draw(st.integers(1, 3)),
        )
        for c in categories
        if draw(st.booleans())
    }
    compatible = {"cat.a": {"cat.b"}} if draw(st.booleans()) else {}
    default = CategorySettings(
        lead_time_months=draw(st.integers(0, 36)),
        tolerance_months=draw(st.integers(0, 9)),
        min_councils=draw(st.integers(1, 3)),
    )
    return items, settings_map, compatible, default


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_sweep_finds_exactly_the_maximal_sets_of_the_brute_force_oracle(scenario):
    items, settings_map, compatible, default = scenario
    as_of = date(2025, 6, 15)
    got = list(
        find_opportunities(
            iter(items),
            as_of=as_of,
            settings=settings_map,
            compatible=compatible,
            default_settings=default,
        )
    )
    found = [(ids(o), o.joint_start, o.window_end, o.decision_deadline) for o in got]
    assert len(found) == len(set(found)), "an opportunity was emitted twice"
    assert set(found) == oracle(
        items, as_of=as_of, settings_map=settings_map, compatible=compatible, default=default
    )
    for o in got:
        assert o.overdue == (o.decision_deadline < as_of)
        assert o.joint_start <= o.window_end
        assert o.councils == tuple(sorted({m.council_code for m in o.members}))
        assert o.key == opportunity_key(o.category, reversed(o.members))


# --------------------------------------------------------------------------------------------
# hand-made scenarios
# --------------------------------------------------------------------------------------------

RESIDUAL_SETTINGS = {RESIDUAL: CategorySettings(lead_time_months=36)}


def test_extension_options_enable_alignment():
    a = item("A", date(2027, 3, 31), date(2029, 3, 31), value=Decimal("1000000.00"))
    b = item("B", date(2028, 6, 30), value=250000)
    c = item("C", date(2028, 6, 30), interest="yes")  # same council twice is fine
    c2 = item("C", date(2028, 7, 31), interest="yes", value=None)
    (opp,) = run([a, b, c, c2], settings=RESIDUAL_SETTINGS)
    assert ids(opp) == ids_of(a, b, c, c2)
    assert opp.category == RESIDUAL
    assert opp.categories == (RESIDUAL,)
    assert opp.councils == ("A", "B", "C")
    assert [m.council_code for m in opp.members] == ["A", "B", "C", "C"]
    assert opp.members[2:] == (c, c2)  # council, then end date
    assert opp.joint_start == date(2028, 7, 31)
    assert opp.window_end == date(2028, 12, 30)  # B: 30 June 2028 + 6 months (day kept)
    assert opp.decision_deadline == date(2025, 7, 31)  # joint start - 36 months
    assert opp.overdue is False
    assert opp.total_value == Decimal("1250000.00")
    assert opp.unconfirmed_councils == ("A", "B")
    assert not opp.confirmed
    assert opp.lead_time_months == 36 and opp.tolerance_months == 6


def test_extension_example_from_brief():
    a = item("A", date(2027, 3, 31), date(2029, 3, 31))
    b = item("B", date(2028, 6, 30))
    (opp,) = run([a, b], settings=RESIDUAL_SETTINGS)
    assert opp.joint_start == date(2028, 6, 30)
    assert opp.decision_deadline == date(2025, 6, 30)


def test_without_extension_the_same_contracts_do_not_align():
    a = item("A", date(2027, 3, 31))
    b = item("B", date(2028, 6, 30))
    assert run([a, b], settings=RESIDUAL_SETTINGS) == []


def ids_of(*items: RenewalItem) -> frozenset[tuple[str, int]]:
    return frozenset((i.source, i.source_id) for i in items)


def test_tolerance_bridges_a_three_month_gap_but_not_nine_months():
    a = item("A", date(2027, 3, 31))
    b = item("B", date(2027, 6, 30))
    (opp,) = run([a, b])
    assert opp.joint_start == date(2027, 6, 30)
    assert opp.window_end == date(2027, 9, 30)  # 31 March + 6 months, clamped
    far = item("B", date(2027, 12, 31))
    assert run([a, far]) == []
    # a tolerance of 9 months bridges it
    nine = {RESIDUAL: CategorySettings(tolerance_months=9)}
    (opp,) = run([a, far], settings=nine)
    assert opp.joint_start == date(2027, 12, 31)


def test_windows_touching_on_one_day_share_it():
    a = item("A", date(2027, 3, 31))
    b = item("B", date(2027, 9, 30))  # exactly A's end + 6 months
    (opp,) = run([a, b])
    assert opp.joint_start == opp.window_end == date(2027, 9, 30)
    assert run([a, item("B", date(2027, 10, 1))]) == []


def test_collaboration_interest_no_is_left_out():
    a = item("A", date(2027, 3, 31))
    b = item("B", date(2027, 4, 30), interest="no")
    c = item("C", date(2027, 5, 31), interest="maybe")
    excluded = []
    (opp,) = run([a, b, c], on_excluded=lambda i, why: excluded.append((i, why)))
    assert ids(opp) == ids_of(a, c)
    assert opp.unconfirmed_councils == ("A", "C")
    assert excluded == [(b, NOT_INTERESTED)]
    assert run([a, b]) == []


def test_overdue_decision_deadline_is_flagged():
    a = item("A", date(2026, 3, 31))
    b = item("B", date(2026, 5, 31))
    (opp,) = run([a, b], settings=RESIDUAL_SETTINGS)
    assert opp.decision_deadline == date(2023, 5, 31)
    assert opp.overdue is True
    (opp,) = run([a, b], settings={RESIDUAL: CategorySettings(lead_time_months=12)})
    assert opp.decision_deadline == date(2025, 5, 31)
    assert opp.overdue is False


def test_window_already_begun_starts_at_as_of():
    # ended in 2024, extensions to 2026: the window has begun
    a = item("A", date(2024, 3, 31), date(2026, 3, 31))
    b = item("B", date(2024, 6, 30), date(2025, 12, 31))
    (opp,) = run([a, b])
    assert opp.joint_start == AS_OF
    assert opp.window_end == date(2026, 6, 30)
    assert opp.overdue is True  # a tender should have started already
    assert renewal_window(a, as_of=AS_OF, tolerance_months=6) == (AS_OF, date(2026, 9, 30))


def test_expired_items_are_left_out_but_tolerance_keeps_them_briefly():
    gone = item("A", date(2023, 3, 31), date(2024, 3, 31))  # + 6 months: Sept 2024 < as-of
    b = item("B", date(2025, 3, 31))
    excluded = []
    assert run([gone, b], on_excluded=lambda i, why: excluded.append((i, why))) == []
    assert excluded == [(gone, EXPIRED)]
    assert renewal_window(gone, as_of=AS_OF, tolerance_months=6) is None
    # max end passed in November 2024, but + 6 months is still ahead: interim extension
    late = item("A", date(2024, 11, 30))
    (opp,) = run([late, b])
    assert opp.joint_start == date(2025, 3, 31)
    assert opp.window_end == date(2025, 5, 30)


def test_categories_are_never_mixed_unless_compatible():
    a = item("A", date(2027, 3, 31), category=FLEET_FMS)
    b = item("B", date(2027, 4, 30), category=DIGITAL_FMS)
    c = item("C", date(2027, 4, 30), category="waste.food")
    assert run([a, b, c]) == []
    compatible = {FLEET_FMS: [DIGITAL_FMS]}  # one direction is enough: symmetric
    (opp,) = run([a, b, c], compatible=compatible)
    assert ids(opp) == ids_of(a, b)
    assert opp.category == DIGITAL_FMS  # smallest key of the group
    assert opp.categories == (DIGITAL_FMS, FLEET_FMS)


def test_group_settings_take_the_strictest_member():
    settings_map = {
        FLEET_FMS: CategorySettings(lead_time_months=18, tolerance_months=3),
        DIGITAL_FMS: CategorySettings(lead_time_months=36, tolerance_months=9),
    }
    a = item("A", date(2027, 3, 31), category=FLEET_FMS)
    b = item("B", date(2027, 7, 31), category=DIGITAL_FMS)  # 4 months: needs T >= 4
    compatible = {DIGITAL_FMS: {FLEET_FMS}}
    assert run([a, b], settings=settings_map, compatible=compatible) == []
    b2 = item("B", date(2027, 6, 30), category=DIGITAL_FMS)
    (opp,) = run([a, b2], settings=settings_map, compatible=compatible)
    assert opp.lead_time_months == 36 and opp.tolerance_months == 3
    assert opp.decision_deadline == date(2024, 6, 30)


def test_compatibility_is_transitive_only_through_present_categories():
    compatible = {"x.a": ["x.b"], "x.b": ["x.c"]}
    a = item("A", date(2027, 3, 31), category="x.a")
    c = item("C", date(2027, 3, 31), category="x.c")
    assert run([a, c], compatible=compatible) == []
    b = item("B", date(2030, 3, 31), category="x.b")  # links the group, not in the set
    (opp,) = run([a, b, c], compatible=compatible)
    assert ids(opp) == ids_of(a, c)
    assert opp.category == "x.a"


def test_items_without_end_date_are_data_quality_gaps():
    a = item("S12000050", None, date(2027, 1, 31))
    b = item("S12000050", None, interest="no")
    c = item("A", None)
    d = item("A", date(2027, 3, 31))
    e = item("B", date(2027, 3, 31))
    gaps = data_quality_gaps([a, b, c, d, e])
    assert gaps == {"A": [c], "S12000050": [a, b]}
    assert list(gaps) == ["A", "S12000050"]
    excluded = []
    (opp,) = run(iter([a, b, c, d, e]), on_excluded=lambda i, why: excluded.append((i, why)))
    assert ids(opp) == ids_of(d, e)
    assert excluded == [(a, NO_END_DATE), (b, NO_END_DATE), (c, NO_END_DATE)]


def test_keys_are_stable_across_runs_and_input_order():
    rows = [
        item("A", date(2027, 3, 31), date(2029, 3, 31)),
        item("B", date(2028, 6, 30)),
        item("C", date(2026, 1, 31), date(2028, 1, 31)),
        item("D", date(2030, 1, 31)),
        item("E", date(2029, 5, 31), source="vehicle"),
    ]
    first = run(rows)
    assert len(first) >= 2
    again = run(list(reversed(rows)))
    assert [(o.key, ids(o)) for o in again] == [(o.key, ids(o)) for o in first]
    assert len({o.key for o in first}) == len(first)
    for o in first:
        assert len(o.key) == 16 and int(o.key, 16) >= 0
    # same members with other dates (a later run, a moved end date) keep the key
    moved = [rows[0], rows[1]]
    (o1,) = run(moved)
    (o2,) = run(moved, as_of=date(2026, 1, 1), settings={RESIDUAL: CategorySettings(9, 9)})
    assert o1.key == o2.key
    # a different group or different members give another key
    assert opportunity_key("other.cat", o1.members) != o1.key
    assert opportunity_key(RESIDUAL, o1.members[:1]) != o1.key


def test_min_councils_three():
    three = {RESIDUAL: CategorySettings(min_councils=3)}
    a = item("A", date(2027, 3, 31))
    a2 = item("A", date(2027, 4, 30))
    b = item("B", date(2027, 5, 31))
    assert run([a, a2, b], settings=three) == []
    c = item("C", date(2027, 6, 30))
    (opp,) = run([a, a2, b, c], settings=three)
    assert opp.councils == ("A", "B", "C")
    assert len(opp.members) == 4


def test_several_maximal_sets_in_one_category():
    # A overlaps B, B overlaps C, A does not overlap C: two maximal sets {A,B} and {B,C}
    a = item("A", date(2027, 1, 31))
    b = item("B", date(2027, 6, 30), date(2028, 6, 30))
    c = item("C", date(2028, 1, 31))
    opps = run([c, b, a])
    assert [ids(o) for o in opps] == [ids_of(a, b), ids_of(b, c)]
    assert [o.joint_start for o in opps] == [date(2027, 6, 30), date(2028, 1, 31)]


def test_maximal_set_with_too_few_councils_is_not_replaced_by_a_subset():
    # {A1, A2} is the only maximal set and has one council; with min 1 it is reported
    a1 = item("A", date(2027, 1, 31))
    a2 = item("A", date(2027, 2, 28))
    assert run([a1, a2]) == []
    (opp,) = run([a1, a2], settings={RESIDUAL: CategorySettings(min_councils=1)})
    assert opp.councils == ("A",)


def test_datetime_inputs_and_odd_values_are_tolerated():
    from datetime import datetime

    a = item("A", datetime(2027, 3, 31, 10, 0), value="1,000")  # unreadable value ignored
    b = item("B", date(2027, 4, 30), value=12.5)
    (opp,) = run([a, b], as_of=datetime(2025, 1, 1, 9, 0))
    assert opp.total_value == Decimal("12.5")
    assert opp.joint_start == date(2027, 4, 30)


def test_settings_are_validated():
    with pytest.raises(ValueError):
        CategorySettings(min_councils=0)
    with pytest.raises(ValueError):
        CategorySettings(tolerance_months=-1)


# --------------------------------------------------------------------------------------------
# scale and laziness
# --------------------------------------------------------------------------------------------


class CountingIterable:
    """An input that can be iterated once and counts what was pulled."""

    def __init__(self, rows):
        self.rows = rows
        self.pulled = 0
        self.iterations = 0

    def __iter__(self) -> Iterator[RenewalItem]:
        self.iterations += 1
        for r in self.rows:
            self.pulled += 1
            yield r


def _realistic(n: int) -> list[RenewalItem]:
    """n items in one category over 400 councils, ends spread over 40 years (density ~100)."""
    import random

    rnd = random.Random(20250101)
    rows = []
    for i in range(n):
        end = date(2025, 1, 31) + timedelta(days=rnd.randrange(40 * 365))
        max_end = add_months(end, rnd.choice([0, 0, 12, 24])) if rnd.random() < 0.6 else None
        rows.append(
            RenewalItem(
                source="contract",
                source_id=i,
                council_code=f"C{rnd.randrange(400):03d}",
                category=RESIDUAL,
                end_date=end,
                max_end_date=max_end,
                collaboration_interest=rnd.choice(["yes", "maybe", "unknown", "no"]),
                value=Decimal(rnd.randrange(1, 10_000_000)),
            )
        )
    return rows


def test_scale_twenty_thousand_items_in_one_category():
    rows = CountingIterable(_realistic(20_000))
    tol0 = {RESIDUAL: CategorySettings(tolerance_months=0)}
    count = 0
    members = 0
    for opp in find_opportunities(rows, as_of=AS_OF, settings=tol0):
        count += 1
        members += len(opp.members)
        assert len(opp.councils) >= 2
    assert rows.iterations == 1 and rows.pulled == 20_000
    assert count > 1000
    assert members > count * 2


def test_results_are_streamed_from_a_generator():
    # 20,000 staggered windows, each overlapping the next ~10,000: about 10,000 maximal sets
    # of ~10,000 members each (10^8 member slots) - only feasible if nothing is built up front.
    n = 20_000
    base = date(2030, 1, 1)
    rows = CountingIterable(
        [
            RenewalItem(
                source="contract",
                source_id=i,
                council_code=f"C{i % 400:03d}",
                category=RESIDUAL,
                end_date=base + timedelta(days=i),
                max_end_date=base + timedelta(days=i + n // 2),
            )
            for i in range(n)
        ]
    )
    tol0 = {RESIDUAL: CategorySettings(tolerance_months=0)}
    gen = find_opportunities(rows, as_of=AS_OF, settings=tol0)
    assert inspect.isgenerator(gen)
    assert rows.pulled == 0  # nothing happens until the first opportunity is asked for
    started = time.perf_counter()
    first = next(gen)
    second = next(gen)
    elapsed = time.perf_counter() - started
    assert rows.pulled == n and rows.iterations == 1
    assert len(first.members) == n // 2 + 1
    assert first.joint_start == base + timedelta(days=n // 2)
    assert second.joint_start == first.joint_start + timedelta(days=1)
    assert elapsed < 10  # generous; typically well under a second
    gen.close()
