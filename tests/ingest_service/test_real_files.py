"""Every real file in the sample data imports through `procurehub import contracts --json`,
with its fields right (files copied unchanged from ../shared/data/real into tests/ingest/data)."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from factories import council
from procurehub.contracts.models import Contract
from procurehub.extensions import db

DATA = Path(__file__).resolve().parents[1] / "ingest" / "data"


def import_json(runner, path, *extra):
    result = runner.invoke(
        ["import", "contracts", str(path), "--council", "S12000006", "--json", *extra]
    )
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


@pytest.fixture
def dg(app):
    with app.app_context():
        council("S12000006", "Dumfries and Galloway Council")
    return app


def contract(app, reference):
    with app.app_context():
        c = db.session.scalars(select(Contract).where(Contract.reference == reference)).first()
        db.session.expunge_all()
        return c


@pytest.mark.parametrize(
    "name,rows,created,duplicates",
    [
        ("contracts_finder_daily_csv_export_2020-07-01_awards.csv", 10, 10, 0),
        ("contracts_finder_daily_csv_export_2020-08-05_flattened_ocds.csv", 29, 29, 0),
        ("contracts_finder_ocds_releases_2025-01to03.json", 201, 198, 3),
        ("contracts_finder_ocds_search_response_2025-01-20to23.json", 1, 1, 0),
        ("public_contracts_scotland_ocds_releases_2019-03to04.json", 341, 341, 0),
        ("silvereye_simple_award_csv_nottingham_2020-07.csv", 1, 1, 0),
    ],
)
def test_each_real_file_imports_and_reimports_unchanged(
    dg, runner, name, rows, created, duplicates
):
    code, report = import_json(runner, DATA / name)
    assert code == 0, report
    assert (report["rows_read"], report["created"], report["rejected"], report["duplicates"]) == (
        rows,
        created,
        0,
        duplicates,
    )
    code, again = import_json(runner, DATA / name)
    assert code == 0 and (again["created"], again["updated"], again["unchanged"]) == (0, 0, created)


def test_contracts_finder_awards_csv_fields(dg, runner):
    import_json(runner, DATA / "contracts_finder_daily_csv_export_2020-07-01_awards.csv")
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
    import_json(runner, DATA / "contracts_finder_daily_csv_export_2020-08-05_flattened_ocds.csv")
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
    import_json(runner, DATA / "contracts_finder_ocds_releases_2025-01to03.json")
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
    code, report = import_json(
        runner, DATA / "public_contracts_scotland_ocds_releases_2019-03to04.json"
    )
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
    import_json(runner, DATA / "silvereye_simple_award_csv_nottingham_2020-07.csv")
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
    import_json(runner, DATA / "public_contracts_scotland_ocds_releases_2019-03to04.json")
    out = tmp_path / "hub.json"
    result = runner.invoke(
        ["export", "contracts", "--council", "S12000006", "--format", "ocds", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    package = json.loads(out.read_text())
    assert package["version"] == "1.1" and len(package["releases"]) == 341
    with_extent = [
        r for r in package["releases"] if r["contracts"][0].get("period", {}).get("maxExtentDate")
    ]
    assert with_extent  # contractPeriod.maxExtentDate is exported
    runner.invoke(["councils", "add", "S12000008", "East Ayrshire Council"])
    result = runner.invoke(["import", "contracts", str(out), "--council", "S12000008", "--json"])
    assert result.exit_code == 0
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
    with dg.app_context():

        def by_ref(code):
            return {
                c.reference: tuple(getattr(c, f) for f in fields)
                for c in db.session.scalars(
                    select(Contract).join(Contract.council).where(Contract.council.has(code=code))
                )
            }

        assert by_ref("S12000008") == by_ref("S12000006")
