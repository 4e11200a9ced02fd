"""The system inventory through the API: councils record their own systems, everyone reads
them all, every change is in the audit log, and nobody writes another council's systems."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from factories import bearer
from procurehub.audit.models import AuditEvent
from procurehub.extensions import db

NLC, FIFE = "S12000050", "S12000047"


def audit_of(app, system_id):
    with app.app_context():
        return [
            (e.action, e.actor, e.council_code, e.changes)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "digital_system")
                .where(AuditEvent.object_id == str(system_id))
                .order_by(AuditEvent.id)
            )
        ]


def test_officer_records_updates_and_deletes_a_system_and_each_change_is_audited(
    app, client, hub, system_data
):
    housing_system = system_data
    created = client.post(
        "/api/v1/digital/systems", json=housing_system(), headers=bearer(hub["nlc"])
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["council_code"] == NLC and body["council_name"] == "North Lanarkshire Council"
    assert body["annual_cost"] == 100000.0
    # The same meaning as a contract's: "1+1" is one 12-month option, so the latest end is a
    # year after the end date.
    assert body["extension_periods_months"] == [12]
    assert body["max_end_date"] == "2028-06-30"
    system_id = body["id"]

    changed = client.patch(
        f"/api/v1/digital/systems/{system_id}",
        json={"licence_cost": 65000, "contract_end": "2027-09-30"},
        headers=bearer(hub["nlc"]),
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["annual_cost"] == 105000.0
    assert changed.get_json()["max_end_date"] == "2028-09-30"

    listed = client.get(
        "/api/v1/digital/systems?category=digital.housing_management_system",
        headers=bearer(hub["fife"]),
    ).get_json()
    assert [s["id"] for s in listed["items"]] == [system_id] and listed["next"] is None

    assert (
        client.delete(
            f"/api/v1/digital/systems/{system_id}", headers=bearer(hub["nlc"])
        ).status_code
        == 204
    )
    assert (
        client.get(f"/api/v1/digital/systems/{system_id}", headers=bearer(hub["nlc"])).status_code
        == 404
    )

    events = audit_of(app, system_id)
    assert [e[0] for e in events] == ["create", "update", "delete"]
    assert all(e[1] == "officer@nlc.example" and e[2] == NLC for e in events)
    assert events[0][3]["product"] == [None, "NEC Housing"]
    assert events[1][3]["licence_cost"] == ["60000.00", "65000.00"]
    assert events[1][3]["contract_end"] == ["2027-06-30", "2027-09-30"]
    assert events[2][3]["product"] == ["NEC Housing", None]


def test_an_officer_cannot_touch_another_councils_systems(app, client, hub, system_data):
    housing_system = system_data
    system_id = client.post(
        "/api/v1/digital/systems", json=housing_system(), headers=bearer(hub["nlc"])
    ).get_json()["id"]
    fife = bearer(hub["fife"])

    refused = client.patch(
        f"/api/v1/digital/systems/{system_id}", json={"licence_cost": 1}, headers=fife
    )
    assert refused.status_code == 403
    assert "your own council" in refused.get_json()["message"]
    assert client.delete(f"/api/v1/digital/systems/{system_id}", headers=fife).status_code == 403
    created_elsewhere = client.post(
        "/api/v1/digital/systems", json={**housing_system(), "council_code": NLC}, headers=fife
    )
    assert created_elsewhere.status_code == 403
    # Nothing changed, and the refusals left no trace in the audit log.
    got = client.get(f"/api/v1/digital/systems/{system_id}", headers=fife).get_json()
    assert got["licence_cost"] == 60000.0
    assert [e[0] for e in audit_of(app, system_id)] == ["create"]


def test_a_digital_lead_reads_every_council_but_edits_only_their_own(app, client, hub, system_data):
    housing_system = system_data
    """DESIGN §3: councils record their own systems; the digital lead reads every council's
    inventory (and builds the business cases), so another council's system is a 403."""
    nlc = client.post(
        "/api/v1/digital/systems", json=housing_system(), headers=bearer(hub["nlc"])
    ).get_json()["id"]
    client.post(
        "/api/v1/digital/systems",
        json=housing_system(product="Capita OpenHousing", housing_stock=31000),
        headers=bearer(hub["fife"]),
    )
    lead = bearer(hub["lead"])
    seen = client.get("/api/v1/digital/systems", headers=lead).get_json()["items"]
    assert {(s["council_name"], s["product"]) for s in seen} == {
        ("North Lanarkshire Council", "NEC Housing"),
        ("Fife Council", "Capita OpenHousing"),
    }
    assert (
        client.patch(f"/api/v1/digital/systems/{nlc}", json={"users": 1}, headers=lead).status_code
        == 403
    )
    # Their own council's system, like any user of that council.
    own = client.post(
        "/api/v1/digital/systems",
        json=housing_system(category="digital.fleet_management_system", product="FleetWave"),
        headers=lead,
    )
    assert own.status_code == 201 and own.get_json()["council_name"] == "Glasgow City Council"
    # An administrator may correct any council's record.
    assert (
        client.patch(
            f"/api/v1/digital/systems/{nlc}", json={"users": 125}, headers=bearer(hub["admin"])
        ).status_code
        == 200
    )


