"""Business cases built from the inventory: the generated options follow the scaling rules, the
appraisal's figures are those of the pure Green Book appraisal, the joining schedule follows
the contract ends, only case builders may change them, and every change is audited."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from factories import bearer
from plugins.digital.appraisal import (
    appraisal_to_json,
    appraise,
    net_savings_per_council,
    read_case,
)
from plugins.digital.business_case import (
    CouncilPosition,
    InventoryLine,
    ScalingRules,
    council_positions,
    generate_options,
    payback_against_bau,
)
from plugins.digital.green_book import AppraisalError
from procurehub.audit.models import AuditEvent
from procurehub.extensions import db

NLC, FIFE = "S12000050", "S12000047"
HOUSING = "digital.housing_management_system"
RULES = {
    "implementation_per_council": 10000,
    "implementation_per_unit": 2,
    "migration_per_council": 5000,
    "central_setup": 30000,
    "central_annual": 20000,
    "national_cost_per_unit": 30,
    "benefit_per_unit": 0,
    "do_minimum_reprocurement_per_council": 1000,
    "do_minimum_saving_share": 0.1,
    "parallel_running": False,
    "join_at": "end_date",
}
# By hand, from the two systems below (appraisal years 0..5 from April 2026):
# Fife (£50,000 a year, 500 homes) can end 31 Dec 2026, so it joins in 2027/28 (index 1);
# NLC (£100,000 a year, 1,000 homes) can end 30 June 2027, so it joins in 2028/29 (index 2).
EXPECTED = {
    "Business as usual": {"capital": [], "operating": [150000] * 6, "benefits": []},
    "Do minimum": {
        "capital": [0, 1000, 1000, 0, 0, 0],
        "operating": [150000, 145000, 135000, 135000, 135000, 135000],
        "benefits": [],
    },
    "Single national system": {
        # central set-up; Fife 10,000 + 500 × 2 + 5,000; NLC 10,000 + 1,000 × 2 + 5,000
        "capital": [30000, 16000, 17000, 0, 0, 0],
        # BAU 150,000; NLC 100,000 + Fife 500 × 30 + central 20,000; then 30,000 + 15,000 + 20,000
        "operating": [150000, 135000, 65000, 65000, 65000, 65000],
        "benefits": [0] * 6,
    },
}


@pytest.fixture
def inventory(client, hub, system_data):
    client.post(
        "/api/v1/digital/systems",
        json=system_data(contract_end="2027-06-30"),
        headers=bearer(hub["nlc"]),
    )
    client.post(
        "/api/v1/digital/systems",
        json=system_data(
            product="Capita OpenHousing",
            licence_cost=30000,
            hosting_cost=10000,
            support_cost=8000,
            other_cost=2000,
            housing_stock=500,
            contract_end="2026-12-31",
        ),
        headers=bearer(hub["fife"]),
    )
    return hub


def build(client, token, **values):
    body = {
        "category": HOUSING,
        "base_year": 2026,
        "appraisal_years": 5,
        "mitigation_share": 0.5,
        "rules": RULES,
        **values,
    }
    return client.post("/api/v1/digital/business-cases", json=body, headers=bearer(token))


def amounts(line):
    return [float(v) for v in line]


def test_the_case_built_from_the_inventory_follows_the_scaling_rules(client, inventory):
    created = build(client, inventory["lead"])
    assert created.status_code == 201, created.get_json()
    case = created.get_json()
    options = {o["name"]: o for o in case["options"]}
    assert list(options) == list(EXPECTED)
    for name, lines in EXPECTED.items():
        for line, values in lines.items():
            assert amounts(options[name][line]) == [float(v) for v in values], (name, line)
    assert {o["name"]: o["generated"] for o in case["options"]} == {
        "Business as usual": "bau",
        "Do minimum": "do_minimum",
        "Single national system": "national",
    }
    assert case["edition"] == "HM Treasury Green Book 2022 (2026 update)"


def test_the_appraisal_is_the_green_book_appraisal_of_those_lines(client, inventory):
    case_id = build(client, inventory["lead"]).get_json()["id"]
    got = client.get(
        f"/api/v1/digital/business-cases/{case_id}/appraisal", headers=bearer(inventory["nlc"])
    ).get_json()
    # Equipment/development capital: 200% upper, 10% lower bound; half mitigated = 105%.
    assert got["optimism_bias"] == {"capital": 1.05, "operating": 0.0}
    document = {
        "appraisal_years": 5,
        "optimism_bias": {"capital": Decimal("1.05"), "operating": 0},
        "options": [{"name": name, **lines} for name, lines in EXPECTED.items()],
    }
    expected = appraisal_to_json(appraise(read_case(document)))
    assert got["options"] == expected["options"]
    assert got["edition"] == "HM Treasury Green Book 2022 (2026 update)"
    assert got["discount_schedule"][:2] == [[0, 0.035], [31, 0.03]]
    national = next(c for c in got["against_bau"] if c["name"] == "Single national system")
    bau = next(o for o in expected["options"] if o["name"] == "Business as usual")
    mine = next(o for o in expected["options"] if o["name"] == "Single national system")
    assert national["incremental_npsv"] == pytest.approx(mine["npsv"] - bau["npsv"], abs=0.01)
    assert got["preferred_option"] == "Single national system"
    assert got["value_for_money"] == national["vfm_category"]
    # Switching values are re-appraised to NPSV = 0 against business as usual.
    inputs = {
        (v["input"], v["basis"])
        for v in got["switching_values"]
        if v["option"] == "Single national system"
    }
    assert {("savings", "vs_bau"), ("costs", "vs_bau"), ("capital", "vs_bau")} <= inputs
    costs = next(
        v for v in got["switching_values"] if (v["input"], v["basis"]) == ("costs", "vs_bau")
    )
    assert costs["switching_pv"] == pytest.approx(national["pv_savings"], abs=0.01)
    assert len(got["sensitivity_against_bau"]) == 12


def test_the_joining_schedule_follows_each_councils_contract_end(client, inventory):
    case_id = build(client, inventory["lead"]).get_json()["id"]
    got = client.get(
        f"/api/v1/digital/business-cases/{case_id}/appraisal", headers=bearer(inventory["lead"])
    ).get_json()
    assert [
        (c["council_code"], c["end_date"], c["join_year"]) for c in got["joining_schedule"]
    ] == [
        (FIFE, "2026-12-31", 2027),
        (NLC, "2027-06-30", 2028),
    ]
    # Joining at the latest end (with the one-year extension each has) moves both a year on.
    client.patch(
        f"/api/v1/digital/business-cases/{case_id}",
        json={"rules": {"join_at": "max_end_date"}, "generate": True},
        headers=bearer(inventory["lead"]),
    )
    later = client.get(
        f"/api/v1/digital/business-cases/{case_id}/appraisal", headers=bearer(inventory["lead"])
    ).get_json()
    assert [c["join_year"] for c in later["joining_schedule"]] == [2028, 2029]


def test_savings_per_council_add_up_to_the_national_options_savings():
    positions = council_positions(
        [
            InventoryLine(NLC, "NEC Housing", Decimal(100000), 1000, date(2027, 6, 30), None),
            InventoryLine(FIFE, "OpenHousing", Decimal(50000), 500, date(2026, 12, 31), None),
        ]
    )
    generated = generate_options(positions, ScalingRules.from_mapping(RULES), 2026, 5)
    savings = net_savings_per_council(generated.council_costs)
    bau, _, national = generated.options
    case = read_case(
        {
            "appraisal_years": 5,
            "options": [
                {"name": o.name, "capital": list(o.capital), "operating": list(o.operating)}
                for o in (bau, national)
            ],
        }
    )
    results = {r.name: r for r in appraise(case).options}
    total = sum(s.pv_savings for s in savings)
    assert total == pytest.approx(
        results[national.name].npsv - results[bau.name].npsv, abs=Decimal("0.000001")
    )
    # The central costs are shared by size: NLC, twice Fife's stock, carries two thirds.
    nlc = generated.council_costs[NLC].national
    assert nlc[0] == Decimal(100000) + Decimal(30000) * 2 / 3


def test_a_council_with_two_systems_joins_when_its_last_contract_can_end():
    positions = council_positions(
        [
            InventoryLine(NLC, "Housing", Decimal(80000), 1000, date(2027, 6, 30), None),
            InventoryLine(NLC, "Repairs", Decimal(20000), None, date(2028, 6, 30), None),
        ]
    )
    assert positions == (
        CouncilPosition(
            NLC, ("Housing", "Repairs"), Decimal(100000), 1000, date(2028, 6, 30), date(2028, 6, 30)
        ),
    )


def test_payback_against_bau_is_the_year_it_pays_back_for_good():
    assert payback_against_bau([Decimal(0), Decimal(-5), Decimal(-2), Decimal(1)]) == 3
    assert payback_against_bau([Decimal(0), Decimal(0)]) == 0
    assert payback_against_bau([Decimal(1), Decimal(-1)]) is None


def test_bad_scaling_rules_are_refused_with_a_reason():
    with pytest.raises(AppraisalError, match="do_minimum_saving_share"):
        ScalingRules.from_mapping({"do_minimum_saving_share": 1.5})
    with pytest.raises(AppraisalError, match="unknown scaling rules"):
        ScalingRules.from_mapping({"central_anual": 1})
    with pytest.raises(AppraisalError, match="cannot be negative"):
        ScalingRules.from_mapping({"central_annual": -1})
    with pytest.raises(AppraisalError, match="record the councils' systems first"):
        generate_options([], ScalingRules(), 2026, 10)


def test_only_case_builders_change_business_cases_and_everyone_reads_them(client, inventory):
    refused = build(client, inventory["nlc"])
    assert refused.status_code == 403
    assert "digital lead" in refused.get_json()["message"]
    case_id = build(client, inventory["coordinator"]).get_json()["id"]
    assert (
        client.patch(
            f"/api/v1/digital/business-cases/{case_id}",
            json={"title": "Mine now"},
            headers=bearer(inventory["fife"]),
        ).status_code
        == 403
    )
    assert (
        client.delete(
            f"/api/v1/digital/business-cases/{case_id}", headers=bearer(inventory["fife"])
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"/api/v1/digital/business-cases/{case_id}", headers=bearer(inventory["fife"])
        ).get_json()["title"]
        == "Single national housing management system"
    )
    again = build(client, inventory["lead"])
    assert again.status_code == 409


def test_every_change_to_a_business_case_is_audited(app, client, inventory):
    lead = bearer(inventory["lead"])
    case_id = build(client, inventory["lead"]).get_json()["id"]
    client.patch(
        f"/api/v1/digital/business-cases/{case_id}",
        json={
            "mitigation_share": 0.8,
            "options": [{"name": "Regional shared service", "operating": [150000, 120000]}],
        },
        headers=lead,
    )
    client.delete(f"/api/v1/digital/business-cases/{case_id}", headers=lead)
    with app.app_context():
        events = list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "digital_business_case")
                .order_by(AuditEvent.id)
            )
        )
        assert [(e.action, e.actor) for e in events] == [
            ("create", "lead@glasgow.example"),
            ("update", "lead@glasgow.example"),
            ("delete", "lead@glasgow.example"),
        ]
        assert events[1].changes["mitigation_share"] == ["0.5000", "0.8"]
        before, after = events[1].changes["options"]
        assert [o["name"] for o in after][-1] == "Regional shared service"
        assert len(after) == len(before) + 1


def test_entered_options_are_appraised_beside_the_generated_ones(client, inventory):
    lead = bearer(inventory["lead"])
    case_id = build(client, inventory["lead"]).get_json()["id"]
    changed = client.patch(
        f"/api/v1/digital/business-cases/{case_id}",
        json={
            "options": [
                {
                    "name": "Regional shared service",
                    "capital": [50000],
                    "operating": [150000, 120000, 120000, 120000, 120000, 120000],
                }
            ]
        },
        headers=lead,
    )
    assert changed.status_code == 200, changed.get_json()
    got = client.get(f"/api/v1/digital/business-cases/{case_id}/appraisal", headers=lead).get_json()
    assert [o["name"] for o in got["options"]] == [*EXPECTED, "Regional shared service"]
    refused = client.patch(
        f"/api/v1/digital/business-cases/{case_id}",
        json={"options": [{"name": "Bad", "operating": [-1]}]},
        headers=lead,
    )
    assert refused.status_code == 422 and "negative" in refused.get_json()["message"]


def test_the_workbook_download_opens_and_its_npsv_cells_are_formulas(client, inventory):
    case_id = build(client, inventory["lead"]).get_json()["id"]
    for url in (
        f"/api/v1/digital/business-cases/{case_id}/workbook.xlsx",
        "/digital/business-cases/housing-management-system/workbook.xlsx",
    ):
        response = client.get(url, headers=bearer(inventory["fife"]))
        assert response.status_code == 200
        assert (
            "business-case-housing-management-system.xlsx"
            in response.headers["Content-Disposition"]
        )
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        summary = book["Summary"]
        names = [summary.cell(row, 1).value for row in range(5, 8)]
        assert names == list(EXPECTED)
        for row in range(5, 8):
            assert summary.cell(row, 4).value == f"=C{row}-B{row}"  # NPSV, live
            assert str(summary.cell(row, 2).value).startswith("=SUM(")
        assert {"Parameters", "Option 1", "Option 2", "Option 3", "Sensitivity"} <= set(
            book.sheetnames
        )


def test_hostile_business_case_input_is_a_422_never_a_500(client, inventory):
    lead = bearer(inventory["lead"])
    for body in (
        {"options": [{"name": "Huge", "operating": [1e308]}]},
        {"discount_schedule": [[5, 0.035]]},
        {"discount_schedule": [[0, 0.035], [0, 0.03]]},
        {"rules": {"central_setup": 1e300}},
        {"mitigation_share": 2},
        {"appraisal_years": 0},
        {"capital_project_type": "rockets"},
        {"edition": "Green Book 1066"},
        {"surprise": True},
    ):
        response = build(client, inventory["lead"], **body)
        assert response.status_code == 422, (body, response.get_json())
        assert response.get_json()["message"]
    assert client.get("/api/v1/digital/business-cases", headers=lead).get_json() == []
