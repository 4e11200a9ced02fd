"""Hostile and broken uploads: a clear message, exit status 1 / HTTP 4xx, and nothing changed."""

import io
import json
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from factories import bearer, collaboration, contract, token
from procurehub.contracts.models import Contract
from procurehub.extensions import db


@pytest.fixture
def hub(app):
    with app.app_context():
        nlc = collaboration()["S12000050"]
        contract(nlc, reference="KEEP-1", title="Existing contract")
        return {"tok": token("officer@nlc.example"), "glasgow": token("officer@glasgow.example")}


def zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))


def billion_laughs(path):
    wb = Workbook()
    wb.active.append(["Ref", "Title", "Supplier", "End date"])
    wb.active.append(["A", "B", "C", "31/03/2027"])
    wb.save(path)
    data = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/sharedStrings.xml" or item.filename.endswith("sheet1.xml"):
                content = (
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' + content.split(b"?>", 1)[-1]
                )
            dst.writestr(item, content)
    path.write_bytes(out.getvalue())


CASES = {
    "zip bomb": ("bomb.xlsx", zip_bomb, "compress"),
    "xml entities": ("laughs.xlsx", billion_laughs, "entity declarations"),
    "text named xlsx": ("fake.xlsx", lambda p: p.write_text("Ref,Title\nA,B\n"), "not"),
    "binary garbage": ("garbage.csv", lambda p: p.write_bytes(bytes(range(256)) * 64), "binary"),
    "empty file": ("empty.csv", lambda p: p.write_bytes(b""), "empty"),
    "header only": (
        "header.csv",
        lambda p: p.write_text("Contract Ref,Title,Supplier,End Date\n"),
        "no data rows",
    ),
    "wrong extension": ("register.pdf", lambda p: p.write_bytes(b"%PDF-1.4"), ".pdf"),
    "no header": ("numbers.csv", lambda p: p.write_text("1,2,3\n4,5,6\n"), "header"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_refuses_hostile_file_and_changes_nothing(hub, runner, tmp_path, case):
    name, make, expected = CASES[case]
    path = tmp_path / name
    make(path)
    result = runner.invoke(["import", "contracts", str(path), "--council", "S12000050", "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["status"] == "refused" and report["created"] == 0
    assert expected.lower() in report["message"].lower(), report["message"]
    assert str(tmp_path) not in report["message"]  # never a server path
    with runner._runner.app.app_context():
        assert [c.reference for c in db.session.scalars(select(Contract))] == ["KEEP-1"]


def test_cli_csv_with_too_many_rows(hub, runner, tmp_path, app):
    app.config["MAX_IMPORT_ROWS"] = 1000
    path = tmp_path / "big.csv"
    path.write_text(
        "Contract Ref,Title,Supplier,End Date\n"
        + "".join(f"R{i},Title {i},Supplier,31/03/2027\n" for i in range(1500))
    )
    result = runner.invoke(["import", "contracts", str(path), "--council", "S12000050", "--json"])
    assert result.exit_code == 1
    assert "1,000" in json.loads(result.output.strip().splitlines()[-1])["message"]
    with runner._runner.app.app_context():
        assert db.session.scalar(select(func.count(Contract.id))) == 1


def test_cli_usage_errors_exit_2(hub, runner, tmp_path):
    assert (
        runner.invoke(
            ["import", "contracts", str(tmp_path / "nope.csv"), "--council", "S12000050"]
        ).exit_code
        == 2
    )
    path = tmp_path / "r.csv"
    path.write_text("Contract Ref,Title\nA,B\n")
    assert runner.invoke(["import", "contracts", str(path), "--council", "NOPE"]).exit_code == 2
    assert runner.invoke(["import", "contracts", str(path)]).exit_code == 2


def good_register() -> bytes:
    wb = Workbook()
    wb.active.append(
        ["Contract Ref", "Title of Agreement", "Contractor", "Expiry Date", "Total Contract Value"]
    )
    wb.active.append(["NLC-9", "Food waste treatment", "Keenan", "31/03/2028", "£1.2m"])
    wb.active.append(["NLC-10", "Bad dates", "Keenan", "31/31/2028", "£5"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def post(client, tok, data: bytes, name="register.xlsx", **form):
    return client.post(
        "/api/v1/uploads",
        headers=bearer(tok),
        data={"file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )


def test_api_upload_refused_then_accepted_with_error_workbook(hub, client):
    r = post(client, hub["tok"], good_register())
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == 422 and "Nothing was stored" in body["message"]
    upload_id = body["report"]["upload_id"]
    assert (
        body["report"]["errors"][0]["row"] == 3
        and body["report"]["errors"][0]["value"] == "31/31/2028"
    )
    wb = client.get(f"/api/v1/uploads/{upload_id}/errors.xlsx", headers=bearer(hub["tok"]))
    assert wb.status_code == 200
    sheet = load_workbook(io.BytesIO(wb.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "Contract Ref",
        "Title of Agreement",
        "Contractor",
        "Expiry Date",
        "Total Contract Value",
    ]
    bad = sheet.cell(row=2, column=4)
    assert (
        bad.value == "31/31/2028" and bad.comment is not None and "31/31/2028" in bad.comment.text
    )

    r = post(client, hub["tok"], good_register(), accept_valid="true")
    assert r.status_code == 201, r.get_json()
    report = r.get_json()
    assert (report["created"], report["rejected"]) == (1, 1)
    got = client.get(
        f"/api/v1/uploads/{report['upload_id']}", headers=bearer(hub["tok"])
    ).get_json()
    assert got["created"] == 1 and got["status"] == "stored"


def test_api_officer_cannot_upload_into_another_council(hub, client, app):
    r = post(client, hub["glasgow"], good_register(), council="S12000050", accept_valid="true")
    assert r.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Contract.id))) == 1


def test_api_upload_too_large_is_413_json(hub, client, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    r = post(client, hub["tok"], b"x" * 20_000, name="big.csv")
    assert r.status_code == 413 and r.get_json()["code"] == 413


def test_api_upload_without_file_is_422(hub, client):
    r = client.post(
        "/api/v1/uploads", headers=bearer(hub["tok"]), data={}, content_type="multipart/form-data"
    )
    assert r.status_code == 422 and "file" in r.get_json()["errors"]


def test_template_has_every_column_and_drop_downs(hub, client):
    r = client.get("/api/v1/templates/contracts.xlsx", headers=bearer(hub["tok"]))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    sheet = wb["Contracts"]
    header = [c.value for c in sheet[1]]
    assert {
        "reference",
        "title",
        "category",
        "end_date",
        "extension_terms",
        "collaboration_interest",
    } <= set(header)
    ranges = {str(dv.sqref).split(":")[0][:1] for dv in sheet.data_validations.dataValidation}
    assert len(ranges) >= 3  # category, status and collaboration drop-downs
    assert "Guidance" in wb.sheetnames


def test_filled_template_imports_with_explicit_categories(hub, client):
    r = client.get("/api/v1/templates/contracts.xlsx", headers=bearer(hub["tok"]))
    wb = load_workbook(io.BytesIO(r.data))
    sheet = wb["Contracts"]
    header = [c.value for c in sheet[1]]
    row = dict.fromkeys(header)
    row.update(
        reference="T-1",
        title="Uplift service",
        category="waste.bulky",
        end_date="31/03/2028",
        extension_periods_months="12;12",
        status="active",
        collaboration_interest="yes",
    )
    sheet.append([row[h] for h in header])
    buffer = io.BytesIO()
    wb.save(buffer)
    r = post(client, hub["tok"], buffer.getvalue(), name="filled.xlsx")
    assert r.status_code == 201, r.get_json()
    got = client.get("/api/v1/contracts?q=T-1", headers=bearer(hub["tok"])).get_json()["items"][0]
    assert got["category"] == "waste.bulky" and got["max_end_date"] == "2030-03-31"
    assert got["collaboration_interest"] == "yes"


def test_api_lists_uploads(hub, client):
    post(client, hub["tok"], good_register(), accept_valid="true")
    post(client, hub["tok"], good_register())
    body = client.get(
        "/api/v1/uploads?council=S12000050&limit=1", headers=bearer(hub["tok"])
    ).get_json()
    assert len(body["items"]) == 1 and body["next"]
    assert body["items"][0]["status"] == "stored" and body["items"][0]["counts"]["created"] == 1
    second = client.get(
        f"/api/v1/uploads?council=S12000050&cursor={body['next']}", headers=bearer(hub["tok"])
    )
    assert second.get_json()["items"][0]["status"] == "refused"