def test_bad_systems_are_refused_with_a_reason(client, hub, system_data):
    housing_system = system_data
    nlc = bearer(hub["nlc"])
    wrong_category = client.post(
        "/api/v1/digital/systems",
        json=housing_system(category="digital.other_software"),
        headers=nlc,
    )
    assert wrong_category.status_code == 422
    assert "category" in wrong_category.get_json()["errors"]
    negative = client.post(
        "/api/v1/digital/systems", json=housing_system(licence_cost=-5), headers=nlc
    )
    assert negative.status_code == 422 and "licence_cost" in negative.get_json()["errors"]
    backwards = client.post(
        "/api/v1/digital/systems",
        json=housing_system(contract_start="2028-01-01", contract_end="2027-01-01"),
        headers=nlc,
    )
    assert backwards.status_code == 422
    assert "before it starts" in backwards.get_json()["message"]
    unknown = client.post(
        "/api/v1/digital/systems", json={**housing_system(), "council_code": "S99"}, headers=nlc
    )
    assert unknown.status_code == 422 and "S99" in unknown.get_json()["message"]


def test_system_contract_ends_are_renewal_items(app, client, hub, system_data):
    housing_system = system_data
    from procurehub.workstreams.renewals import renewal_items

    client.post("/api/v1/digital/systems", json=housing_system(), headers=bearer(hub["nlc"]))
    with app.app_context():
        items = [i for i in renewal_items(date(2026, 6, 1)) if i.source == "system"]
    assert [
        (i.council_code, i.category, i.end_date, i.max_end_date, i.reference) for i in items
    ] == [
        (
            NLC,
            "digital.housing_management_system",
            date(2027, 6, 30),
            date(2028, 6, 30),
            "NEC Housing",
        )
    ]


def test_systems_appear_in_the_tender_plan_with_source_system(
    app, client, runner, hub, system_data
):
    housing_system = system_data
    import json

    client.post(
        "/api/v1/digital/systems",
        json=housing_system(contract_end="2029-12-31", contract_reference="NLC-HMS-1"),
        headers=bearer(hub["nlc"]),
    )
    client.post(
        "/api/v1/digital/systems",
        json=housing_system(
            product="Capita OpenHousing", contract_end="2030-03-31", contract_reference="FC-HMS-7"
        ),
        headers=bearer(hub["fife"]),
    )
    result = runner.invoke(["alignment", "plan", "--as-of", "2026-06-01", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    waves = [w for w in plan["waves"] if w["category"] == "digital.housing_management_system"]
    assert len(waves) == 1
    assert sorted(waves[0]["councils"]) == sorted([NLC, FIFE])
    assert sorted((i["source"], i["council_code"], i["reference"]) for i in waves[0]["items"]) == [
        ("system", FIFE, "FC-HMS-7"),
        ("system", NLC, "NLC-HMS-1"),
    ]


def test_the_digital_api_is_in_the_openapi_document(client, hub):
    paths = client.get("/api/v1/openapi.json", headers=bearer(hub["nlc"])).get_json()["paths"]
    for path in (
        "/api/v1/digital/systems",
        "/api/v1/digital/systems/{system_id}",
        "/api/v1/digital/business-cases",
        "/api/v1/digital/business-cases/{case_id}",
        "/api/v1/digital/business-cases/{case_id}/appraisal",
        "/api/v1/digital/business-cases/{case_id}/workbook.xlsx",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/digital/systems/{system_id}"]) >= {"get", "patch", "put", "delete"}
