"""Files that name their buyers (DESIGN §6, issue 8 item 3), on small files made here: another
council's rows are never filed under the uploader's; a coordinator can file a public file's rows
under each buyer's council on purpose."""

import io
import json
import re

import pytest
from sqlalchemy import select

from factories import PASSWORD, bearer, council, token, user
from procurehub.accounts.models import Council
from procurehub.contracts.models import Contract
from procurehub.extensions import db

DG_MESSAGE = (
    "Buyer is Dumfries and Galloway Council, not North Lanarkshire Council: import it as that "
    "council, or ask a coordinator to import the public file"
)


@pytest.fixture
def hub(app):
    with app.app_context():
        council("S12000050", "North Lanarkshire Council")
        council("S12000006", "Dumfries and Galloway Council")
        council("S12000047", "Fife Council")
        user("officer@nlc.example", "S12000050", "officer")
        user("coordinator@hub.example", "S12000050", "coordinator")
        user("admin@hub.example", "S12000050", "admin")
        return {
            "officer": token("officer@nlc.example"),
            "coordinator": token("coordinator@hub.example"),
        }


def release(ocid, buyer, title, *, buyer_id=None, joint=()):
    parties = [{"id": buyer_id or f"{ocid}-b", "name": buyer, "roles": ["buyer"]}]
    parties += [{"id": f"{ocid}-j{i}", "name": n, "roles": ["buyer"]} for i, n in enumerate(joint)]
    return {
        "ocid": ocid,
        "id": f"{ocid}-award",
        "buyer": {"id": buyer_id or f"{ocid}-b", "name": buyer},
        "parties": parties,
        "tender": {"title": title},
        "awards": [{"id": "A1", "suppliers": [{"name": "Acme Ltd"}]}],
    }


TWO_BUYERS = {
    "releases": [
        release("ocds-t-1", "North Lanarkshire Council", "Food waste collection"),
        release("ocds-t-2", "Dumfries and Galloway Council", "Residual waste treatment"),
        release("ocds-t-3", "Dumfries & Galloway Council", "Waste haulage"),
        release("ocds-t-4", "North Lanarkshire", "Garden waste composting"),
    ]
}


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(json.dumps(content) if isinstance(content, dict) else content)
    return path


def cli(runner, path, *args):
    result = runner.invoke(["import", "contracts", str(path), "--json", *args])
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def stored(app):
    with app.app_context():
        rows = db.session.execute(
            select(Council.code, Contract.reference).join(Council, Contract.council_id == Council.id)
        )
        return sorted((code, ref) for code, ref in rows)


def test_ocds_with_two_buyers_uploaded_by_one_council(hub, app, runner, tmp_path):
    path = write(tmp_path, "notices.json", TWO_BUYERS)
    code, report = cli(runner, path, "--council", "S12000050")
    assert code == 1 and report["status"] == "refused" and report["rejected"] == 2
    assert [(e["row"], e["column"], e["value"], e["message"]) for e in report["errors"]] == [
        (2, "council_name", "Dumfries and Galloway Council", DG_MESSAGE),
        (3, "council_name", "Dumfries & Galloway Council", DG_MESSAGE.replace("and G", "& G", 1)),
    ]
    assert report["other_buyers"] == [
        {"buyer": "Dumfries and Galloway Council", "council_code": "S12000006", "rows": 1},
        {"buyer": "Dumfries & Galloway Council", "council_code": "S12000006", "rows": 1},
    ]
    assert stored(app) == []
    code, report = cli(runner, path, "--council", "S12000050", "--accept-valid")
    assert code == 0 and (report["created"], report["rejected"]) == (2, 2)
    assert stored(app) == [("S12000050", "ocds-t-1"), ("S12000050", "ocds-t-4")]
    code, again = cli(runner, path, "--council", "S12000050", "--accept-valid")
    assert (again["created"], again["unchanged"], again["missing_from_file"]) == (0, 2, 0)


def test_the_other_council_can_import_its_own_rows(hub, app, runner, tmp_path):
    path = write(tmp_path, "notices.json", TWO_BUYERS)
    code, report = cli(runner, path, "--council", "S12000006", "--accept-valid")
    assert code == 0 and report["created"] == 2
    assert {b["buyer"] for b in report["other_buyers"]} == {
        "North Lanarkshire Council",
        "North Lanarkshire",
    }
    assert stored(app) == [("S12000006", "ocds-t-2"), ("S12000006", "ocds-t-3")]


