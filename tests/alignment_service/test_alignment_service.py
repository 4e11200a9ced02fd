"""Alignment over the stored hub: the CLI JSON, stable opportunities, history."""

import json
from datetime import date

from sqlalchemy import select

from factories import contract
from procurehub.accounts.models import Council
from procurehub.alignment.models import Opportunity, OpportunityEvent
from procurehub.alignment.store import run_alignment
from procurehub.contracts.models import Contract
from procurehub.extensions import db

from .conftest import TODAY


def test_alignment_run_json_has_the_documented_shape(hub, runner):
    result = runner.invoke(["alignment", "run", "--as-of", TODAY.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["as_of"] == "2026-11-22"
    [opp] = body["opportunities"]
    assert set(opp) >= {
        "id",
        "category",
        "councils",
        "contracts",
        "joint_start",
        "decision_deadline",
        "total_value",
    }
    assert opp["category"] == "waste.food"
    assert opp["councils"] == ["S12000049", "S12000050"]  # Fife said no
    assert sorted(c["reference"] for c in opp["contracts"]) == ["GCC-F", "NLC-F"]
    assert opp["joint_start"] == "2028-06-30"  # the later window start
    assert opp["decision_deadline"] == "2026-06-30"  # food waste: 24 months lead time
    assert opp["total_value"] == 1_500_000.0
    again = json.loads(
        runner.invoke(["alignment", "run", "--as-of", TODAY.isoformat(), "--json"]).output
    )
    assert again["opportunities"][0]["id"] == opp["id"]  # same members, same opportunity


def test_a_member_joining_continues_the_same_opportunity_with_history(hub, app):
    with app.app_context():
        first = run_alignment(TODAY)
        [opp_id] = db.session.scalars(select(Opportunity.id)).all()
        db.session.get(Opportunity, opp_id).status = "under_review"
        db.session.commit()
        fife = db.session.scalar(select(Council).where(Council.code == "S12000047"))
        contract(
            fife,
            reference="FIFE-F2",
            title="Food waste new",
            category="waste.food",
            end_date=date(2028, 3, 31),
            extension_periods_months=[12],
        )
        second = run_alignment(TODAY)
        assert (first.created, second.created, second.changed) == (1, 0, 1)
        opp = db.session.get(Opportunity, opp_id)
        assert opp.status == "under_review"  # the coordinator's work is kept
        assert opp.councils == ["S12000047", "S12000049", "S12000050"]
        kinds = [
            e.kind
            for e in db.session.scalars(
                select(OpportunityEvent)
                .where(OpportunityEvent.opportunity_id == opp_id)
                .order_by(OpportunityEvent.id)
            )
        ]
        assert kinds[0] == "found" and "members_changed" in kinds


def test_opportunity_no_longer_found_is_kept_but_inactive(hub, app):
    with app.app_context():
        run_alignment(TODAY)
        db.session.execute(
            Contract.__table__.update()
            .where(Contract.reference == "GCC-F")
            .values(collaboration_interest="no")
        )
        db.session.commit()
        result = run_alignment(TODAY)
        assert result.closed == 1
        [opp] = db.session.scalars(select(Opportunity)).all()
        assert opp.active is False


def test_contracts_without_end_date_are_reported_as_gaps(hub, app):
    with app.app_context():
        gcc = db.session.scalar(select(Council).where(Council.code == "S12000049"))
        contract(
            gcc, reference="GCC-X", title="Bulky uplift", category="waste.bulky", end_date=None
        )
        result = run_alignment(TODAY)
        assert result.gaps == {"S12000049": 1}


def test_opportunity_api_list_detail_and_patch(hub, app, client):
    from factories import bearer

    with app.app_context():
        run_alignment(TODAY)
    listing = client.get("/api/v1/opportunities", headers=bearer(hub["coord"])).get_json()
    [item] = listing["items"]
    assert item["overdue"] is True and item["status"] == "new" and listing["next"] is None
    detail = client.get(
        f"/api/v1/opportunities/{item['id']}", headers=bearer(hub["coord"])
    ).get_json()
    assert {m["reference"] for m in detail["members"]} == {"GCC-F", "NLC-F"}
    assert detail["history"][0]["kind"] == "found"
    r = client.patch(
        f"/api/v1/opportunities/{item['id']}",
        headers=bearer(hub["officer"]),
        json={"status": "dismissed"},
    )
    assert r.status_code == 403
    r = client.patch(
        f"/api/v1/opportunities/{item['id']}",
        headers=bearer(hub["coord"]),
        json={"status": "sleeping"},
    )
    assert r.status_code == 422
    r = client.patch(
        f"/api/v1/opportunities/{item['id']}",
        headers=bearer(hub["coord"]),
        json={"status": "tender_planned", "notes": "Joint AD tender via Scotland Excel"},
    )
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "tender_planned" and body["notes"].startswith("Joint AD")
    assert [e["kind"] for e in body["history"]][-2:] == ["status", "notes"]
    filtered = client.get(
        "/api/v1/opportunities?status=new", headers=bearer(hub["coord"])
    ).get_json()
    assert filtered["items"] == []
    by_council = client.get(
        "/api/v1/opportunities?council=S12000047", headers=bearer(hub["coord"])
    ).get_json()
    assert by_council["items"] == []


def test_category_settings_are_configurable_per_category(hub, app, client, runner):
    from factories import bearer

    r = client.patch(
        "/api/v1/categories/waste.food", headers=bearer(hub["officer"]), json={"min_councils": 3}
    )
    assert r.status_code == 403
    r = client.patch(
        "/api/v1/categories/waste.food", headers=bearer(hub["coord"]), json={"min_councils": 1}
    )
    assert r.status_code == 422
    assert (
        client.patch(
            "/api/v1/categories/waste.nope",
            headers=bearer(hub["coord"]),
            json={"lead_time_months": 3},
        ).status_code
        == 404
    )
    r = client.patch(
        "/api/v1/categories/waste.food",
        headers=bearer(hub["coord"]),
        json={"min_councils": 3, "lead_time_months": 30, "tolerance_months": 3},
    )
    assert r.status_code == 200 and r.get_json()["min_councils"] == 3
    with app.app_context():
        assert run_alignment(TODAY).found == 0  # only two councils are interested in food waste
    result = runner.invoke(["categories", "set", "waste.food", "--min-councils", "2"])
    assert result.exit_code == 0, result.output
    body = json.loads(
        runner.invoke(["alignment", "run", "--as-of", TODAY.isoformat(), "--json"]).output
    )
    [opp] = body["opportunities"]
    assert (
        opp["decision_deadline"] == "2025-12-30"
    )  # joint start 2028-06-30 minus the new 30 months
