"""Hostile and broken files: every reader either reads or refuses with a clear error, never crashes.

DESIGN §6: "Every bad request gets a 4xx with a message a person can act on". The readers'
documented errors are what the pages, API and CLI turn into those messages; anything else
escaping a reader would be a 500. Inputs: random bytes behind each format's signature, and real
files (from /work/shared/data, copied to tests/ingest/data, or workbooks written here) with
bytes flipped, inserted, deleted and cut off; for .xlsx/.ods, the XML inside mutated.
The value parsers (dates, money, extension terms, codes, text) have their own property tests
beside them (test_dates.py, test_money.py, …).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
from click.testing import CliRunner
from fuzz import FUZZ, mutated, mutated_zip, random_with_magic, survives, write
from hypothesis import given
from hypothesis import strategies as st

from plugins.digital.appraisal import AppraisalError, appraise, read_case
from plugins.digital.cli import cli as digital_cli
from plugins.digital.inventory_import import SPEC as INVENTORY
from plugins.fleet.catalogue import CatalogueError, read_catalogue
from plugins.fleet.vehicle_import import record_spec as fleet_list_spec
from plugins.waste.profile_import import FIELDS as PROFILE_FIELDS
from plugins.waste.profile_import import KIND as PROFILE_KIND
from plugins.waste.workbooks import write_template
from procurehub.ingest.readers import read_register
from procurehub.ingest.records import MissingColumns, RecordSpec, heading_words, parse_records
from procurehub.ingest.safety import RegisterFileError

DATA = Path(__file__).parent / "data"
REGISTER_ERRORS = (RegisterFileError,)


def read_as(name: str):
    return lambda path: read_register(path, display_name=name, max_rows=5000)


def _workbook(engine: str) -> bytes:
    frame = pd.DataFrame(
        {
            "Contract Reference": ["C-1", "C-2", "C-3"],
            "Title": ["Residual waste", "Food waste", "Vans"],
            "Supplier": ["Biffa", "Veolia", "Ford"],
            "End Date": [dt.date(2025, 3, 31), dt.date(2026, 1, 1), dt.date(2027, 6, 30)],
            "Value": [100.0, 250.5, 1_000_000.0],
        }
    )
    out = io.BytesIO()
    frame.to_excel(out, engine=engine, index=False, startrow=1, sheet_name="Contracts")
    return out.getvalue()


XLSX = _workbook("openpyxl")
ODS = _workbook("odf")
CSV = (DATA / "silvereye_simple_award_csv_nottingham_2020-07.csv").read_bytes()[:6000]
OCDS = (DATA / "public_contracts_scotland_ocds_releases_2019-03to04.json").read_bytes()[:20000]
CATALOGUE = (DATA / "electric_vans_uk_public_sources.csv").read_bytes()
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")


# ---------------------------------------------------------------- contract registers
@given(
    data=st.binary(max_size=4096),
    name=st.sampled_from(["r.csv", "r.xlsx", "r.xls", "r.ods", "r.json", "r.xlsm"]),
)
@FUZZ
def test_random_bytes_under_any_register_name(tmp_path_factory, data, name):
    path = write(tmp_path_factory.mktemp("f"), name, data)
    survives(read_as(name), path, REGISTER_ERRORS)


@given(data=st.one_of(random_with_magic(b"PK\x03\x04"), random_with_magic(OLE2)))
@FUZZ
def test_random_bytes_behind_workbook_signatures(tmp_path_factory, data):
    name = "r.xls" if data.startswith(OLE2) else "r.xlsx"
    survives(read_as(name), write(tmp_path_factory.mktemp("f"), name, data), REGISTER_ERRORS)


@given(data=mutated_zip(XLSX))
@FUZZ
def test_mutated_xlsx(tmp_path_factory, data):
    survives(
        read_as("r.xlsx"), write(tmp_path_factory.mktemp("f"), "r.xlsx", data), REGISTER_ERRORS
    )


@given(data=mutated_zip(ODS))
@FUZZ
def test_mutated_ods(tmp_path_factory, data):
    survives(read_as("r.ods"), write(tmp_path_factory.mktemp("f"), "r.ods", data), REGISTER_ERRORS)


@given(data=mutated(CSV))
@FUZZ
def test_mutated_real_csv(tmp_path_factory, data):
    survives(read_as("r.csv"), write(tmp_path_factory.mktemp("f"), "r.csv", data), REGISTER_ERRORS)


@given(data=mutated(OCDS))
@FUZZ
def test_mutated_real_ocds_json(tmp_path_factory, data):
    survives(
        read_as("r.json"), write(tmp_path_factory.mktemp("f"), "r.json", data), REGISTER_ERRORS
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "releases",
                    "records",
                    "compiledRelease",
                    "tender",
                    "awards",
                    "contracts",
                    "parties",
                    "buyer",
                    "id",
                    "ocid",
                    "date",
                    "value",
                    "period",
                    "items",
                    "suppliers",
                    "title",
                ]
            ),  # fmt: skip
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@given(document=json_values)
@FUZZ
def test_any_json_shaped_like_ocds(tmp_path_factory, document):
    data = json.dumps({"releases": [document]} if isinstance(document, dict) else document)
    path = write(tmp_path_factory.mktemp("f"), "r.json", data.encode())
    survives(read_as("r.json"), path, REGISTER_ERRORS)


# ---------------------------------------------------------------- fleet catalogue
@given(data=st.one_of(mutated(CATALOGUE), st.binary(max_size=2048)))
@FUZZ
def test_mutated_fleet_catalogue(tmp_path_factory, data):
    path = write(tmp_path_factory.mktemp("f"), "catalogue.csv", data)
    survives(read_catalogue, path, (CatalogueError,))


# ------------------------------------------- plugins' own tables (through the core record import)
def read_table(spec: RecordSpec, name: str) -> Any:
    """What an upload of `spec`'s table does before storing: read, find headings, parse rows."""
    return lambda p: parse_records(
        read_register(p, display_name=name, max_bytes=10**7, heading_words=heading_words(spec)),
        spec,
    )


