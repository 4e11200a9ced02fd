"""Fresh at once: an edit, an upload or a settings change recomputes the opportunities of the
affected category groups before the response returns, and nothing else; a partial run closes
only within its groups; a failed refresh never fails the user's change."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from factories import bearer, contract, council, token, user
from procurehub.alignment.models import AlignmentRun, Opportunity, OpportunityMember
from procurehub.alignment.store import group_scope, run_alignment
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.renewal_dates import add_months


@pytest.fixture
def hub(app: Any) -> Any:
    """Two councils whose food-waste contracts align, and the same two for garden waste."""
    today = date.today()
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        gcc = council("S12000049", "Glasgow City Council")
        user("officer@nlc.example", "S12000050")
        user("lead@gcc.example", "S12000049", "coordinator")
        for c, months in ((nlc, 10), (gcc, 20)):
            contract(
                c,
                reference=f"{c.code}-FOOD",
                title="Food waste",
                category="waste.food",
                end_date=add_months(today, months),
                extension_periods_months=[12, 12],
            )
            contract(
                c,
                reference=f"{c.code}-GARDEN",
                title="Garden waste",
                category="waste.garden",
                end_date=add_months(today, months + 5),
                extension_periods_months=[12],
            )
        run_alignment(today)
        return {"officer": token("officer@nlc.example"), "coord": token("lead@gcc.example")}


def snapshot(category: str) -> list[tuple[Any, ...]]:
    """Everything stored about a group's opportunities, members included."""
    rows = []
    for opp in db.session.scalars(
        select(Opportunity).where(Opportunity.category == category).order_by(Opportunity.id)
    ):
        members = sorted((m.source_id, m.end_date, m.max_end_date) for m in opp.members)
        rows.append(
            (opp.id, opp.key, opp.active, opp.last_run_id, opp.last_seen_at, opp.updated_at,
             opp.joint_start, tuple(members))
        )  # fmt: skip
    db.session.rollback()
    return rows


def food_contract_id(code: str) -> int:
    return db.session.scalar(select(Contract.id).where(Contract.reference == f"{code}-FOOD"))


def test_a_partial_run_touches_only_its_groups(hub: Any, app: Any) -> None:
    today = date.today()
    with app.app_context():
        garden_before = snapshot("waste.garden")
        assert garden_before and all(row[2] for row in garden_before)
        # Both groups would change: food gets a later end, garden loses a partner.
        db.session.execute(
            Contract.__table__.update()
            .where(Contract.reference == "S12000050-FOOD")
            .values(max_end_date=add_months(today, 60))
        )
        db.session.execute(
            Contract.__table__.update()
            .where(Contract.reference == "S12000049-GARDEN")
            .values(collaboration_interest="no")
        )
        db.session.commit()
        result = run_alignment(today, categories=["waste.food"])
        assert result.categories == ["waste.food"] and result.closed == 0
        assert snapshot("waste.garden") == garden_before  # not read, not closed, not touched
        (food,) = db.session.scalars(
            select(Opportunity).where(Opportunity.category == "waste.food")
        ).all()
        assert food.last_run_id == result.run_id
        run = db.session.get(AlignmentRun, result.run_id)
        assert run.partial is True and run.categories == ["waste.food"]
        # The scheduled full run is the safety net: it closes the garden opportunity.
        full = run_alignment(today)
        assert full.closed == 1 and full.categories is None
        assert [row[2] for row in snapshot("waste.garden")] == [False]


def test_an_unchanged_group_is_found_again_without_rewriting(hub: Any, app: Any) -> None:
    with app.app_context():
        before = snapshot("waste.food")
        result = run_alignment(date.today(), categories=["waste.food"])
        after = snapshot("waste.food")
        assert (result.created, result.changed, result.closed) == (0, 0, 0)
        # Same opportunity, same members and dates; only "seen in run N" moved.
        assert [r[:3] + r[6:] for r in after] == [r[:3] + r[6:] for r in before]
        assert after[0][3] == result.run_id and after[0][5] == before[0][5]