CSV_WITH_BUYERS = (
    "Contract reference,Title,Supplier,End date,Buyer Name\n"
    "R-1,Bins,Acme Ltd,31/03/2027,North Lanarkshire\n"
    "R-2,Street cleansing,Acme Ltd,31/03/2027,THE NORTH LANARKSHIRE COUNCIL\n"
    "R-3,Food waste,Acme Ltd,31/03/2027,Fife Council\n"
    "R-4,Haulage,Acme Ltd,31/03/2027,\n"
    "R-5,Clinical waste,Acme Ltd,31/03/2027,NHS Lanarkshire\n"
)


def test_csv_buyer_column_with_and_without_council_in_the_name(hub, app, runner, tmp_path):
    path = write(tmp_path, "register.csv", CSV_WITH_BUYERS)
    code, report = cli(runner, path, "--council", "S12000050", "--accept-valid")
    assert code == 0 and (report["created"], report["rejected"]) == (3, 2)
    assert [(e["row"], e["column"], e["value"]) for e in report["errors"]] == [
        (4, "Buyer Name", "Fife Council"),
        (6, "Buyer Name", "NHS Lanarkshire"),
    ]
    assert report["errors"][0]["message"] == (
        "Buyer is Fife Council, not North Lanarkshire Council: import it as that council, or "
        "ask a coordinator to import the public file"
    )
    assert report["errors"][1]["message"].startswith(
        "Buyer is NHS Lanarkshire, not North Lanarkshire Council"
    )
    # R-4 names no buyer: the uploader's, as in any register
    assert stored(app) == [("S12000050", r) for r in ("R-1", "R-2", "R-4")]


def test_buyer_given_only_by_gss_identifier(hub, app, runner, tmp_path):
    text = (
        "Contract reference,Title,Supplier,End date,Buyer ID\n"
        "R-1,Bins,Acme Ltd,31/03/2027,GB-GSS-S12000050\n"
        "R-2,Haulage,Acme Ltd,31/03/2027,GB-GSS-S12000006\n"
    )
    path = write(tmp_path, "ids.csv", text)
    code, report = cli(runner, path, "--council", "S12000050")
    assert code == 1 and report["errors"][0]["value"] == "GB-GSS-S12000006"
    assert report["errors"][0]["message"].startswith(
        "Buyer is GB-GSS-S12000006, not North Lanarkshire Council"
    )
    code, report = cli(runner, path, "--all-buyers")
    assert code == 0
    assert stored(app) == [("S12000006", "R-2"), ("S12000050", "R-1")]


def test_file_without_buyer_information_is_unaffected(hub, app, runner, tmp_path):
    path = write(tmp_path, "r.csv", "Contract reference,Title,End date\nR-1,Bins,31/03/2027\n")
    code, report = cli(runner, path, "--council", "S12000047")
    assert code == 0 and report["created"] == 1 and report["other_buyers"] == []
    assert "councils" not in report


def test_all_buyers_files_rows_per_council_reports_unknown_buyers_and_is_idempotent(
    hub, app, runner, tmp_path
):
    with app.app_context():
        from factories import contract

        dg = db.session.scalar(select(Council).where(Council.code == "S12000006"))
        angus = council("S12000041", "Angus Council")  # named nowhere in the file
        contract(dg, reference="DG-OLD", title="An older Dumfries and Galloway contract")
        contract(angus, reference="ANGUS-1", title="An Angus contract")
    notices = {
        "releases": TWO_BUYERS["releases"]
        + [
            release("ocds-t-5", "NHS Lothian", "Clinical waste"),
            release("ocds-t-6", "NHS Lothian", "Sharps"),
            release("ocds-t-7", "Scotland Excel", "Vehicles", joint=("Fife Council",)),
        ]
    }
    path = write(tmp_path, "notices.json", notices)
    code, report = cli(runner, path, "--all-buyers")
    assert code == 0 and report["status"] == "stored"
    assert [(c["council_code"], c["rows"], c["created"]) for c in report["councils"]] == [
        ("S12000050", 2, 2),
        ("S12000006", 2, 2),
        ("S12000047", 1, 1),
    ]
    assert report["unmatched_buyers"] == [{"buyer": "NHS Lothian", "rows": 2}]
    assert any("NHS Lothian, which is not a council in the hub" in w["message"]
               for w in report["warnings"])  # fmt: skip
    # missing_from_file: only councils the file lists rows for, each against its own contracts
    assert report["missing_from_file"] == 1
    assert [(m["council_code"], m["reference"]) for m in report["missing"]] == [
        ("S12000006", "DG-OLD")
    ]
    assert ("S12000047", "ocds-t-7") in stored(app)
    assert not [r for r in stored(app) if r[1] in ("ocds-t-5", "ocds-t-6")]
    code, again = cli(runner, path, "--all-buyers")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    code, only = cli(runner, write(tmp_path, "nhs.json", {"releases": notices["releases"][4:6]}),
                     "--all-buyers")  # fmt: skip
    assert code == 1 and only["status"] == "refused" and only["upload_id"] is None
    assert "no buyer in this file is a council in the hub" in only["message"]