TABLE_ERRORS = (RegisterFileError, MissingColumns)
BULKY_SPEC = RecordSpec(
    kind=PROFILE_KIND, noun="bulky waste profile", key="financial_year", fields=PROFILE_FIELDS
)


def _bulky_template() -> bytes:
    out = io.BytesIO()
    write_template(out, "S12000050", "North Lanarkshire Council", [], new_year="2025-26")
    return out.getvalue()


BULKY = _bulky_template()
FLEET_LIST = (
    b"North Lanarkshire fleet list\n\nReg No,Vehicle Type,Make,Model,Fuel,Date Registered,"
    b"Replacement Due,GVW\nSN21 ABC,Panel van 3.5t,Ford,E-Transit,Electric,01/04/2021,2028,"
    b"3.5t\nSK70 XYZ,RCV 26t,Dennis,Elite,Diesel,15/09/2020,,26000\nTotal vehicles: 2,,,,,,,\n"
)
INVENTORY_LIST = (
    b"System category,Product,Vendor,Licence cost,Contract end\n"
    b"Housing management system,Orchard,Orchard,\xa312k,31/03/2028\n"
)


@given(data=st.one_of(mutated_zip(BULKY), st.binary(max_size=2048)))
@FUZZ
def test_mutated_bulky_waste_template(tmp_path_factory, data):
    path = write(tmp_path_factory.mktemp("f"), "bulky.xlsx", data)
    survives(read_table(BULKY_SPEC, "bulky.xlsx"), path, TABLE_ERRORS)


@given(data=st.one_of(mutated(FLEET_LIST), st.binary(max_size=2048)))
@FUZZ
def test_mutated_fleet_list(tmp_path_factory, data):
    path = write(tmp_path_factory.mktemp("f"), "fleet.csv", data)
    survives(read_table(fleet_list_spec(), "fleet.csv"), path, TABLE_ERRORS)


@given(data=st.one_of(mutated(INVENTORY_LIST), st.binary(max_size=2048)))
@FUZZ
def test_mutated_system_inventory(tmp_path_factory, data):
    path = write(tmp_path_factory.mktemp("f"), "systems.csv", data)
    survives(read_table(INVENTORY, "systems.csv"), path, TABLE_ERRORS)


# ---------------------------------------------------------------- digital business case
@given(document=json_values | st.fixed_dictionaries(
    {"appraisal_years": st.integers(-3, 200) | st.floats() | st.text(max_size=3),
     "options": st.lists(st.fixed_dictionaries({
         "name": st.text(max_size=8),
         "capital": st.lists(st.integers(-10**9, 10**12) | st.floats(), max_size=5),
         "operating": st.lists(st.integers(-10, 10**9), max_size=5),
         "benefits": st.lists(st.integers(-10**9, 10**9) | st.none(), max_size=5)}), max_size=3)}
))  # fmt: skip
@FUZZ
def test_any_business_case_document_appraises_or_is_refused(document):
    try:
        appraise(read_case(document))
    except AppraisalError as exc:
        assert str(exc).strip()


@given(
    data=st.one_of(
        st.binary(max_size=1024),
        mutated(
            b'{"appraisal_years": 10, "options": [{"name": "BAU", "operating": [100, 100]}, {"name": "Single national system", "capital": [1000000], "benefits": [0, 150000, 150000]}]}'
        ),
    )
)
@FUZZ
def test_appraise_command_on_broken_files_exits_2_with_a_message(tmp_path_factory, data):
    path = write(tmp_path_factory.mktemp("f"), "case.json", data)
    result = CliRunner().invoke(digital_cli, ["appraise", str(path), "--json"])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert "Error" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
