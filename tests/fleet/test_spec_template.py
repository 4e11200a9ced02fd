"""The spec template: it lists the standard's attributes; filled in and uploaded it becomes the
council's spec; uploading it again changes nothing; unsafe or foreign files are refused."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from sqlalchemy import func, select

from plugins.fleet.standard_spec import phase1_evan_standard
from procurehub.audit.models import AuditEvent
from procurehub.extensions import db

API = "/api/v1/fleet/specs"


def template(client, headers) -> openpyxl.Workbook:
    response = client.get(f"{API}/template.xlsx", headers=headers)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.data))


def filled(workbook: openpyxl.Workbook, values: dict[str, object]) -> bytes:
    sheet = workbook["Specification"]
    for row in sheet.iter_rows():
        key = row[0].value
        if key in values:
            cell = sheet.cell(row=row[0].row, column=6, value=values[key])
            if isinstance(values[key], str) and values[key].startswith("="):
                cell.data_type = "s"  # text typed as text, not a formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, headers, data: bytes, name: str = "our van.xlsx"):
    return client.post(
        f"{API}/upload",
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_the_template_lists_the_standards_attributes(fleet, client):
    sheet = template(client, fleet.glasgow)["Specification"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "attribute")
    assert rows[header] == ["attribute", "What", "Unit", "The standard asks for",
                            "Mandatory or desirable", "Your figure"]
    keys = [r[0] for r in rows[header + 1:]]
    standard = phase1_evan_standard()
    assert keys[:3] == ["spec_name", "vehicle_class", "catalogue_vehicle"]
    assert keys[3:3 + len(standard.requirements)] == [r.attribute for r in standard.requirements]
    gvw = rows[header + 4]
    assert gvw[1:5] == ["Gross vehicle weight", "kg", "max 3,500 kg", "mandatory"]
    assert "purchase_price" in keys and "notes" in keys


def test_a_filled_template_round_trips_and_a_second_upload_changes_nothing(fleet, client, app):
    workbook = template(client, fleet.glasgow)
    name = next(f"{mk} {md} {v}" for (mk, md, v) in fleet.vehicles if md.startswith("Kangoo"))
    data = filled(workbook, {
        "spec_name": "City small van",
        "catalogue_vehicle": name,
        "gvw_kg": 2260,          # a number cell
        "payload_kg": "600",
        "aeb": "Yes",
        "telematics": "no",
        "battery_warranty_km": "100,000 miles",
        "seats": 2,
        "purchase_price": 33000,
        "notes": "=HYPERLINK(\"http://x\")",
    })
    first = upload(client, fleet.glasgow, data)
    assert first.status_code == 201, first.get_json()
    spec = first.get_json()["spec"]
    assert first.get_json()["created"] is True
    assert spec["name"] == "City small van" and spec["council_code"] == "S12000049"
    assert spec["catalogue_vehicle"] == name
    assert spec["figures"] == {"gvw_kg": "2260", "payload_kg": "600", "aeb": "Yes",
                               "telematics": "no", "battery_warranty_km": "100,000 miles",
                               "seats": "2"}
    assert spec["costs"] == {"purchase_price": "33000"}
    assert spec["notes"] == '=HYPERLINK("http://x")'  # kept as text, never run
    assert spec["failures"] == [{"attribute": "telematics", "required": "fitted",
                                 "actual": "not fitted"}]

    second = upload(client, fleet.glasgow, data)
    assert second.status_code == 200 and second.get_json()["created"] is False
    assert second.get_json()["spec"]["figures"] == spec["figures"]
    with app.app_context():
        events = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.object_type == "fleet_council_spec")
        )
        assert events == 1  # the unchanged re-upload recorded no change

    changed = upload(client, fleet.glasgow, filled(workbook, {"telematics": "yes"}))
    assert changed.status_code == 200
    assert changed.get_json()["spec"]["failures"] == []
    assert changed.get_json()["spec"]["figures"]["telematics"] == "yes"
    assert len(client.get(API, headers=fleet.glasgow).get_json()["items"]) == 1


def test_refused_uploads_store_nothing(fleet, client):
    workbook = template(client, fleet.glasgow)
    unreadable = filled(workbook, {"spec_name": "Van", "aeb": "perhaps"})
    response = upload(client, fleet.glasgow, unreadable)
    assert response.status_code == 422
    assert "write yes or no, not 'perhaps'" in response.get_json()["message"]

    nameless = upload(client, fleet.glasgow, filled(template(client, fleet.glasgow), {}))
    assert nameless.status_code == 422 and "spec_name" in nameless.get_json()["message"]

    csv = upload(client, fleet.glasgow, b"attribute,value\n", name="spec.csv")
    assert csv.status_code == 422 and "not the .xlsx template" in csv.get_json()["message"]

    other = openpyxl.Workbook()
    other.active.title = "Contracts"
    buffer = io.BytesIO()
    other.save(buffer)
    foreign = upload(client, fleet.glasgow, buffer.getvalue(), name="register.xlsx")
    assert foreign.status_code == 422
    assert "no sheet called 'Specification'" in foreign.get_json()["message"]

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<" + "a" * (60 * 1024 * 1024) + "/>")
    refused = upload(client, fleet.glasgow, bomb.getvalue(), name="bomb.xlsx")
    assert refused.status_code == 422
    assert client.get(API, headers=fleet.glasgow).get_json()["items"] == []


def test_uploading_for_another_council_is_refused(fleet, client):
    data = filled(template(client, fleet.manager), {"spec_name": "Van"})
    response = client.post(
        f"{API}/upload",
        data={"file": (io.BytesIO(data), "van.xlsx"), "council": "S12000049"},
        headers=fleet.manager,
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert client.get(API, headers=fleet.glasgow).get_json()["items"] == []


def test_the_web_page_upload(fleet, client, pages):
    pages.sign_in("officer@glasgow.example")
    data = filled(template(client, fleet.glasgow), {"spec_name": "Pool van", "aeb": "yes"})
    html = client.get("/fleet/specs").get_data(as_text=True)
    response = client.post(
        "/fleet/specs/upload",
        data={"file": (io.BytesIO(data), "pool.xlsx"), "csrf_token": pages.csrf_of(html)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Added Pool van from the template." in response.get_data(as_text=True)
    html = client.get("/fleet/specs").get_data(as_text=True)
    bad = client.post(
        "/fleet/specs/upload",
        data={"file": (io.BytesIO(b"not a workbook"), "pool.xlsx"),
              "csrf_token": pages.csrf_of(html)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Nothing was stored" in bad.get_data(as_text=True)
