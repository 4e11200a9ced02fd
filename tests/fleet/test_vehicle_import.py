"""`procurehub fleet import-vehicles`: a council's fleet list as it keeps it, through the core
record import (title rows, its own headings, totals, duplicates, bad cells, re-upload)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from fleet.fleet_lists import MESSY_HEADINGS, fife_rows, write_xlsx
from sqlalchemy import select

from factories import council
from plugins.fleet.measures import parse_gvw_kg
from plugins.fleet.models import Vehicle
from plugins.fleet.replacement import classify_vehicle
from plugins.fleet.vehicle_import import split_make_model, validate_row
from procurehub.extensions import db

FIFE, GLASGOW = "S12000047", "S12000049"
REPORT_KEYS = {
    "upload_id",
    "council_code",
    "rows_read",
    "created",
    "updated",
    "unchanged",
    "rejected",
    "duplicates",
    "missing_from_file",
    "errors",
    "warnings",
}


@pytest.fixture
def councils(app):
    with app.app_context():
        council(FIFE, "Fife Council")
        council(GLASGOW, "Glasgow City Council")
        db.session.commit()


def run(runner, path, *extra):
    result = runner.invoke(
        ["fleet", "import-vehicles", str(path), "--council", FIFE, "--json", *extra]
    )
    return result, json.loads(result.output.strip().splitlines()[-1])


def vehicles(app):
    with app.app_context():
        return {v.registration: v for v in db.session.scalars(select(Vehicle))}


def test_messy_fleet_list_title_rows_headings_totals_and_classes(app, runner, councils, tmp_path):
    path = write_xlsx(tmp_path / "Fife fleet.xlsx", fife_rows())
    result, report = run(runner, path)
    assert result.exit_code == 0, result.output
    assert set(report) >= REPORT_KEYS
    assert report["council_code"] == FIFE
    assert (report["created"], report["updated"], report["rejected"]) == (6, 0, 0)
    assert report["upload_id"] is not None
    # the totals row is skipped and says so, quoting nothing the user must fix
    assert any("totals row" in w["message"] for w in report["warnings"])
    stored = vehicles(app)
    assert set(stored) == {"SK19ABC", "SK19ABD", "SN21XYZ", "SF18RCV", "SJ20TIP", "SV22EVN"}
    van = stored["SK19ABC"]
    assert (van.make, van.model, van.fuel, van.gvw_kg) == ("Ford", "Transit Custom", "diesel", 3200)
    assert van.category == "fleet.vans_lt_3_5t" and van.in_service == date(2019, 3, 14)
    assert van.replacement_year == 2026  # 2019 + vans 7
    assert van.registration_as_written == "SK19 ABC"
    assert van.extra == {"Fleet No": "F0001", "Department": "Property"}
    lcv = stored["SK19ABD"]  # lower case, no space: the same key style
    assert lcv.category == "fleet.vans_lt_3_5t" and lcv.in_service == date(2019, 9, 1)
    assert stored["SN21XYZ"].category == "fleet.cars" and stored["SN21XYZ"].fuel == "electric"
    assert stored["SN21XYZ"].replacement_year == 2026  # 2021 + cars 5
    rcv = stored["SF18RCV"]
    assert rcv.category == "fleet.rcv" and rcv.replacement_year == 2027  # planned year wins
    tipper = stored["SJ20TIP"]
    assert (tipper.category, tipper.gvw_kg, tipper.in_service_year) == ("fleet.heavy", 7500, 2020)
    assert tipper.replacement_year == 2028  # a year alone; heavy 8
    evan = stored["SV22EVN"]
    assert (evan.gvw_kg, evan.planned_replacement, evan.replacement_year) == (
        3100,
        date(2028, 3, 31),
        2028,
    )


def test_reupload_unchanged_then_changed_and_missing_vehicles_kept(app, runner, councils, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", fife_rows())
    run(runner, path)
    result, again = run(runner, path)
    assert result.exit_code == 0
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 6)
    rows = fife_rows()
    rows[0][4] = "Electric"  # re-fuelled van
    del rows[2]  # the pool car was sold
    result, newer = run(runner, write_xlsx(tmp_path / "b.xlsx", rows))
    assert (newer["created"], newer["updated"], newer["unchanged"]) == (0, 1, 4)
    assert newer["missing_from_file"] == 1
    stored = vehicles(app)
    assert stored["SK19ABC"].fuel == "electric"
    assert stored["SN21XYZ"].in_latest_list is False  # kept, never silently deleted


def test_duplicate_row_counted_and_stored_once(app, runner, councils, tmp_path):
    rows = fife_rows()
    rows.insert(3, list(rows[1]))
    result, report = run(runner, write_xlsx(tmp_path / "dup.xlsx", rows))
    assert result.exit_code == 0
    assert report["duplicates"] == 1 and report["created"] == 6


def test_bad_date_rejects_the_row_naming_its_column_all_or_nothing(app, runner, councils, tmp_path):
    rows = fife_rows()
    rows[1][5] = "sometime in spring"
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    result, report = run(runner, path)
    assert result.exit_code == 1
    assert report["rejected"] == 1 and report["created"] == 0
    error = report["errors"][0]
    assert error["row"] == 6  # two title rows, a blank row, the heading row, then row 5 and 6
    assert error["column"] == "Date Registered"
    assert error["value"] == "sometime in spring"
    assert vehicles(app) == {}
    result, report = run(runner, path, "--accept-valid")
    assert result.exit_code == 0
    assert (report["created"], report["rejected"]) == (5, 1)


def test_bad_gvw_and_replacement_before_service_rejected_with_their_headings(
    app, runner, councils, tmp_path
):
    rows = fife_rows()
    rows[0][6] = "heavy"
    rows[3][8] = 2010  # replacement before entering service in 2018
    result, report = run(runner, write_xlsx(tmp_path / "bad.xlsx", rows))
    assert result.exit_code == 1
    by_column = {e["column"]: e for e in report["errors"]}
    assert "is not a weight" in by_column["GVW (kg)"]["message"]
    assert by_column["GVW (kg)"]["value"] == "heavy"
    assert "before the vehicle entered service" in by_column["Replacement Due"]["message"]


def test_dry_run_stores_nothing(app, runner, councils, tmp_path):
    result, report = run(runner, write_xlsx(tmp_path / "a.xlsx", fife_rows()), "--dry-run")
    assert result.exit_code == 0
    assert report["upload_id"] is None and report["created"] == 6
    assert vehicles(app) == {}


def test_other_headings_csv_and_missing_registration_column(app, runner, councils, tmp_path):
    csv_path = tmp_path / "gcc.csv"
    csv_path.write_text(
        "Glasgow City Council fleet\n"
        "VRM,Vehicle Description,Make,Model,Power Source,In Service,GVW t,Lease End\n"
        "SK70 AAA,Panel van,Ford,E-Transit,Electric,01/04/2020,4.25,2027\n"
        "SK70 AAB,Refuse collection vehicle,Mercedes-Benz,Econic,Diesel,2019,26,\n",
        encoding="utf-8-sig",
    )
    result = runner.invoke(
        ["fleet", "import-vehicles", str(csv_path), "--council", GLASGOW, "--json"]
    )
    assert result.exit_code == 0, result.output
    stored = vehicles(app)
    assert stored["SK70AAA"].category == "fleet.heavy"  # a 4.25 t van needs a C1 licence
    assert stored["SK70AAA"].gvw_kg == 4250 and stored["SK70AAA"].replacement_year == 2027
    assert stored["SK70AAB"].category == "fleet.rcv" and stored["SK70AAB"].replacement_year == 2026
    no_reg = tmp_path / "noreg.csv"
    no_reg.write_text(
        "Vehicle Type,Make,Model,Fuel Type\nVan,Ford,Transit,Diesel\n", encoding="utf-8"
    )
    result = runner.invoke(
        ["fleet", "import-vehicles", str(no_reg), "--council", GLASGOW, "--json"]
    )
    assert result.exit_code == 1
    assert (
        "Registration" in json.loads(result.output.strip().splitlines()[-1])["errors"][0]["message"]
    )


def test_usage_errors_exit_2(app, runner, councils, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", fife_rows())
    assert runner.invoke(["fleet", "import-vehicles", str(path)]).exit_code == 2
    unknown = runner.invoke(["fleet", "import-vehicles", str(path), "--council", "NOPE"])
    assert unknown.exit_code == 2 and "no council" in unknown.output.lower()


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("3,500 kg", 3500),
        ("3500kg", 3500),
        ("3500", 3500),
        ("3.5t", 3500),
        ("3.5 t", 3500),
        ("3.5 tonnes", 3500),
        ("3.5 Tonnes", 3500),
        ("26", 26000),
        ("26,000", 26000),
        ("7.5 T", 7500),
        ("4.25t", 4250),
        ("3 500", 3500),
        ("44 tonnes", 44000),
    ],
)
def test_gvw_in_every_notation(text, kg):
    assert parse_gvw_kg(text) == Decimal(kg)
    assert validate_row({"registration": "X", "gvw": text}) == []


def test_gvw_that_is_not_a_road_vehicle_weight_is_refused():
    assert "is not a weight" in validate_row({"registration": "X", "gvw": "n/k kg?"})[0][1]
    assert (
        "not a road vehicle's weight" in validate_row({"registration": "X", "gvw": "350,000"})[0][1]
    )


@pytest.mark.parametrize(
    ("text", "gvw", "category"),
    [
        ("Panel van 3.5t", None, "fleet.vans_lt_3_5t"),
        ("LCV", None, "fleet.vans_lt_3_5t"),
        ("Panel van", Decimal(4250), "fleet.heavy"),
        ("Pool car", None, "fleet.cars"),
        ("RCV 26t", None, "fleet.rcv"),
        ("Tipper 7.5t", None, "fleet.heavy"),
        ("Ford Transit Custom", None, "fleet.vans_lt_3_5t"),
        ("Minibus", None, "fleet.specialist"),
        ("Mower", None, None),
        ("Mower", Decimal(5000), "fleet.heavy"),
    ],
)
def test_class_from_type_text_and_gvw(text, gvw, category):
    assert classify_vehicle(text, gvw) == category


def test_unrecognised_type_kept_as_other_vehicles(app, runner, councils, tmp_path):
    rows = [["F1", "SK19 MOW", "Ride-on mower", "", "Diesel", "2020", None, "Parks", None]]
    result, report = run(runner, write_xlsx(tmp_path / "m.xlsx", rows))
    assert result.exit_code == 0 and report["created"] == 1
    mower = vehicles(app)["SK19MOW"]
    assert (mower.category, mower.classified, mower.replacement_year) == (
        "fleet.other_vehicles",
        False,
        2027,
    )


def test_make_and_model_in_one_column():
    assert split_make_model("Ford Transit Custom") == ("Ford", "Transit Custom")
    assert split_make_model("Dennis Eagle Elite 6") == ("Dennis Eagle", "Elite 6")
    assert split_make_model("Ford / Transit") == ("Ford", "Transit")
    assert split_make_model("") == ("", "")


def test_headings_understood(app, runner, councils, tmp_path):
    headings = (
        "Registration Number",
        "Type",
        "Manufacturer",
        "Model",
        "Fuel",
        "First Registered",
        "Gross Vehicle Weight",
        "Replacement Year",
    )
    rows = [["SK19 ABC", "Van", "Ford", "Transit", "Diesel", "2019", "3.5 t", 2027]]
    result, report = run(
        runner, write_xlsx(tmp_path / "h.xlsx", rows, headings=headings, title_rows=0, total=False)
    )
    assert result.exit_code == 0, result.output
    read = {m["heading"]: m["field"] for m in report["mapping"]}
    assert read == {
        "Registration Number": "registration",
        "Type": "vehicle_type",
        "Manufacturer": "make",
        "Model": "model",
        "Fuel": "fuel",
        "First Registered": "in_service",
        "Gross Vehicle Weight": "gvw",
        "Replacement Year": "planned_replacement",
    }
    assert MESSY_HEADINGS[1] == "Reg No"
