"""The contracts API as an integrator uses it: filters, pagination, validation, errors."""

from datetime import date

import pytest

from factories import bearer, collaboration, contract, token


@pytest.fixture
def hub(app):
    with app.app_context():
        councils = collaboration()
        nlc, gcc = councils["S12000050"], councils["S12000049"]
        for i in range(7):
            contract(
                nlc,
                reference=f"NLC-{i}",
                title=f"Waste contract {i}",
                end_date=date(2027, 1 + i, 1),
            )
        contract(
            gcc,
            reference="GCC-1",
            title="Electric vans",
            category="fleet.vans_lt_3_5t",
            supplier_name="Ford Motor Company",
            end_date=date(2030, 6, 30),
        )
        return {"h": bearer(token("officer@nlc.example"))}


def test_list_filters(client, hub):
    h = hub["h"]
    get = lambda q: client.get("/api/v1/contracts?" + q, headers=h).get_json()["items"]  # noqa: E731
    assert {c["reference"] for c in get("council=S12000049")} == {"GCC-1"}
    assert {c["reference"] for c in get("workstream=fleet")} == {"GCC-1"}
    assert {c["reference"] for c in get("category=fleet.vans_lt_3_5t")} == {"GCC-1"}
    assert {c["reference"] for c in get("ends_after=2027-06-01&ends_before=2027-07-01")} == {
        "NLC-5",
        "NLC-6",
    }
    assert {c["reference"] for c in get("q=ford")} == {"GCC-1"}
    item = get("council=S12000049")[0]
    assert item["council_code"] == "S12000049" and item["workstream"] == "fleet"
    assert isinstance(item["id"], int)


def test_keyset_pagination_visits_every_contract_once(client, hub):
    seen, url = [], "/api/v1/contracts?limit=3"
    while url:
        body = client.get(url, headers=hub["h"]).get_json()
        seen += [c["reference"] for c in body["items"]]
        url = f"/api/v1/contracts?limit=3&cursor={body['next']}" if body["next"] else None
    assert len(seen) == 8 and len(set(seen)) == 8


@pytest.mark.parametrize(
    "query,status",
    [
        ("limit=0", 422),
        ("limit=501", 422),
        ("cursor=garbage!", 400),
        ("ends_after=31/03/2027", 422),
    ],
)
def test_bad_list_requests_get_a_clear_4xx(client, hub, query, status):
    r = client.get("/api/v1/contracts?" + query, headers=hub["h"])
    assert r.status_code == status
    body = r.get_json()
    assert set(body) >= {"code", "message", "errors"} and body["message"]


def test_create_derives_workstream_and_max_end_date(client, hub):
    r = client.post(
        "/api/v1/contracts",
        headers=hub["h"],
        json={
            "title": "Garden waste composting",
            "category": "waste.garden",
            "reference": "NLC-G",
            "end_date": "2027-03-31",
            "extension_periods_months": [12, 12],
            "value_total": 450000.5,
        },
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["workstream"] == "waste"
    assert body["max_end_date"] == "2029-03-31"
    assert body["value_total"] == 450000.5
    assert (
        client.get(f"/api/v1/contracts/{body['id']}", headers=hub["h"]).get_json()["title"]
        == "Garden waste composting"
    )


def test_create_validation_errors_name_the_field(client, hub):
    r = client.post(
        "/api/v1/contracts",
        headers=hub["h"],
        json={
            "title": "",
            "status": "sleeping",
            "cpv_codes": ["123"],
            "start_date": "2027-01-01",
            "end_date": "2026-01-01",
        },
    )
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert {"title", "status", "cpv_codes"} <= set(errors)
    r = client.post(
        "/api/v1/contracts", headers=hub["h"], json={"title": "x", "category": "waste.nonsense"}
    )
    assert r.status_code == 422 and "Unknown category" in r.get_json()["message"]
    r = client.post(
        "/api/v1/contracts", headers=hub["h"], json={"title": "x", "council_code": "NOPE"}
    )
    assert r.status_code == 422


def test_missing_contract_is_404_json(client, hub):
    r = client.get("/api/v1/contracts/999999", headers=hub["h"])
    assert r.status_code == 404 and r.get_json()["code"] == 404


def test_openapi_document_and_docs_page(client, hub):
    spec = client.get("/api/v1/openapi.json", headers=hub["h"]).get_json()
    assert (
        "/api/v1/contracts" in spec["paths"] and "/api/v1/contracts/{contract_id}" in spec["paths"]
    )
    assert "/api/v1/waste/overview" in spec["paths"]
    assert client.get("/api/docs", headers=hub["h"]).status_code == 200


def test_openapi_document_is_valid_openapi_3(client, hub):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json", headers=hub["h"]).get_json()
    validate(spec)
    upload = spec["paths"]["/api/v1/uploads"]["post"]["requestBody"]["content"][
        "multipart/form-data"
    ]
    assert upload["schema"]["properties"]["file"]["format"] == "binary"


def test_workstream_overview(client, hub):
    body = client.get("/api/v1/waste/overview", headers=hub["h"]).get_json()
    residual = next(c for c in body["categories"] if c["category"] == "waste.residual_treatment")
    assert residual["contracts"] == 7 and residual["councils"]["S12000050"]["contracts"] == 7


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/contracts?q=%00x",
        "/api/v1/contracts?council=%00",
        "/contracts?q=%00",
        "/contracts?council=S%0012",
    ],
)
def test_nul_characters_in_filters_are_not_a_server_error(client, hub, path):
    assert client.get(path, headers=hub["h"]).status_code < 500
