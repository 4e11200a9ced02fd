"""Replacement demand: aggregation, per-council replacement ages, `procurehub fleet demand`, the
renewal items vehicles give the alignment engine, and the joint purchase they create."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fleet.fleet_lists import write_xlsx
from sqlalchemy import select

from factories import council, user
from plugins.fleet import vehicles as fleet_vehicles
from plugins.fleet.demand import demand_chart, renewal_reference, renewal_source_id
from procurehub.accounts.models import User
from procurehub.alignment.models import Opportunity
from procurehub.alignment.store import run_alignment
from procurehub.extensions import db

FIFE, GLASGOW, EDINBURGH = "S12000047", "S12000049", "S12000036"
AS_OF = date(2026, 6, 1)


def van(reg, registered, fuel="Diesel", planned=None, vtype="Panel van 3.5t"):
    return ["", reg, vtype, "Ford Transit Custom", fuel, registered, "3,200", "", planned]


@pytest.fixture
def hub(app, runner, tmp_path):
    """Fife: 3 vans in service 2021 (due 2028), 1 RCV planned 2029. Glasgow: 2 vans in service
    2021 (due 2028) and 1 electric van planned 2030. Edinburgh: nothing."""
    with app.app_context():
        council(FIFE, "Fife Council")
        council(GLASGOW, "Glasgow City Council")
        council(EDINBURGH, "City of Edinburgh Council")
        user("admin@hub.example", FIFE, "admin")
        db.session.commit()
    fife = [
        van("SK21 AAA", date(2021, 3, 1)),
        van("SK21 AAB", date(2021, 4, 1)),
        van("SK21 AAC", date(2021, 5, 1), fuel="Electric"),
        ["", "SF19 RCV", "RCV 26t", "Dennis Eagle Elite 6", "Diesel", "2019", "26 t", "", 2029],
    ]
    glasgow = [
        van("SG21 AAA", "2021"),
        van("SG21 AAB", "14/07/2021"),
        van("SG22 EVN", date(2022, 1, 1), fuel="BEV", planned="31/03/2030"),
    ]
    for code, rows in ((FIFE, fife), (GLASGOW, glasgow)):
        path = write_xlsx(tmp_path / f"{code}.xlsx", rows)
        result = runner.invoke(["fleet", "import-vehicles", str(path), "--council", code])
        assert result.exit_code == 0, result.output


def test_demand_by_year_class_council_and_fuel(app, runner, hub):
    result = runner.invoke(["fleet", "demand", "--json"])
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert list(document) == ["demand"]
    assert document["demand"] == [
        {
            "year": 2028,
            "category": "fleet.vans_lt_3_5t",
            "council_code": FIFE,
            "fuel": "diesel",
            "vehicles": 2,
        },
        {
            "year": 2028,
            "category": "fleet.vans_lt_3_5t",
            "council_code": FIFE,
            "fuel": "electric",
            "vehicles": 1,
        },
        {
            "year": 2028,
            "category": "fleet.vans_lt_3_5t",
            "council_code": GLASGOW,
            "fuel": "diesel",
            "vehicles": 2,
        },
        {
            "year": 2029,
            "category": "fleet.rcv",
            "council_code": FIFE,
            "fuel": "diesel",
            "vehicles": 1,
        },
        {
            "year": 2030,
            "category": "fleet.vans_lt_3_5t",
            "council_code": GLASGOW,
            "fuel": "electric",
            "vehicles": 1,
        },
    ]
    text = runner.invoke(["fleet", "demand"])
    assert "Fife Council" in text.output and "Vans under 3.5 tonnes" in text.output


def test_demand_api_same_shape_with_filters(app, client, hub):
    from factories import bearer, token

    with app.app_context():
        headers = bearer(token("admin@hub.example"))
    everything = client.get("/api/v1/fleet/demand", headers=headers).get_json()
    assert len(everything["demand"]) == 5
    glasgow = client.get(
        f"/api/v1/fleet/demand?council={GLASGOW}&year_to=2029", headers=headers
    ).get_json()
    assert glasgow == {
        "demand": [
            {
                "year": 2028,
                "category": "fleet.vans_lt_3_5t",
                "council_code": GLASGOW,
                "fuel": "diesel",
                "vehicles": 2,
            }
        ]
    }
    bad = client.get("/api/v1/fleet/demand?year_from=soon", headers=headers)
    assert bad.status_code == 422


def test_council_replacement_ages_move_its_vehicles(app, hub):
    with app.app_context():
        admin = db.session.scalar(select(User))
        changed = fleet_vehicles.set_replacement_ages(FIFE, {"fleet.vans_lt_3_5t": "5"}, admin)
        db.session.commit()
        assert changed == ["fleet.vans_lt_3_5t"]
        rows = fleet_vehicles.demand({"category": "fleet.vans_lt_3_5t"})
        assert {(r["year"], r["council_code"]) for r in rows} == {
            (2026, FIFE),
            (2028, GLASGOW),
            (2030, GLASGOW),
        }
        ages = {
            a["category"]: (a["years"], a["own"]) for a in fleet_vehicles.replacement_ages(FIFE)
        }
        assert ages["fleet.vans_lt_3_5t"] == (5, True) and ages["fleet.cars"] == (5, False)
        assert ages["fleet.heavy"] == (8, False) and ages["fleet.rcv"] == (7, False)
        # blank goes back to the default
        fleet_vehicles.set_replacement_ages(FIFE, {"fleet.vans_lt_3_5t": ""}, admin)
        db.session.commit()
        assert {
            r["year"]
            for r in fleet_vehicles.demand({"council": FIFE, "category": "fleet.vans_lt_3_5t"})
        } == {2028}
        with pytest.raises(ValueError, match="between 1 and 40"):
            fleet_vehicles.set_replacement_ages(FIFE, {"fleet.cars": "0"}, admin)
        with pytest.raises(ValueError, match="not a vehicle class"):
            fleet_vehicles.set_replacement_ages(FIFE, {"fleet.boats": "3"}, admin)


def test_vehicle_renewal_items_one_per_council_class_and_year(app, hub):
    with app.app_context():
        items = list(fleet_vehicles.renewal_items(AS_OF))
        fife_id = fleet_vehicles.tk.council_id(FIFE)
    refs = {(i.council_code, i.reference) for i in items}
    assert refs == {
        (FIFE, "vehicles-2028-fleet.vans_lt_3_5t"),
        (FIFE, "vehicles-2029-fleet.rcv"),
        (GLASGOW, "vehicles-2028-fleet.vans_lt_3_5t"),
        (GLASGOW, "vehicles-2030-fleet.vans_lt_3_5t"),
    }
    fife_vans = next(
        i
        for i in items
        if i.reference == "vehicles-2028-fleet.vans_lt_3_5t" and i.council_code == FIFE
    )
    assert fife_vans.source == "vehicles"
    assert (fife_vans.end_date, fife_vans.max_end_date) == (date(2028, 1, 1), date(2028, 12, 31))
    assert fife_vans.source_id == renewal_source_id(fife_id, "fleet.vans_lt_3_5t", 2028)
    assert "3 vehicles" in fife_vans.title
    assert renewal_reference(2029, "fleet.rcv") == "vehicles-2029-fleet.rcv"


def test_source_ids_are_unique_and_stable():
    ids = {
        renewal_source_id(c, k, y)
        for c in (1, 2, 400)
        for y in (1999, 2028, 2100)
        for k in ("fleet.cars", "fleet.vans_lt_3_5t", "fleet.heavy", "fleet.rcv")
    }
    assert len(ids) == 3 * 3 * 4
    assert renewal_source_id(21_000, "fleet.other_vehicles", 2899) < 2**31
    with pytest.raises(ValueError):
        renewal_source_id(1, "fleet.maintenance", 2028)


def test_vans_of_two_councils_form_an_opportunity_and_a_plan_wave(app, runner, hub):
    with app.app_context():
        run_alignment(AS_OF)
        db.session.commit()
        opportunities = list(
            db.session.scalars(
                select(Opportunity).where(Opportunity.category == "fleet.vans_lt_3_5t")
            )
        )
        assert len(opportunities) == 1
        members = {(m.source, m.council_code, m.reference) for m in opportunities[0].members}
        assert members == {
            ("vehicles", FIFE, "vehicles-2028-fleet.vans_lt_3_5t"),
            ("vehicles", GLASGOW, "vehicles-2028-fleet.vans_lt_3_5t"),
        }
        assert opportunities[0].joint_start == date(2028, 1, 1)
    plan = json.loads(
        runner.invoke(["alignment", "plan", "--as-of", "2026-06-01", "--json"]).output
    )
    waves = [w for w in plan["waves"] if w["category"] == "fleet.vans_lt_3_5t"]
    assert len(waves) == 1
    assert sorted(waves[0]["councils"]) == [FIFE, GLASGOW]
    assert {(i["source"], i["reference"]) for i in waves[0]["items"]} == {
        ("vehicles", "vehicles-2028-fleet.vans_lt_3_5t")
    }
    assert waves[0]["joint_start"] == "2028-01-01"
    # Fife's RCV and Glasgow's 2030 van have no partner
    alone = {
        (a["council_code"], a["reference"], a["reason"])
        for a in plan["alone"]
        if a["source"] == "vehicles"
    }
    assert (FIFE, "vehicles-2029-fleet.rcv", "no_partner") in alone
    # re-running after an unchanged re-upload keeps the same opportunity
    with app.app_context():
        first_key = opportunities[0].key
        run_alignment(AS_OF)
        db.session.commit()
        assert (
            db.session.scalar(
                select(Opportunity.key).where(
                    Opportunity.category == "fleet.vans_lt_3_5t", Opportunity.active.is_(True)
                )
            )
            == first_key
        )


def test_demand_chart_svg_stacked_by_council_and_class():
    rows = [
        {
            "year": 2027,
            "category": "fleet.vans_lt_3_5t",
            "council_code": "A",
            "fuel": "diesel",
            "vehicles": 3,
        },
        {
            "year": 2027,
            "category": "fleet.vans_lt_3_5t",
            "council_code": "B",
            "fuel": "diesel",
            "vehicles": 2,
        },
        {
            "year": 2029,
            "category": "fleet.rcv",
            "council_code": "A",
            "fuel": "diesel",
            "vehicles": 1,
        },
    ]
    svg = demand_chart(rows, by="council", labels={"A": "Fife <Council>", "B": "Glasgow"})
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "Fife &lt;Council&gt;" in svg and "<Council>" not in svg  # escaped
    assert ">2028<" in svg  # empty years between are drawn
    assert "2027: 5 (Fife &lt;Council&gt; 3, Glasgow 2)" in svg
    by_class = demand_chart(rows, by="category", labels={"fleet.rcv": "RCVs"})
    assert "RCVs" in by_class and "stacked by vehicle class" in by_class
    assert demand_chart([], by="council") == ""
    with pytest.raises(ValueError):
        demand_chart(rows, by="fuel")


def test_demo_fleet_lists_go_through_the_import_and_make_a_joint_van_purchase(app, runner):
    from plugins.fleet.demo import load_demo_fleet_lists

    with app.app_context():
        for code, name in (
            (FIFE, "Fife Council"),
            (GLASGOW, "Glasgow City Council"),
            (EDINBURGH, "City of Edinburgh Council"),
            ("S12000050", "North Lanarkshire Council"),
        ):
            council(code, name)
        db.session.commit()
        reports = load_demo_fleet_lists(date.today())
        assert [r["status"] for r in reports] == ["stored"] * 4
        assert all(r["rejected"] == 0 for r in reports)
        assert all(
            any("totals" in w["message"] for w in r["warnings"])
            for r in reports
            if r["council_code"] != "S12000050"
        )
        again = load_demo_fleet_lists(date.today())  # the demo run twice changes nothing
        assert [r["created"] + r["updated"] for r in again] == [0, 0, 0, 0]
    plan = json.loads(runner.invoke(["alignment", "plan", "--json"]).output)
    vans = [w for w in plan["waves"] if w["category"] == "fleet.vans_lt_3_5t"]
    councils = {i["council_code"] for w in vans for i in w["items"] if i["source"] == "vehicles"}
    assert {FIFE, GLASGOW, "S12000050"} <= councils
