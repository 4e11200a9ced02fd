"""Fleet lists on the web and the API: who may upload, the report page, the vehicles list and
its export, replacement ages, and the demand section of the fleet dashboard."""

from __future__ import annotations

import csv
import io
from datetime import date

from fleet.fleet_lists import write_xlsx
from openpyxl import load_workbook

FIFE, GLASGOW, EDINBURGH = "S12000047", "S12000049", "S12000036"


def vans(prefix, count, year, planned=None):
    return [
        [
            "",
            f"{prefix}{i:02d} VAN",
            "Panel van",
            "Ford Transit Custom",
            "Diesel",
            date(year, 3, 1),
            "3,200",
            "Depot",
            planned,
        ]
        for i in range(count)
    ]


def upload_api(client, headers, path, **form):
    with open(path, "rb") as handle:
        return client.post(
            "/api/v1/fleet/vehicle-uploads",
            headers=headers,
            data={"file": (handle, path.name), **form},
            content_type="multipart/form-data",
        )


def upload_page(pages, path, **form):
    with open(path, "rb") as handle:
        return pages.post(
            "/fleet/vehicles/upload",
            {"file": (handle, path.name), **form},
            content_type="multipart/form-data",
        )


def test_api_upload_report_and_officer_cannot_upload_another_councils_list(
    app, client, fleet, tmp_path
):
    path = write_xlsx(tmp_path / "fleet.xlsx", vans("SK", 3, 2021))
    refused = upload_api(client, fleet.glasgow, path, council=FIFE)
    assert refused.status_code == 403
    assert "your own council" in refused.get_json()["message"]
    assert "Fife Council" in refused.get_json()["message"]
    own = upload_api(client, fleet.manager, path)  # default: the uploader's council
    assert own.status_code == 201, own.get_json()
    report = own.get_json()
    assert (report["council_code"], report["created"], report["status"]) == (FIFE, 3, "stored")
    dry = upload_api(client, fleet.glasgow, path, dry_run="true")
    assert dry.status_code == 200 and dry.get_json()["upload_id"] is None
    listed = client.get(f"/api/v1/fleet/vehicles?council={FIFE}", headers=fleet.glasgow)
    assert [v["registration"] for v in listed.get_json()["items"]] == [
        "SK00VAN",
        "SK01VAN",
        "SK02VAN",
    ]
    assert listed.get_json()["items"][0]["council_name"] == "Fife Council"
    assert (
        client.get(f"/api/v1/fleet/vehicles?council={GLASGOW}", headers=fleet.glasgow).get_json()[
            "items"
        ]
        == []
    )