def test_the_scope_is_whole_groups_of_compatible_categories() -> None:
    compatible = {
        "fleet.fleet_management_system": ["digital.fleet_management_system"],
        "digital.fleet_management_system": [],
        "waste.food": [],
    }
    assert group_scope(["digital.fleet_management_system"], compatible) == {
        "digital.fleet_management_system",
        "fleet.fleet_management_system",
    }
    assert group_scope(["waste.food", None], compatible) == {"waste.food"}  # type: ignore[list-item]


def test_a_contract_edit_through_the_api_refreshes_its_group_before_answering(
    hub: Any, app: Any, client: Any
) -> None:
    today = date.today()
    with app.app_context():
        garden_before = snapshot("waste.garden")
        food_id = food_contract_id("S12000050")
    later = add_months(today, 30)
    r = client.patch(
        f"/api/v1/contracts/{food_id}",
        json={"end_date": later.isoformat()},
        headers=bearer(hub["officer"]),
    )
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        (food,) = db.session.scalars(
            select(Opportunity).where(Opportunity.category == "waste.food")
        ).all()
        member = db.session.scalar(
            select(OpportunityMember).where(OpportunityMember.source_id == food_id)
        )
        assert member.end_date == later  # the stored opportunity already knows
        assert food.joint_start == later
        assert snapshot("waste.garden") == garden_before


def test_moving_a_contract_to_another_category_refreshes_both_groups(
    hub: Any, app: Any, client: Any
) -> None:
    with app.app_context():
        food_id = food_contract_id("S12000050")
    r = client.patch(
        f"/api/v1/contracts/{food_id}",
        json={"category": "waste.garden"},
        headers=bearer(hub["officer"]),
    )
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        food = db.session.scalars(
            select(Opportunity.active).where(Opportunity.category == "waste.food")
        ).all()
        assert food == [False]  # its food partner left: closed at once
        garden_members = {
            m.source_id
            for m in db.session.scalars(
                select(OpportunityMember)
                .join(Opportunity)
                .where(Opportunity.category == "waste.garden", Opportunity.active.is_(True))
            )
        }
        assert food_id in garden_members


def test_a_category_settings_change_refreshes_that_group(hub: Any, app: Any, client: Any) -> None:
    with app.app_context():
        garden_before = snapshot("waste.garden")
        food_before = snapshot("waste.food")
    r = client.patch(
        "/api/v1/categories/waste.food",
        json={"lead_time_months": 6},
        headers=bearer(hub["coord"]),
    )
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        (food,) = db.session.scalars(
            select(Opportunity).where(Opportunity.category == "waste.food")
        ).all()
        assert food.lead_time_months == 6
        assert food.decision_deadline == add_months(food.joint_start, -6)
        assert food.last_run_id != food_before[0][3]
        assert snapshot("waste.garden") == garden_before


def test_a_rejected_edit_refreshes_nothing(hub: Any, app: Any, client: Any) -> None:
    with app.app_context():
        food_before = snapshot("waste.food")
        runs = db.session.scalar(select(db.func.count()).select_from(AlignmentRun))
        food_id = food_contract_id("S12000050")
    r = client.patch(
        f"/api/v1/contracts/{food_id}",
        json={"end_date": "not a date"},
        headers=bearer(hub["officer"]),
    )
    assert r.status_code == 422
    with app.app_context():
        assert snapshot("waste.food") == food_before
        assert db.session.scalar(select(db.func.count()).select_from(AlignmentRun)) == runs


def test_a_failing_refresh_never_fails_the_edit(
    hub: Any, app: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procurehub.alignment import freshness

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(freshness, "run_alignment", broken)
    with app.app_context():
        food_id = food_contract_id("S12000050")
    later = add_months(date.today(), 30)
    r = client.patch(
        f"/api/v1/contracts/{food_id}",
        json={"end_date": later.isoformat()},
        headers=bearer(hub["officer"]),
    )
    assert r.status_code == 200
    with app.app_context():
        assert db.session.get(Contract, food_id).end_date == later  # the edit is kept
