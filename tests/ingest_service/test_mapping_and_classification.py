"""A council teaches the hub its headings and its category labels; the next upload uses both."""

import io

import pytest
from openpyxl import Workbook

from factories import bearer, collaboration, token


def workbook(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, tok, data, **form):
    return client.post(
        "/api/v1/uploads",
        headers=bearer(tok),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(data), "register.xlsx"), **form},
    )


@pytest.fixture
def hub(app):
    with app.app_context():
        collaboration()
        return {
            "nlc": token("officer@nlc.example"),
            "gla": token("officer@glasgow.example"),
            "coord": token("coord@glasgow.example"),
        }


ODD = [
    ["Our Number", "What", "Firm", "Finishes", "Service Line"],
    [
        "X-1",
        "Uplift service for large household items",
        "Blythswood",
        "31/03/2028",
        "Env Services - Uplifts",
    ],
    ["X-2", "Uplift service north", "Blythswood", "31/03/2029", "Env Services - Uplifts"],
]


def test_saved_mapping_is_used_on_the_next_upload(hub, client):
    first = upload(client, hub["nlc"], workbook(ODD), dry_run="true").get_json()
    mapping = {m["heading"]: m["field"] for m in first["mapping"]}
    assert mapping["Finishes"] is None and mapping["Firm"] is None  # nothing recognised them
    r = client.put(
        "/api/v1/councils/S12000050/column-mapping",
        headers=bearer(hub["nlc"]),
        json={
            "mapping": {
                "Our Number": "reference",
                "Finishes": "end_date",
                "Firm": "supplier_name",
                "Service Line": "category_label",
                "What": "title",
            }
        },
    )
    assert r.status_code == 200, r.get_json()
    report = upload(client, hub["nlc"], workbook(ODD)).get_json()
    assert report["created"] == 2, report
    mapping = {m["heading"]: (m["field"], m["how"]) for m in report["mapping"]}
    assert mapping["Finishes"] == ("end_date", "saved") and mapping["Our Number"] == (
        "reference",
        "saved",
    )
    got = client.get("/api/v1/contracts?q=X-1", headers=bearer(hub["nlc"])).get_json()["items"][0]
    assert got["end_date"] == "2028-03-31" and got["supplier_name"] == "Blythswood"
    # another council's mapping is not touched, and cannot be changed by this officer
    assert client.get(
        "/api/v1/councils/S12000049/column-mapping", headers=bearer(hub["nlc"])
    ).get_json() == {"mapping": {}}
    r = client.put(
        "/api/v1/councils/S12000049/column-mapping",
        headers=bearer(hub["nlc"]),
        json={"mapping": {"Finishes": "end_date"}},
    )
    assert r.status_code == 403
    r = client.put(
        "/api/v1/councils/S12000050/column-mapping",
        headers=bearer(hub["nlc"]),
        json={"mapping": {"Finishes": "not_a_field"}},
    )
    assert r.status_code == 422


def test_assigning_an_unclassified_contract_teaches_the_councils_label(hub, client):
    client.put(
        "/api/v1/councils/S12000050/column-mapping",
        headers=bearer(hub["nlc"]),
        json={
            "mapping": {
                "Our Number": "reference",
                "Finishes": "end_date",
                "Firm": "supplier_name",
                "Service Line": "category_label",
                "What": "title",
            }
        },
    )
    upload(client, hub["nlc"], workbook(ODD[:2]))
    unclassified = client.get(
        "/api/v1/contracts?category=unclassified", headers=bearer(hub["coord"])
    ).get_json()
    assert [c["reference"] for c in unclassified["items"]] == ["X-1"]
    contract_id = unclassified["items"][0]["id"]
    # another council's officer may not; a coordinator may
    r = client.post(
        "/api/v1/classification/assign",
        headers=bearer(hub["gla"]),
        json={"contract_ids": [contract_id], "category": "waste.bulky"},
    )
    assert r.status_code == 403
    r = client.post(
        "/api/v1/classification/assign",
        headers=bearer(hub["coord"]),
        json={"contract_ids": [contract_id], "category": "waste.nonsense"},
    )
    assert r.status_code == 422
    r = client.post(
        "/api/v1/classification/assign",
        headers=bearer(hub["coord"]),
        json={"contract_ids": [contract_id], "category": "waste.bulky"},
    )
    assert r.status_code == 200 and r.get_json()["changed"] == 1
    # The next upload of this council classifies rows with the same label the same way.
    report = upload(client, hub["nlc"], workbook(ODD)).get_json()
    assert (report["created"], report["unchanged"]) == (1, 1)
    items = client.get(
        "/api/v1/contracts?council=S12000050", headers=bearer(hub["nlc"])
    ).get_json()["items"]
    assert {c["reference"]: c["category"] for c in items} == {
        "X-1": "waste.bulky",
        "X-2": "waste.bulky",
    }
    assert {c["reference"]: c["classified_by"] for c in items} == {
        "X-1": "manual",
        "X-2": "saved_label",
    }


def test_purchase_orders_and_zero_value_lines_are_kept_but_marked(hub, client):
    rows = [
        ["Ref", "Title", "Supplier", "End Date", "Value", "Type"],
        ["P-1", "Wheelie bins", "Craemer", "31/03/2027", "£500", "Purchase Order"],
        ["P-2", "Garden waste composting", "Barr", "31/03/2028", "0.0", "Contract"],
        ["P-3", "Food waste treatment", "Keenan", "31/03/2028", "£1,000", "Contract"],
    ]
    report = upload(client, hub["nlc"], workbook(rows)).get_json()
    assert report["created"] == 3
    items = client.get(
        "/api/v1/contracts?council=S12000050", headers=bearer(hub["nlc"])
    ).get_json()["items"]
    assert {c["reference"]: c["record_type"] for c in items} == {
        "P-1": "purchase_order",
        "P-2": "zero_value",
        "P-3": "contract",
    }
