"""The `procurehub` command as an administrator and an integrator use it (DESIGN §4)."""

import csv

from openpyxl import load_workbook
from sqlalchemy import select

from factories import contract, council
from procurehub.accounts.models import ApiToken, Council, User
from procurehub.extensions import db


def test_councils_users_and_tokens(app, runner, client):
    r = runner.invoke(
        ["councils", "add", "S12000050", "North Lanarkshire Council", "--region", "West"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(["councils", "add", "S12000050", "Duplicate"])
    assert r.exit_code == 1 and "already exists" in r.output

    r = runner.invoke(
        [
            "users",
            "add",
            "Officer@NLC.example",
            "--council",
            "S12000050",
            "--role",
            "officer",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(["users", "add", "x@nlc.example", "--council", "NOPE", "--role", "officer"])
    assert r.exit_code == 1 and "No council with code 'NOPE'" in r.output
    r = runner.invoke(
        ["users", "add", "y@nlc.example", "--council", "S12000050", "--role", "emperor"]
    )
    assert r.exit_code == 2  # usage error: not a role
    r = runner.invoke(
        [
            "users",
            "add",
            "z@nlc.example",
            "--council",
            "S12000050",
            "--role",
            "officer",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert r.exit_code == 1 and "at least 12 characters" in r.output

    r = runner.invoke(["tokens", "create", "officer@nlc.example"])
    assert r.exit_code == 0, r.output
    token = r.output.strip().splitlines()[-1]
    assert token.startswith("phub_") and " " not in token
    assert (
        client.get("/api/v1/councils", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    with app.app_context():
        assert (
            db.session.scalar(select(User).where(User.email == "officer@nlc.example")).council.code
            == "S12000050"
        )
        assert (
            db.session.scalar(select(Council).where(Council.code == "S12000050")).region == "West"
        )
        assert db.session.scalars(select(ApiToken)).one().token_hash != token
    r = runner.invoke(["tokens", "create", "nobody@nlc.example"])
    assert r.exit_code == 1 and "No user" in r.output


def _seed(app):
    with app.app_context():
        nlc = council()
        gcc = council("S12000049", "Glasgow City Council")
        contract(nlc, reference="NLC-1", title='=HYPERLINK("http://x","y")', value_total=-5)
        contract(
            gcc,
            reference="GCC-1",
            title="Fleet vans",
            category="fleet.vans_lt_3_5t",
            cpv_codes=["34136000"],
        )


def test_export_csv_has_canonical_columns_and_is_safe(app, runner, tmp_path):
    _seed(app)
    out = tmp_path / "contracts.csv"
    r = runner.invoke(["export", "contracts", "--format", "csv", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[:4] == ["council_code", "reference", "title", "description"]
    by_ref = {row["reference"]: row for row in rows}
    assert by_ref["NLC-1"]["title"] == '\'=HYPERLINK("http://x","y")'
    assert by_ref["NLC-1"]["value_total"] == "-5.00"
    assert by_ref["NLC-1"]["end_date"] == "2028-03-31"
    assert by_ref["GCC-1"]["cpv_codes"] == "34136000"
    assert by_ref["GCC-1"]["workstream"] == "fleet"

    r = runner.invoke(
        ["export", "contracts", "--workstream", "fleet", "--format", "csv", "-o", str(out)]
    )
    assert [row["reference"] for row in csv.DictReader(out.open(encoding="utf-8"))] == ["GCC-1"]
    r = runner.invoke(
        ["export", "contracts", "--council", "S12000050", "--format", "csv", "-o", str(out)]
    )
    assert [row["reference"] for row in csv.DictReader(out.open(encoding="utf-8"))] == ["NLC-1"]


def test_export_xlsx_keeps_formulas_as_text(app, runner, tmp_path):
    _seed(app)
    out = tmp_path / "contracts.xlsx"
    r = runner.invoke(["export", "contracts", "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    title = sheet.cell(row=2, column=header.index("title") + 1)
    value = sheet.cell(row=2, column=header.index("value_total") + 1)
    assert title.value == '=HYPERLINK("http://x","y")' and title.data_type == "s"
    assert value.value == -5 and value.data_type == "n"


def test_export_usage_errors(app, runner, tmp_path):
    r = runner.invoke(["export", "contracts", "--format", "pdf", "-o", str(tmp_path / "x")])
    assert r.exit_code == 2
    r = runner.invoke(
        ["export", "contracts", "--council", "NOPE", "--format", "csv", "-o", str(tmp_path / "x")]
    )
    assert r.exit_code == 2 and "No council" in r.output


def test_demo_loads_councils_users_and_contracts(app, runner):
    r = runner.invoke(["demo", "--no-serve"])
    assert r.exit_code == 0, r.output
    assert "admin@procurehub.example" in r.output and "demo-password" in r.output
    from procurehub.contracts.models import Contract

    with app.app_context():
        codes = {c.code for c in db.session.scalars(select(Council))}
        assert len(codes) >= 3 and "S12000050" in codes
        contracts = list(db.session.scalars(select(Contract)))
        assert {c.workstream for c in contracts} >= {"waste", "fleet", "digital"}
        assert len({c.council_id for c in contracts}) >= 3
        assert all(c.max_end_date and c.max_end_date >= c.end_date for c in contracts)
    again = runner.invoke(["demo", "--no-serve"])
    assert again.exit_code == 0 and "not loaded again" in again.output
