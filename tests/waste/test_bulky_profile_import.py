"""The bulky waste template through the core import: the profile's own rules as the spec's
whole-row check (same words as the form), warnings by row and heading, a council's own sheet
with its own headings and title rows, accept-valid, dry run, the error workbook, the audit."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from sqlalchemy import select
from waste.bulky_hub import GLASGOW, NLC

from procurehub.audit.models import AuditEvent
from procurehub.extensions import db


def council_sheet(tmp_path, rows, name="bulky.xlsx"):
    """A council's own sheet: a title, its own headings in its own order."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["North Lanarkshire – bulky uplift returns"])
    sheet.append([])
    sheet.append(
        ["Year", "Service model", "Uplifts", "Total tonnes", "Reuse", "Recycling",
         "Energy recovery", "Landfill", "Charge (£)", "Annual cost", "Team"]
    )  # fmt: skip
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


GOOD = ["2023-24", "In-house", 17000, 2000, 200, 600, 800, 400, "£25.00", "£1,000,000", "Roads"]
SHORT = ["2024-25", "Contractor", 18000, 2100, 200, 600, 800, None, 27, 1100000, "Roads"]
TOO_MUCH = ["2022-23", "Mixed", 16000, 1900, 900, 600, 800, 100, 20, 950000, "Roads"]


def run(runner, path, *options, council=NLC):
    import json

    result = runner.invoke(
        ["waste", "import-profiles", str(path), "--council", council, "--json", *options]
    )
    return result.exit_code, json.loads(result.output)


def profiles(app):
    from plugins.waste.models import BulkyProfile

    with app.app_context():
        rows = {p.financial_year: p for p in db.session.scalars(select(BulkyProfile))}
        db.session.expunge_all()
        return rows


def test_a_councils_own_sheet_is_read_with_its_headings_and_warnings(hub, runner, tmp_path):
    code, report = run(runner, council_sheet(tmp_path, [GOOD, SHORT]))
    assert code == 0, report
    assert (report["created"], report["rejected"], report["header_row"]) == (2, 0, 3)
    stored = profiles(hub.app)
    assert stored["2023-24"].delivery_model == "in_house"
    assert stored["2023-24"].tonnes_collected == Decimal("2000")
    assert stored["2023-24"].charge_price == Decimal("25.00")
    assert stored["2024-25"].delivery_model == "contractor"
    assert stored["2024-25"].tonnes_landfill is None
    # Tonnes by destination short of tonnes collected: a warning on its row and heading.
    [short] = [w for w in report["warnings"] if "short of" in w["message"]]
    assert (short["row"], short["column"]) == (5, "Total tonnes")
    assert (
        "500 short of the 2100 tonnes collected (tonnes to landfill not given)" in short["message"]
    )
    # The same file again changes nothing.
    code, again = run(runner, council_sheet(tmp_path, [GOOD, SHORT]))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_the_profile_rules_reject_rows_naming_the_heading(hub, runner, tmp_path):
    negative = list(GOOD)
    negative[2] = -5
    fraction = list(SHORT)
    fraction[2] = 12.5
    code, report = run(runner, council_sheet(tmp_path, [negative, fraction, TOO_MUCH]))
    assert code == 1 and report["status"] == "refused" and report["rejected"] == 3
    problems = {(e["row"], e["column"]): e["message"] for e in report["errors"]}
    assert problems[(4, "Uplifts")] == "Collections made cannot be negative; got '-5'."
    assert "must be a whole number of collections" in problems[(5, "Uplifts")]
    assert problems[(6, "Total tonnes")].startswith(
        "Tonnes by destination add up to 2400, more than the 1900 tonnes collected"
    )
    assert profiles(hub.app) == {}


