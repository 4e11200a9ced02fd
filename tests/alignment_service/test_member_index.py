"""The stored member rows stay exactly what the engine found, run after run.

A run no longer reads member rows back: each opportunity row carries a member index (one token
per member row: identity and a hash of its details), and only the rows that differ are written.
These tests change a small but overlapping hub in every way an upload or an edit can (a council
joins, details change, a contract leaves, a category's items shift) and check after each run
that every active opportunity's member rows are exactly its members as the engine finds them,
details included, with no row missing, doubled or stale; and that rows stored before the index
existed are rewritten correctly.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from factories import contract, council
from procurehub.alignment.engine import find_opportunities
from procurehub.alignment.models import Opportunity, OpportunityMember
from procurehub.alignment.store import category_settings, run_alignment
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.workstreams.renewals import renewal_items

TODAY = date(2026, 11, 22)


@pytest.fixture
def dense(app: Any) -> Any:
    """Four councils, three food-waste contracts each, staggered so the windows overlap in
    several maximal sets (each contract sits in more than one opportunity)."""
    with app.app_context():
        councils = [
            council("S12000050", "North Lanarkshire Council"),
            council("S12000049", "Glasgow City Council"),
            council("S12000047", "Fife Council"),
            council("S12000045", "East Dunbartonshire Council"),
        ]
        for i, c in enumerate(councils):
            for j in range(3):
                contract(
                    c,
                    reference=f"{c.code}-F{j}",
                    title=f"Food waste lot {j}",
                    category="waste.food",
                    end_date=date(2027 + j, 1 + 3 * i, 28),
                    extension_periods_months=[12] if (i + j) % 2 else [],
                    value_total=100_000 * (i + 1) + j,
                    collaboration_interest="yes",
                )
        yield councils


def expected() -> dict[str, set[tuple[Any, ...]]]:
    """{opportunity key: its member rows' details} as the engine finds them now."""
    settings, compatible = category_settings()
    found = {}
    for opp in find_opportunities(
        renewal_items(TODAY), as_of=TODAY, settings=settings, compatible=compatible
    ):
        found[opp.key] = {
            (
                m.source_id,
                m.council_code,
                m.reference,
                m.title,
                m.end_date,
                m.max_end_date,
                None if m.value is None else Decimal(m.value).quantize(Decimal("0.01")),
                m.collaboration_interest,
            )
            for m in opp.members
        }
    return found


def stored() -> dict[str, list[tuple[Any, ...]]]:
    """{key: member rows' details} of every active stored opportunity (a list: doubles show)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for opp in db.session.scalars(select(Opportunity).where(Opportunity.active.is_(True))):
        rows[opp.key] = [
            (
                m.source_id,
                m.council_code,
                m.reference,
                m.title,
                m.end_date,
                m.max_end_date,
                None if m.value is None else Decimal(m.value).quantize(Decimal("0.01")),
                m.interest,
            )
            for m in db.session.scalars(
                select(OpportunityMember).where(OpportunityMember.opportunity_id == opp.id)
            )
        ]
        assert opp.member_index is not None
        assert len(opp.member_index.split()) == len(rows[opp.key])
    db.session.rollback()
    return rows


def assert_fresh() -> None:
    want = expected()
    have = stored()
    assert set(have) == set(want)
    for key, rows in have.items():
        assert len(rows) == len(set(rows)), "a member row is doubled"
        assert set(rows) == want[key]


def edit(reference: str, **values: Any) -> None:
    db.session.execute(update(Contract).where(Contract.reference == reference).values(**values))
    db.session.commit()


def test_member_rows_follow_every_kind_of_change(app: Any, dense: Any) -> None:
    with app.app_context():
        first = run_alignment(TODAY)
        assert first.found >= 3
        assert_fresh()
        # A fifth council joins with contracts across the same years.
        stirling = council("S12000030", "Stirling Council")
        for j in range(3):
            contract(
                stirling,
                reference=f"STIR-F{j}",
                title="Food waste",
                category="waste.food",
                end_date=date(2027 + j, 6, 30),
                extension_periods_months=[12],
            )
        second = run_alignment(TODAY, categories=["waste.food"])
        assert second.changed > 0
        assert_fresh()
        # Details change (title, value, interest) without any member joining or leaving.
        edit("S12000049-F1", title="Food waste lot 1 (renamed)", value_total=Decimal("1.50"))
        edit("S12000047-F0", collaboration_interest="maybe")
        run_alignment(TODAY, categories=["waste.food"])
        assert_fresh()
        # Dates move (members leave some sets and join others), and a contract leaves.
        edit("S12000050-F2", end_date=date(2027, 2, 28), max_end_date=date(2027, 2, 28))
        edit("S12000045-F0", collaboration_interest="no")
        run_alignment(TODAY)
        assert_fresh()
        # Nothing changed: found again without rewriting a member row.
        ids = sorted(db.session.scalars(select(OpportunityMember.id)))
        again = run_alignment(TODAY)
        assert (again.created, again.changed) == (0, 0)
        assert sorted(db.session.scalars(select(OpportunityMember.id))) == ids
        assert_fresh()


def test_opportunities_stored_before_the_member_index_are_rewritten(app: Any, dense: Any) -> None:
    with app.app_context():
        run_alignment(TODAY)
        ids = set(db.session.scalars(select(Opportunity.id)))
        # As stored by the code before the index existed; one member row's details are stale.
        db.session.execute(update(Opportunity).values(member_index=None))
        db.session.execute(
            update(OpportunityMember)
            .where(OpportunityMember.reference == "S12000050-F0")
            .values(title="an old title")
        )
        db.session.commit()
        result = run_alignment(TODAY)
        assert result.created == 0  # the same opportunities, recognised by their key
        assert set(db.session.scalars(select(Opportunity.id))) == ids
        assert_fresh()
        # and a council joining one of them afterwards continues it as usual
        contract(
            council("S12000030", "Stirling Council"),
            reference="STIR-F0",
            title="Food waste",
            category="waste.food",
            end_date=date(2027, 6, 30),
            extension_periods_months=[12],
        )
        later = run_alignment(TODAY)
        assert later.changed > 0
        assert_fresh()
