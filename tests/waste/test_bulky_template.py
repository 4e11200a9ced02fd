"""The xlsx template: download it, fill it in as an officer would (openpyxl), upload it, and
the stored profile equals what was typed; a bad file is refused with every problem listed."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
from sqlalchemy import select
from waste.bulky_hub import GLASGOW, NLC, csrf_of, profile_body, sign_in

from procurehub.extensions import db

FILLED = {
    "Financial year": "2023-24",
    "Delivery model": "Reuse partner",
    "Collections made": 17500,
    "Items collected": 59000,
    "Tonnes collected (tonnes)": 2210.5,
    "Tonnes to reuse (tonnes)": 300,
    "Tonnes to recycling (tonnes)": 610.25,
    "Tonnes to energy recovery (tonnes)": 900,
    "Tonnes to landfill (tonnes)": 400.25,
    "Charge per collection (£)": 22.5,
    "Items covered by the charge": 4,
    "Concessions": "=Free for pensioners",  # text that looks like a formula stays text
    "Annual operating cost (£)": 1050000,
    "Days from request to collection (days)": 7.5,
    "Bulky waste contracts": "NLC-BULKY-1; NLC-OLD-7",
}


def download(client) -> openpyxl.Workbook:
    response = client.get("/waste/bulky/template.xlsx")
    assert response.status_code == 200
    assert "bulky-waste-profile-S12000050.xlsx" in response.headers["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def header_row(sheet) -> tuple[int, list[str]]:
    for row in sheet.iter_rows(min_row=1, max_row=10):
        values = [c.value for c in row]
        if "Financial year" in values:
            return row[0].row, values
    raise AssertionError("no heading row")


def upload(client, book, name="profile.xlsx"):
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    csrf = csrf_of(client, "/waste/bulky/upload")
    return client.post(
        "/waste/bulky/upload",
        data={"csrf_token": csrf, "file": (buffer, name)},
        content_type="multipart/form-data",
    )


def stored(app, year):
    from plugins.waste.models import BulkyProfile

    with app.app_context():
        return db.session.scalars(
            select(BulkyProfile).where(BulkyProfile.financial_year == year)
        ).one_or_none()


def test_template_has_headings_guidance_and_a_delivery_model_drop_down(hub, client):
    sign_in(client, "nlc")
    book = download(client)
    sheet = book["Bulky waste profile"]
    number, headings = header_row(sheet)
    assert headings[:3] == ["Council", "Financial year", "Delivery model"]
    assert "Tonnes collected (tonnes)" in headings and "Annual operating cost (£)" in headings
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == '"In-house,Contractor,Reuse partner,Mixed"'
    assert str(validation.sqref).startswith(f"C{number + 1}:")
    assert sheet.cell(number + 1, 1).value == NLC  # a first row to fill in
    guidance = [r[0] for r in book["Guidance"].iter_rows(values_only=True)]
    assert "Tonnes to reuse (tonnes)" in guidance


def test_round_trip_stores_what_was_typed(hub, client):
    sign_in(client, "nlc")
    book = download(client)
    sheet = book["Bulky waste profile"]
    number, headings = header_row(sheet)
    for column, heading in enumerate(headings, start=1):
        if heading in FILLED:
            sheet.cell(number + 1, column).value = FILLED[heading]
    sheet.cell(number + 1, headings.index("Concessions") + 1).data_type = "s"
    response = upload(client, book)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "1 year added, 0 updated, 0 unchanged" in html
    row = stored(hub.app, "2023-24")
    assert row.council_code == NLC and row.delivery_model == "reuse_partner"
    assert (row.collections, row.items, row.charge_items_covered) == (17500, 59000, 4)
    assert row.tonnes_collected == Decimal("2210.5")
    assert row.tonnes_recycling == Decimal("610.25")
    assert row.tonnes_landfill == Decimal("400.25")
    assert row.charge_price == Decimal("22.5") and row.operating_cost == Decimal("1050000")
    assert row.days_to_collection == Decimal("7.5")
    assert row.concessions == "=Free for pensioners"
    assert row.contract_references == ["NLC-BULKY-1", "NLC-OLD-7"]

    # Download again: the recorded year comes back, and uploading it unchanged changes nothing.
    again = download(client)
    sheet = again["Bulky waste profile"]
    number, headings = header_row(sheet)
    assert sheet.cell(number + 1, headings.index("Delivery model") + 1).value == "Reuse partner"
    assert sheet.cell(number + 1, headings.index("Concessions") + 1).data_type == "s"
    assert "0 years added, 0 updated, 1 unchanged" in upload(client, again).get_data(as_text=True)


def test_a_bad_template_is_refused_whole_with_every_problem(hub, client):
    sign_in(client, "nlc")
    book = download(client)
    sheet = book["Bulky waste profile"]
    number, headings = header_row(sheet)
    col = {h: i + 1 for i, h in enumerate(headings)}
    sheet.cell(number + 1, col["Delivery model"]).value = "In-house"
    sheet.cell(number + 2, col["Financial year"]).value = "2023-24"
    sheet.cell(number + 2, col["Delivery model"]).value = "Council"
    sheet.cell(number + 2, col["Collections made"]).value = -4
    sheet.cell(number + 3, col["Council"]).value = GLASGOW
    sheet.cell(number + 3, col["Financial year"]).value = "2022-23"
    sheet.cell(number + 3, col["Delivery model"]).value = "Mixed"
    response = upload(client, book)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    problems = re.search(r'<table [^>]*id="problems">.*?</table>', html, re.S).group(0)
    assert problems.count("<tr>") == 4  # header + three problems
    assert f"<td>{number + 2}</td><td>Delivery model</td>" in problems
    assert f"<td>{number + 2}</td><td>Collections made</td>" in problems
    assert "This row is for Glasgow City Council" in problems
    assert "Nothing was saved" in html
    assert stored(hub.app, "2024-25") is None  # the good row was not stored either


def test_a_file_that_is_not_the_template_is_refused(hub, client):
    sign_in(client, "nlc")
    csrf = csrf_of(client, "/waste/bulky/upload")
    # A CSV is read like any table now, but one without the template's columns is refused,
    # naming the template's headings (not a contract register's).
    response = client.post(
        "/waste/bulky/upload",
        data={"csrf_token": csrf, "file": (io.BytesIO(b"a,b\n1,2\n"), "profile.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was saved" in html and "Financial year" in html
    assert "Contract reference" not in html
    bomb = io.BytesIO(b"PK\x03\x04 not really a zip")
    response = client.post(
        "/waste/bulky/upload",
        data={"csrf_token": csrf, "file": (bomb, "profile.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "damaged" in response.get_data(as_text=True)
    blank = openpyxl.Workbook()
    blank.active["A1"] = "Nothing to see"
    response = upload(client, blank)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was saved" in html
    assert "Financial year" in html and stored(hub.app, "2024-25") is None


def test_api_profile_appears_in_the_template(hub, client):
    client.post("/api/v1/waste/bulky-profiles", json=profile_body(), headers=hub.headers("nlc"))
    sign_in(client, "nlc")
    sheet = download(client)["Bulky waste profile"]
    number, headings = header_row(sheet)
    assert sheet.cell(number + 1, headings.index("Tonnes collected (tonnes)") + 1).value == 2310