def test_accept_valid_dry_run_and_the_error_workbook(hub, client, runner, tmp_path):
    path = council_sheet(tmp_path, [GOOD, TOO_MUCH])
    code, dry = run(runner, path, "--accept-valid", "--dry-run")
    assert code == 0 and dry["status"] == "dry_run" and dry["upload_id"] is None
    assert (dry["created"], dry["rejected"]) == (1, 1) and profiles(hub.app) == {}
    code, report = run(runner, path, "--accept-valid")
    assert code == 0 and (report["created"], report["rejected"]) == (1, 1)
    assert set(profiles(hub.app)) == {"2023-24"}
    workbook = client.get(
        f"/api/v1/uploads/{report['upload_id']}/errors.xlsx", headers=hub.headers("nlc")
    )
    assert workbook.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook.data)).active.values)
    assert any("2022-23" in row for row in rows)
    with hub.app.app_context():
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "waste_bulky_profile")
        ).all()
        assert event.action == "create" and event.upload_id == report["upload_id"]
    uploads = client.get(
        "/api/v1/uploads?kind=waste.bulky_profiles", headers=hub.headers("nlc")
    ).get_json()
    assert [u["id"] for u in uploads["items"]][-1] == report["upload_id"]


def test_a_row_for_another_council_and_a_year_twice_are_refused(hub, runner, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Council", "Financial year", "Delivery model", "Collections made"])
    sheet.append([GLASGOW, "2023-24", "Mixed", 100])
    sheet.append([NLC, "2024-25", "Mixed", 100])
    sheet.append([None, "2024-25", "Mixed", 200])
    path = tmp_path / "two.xlsx"
    book.save(path)
    code, report = run(runner, path)
    assert code == 1
    messages = {e["row"]: e["message"] for e in report["errors"]}
    assert messages[2].startswith("This row is for Glasgow City Council")
    assert "already on row 3" in messages[4]


def test_the_upload_page_shows_problems_by_row_and_heading_with_the_workbook(hub, client, tmp_path):
    from waste.bulky_hub import csrf_of, sign_in

    sign_in(client, "nlc")
    path = council_sheet(tmp_path, [GOOD, TOO_MUCH])
    response = client.post(
        "/waste/bulky/upload",
        data={
            "csrf_token": csrf_of(client, "/waste/bulky/upload"),
            "file": (io.BytesIO(path.read_bytes()), "bulky.xlsx"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was saved" in html
    assert "<td>5</td><td>Total tonnes</td>" in html
    assert 'id="errors-workbook" href="/api/v1/uploads/' in html
    response = client.post(
        "/waste/bulky/upload",
        data={
            "csrf_token": csrf_of(client, "/waste/bulky/upload"),
            "accept_valid": "1",
            "file": (io.BytesIO(path.read_bytes()), "bulky.xlsx"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Saved: 1 year added, 0 updated, 0 unchanged, 1 row rejected." in html


def test_the_api_takes_a_template_for_ones_own_council_only(hub, client, tmp_path):
    path = council_sheet(tmp_path, [GOOD, SHORT])

    def post(who, **form):
        return client.post(
            "/api/v1/waste/bulky-profile-uploads",
            data={"file": (io.BytesIO(path.read_bytes()), "bulky.xlsx"), **form},
            headers=hub.headers(who),
            content_type="multipart/form-data",
        )

    assert post("glasgow", council=NLC).status_code == 403
    assert post("coordinator", council=NLC).status_code == 403
    assert profiles(hub.app) == {}
    dry = post("nlc", dry_run="true")
    assert dry.status_code == 200 and dry.get_json()["created"] == 2
    stored = post("nlc")
    assert stored.status_code == 201, stored.get_json()
    report = stored.get_json()
    assert report["council_code"] == NLC and report["upload_id"]
    assert any("short of" in w["message"] and w["row"] == 5 for w in report["warnings"])
    assert set(profiles(hub.app)) == {"2023-24", "2024-25"}
    paths = client.get("/api/v1/openapi.json", headers=hub.headers("nlc")).get_json()["paths"]
    assert (
        "multipart/form-data"
        in (paths["/api/v1/waste/bulky-profile-uploads"]["post"]["requestBody"]["content"])
    )
