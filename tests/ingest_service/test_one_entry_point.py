"""One way into the importer (issue 7): `read_register` reads every format, OCDS included, into
one result type, and an upload's safety checks run once per import."""

import json
import sys
from pathlib import Path

import pytest

from factories import council
from procurehub.ingest import safety
from procurehub.ingest.readers import RegisterTable, read_register
from procurehub.ingest.safety import RegisterFileError

DATA = Path(__file__).resolve().parents[1] / "ingest" / "data"
CSV = "Contract reference,Title,Supplier,End date\nR-1,Bins,Acme Ltd,31/03/2027\n"


def count_safety_checks(monkeypatch) -> list[str]:
    """Count calls of `check_upload` wherever a procurehub module holds it."""
    calls: list[str] = []
    original = safety.check_upload

    def counted(path, *, display_name, **options):
        calls.append(display_name)
        return original(path, display_name=display_name, **options)

    for name, module in list(sys.modules.items()):
        if name.startswith("procurehub") and getattr(module, "check_upload", None) is original:
            monkeypatch.setattr(module, "check_upload", counted)
    return calls


def ocds_package(tmp_path: Path) -> Path:
    release = {
        "ocid": "ocds-test-1",
        "id": "ocds-test-1-award",
        "tender": {"title": "Garden waste composting"},
        "awards": [{"id": "A1", "suppliers": [{"name": "Green Ltd"}]}],
    }
    path = tmp_path / "notices.json"
    path.write_text(json.dumps({"releases": [release]}))
    return path


@pytest.mark.parametrize("kind", ["csv", "ocds"])
def test_an_import_checks_the_file_once(app, tmp_path, monkeypatch, kind):
    from procurehub.registers.service import import_contracts

    path = ocds_package(tmp_path) if kind == "ocds" else tmp_path / "register.csv"
    if kind == "csv":
        path.write_text(CSV)
    with app.app_context():
        nlc = council()
        calls = count_safety_checks(monkeypatch)
        report = import_contracts(path, display_name=path.name, council=nlc, user=None)
    assert report["status"] == "stored" and report["created"] == 1
    assert calls == [path.name]


def test_ocds_is_read_by_the_same_entry_point_into_the_same_result_type(tmp_path):
    csv_path = tmp_path / "register.csv"
    csv_path.write_text(CSV)
    tabular = read_register(csv_path)
    ocds = read_register(ocds_package(tmp_path), sheet="Sheet1")
    assert type(tabular) is type(ocds) is RegisterTable
    assert (tabular.format, ocds.format) == ("csv", "ocds")
    assert ocds.canonical_headings and "title" in ocds.headings and ocds.header_row is None
    [(number, values)] = list(ocds.iter_rows())
    assert number == 1 and values[ocds.headings.index("title")] == "Garden waste composting"
    assert "OCDS files have no sheets" in ocds.notes[0]


def test_the_entry_point_names_the_file_as_the_user_gave_it(tmp_path):
    path = tmp_path / "upload-123.tmp.json"
    path.write_text('{"releases": []}')
    with pytest.raises(RegisterFileError, match="'Notices 2024.json' is an OCDS package with no"):
        read_register(path, display_name="C:\\Users\\jo\\Notices 2024.json")


def test_real_ocds_file_through_the_one_entry_point():
    name = "public_contracts_scotland_ocds_releases_2019-03to04.json"
    table = read_register(DATA / name)
    assert table.format == "ocds" and len(list(table.iter_rows())) == 341
    with pytest.raises(RegisterFileError, match="more than 100 contracts"):
        read_register(DATA / name, max_rows=100)