def test_api_bad_rows_422_with_report_and_error_workbook(app, client, fleet, tmp_path):
    rows = vans("SK", 2, 2021)
    rows[1][5] = "not a date"
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    response = upload_api(client, fleet.manager, path)
    assert response.status_code == 422
    body = response.get_json()
    report = body["report"]
    assert report["rejected"] == 1 and report["errors"][0]["column"] == "Date Registered"
    workbook = client.get(
        f"/api/v1/uploads/{report['upload_id']}/errors.xlsx", headers=fleet.manager
    )
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    assert "not a date" in [c.value for row in sheet.iter_rows() for c in row]
    missing = client.post(
        "/api/v1/fleet/vehicle-uploads",
        headers=fleet.manager,
        data={},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422


def test_web_upload_own_council_report_page_and_403_for_another(
    app, client, fleet, pages, tmp_path
):
    path = write_xlsx(tmp_path / "Fife fleet list.xlsx", vans("SK", 2, 2021))
    pages.sign_in("officer@glasgow.example")
    form = client.get("/fleet/vehicles/upload").get_data(as_text=True)
    assert "Glasgow City Council" in form and "Fife Council" not in form  # own council only
    refused = upload_page(pages, path, council=FIFE)
    assert refused.status_code == 403
    assert "only upload the fleet list of your own council, not Fife Council" in refused.get_data(
        as_text=True
    )
    no_csrf = client.post(
        "/fleet/vehicles/upload", data={"council": GLASGOW}, content_type="multipart/form-data"
    )
    assert no_csrf.status_code == 400
    stored = upload_page(pages, path, council=GLASGOW)
    html = stored.get_data(as_text=True)
    assert stored.status_code == 200
    assert "Fleet list stored" in html and "Glasgow City Council" in html
    assert 'data-count="created">2<' in html
    rows = vans("SK", 2, 2021)
    rows[0][6] = "heavy"
    bad = upload_page(pages, write_xlsx(tmp_path / "bad.xlsx", rows), council=GLASGOW)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Nothing was stored" in html
    assert "GVW (kg)" in html and "is not a weight" in html and 'id="errors-workbook"' in html


def test_vehicles_page_filters_paging_and_exports(app, client, fleet, pages, tmp_path):
    upload_api(client, fleet.manager, write_xlsx(tmp_path / "f.xlsx", vans("SK", 55, 2021)))
    upload_api(client, fleet.glasgow, write_xlsx(tmp_path / "g.xlsx", vans("SG", 2, 2022)))
    pages.sign_in("officer@edinburgh.example")
    first = client.get("/fleet/vehicles").get_data(as_text=True)
    assert "57 vehicles" in first and "Next page" in first and "Fife Council" in first
    second = client.get("/fleet/vehicles?page=2").get_data(as_text=True)
    assert "Previous page" in second and "Next page" not in second
    glasgow = client.get(f"/fleet/vehicles?council={GLASGOW}&replacement_year=2029")
    assert "2 vehicles of Glasgow City Council" in glasgow.get_data(as_text=True)
    exported = client.get(f"/fleet/vehicles.csv?council={GLASGOW}")
    assert exported.status_code == 200
    table = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert [r["registration"] for r in table] == ["SG00VAN", "SG01VAN"]
    assert table[0]["council_name"] == "Glasgow City Council"
    assert table[0]["replacement_year"] == "2029"
    xlsx = client.get("/fleet/vehicles.xlsx?category=fleet.vans_lt_3_5t")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 58  # heading + 57 vehicles


def test_export_neutralises_formulas(app, client, fleet, pages, tmp_path):
    rows = vans("SK", 1, 2021)
    rows[0][7] = '=HYPERLINK("http://evil")'
    upload_api(client, fleet.manager, write_xlsx(tmp_path / "f.xlsx", rows))
    pages.sign_in("manager@fife.example")
    text = client.get("/fleet/vehicles.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" not in text.split("\n")[0]
    assert '""Department"": ""=HYPERLINK' not in text  # extra is JSON text, not a formula cell
    row = list(csv.reader(io.StringIO(text)))[1]
    assert not any(cell.startswith("=") for cell in row)


def test_replacement_ages_only_for_own_council(app, client, fleet, pages):
    api = client.put(
        f"/api/v1/fleet/replacement-ages/{FIFE}",
        json={"ages": {"fleet.cars": 4}},
        headers=fleet.glasgow,
    )
    assert api.status_code == 403
    own = client.put(
        f"/api/v1/fleet/replacement-ages/{GLASGOW}",
        json={"ages": {"fleet.rcv": 9, "fleet.cars": None}},
        headers=fleet.glasgow,
    )
    ages = {a["category"]: a["years"] for a in own.get_json()["ages"]}
    assert own.status_code == 200 and ages["fleet.rcv"] == 9 and ages["fleet.cars"] == 5
    bad = client.put(
        f"/api/v1/fleet/replacement-ages/{GLASGOW}",
        json={"ages": {"fleet.rcv": 99}},
        headers=fleet.glasgow,
    )
    assert bad.status_code == 422
    pages.sign_in("officer@glasgow.example")
    fife = client.get(f"/fleet/replacement-ages?council={FIFE}").get_data(as_text=True)
    assert "Only Fife Council" in fife and 'id="ages"' not in fife
    denied = pages.post(
        "/fleet/replacement-ages",
        {"council": FIFE, "fleet.cars": "4"},
        page=f"/fleet/replacement-ages?council={GLASGOW}",
    )
    assert denied.status_code == 403
    saved = pages.post(
        "/fleet/replacement-ages",
        {"council": GLASGOW, "fleet.cars": "4"},
        page="/fleet/replacement-ages",
    )
    assert saved.status_code == 302


def test_dashboard_shows_demand_chart_table_and_joint_purchase(app, client, fleet, pages, tmp_path):
    year = date.today().year + 3
    upload_api(client, fleet.manager, write_xlsx(tmp_path / "f.xlsx", vans("SK", 3, 2021, year)))
    upload_api(client, fleet.glasgow, write_xlsx(tmp_path / "g.xlsx", vans("SG", 2, 2021, year)))
    pages.sign_in("manager@fife.example")
    html = client.get("/fleet/dashboard").get_data(as_text=True)
    assert 'id="demand-chart"' in html and "<svg" in html
    assert f"{year}: 5 (Fife Council 3, Glasgow City Council 2)" in html
    assert 'id="demand-table"' in html
    assert 'id="joint-purchases"' in html
    joint = html.split('id="joint-purchases"')[1].split("</table>")[0]
    assert "Fife Council" in joint and "Glasgow City Council" in joint
    assert (
        "Vans under 3.5 tonnes" in joint and "/opportunities?category=fleet.vans_lt_3_5t" in joint
    )
    by_class = client.get("/fleet/dashboard?demand_by=class").get_data(as_text=True)
    assert "stacked by vehicle class" in by_class


def test_openapi_documents_the_fleet_list_routes(client, fleet):
    spec = client.get("/api/v1/openapi.json", headers=fleet.glasgow).get_json()
    assert (
        "multipart/form-data"
        in spec["paths"]["/api/v1/fleet/vehicle-uploads"]["post"]["requestBody"]["content"]
    )
    for path in (
        "/api/v1/fleet/vehicles",
        "/api/v1/fleet/demand",
        "/api/v1/fleet/replacement-ages/{council_code}",
    ):
        assert path in spec["paths"]
