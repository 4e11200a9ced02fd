"""Every real file in the sample data imports through `procurehub import contracts --json`,
with its fields right (files copied unchanged from ../shared/data/real into tests/ingest/data).

Every one of them names its buyers (DESIGN §6, issue 8): a council uploading one keeps only its
own rows, and a coordinator's `--all-buyers` import files each row under its buyer's council."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factories import council
from procurehub.accounts.models import Council
from procurehub.contracts.models import Contract
from procurehub.extensions import db

DATA = Path(__file__).resolve().parents[1] / "ingest" / "data"
PCS = "public_contracts_scotland_ocds_releases_2019-03to04.json"
CF_AWARDS = "contracts_finder_daily_csv_export_2020-07-01_awards.csv"
CF_FLATTENED = "contracts_finder_daily_csv_export_2020-08-05_flattened_ocds.csv"
CF_RELEASES = "contracts_finder_ocds_releases_2025-01to03.json"
CF_SEARCH = "contracts_finder_ocds_search_response_2025-01-20to23.json"
NOTTINGHAM = "silvereye_simple_award_csv_nottingham_2020-07.csv"
# The demo's six councils, plus the buyers whose contracts the field tests read (a hub's
# councils table may hold any public body under a short code).
HUB = {
    "S12000050": "North Lanarkshire Council",
    "S12000049": "Glasgow City Council",
    "S12000036": "City of Edinburgh Council",
    "S12000047": "Fife Council",
    "S12000006": "Dumfries and Galloway Council",
    "S12000008": "East Ayrshire Council",
    "S12000041": "Angus Council",
    "D10": "Department for Work and Pensions",
    "E06000011": "East Riding of Yorkshire Council",
    "E09000024": "London Borough of Merton",
    "E07000103": "Watford Borough Council",
    "E06000018": "Nottingham City Council",
}


def import_json(runner, path, *extra, council="S12000006"):
    args = ["import", "contracts", str(path), "--json", *extra]
    if council:
        args += ["--council", council]
    result = runner.invoke(args)
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


@pytest.fixture
def dg(app):
    with app.app_context():
        for code, name in HUB.items():
            council(code, name)
    return app


def contract(app, reference):
    with app.app_context():
        c = db.session.scalars(select(Contract).where(Contract.reference == reference)).first()
        db.session.expunge_all()
        return c


def stored_by_council(app):
    with app.app_context():
        stmt = (
            select(Council.code, func.count(Contract.id))
            .join(Contract, Contract.council_id == Council.id)
            .group_by(Council.code)
        )
        return {code: count for code, count in db.session.execute(stmt)}


# Every real file names its buyers; none is North Lanarkshire's register.
@pytest.mark.parametrize(
    "name,rows,refused,duplicates,own",
    [
        (CF_AWARDS, 10, 10, 0, 0),
        (CF_FLATTENED, 29, 29, 0, 0),
        (CF_RELEASES, 201, 198, 3, 0),
        (CF_SEARCH, 1, 1, 0, 0),
        (PCS, 341, 340, 0, 1),  # one release of the Scottish file is North Lanarkshire's own
        (NOTTINGHAM, 1, 1, 0, 0),
    ],
)
def test_a_council_uploading_a_public_file_keeps_only_its_own_rows(
    dg, runner, name, rows, refused, duplicates, own
):
    code, report = import_json(runner, DATA / name, council="S12000050")
    assert code == 1 and report["status"] == "refused", report["message"]
    assert (report["rows_read"], report["rejected"], report["duplicates"]) == (
        rows,
        refused,
        duplicates,
    )
    assert all(e["message"].startswith("Buyer is ") for e in report["errors"])
    assert sum(b["rows"] for b in report["other_buyers"]) == refused
    assert stored_by_council(dg) == {}
    code, report = import_json(runner, DATA / name, "--accept-valid", council="S12000050")
    assert code == 0 and report["created"] == own and report["rejected"] == refused
    assert stored_by_council(dg) == ({"S12000050": own} if own else {})


def test_north_lanarkshire_no_longer_stores_dumfries_and_galloways_contracts(dg, runner):
    code, report = import_json(runner, DATA / PCS, "--accept-valid", council="S12000050")
    message = (
        "Buyer is Dumfries and Galloway Council, not North Lanarkshire Council: import it as "
        "that council, or ask a coordinator to import the public file"
    )
    dg_errors = [e for e in report["errors"] if e["value"] == "Dumfries and Galloway Council"]
    assert len(dg_errors) == 9 and {e["message"] for e in dg_errors} == {message}
    assert {"buyer": "Dumfries and Galloway Council", "council_code": "S12000006", "rows": 9} in (
        report["other_buyers"]
    )
    assert "Angus Council: 83" in report["message"]
    mine = contract(dg, "ocds-r6ebe6-0000578640")
    assert mine.title == "Transport of Pupils with Additional Support Needs 2019-2022"
    assert contract(dg, "ocds-r6ebe6-0000581400/lot-4") is None  # Dumfries and Galloway's


def test_coordinator_import_of_the_scottish_file_files_rows_per_council(dg, runner):
    code, report = import_json(runner, DATA / PCS, "--all-buyers", council=None)
    assert code == 0 and report["status"] == "stored"
    filed = {c["council_code"]: c["rows"] for c in report["councils"]}
    assert filed == {
        "S12000008": 4,
        "S12000006": 9,
        "S12000036": 20,
        "S12000049": 2,
        "S12000047": 2,
        "S12000050": 1,
        "S12000041": 83,
    }
    assert stored_by_council(dg) == filed
    assert (report["created"], report["rejected"], report["missing_from_file"]) == (121, 0, 0)
    unmatched = {b["buyer"]: b["rows"] for b in report["unmatched_buyers"]}
    assert len(unmatched) == 53 and sum(unmatched.values()) == 341 - 121
    assert unmatched["Comhairle nan Eilean Siar"] == 54 and unmatched["Scotland Excel"] == 38
    # "The City of Edinburgh Council" is the hub's "City of Edinburgh Council"
    assert "The City of Edinburgh Council" not in unmatched
    code, again = import_json(runner, DATA / PCS, "--all-buyers", council=None)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 121)
    assert all(c["missing_from_file"] == 0 for c in again["councils"])


@pytest.mark.parametrize(
    "name,rows,filed,duplicates",
    [
        (CF_AWARDS, 10, {"D10": 1}, 0),
        (CF_FLATTENED, 29, {"E06000011": 4, "E06000018": 1}, 0),
        (CF_RELEASES, 201, {"E09000024": 4, "E07000103": 1}, 3),
        (CF_SEARCH, 1, {"E09000024": 1}, 0),
        (NOTTINGHAM, 1, {"E06000018": 1}, 0),
    ],
)
def test_coordinator_import_of_contracts_finder_files(dg, runner, name, rows, filed, duplicates):
    code, report = import_json(runner, DATA / name, "--all-buyers", council=None)
    assert code == 0, report["message"]
    assert (report["rows_read"], report["duplicates"], report["rejected"]) == (rows, duplicates, 0)
    assert {c["council_code"]: c["rows"] for c in report["councils"]} == filed
    assert stored_by_council(dg) == filed
    assert sum(b["rows"] for b in report["unmatched_buyers"]) == (
        rows - duplicates - sum(filed.values())
    )
    code, again = import_json(runner, DATA / name, "--all-buyers", council=None)
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["unchanged"] == sum(filed.values())


def test_contracts_finder_awards_csv_fields(dg, runner):
    import_json(runner, DATA / CF_AWARDS, "--all-buyers", council=None)
    c = contract(dg, "ocds-b5fd17-1270ee0c-bfb1-471a-b260-c3c2274112ea")
    assert c.title == "BPDTS Commercial Managed Service Contract Award Notice"
    assert c.supplier_name == "Pixel Global T/A Pixel Group Ltd"
    assert (
        c.supplier_address == "Studio 149, The Light Box, 111 Power Road, London, England, W4 5PY"
    )
    assert c.award_date == date(2020, 6, 15) and c.value_total == Decimal("231265.00")
    assert c.cpv_codes == ["79000000"]
    assert "releases/0/buyer/name" in c.extra  # unmapped columns are kept, not dropped


def test_flattened_ocds_csv_fields(dg, runner):
    import_json(runner, DATA / CF_FLATTENED, "--all-buyers", council=None)
    c = contract(dg, "ocds-b5fd17-506508a7-d171-4453-9b28-aa12855443d8")
    assert c.title == "Apprentice Levy (L6 Chartered Surveyor)"
    assert c.supplier_name == "SHEFFIELD HALLAM UNIVERSITY"
    assert (c.award_date, c.start_date, c.end_date) == (
        date(2020, 8, 4),
        date(2020, 9, 1),
        date(2025, 12, 31),
    )
    assert c.value_total == Decimal("75000.00") and c.cpv_codes == ["80000000"]


def test_contracts_finder_ocds_releases_fields(dg, runner):
    import_json(runner, DATA / CF_RELEASES, "--all-buyers", council=None)
    c = contract(dg, "ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30-1")
    assert c.title == "Parking Pilot - CEO" and c.supplier_name == "Marstons holdings plc"
    assert (c.award_date, c.start_date, c.end_date) == (
        date(2024, 12, 22),
        date(2025, 1, 23),
        date(2025, 4, 23),
    )
    assert c.value_total == Decimal("93007.00") and c.cpv_codes == ["63712400"]
    vehicle = contract(dg, "ocds-b5fd17-50af97bc-acfa-446e-9564-1bc0ee68030f-1")
    assert vehicle.category == "fleet.specialist" and vehicle.cpv_codes == ["34144700"]


def test_public_contracts_scotland_fields(dg, runner):
    import_json(runner, DATA / PCS, "--all-buyers", council=None)
    garden = contract(dg, "ocds-r6ebe6-0000581665/lot-2")
    assert garden.title == "Composting of Organic Green Waste - Lot 2 - South of the Authority"
    assert garden.extension_terms == "2 separate one year extension options"
    assert garden.extension_periods_months == [12, 12]
    assert garden.category == "waste.garden" and garden.workstream == "waste"
    residual = contract(dg, "ocds-r6ebe6-0000581400/lot-4")
    assert residual.category == "waste.residual_treatment" and residual.cpv_codes == [
        "90500000",
        "90510000",
    ]
    transport = contract(dg, "ocds-r6ebe6-0000577171/lot-49")
    assert (transport.start_date, transport.end_date) == (date(2019, 8, 14), date(2022, 7, 1))
    assert transport.value_total == Decimal("12500000.00") and transport.status == "expired"


def test_nottingham_simple_award_fields(dg, runner):
    code, report = import_json(runner, DATA / NOTTINGHAM, council="E06000018")
    assert code == 0 and report["created"] == 1  # Nottingham's own file: unaffected
    c = contract(dg, "7254ca1b-971e-49b2-97b3-b2eb880c609c-370492-nottcity001-dn457836-56715686")
    assert c.title == "CPU 3357 Agency Staff" and c.supplier_name == "Fresh Start Recruitment Ltd"
    assert c.supplier_address == "1 Crowhill Drive, Mansfield, Nottingham"
    assert (c.award_date, c.start_date, c.end_date) == (
        date(2020, 4, 2),
        date(2020, 4, 6),
        date(2023, 3, 31),
    )
    assert c.value_total == Decimal("750000.00") and c.status == "expired"
    assert c.extra["Buyer Name"] == "Nottingham City Council"


def test_ocds_export_round_trips_through_the_importer(dg, runner, tmp_path):
    import_json(runner, DATA / PCS, "--all-buyers", council=None)
    out = tmp_path / "hub.json"
    result = runner.invoke(
        ["export", "contracts", "--council", "S12000041", "--format", "ocds", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    package = json.loads(out.read_text())
    assert package["version"] == "1.1" and len(package["releases"]) == 83
    with_extent = [
        r for r in package["releases"] if r["contracts"][0].get("period", {}).get("maxExtentDate")
    ]
    assert with_extent  # contractPeriod.maxExtentDate is exported
    fields = (
        "title",
        "description",
        "cpv_codes",
        "supplier_name",
        "start_date",
        "end_date",
        "max_end_date",
        "extension_terms",
        "extension_periods_months",
        "value_total",
        "status",
        "category",
    )

    def by_ref(code):
        with dg.app_context():
            return {
                c.reference: tuple(getattr(c, f) for f in fields)
                for c in db.session.scalars(
                    select(Contract).join(Contract.council).where(Contract.council.has(code=code))
                )
            }

    before = by_ref("S12000041")
    # The export names its buyer (GB-GSS-S12000041): another council cannot take it as its own.
    code, refused = import_json(runner, out, council="S12000008")
    assert code == 1 and refused["rejected"] == 83
    assert refused["other_buyers"] == [
        {"buyer": "Angus Council", "council_code": "S12000041", "rows": 83}
    ]
    code, report = import_json(runner, out, council="S12000041")
    assert code == 0 and report["created"] == 0 and report["rejected"] == 0
    assert by_ref("S12000041") == before  # every field survives export and import