def test_cli_needs_a_council_unless_importing_all_buyers(hub, runner, tmp_path):
    path = write(tmp_path, "notices.json", TWO_BUYERS)
    assert runner.invoke(["import", "contracts", str(path)]).exit_code == 2
    assert runner.invoke(["import", "contracts", str(path), "--all-buyers"]).exit_code == 0


def test_service_refuses_all_buyers_to_an_officer(hub, app, tmp_path):
    from procurehub.accounts.service import get_user
    from procurehub.registers.service import ImportNotAllowed, ImportOptions, import_contracts

    path = write(tmp_path, "notices.json", TWO_BUYERS)
    with app.app_context():
        officer = get_user("officer@nlc.example")
        with pytest.raises(ImportNotAllowed, match="Only a coordinator or an administrator"):
            import_contracts(
                path,
                display_name="notices.json",
                council=officer.council,
                user=officer,
                options=ImportOptions(all_buyers=True),
            )


def api_upload(client, tok, data, **form):
    return client.post(
        "/api/v1/uploads",
        headers=bearer(tok),
        data={"file": (io.BytesIO(data), "notices.json"), **form},
        content_type="multipart/form-data",
    )


def test_api_all_buyers_is_for_coordinators(hub, app, client):
    data = json.dumps(TWO_BUYERS).encode()
    refused = api_upload(client, hub["officer"], data, all_buyers="true")
    assert refused.status_code == 403 and "coordinator" in refused.get_json()["message"]
    assert stored(app) == []
    plain = api_upload(client, hub["officer"], data)
    assert plain.status_code == 422
    assert plain.get_json()["report"]["other_buyers"][0]["council_code"] == "S12000006"
    done = api_upload(client, hub["coordinator"], data, all_buyers="true")
    assert done.status_code == 201, done.get_json()
    assert {c["council_code"]: c["rows"] for c in done.get_json()["councils"]} == {
        "S12000050": 2,
        "S12000006": 2,
    }
    assert stored(app) == [
        ("S12000006", "ocds-t-2"),
        ("S12000006", "ocds-t-3"),
        ("S12000050", "ocds-t-1"),
        ("S12000050", "ocds-t-4"),
    ]


def sign_in(client, email):
    page = client.get("/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302


def page_upload(client, data, **form):
    page = client.get("/registers/upload").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    return page, client.post(
        "/registers/upload",
        data={"file": (io.BytesIO(data), "notices.json"), "csrf_token": csrf, **form},
        content_type="multipart/form-data",
    )


def test_upload_page_offers_all_buyers_to_coordinators_only(hub, app, client):
    data = json.dumps(TWO_BUYERS).encode()
    sign_in(client, "officer@nlc.example")
    page, response = page_upload(client, data, all_buyers="1", council="S12000050")
    assert 'name="all_buyers"' not in page
    assert response.status_code == 403
    assert "Only a coordinator or an administrator" in response.get_data(as_text=True)
    assert stored(app) == []
    client.get("/sign-out")
    client.post("/sign-out")
    client.delete_cookie("session")
    sign_in(client, "coordinator@hub.example")
    page, response = page_upload(client, data, all_buyers="1", council="S12000050")
    assert 'name="all_buyers"' in page
    assert response.status_code == 303
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Councils the rows were filed under" in report and "Dumfries and Galloway" in report
    assert len(stored(app)) == 4
