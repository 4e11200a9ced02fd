"""A council's system inventory uploaded as it keeps it: through the core import pipeline (title
rows, its own headings, the contract report, the error workbook), from the page, the API and the
command line; only into one's own council; audited like the form; and refreshing the plan."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from factories import PASSWORD, bearer
from procurehub.audit.models import AuditEvent
from procurehub.extensions import db

NLC, GLASGOW, FIFE = "S12000050", "S12000049", "S12000047"
HOUSING = "digital.housing_management_system"
FLEET = "digital.fleet_management_system"

#: Headings as a council's digital team writes them (none is the hub's own label).
HEADINGS = [
    "System Type",
    "Software",
    "Supplier",
    "Hosted?",
    "Annual Licence (£)",
    "Hosting Costs",
    "Support & Maintenance",
    "Other Costs",
    "One-off Implementation",
    "No. of Properties",
    "No. of Vehicles",
    "Named Users",
    "Contract Ref",
    "Start Date",
    "Contract Expiry",
    "Extension Options",
    "Comments",
    "Business Owner",
]
HOUSING_ROW = [
    "Housing Management System",
    "NEC Housing",
    "NEC Software Solutions UK Ltd",
    "Hosted by a third party",
    "£60,000.00",
    "20000",
    "£15,000",
    "5,000",
    "£120,000",
    "36,500",
    None,
    "120",
    "NLC/HMS/2022",
    "01/07/2022",
    "Jun-27",
    "1+1",
    "Repairs module included",
    "Head of Housing",
]
FLEET_ROW = [
    "FMS",
    "Tranman",
    "Civica UK Ltd",
    "On-prem",
    45000,
    0,
    7000,
    None,
    20000,
    None,
    1250,
    30,
    None,
    "2021-04-01",
    "31/03/2027",
    "None",
    None,
    "Fleet Manager",
]


def inventory_file(tmp_path, rows, name="systems.xlsx", headings=HEADINGS):
    """An inventory as councils send them: a title, a blank row, the headings, then rows and a
    totals line at the bottom."""
    wb = Workbook()
    ws = wb.active
    ws.title = "ICT systems 2026"
    ws.append(["North Lanarkshire Council – ICT system inventory"])
    ws.append([])
    ws.append(headings)
    for row in rows:
        ws.append(row)
    ws.append(["Total", None, None, None, "£105,000"])
    path = tmp_path / name
    wb.save(path)
    return path


def post_api(client, token, path, council=None, **form):
    data = {"file": (io.BytesIO(path.read_bytes()), path.name)}
    if council:
        data["council"] = council
    data.update({k: "true" if v is True else v for k, v in form.items()})
    return client.post(
        "/api/v1/digital/system-uploads",
        data=data,
        headers=bearer(token),
        content_type="multipart/form-data",
    )


def systems(app, council_code=None):
    from plugins.digital.models import DigitalSystem

    with app.app_context():
        stmt = select(DigitalSystem).order_by(DigitalSystem.category)
        if council_code:
            stmt = stmt.where(DigitalSystem.council_code == council_code)
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return rows


def audit_count(app):
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_type == "digital_system")
        )


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, email: str) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302


def test_messy_headings_and_title_rows_are_read_and_audited_like_the_form(
    app, client, hub, tmp_path
):
    path = inventory_file(tmp_path, [HOUSING_ROW, FLEET_ROW])
    response = post_api(client, hub["nlc"], path)
    report = response.get_json()
    assert response.status_code == 201, report
    assert {k: report[k] for k in ("rows_read", "created", "updated", "unchanged", "rejected",
                                   "duplicates", "missing_from_file")} == {
        "rows_read": 3, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0,
        "duplicates": 0, "missing_from_file": 0,
    }  # fmt: skip
    assert report["council_code"] == NLC and report["upload_id"] and report["header_row"] == 3
    assert any("totals row" in w["message"] for w in report["warnings"])
    read_as = {m["heading"]: m["field"] for m in report["mapping"]}
    assert read_as["Hosted?"] == "hosting_model" and read_as["Hosting Costs"] == "hosting_cost"
    assert read_as["No. of Properties"] == "housing_stock" and read_as["Business Owner"] is None

    fleet, housing = systems(app, NLC)
    assert (housing.category, housing.product, housing.hosting_model) == (
        HOUSING,
        "NEC Housing",
        "hosted",
    )
    assert (housing.licence_cost, housing.hosting_cost, housing.support_cost) == (
        Decimal("60000.00"),
        Decimal("20000.00"),
        Decimal("15000.00"),
    )
    assert housing.other_cost == Decimal("5000.00") and housing.one_off_cost == Decimal("120000")
    assert (housing.housing_stock, housing.users) == (36500, 120)
    assert housing.contract_start == date(2022, 7, 1)
    assert housing.contract_end == date(2027, 6, 30)  # "Jun-27" is the month's last day
    assert housing.extension_periods_months == [12] and housing.max_end_date == date(2028, 6, 30)
    assert housing.contract_reference == "NLC/HMS/2022"
    assert (fleet.category, fleet.hosting_model, fleet.fleet_size) == (FLEET, "on_premises", 1250)
    assert fleet.extension_periods_months == [] and fleet.max_end_date == date(2027, 3, 31)

    with app.app_context():
        events = list(
            db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "digital_system"))
        )
        assert {e.action for e in events} == {"create"} and len(events) == 2
        assert all(e.upload_id == report["upload_id"] for e in events)
        created = next(e for e in events if e.object_id == str(housing.id))
        assert created.changes["product"] == [None, "NEC Housing"]
        assert created.actor == "officer@nlc.example"  # the audit names who uploaded


def test_reupload_changes_nothing_a_change_is_audited_and_missing_systems_are_kept(
    app, client, hub, tmp_path
):
    path = inventory_file(tmp_path, [HOUSING_ROW, FLEET_ROW])
    assert post_api(client, hub["nlc"], path).status_code == 201
    before = audit_count(app)
    again = post_api(client, hub["nlc"], path).get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert audit_count(app) == before

    # A newer file: the licence went up, the fleet system is not in it (kept, reported), and
    # the product is written in other case and spacing (the same system).
    changed = list(HOUSING_ROW)
    changed[1], changed[4] = "nec  housing", "£65,000"
    newer = post_api(client, hub["nlc"], inventory_file(tmp_path, [changed], "v2.xlsx"))
    report = newer.get_json()
    assert (report["created"], report["updated"], report["missing_from_file"]) == (0, 1, 1)
    assert "not in this file (kept, not deleted)" in report["message"]
    fleet, housing = systems(app, NLC)
    assert housing.licence_cost == Decimal("65000.00") and fleet.product == "Tranman"
    with app.app_context():
        update = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert update.changes["licence_cost"] == ["60000.00", "65000.00"]
        assert update.changes["product"] == ["NEC Housing", "nec housing"]  # spaces tidied


def test_a_bad_cost_is_rejected_naming_its_heading_and_nothing_is_stored(
    app, client, hub, tmp_path
):
    bad = list(FLEET_ROW)
    bad[4] = "about forty grand"
    negative = list(HOUSING_ROW)
    negative[6] = "(5,000)"
    path = inventory_file(tmp_path, [negative, bad])
    response = post_api(client, hub["nlc"], path)
    assert response.status_code == 422
    body = response.get_json()
    report = body["report"]
    assert report["status"] == "refused" and report["rejected"] == 2
    problems = {(e["row"], e["column"]): e for e in report["errors"]}
    assert problems[(5, "Annual Licence (£)")]["value"] == "about forty grand"
    assert "could not read" in problems[(5, "Annual Licence (£)")]["message"]
    assert "cannot be negative" in problems[(4, "Support & Maintenance")]["message"]
    assert systems(app) == []
    # The rejected rows come back as a workbook, each problem cell marked.
    workbook = client.get(
        f"/api/v1/uploads/{report['upload_id']}/errors.xlsx", headers=bearer(hub["nlc"])
    )
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    assert "about forty grand" in [c.value for row in sheet.iter_rows() for c in row]


def test_unknown_category_and_hosting_are_named(app, client, hub, tmp_path):
    row = list(HOUSING_ROW)
    row[0], row[3] = "Payroll", "In the basement"
    report = post_api(client, hub["nlc"], inventory_file(tmp_path, [row])).get_json()["report"]
    messages = {e["column"]: e["message"] for e in report["errors"]}
    assert "'Payroll' is not a system category" in messages["System Type"]
    assert "Housing management system" in messages["System Type"]
    assert "'In the basement' is not a hosting model" in messages["Hosted?"]


def test_accept_valid_stores_the_good_rows_and_dry_run_stores_nothing(app, client, hub, tmp_path):
    bad = list(FLEET_ROW)
    bad[14] = "31/02/2027"
    path = inventory_file(tmp_path, [HOUSING_ROW, bad])
    dry = post_api(client, hub["nlc"], path, accept_valid=True, dry_run=True)
    assert dry.status_code == 200
    report = dry.get_json()
    assert report["status"] == "dry_run" and report["upload_id"] is None
    assert (report["created"], report["rejected"]) == (1, 1)
    assert systems(app) == [] and audit_count(app) == 0

    stored = post_api(client, hub["nlc"], path, accept_valid=True)
    assert stored.status_code == 201
    report = stored.get_json()
    assert (report["created"], report["rejected"]) == (1, 1)
    assert report["errors"][0]["column"] == "Contract Expiry"
    assert [s.product for s in systems(app)] == ["NEC Housing"]


def test_no_product_column_is_refused_naming_what_it_accepts(app, client, hub, tmp_path):
    headings = [h if h != "Software" else "Thing" for h in HEADINGS]
    path = inventory_file(tmp_path, [HOUSING_ROW], headings=headings)
    report = post_api(client, hub["nlc"], path).get_json()["report"]
    assert report["status"] == "refused"
    assert "No column for Product" in report["message"] and "'Thing'" in report["message"]


def test_another_councils_inventory_is_refused_on_the_api(app, client, hub, tmp_path):
    path = inventory_file(tmp_path, [HOUSING_ROW])
    assert post_api(client, hub["fife"], path, council=NLC).status_code == 403
    assert post_api(client, hub["lead"], path, council=NLC).status_code == 403
    assert systems(app) == []
    # An administrator may load any council's; a digital lead reads every council's.
    assert post_api(client, hub["admin"], path, council=FIFE).status_code == 201
    listed = client.get("/api/v1/digital/systems", headers=bearer(hub["lead"])).get_json()
    assert [s["council_code"] for s in listed["items"]] == [FIFE]


def test_upload_page_offers_own_council_only_and_refuses_another(app, client, hub, tmp_path):
    sign_in(client, "officer@fife.example")
    page = client.get("/digital/systems/upload").get_data(as_text=True)
    assert "Fife Council" in page and "North Lanarkshire Council" not in page
    assert "/digital/systems/template.xlsx" in page
    path = inventory_file(tmp_path, [HOUSING_ROW])
    response = client.post(
        "/digital/systems/upload",
        data={
            "csrf_token": csrf_of(page),
            "council": NLC,
            "file": (io.BytesIO(path.read_bytes()), "s.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert "only upload the systems of your own council" in response.get_data(as_text=True)
    assert systems(app) == []
    # Without the CSRF token the form is refused.
    no_token = client.post(
        "/digital/systems/upload",
        data={"council": FIFE, "file": (io.BytesIO(path.read_bytes()), "s.xlsx")},
        content_type="multipart/form-data",
    )
    assert no_token.status_code == 400 and systems(app) == []


def test_upload_page_results_by_row_and_heading_with_the_error_workbook(app, client, hub, tmp_path):
    sign_in(client, "officer@nlc.example")
    page = client.get("/digital/systems/upload").get_data(as_text=True)
    bad = list(FLEET_ROW)
    bad[4] = "lots"
    path = inventory_file(tmp_path, [HOUSING_ROW, bad])
    response = client.post(
        "/digital/systems/upload",
        data={
            "csrf_token": csrf_of(page),
            "council": NLC,
            "file": (io.BytesIO(path.read_bytes()), "s.xlsx"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was stored" in html and "North Lanarkshire Council" in html
    assert "<td>Annual Licence (£)</td><td><q>lots</q></td>" in html
    assert re.search(r'href="/api/v1/uploads/\d+/errors.xlsx"', html)
    response = client.post(
        "/digital/systems/upload",
        data={
            "csrf_token": csrf_of(page),
            "council": NLC,
            "accept_valid": "1",
            "file": (io.BytesIO(path.read_bytes()), "s.xlsx"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "System inventory stored" in html
    assert 'data-count="created">1<' in html and 'data-count="rejected">1<' in html
    assert "Digital systems" in html  # a way back


def test_template_lists_the_columns_with_drop_downs_and_round_trips(app, client, hub, tmp_path):
    sign_in(client, "officer@nlc.example")
    response = client.get("/digital/systems/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Systems"]
    header = next(
        n for n, row in enumerate(sheet.iter_rows(values_only=True), 1) if "Product" in row
    )
    headings = [c.value for c in sheet[header]]
    assert headings[:2] == ["System category", "Product"]
    assert "Licence or subscription (£ a year)" in headings and "Extension options" in headings
    lists = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert lists["A"] == '"Fleet management system,Housing management system"'
    assert "Software as a service" in lists["D"]
    assert "Guidance" in book.sheetnames
    # Filled in as an officer would, it uploads.
    values = {
        "System category": "Housing management system",
        "Product": "Capita OpenHousing",
        "Hosting model": "Software as a service",
        "Licence or subscription (£ a year)": 80000,
        "Contract end": date(2029, 3, 31),
        "Extension options": "2 x 12 months",
    }
    for column, heading in enumerate(headings, start=1):
        if heading in values:
            sheet.cell(header + 1, column).value = values[heading]
    path = tmp_path / "filled.xlsx"
    book.save(path)
    report = post_api(app.test_client(), hub["nlc"], path).get_json()
    assert report.get("created") == 1, report
    [system] = systems(app)
    assert (system.hosting_model, system.licence_cost) == ("saas", Decimal("80000.00"))
    assert system.max_end_date == date(2031, 3, 31)
    # Downloaded again it holds the system; uploaded unchanged it changes nothing.
    again = client.get("/digital/systems/template.xlsx")
    path.write_bytes(again.data)
    report = post_api(app.test_client(), hub["nlc"], path).get_json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 1), report


def test_cli_json_report_and_exit_codes(app, runner, hub, tmp_path):
    path = inventory_file(tmp_path, [HOUSING_ROW, FLEET_ROW])
    dry = runner.invoke(
        ["digital", "import-systems", str(path), "--council", NLC, "--dry-run", "--json"]
    )
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert report["upload_id"] is None and report["created"] == 2 and systems(app) == []
    keys = ["upload_id", "council_code", "rows_read", "created", "updated", "unchanged",
            "rejected", "duplicates", "missing_from_file", "errors", "warnings"]  # fmt: skip
    assert list(report)[: len(keys)] == keys

    stored = runner.invoke(["digital", "import-systems", str(path), "--council", NLC, "--json"])
    assert stored.exit_code == 0 and json.loads(stored.output)["created"] == 2
    with app.app_context():
        assert {e.actor for e in db.session.scalars(select(AuditEvent))} >= {"system"}

    bad = list(FLEET_ROW)
    bad[4] = "lots"
    bad_path = inventory_file(tmp_path, [bad], "bad.xlsx")
    refused = runner.invoke(
        ["digital", "import-systems", str(bad_path), "--council", NLC, "--json"]
    )
    assert refused.exit_code == 1
    assert json.loads(refused.output)["errors"][0]["column"] == "Annual Licence (£)"
    accepted = runner.invoke(
        ["digital", "import-systems", str(bad_path), "--council", NLC, "--accept-valid"]
    )
    assert accepted.exit_code == 0 and "rejected" in accepted.output
    unknown = runner.invoke(["digital", "import-systems", str(path), "--council", "S99"])
    assert unknown.exit_code == 2 and "S99" in unknown.output
    missing = runner.invoke(["digital", "import-systems", str(path)])
    assert missing.exit_code == 2


def test_upload_route_is_in_the_openapi_document(client, hub):
    paths = client.get("/api/v1/openapi.json", headers=bearer(hub["nlc"])).get_json()["paths"]
    post = paths["/api/v1/digital/system-uploads"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {"201", "200", "403", "422"} <= set(post["responses"])
