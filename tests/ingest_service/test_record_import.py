"""A plugin's table imported through the core pipeline: one transaction, the contract report.

The store here keeps each record as an audit event (a real table), so what was written — or
rolled back — can be counted exactly as a plugin's own table would be.
"""

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from factories import council, user
from procurehub.audit.models import AuditEvent
from procurehub.extensions import db
from procurehub.ingest.records import ImportedRecord, RecordField, RecordSpec
from procurehub.registers.files import upload_error_workbook
from procurehub.registers.models import Upload
from procurehub.registers.records import StoreCounts, import_records
from procurehub.registers.report import REPORT_COUNTS

SPEC = RecordSpec(
    kind="test.vehicles",
    noun="fleet list",
    item="vehicle",
    key="registration",
    normalise_key=lambda s: "".join(s.split()).upper(),
    fields=(
        RecordField("registration", "Registration", synonyms=("reg no", "vrm")),
        RecordField("vehicle_type", "Vehicle type", synonyms=("type",)),
        RecordField("in_service", "In service", kind="date", synonyms=("date registered",)),
    ),
)


class AuditStore:
    """Upserts records keyed by registration, as a plugin's store does (audit rows as the table)."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after

    def __call__(self, council_code: str, records: list[ImportedRecord], upload_id) -> StoreCounts:
        stored = {
            e.object_id: e
            for e in db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.object_type == "test-vehicle",
                    AuditEvent.council_code == council_code,
                )
            )
        }
        counts = StoreCounts(categories={"fleet.vans_lt_3_5t"})
        for n, record in enumerate(records):
            if self.fail_after is not None and n >= self.fail_after:
                raise RuntimeError("the process was interrupted")
            values = {k: str(v) for k, v in record.values.items()}
            event = stored.pop(record.key, None)
            if event is None:
                db.session.add(
                    AuditEvent(
                        action="create",
                        object_type="test-vehicle",
                        object_id=record.key,
                        actor="test",
                        council_code=council_code,
                        changes=values,
                        upload_id=upload_id,
                    )
                )
                counts.created += 1
            elif event.changes != values:
                event.changes = values
                counts.updated += 1
            else:
                counts.unchanged += 1
        counts.missing_from_file = len(stored)
        return counts


def fleet_file(tmp_path, rows, name="fleet.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["North Lanarkshire Council fleet"])
    ws.append([])
    ws.append(["Reg No", "Type", "Date Registered"])
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


GOOD = [["SN21 ABC", "Panel van", "01/04/2021"], ["SK70 XYZ", "RCV 26t", "15/09/2020"]]
BAD_DATE = ["SK71 BAD", "Car", "31/02/2020"]


def stored_vehicles():
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "test-vehicle")
    )


@pytest.fixture
def nlc(app):
    with app.app_context():
        council()
        yield


def run(path, **options):
    return import_records(path, spec=SPEC, council_code="S12000050", store=AuditStore(), **options)


def test_stored_with_the_contract_report_shape_and_reupload_changes_nothing(app, nlc, tmp_path):
    path = fleet_file(tmp_path, GOOD)
    first = run(path)
    assert first["status"] == "stored"
    assert {k: first[k] for k in REPORT_COUNTS} == {
        "rows_read": 2, "created": 2, "updated": 0, "unchanged": 0,
        "rejected": 0, "duplicates": 0, "missing_from_file": 0,
    }  # fmt: skip
    assert first["upload_id"] and first["council_code"] == "S12000050"
    upload = db.session.get(Upload, first["upload_id"])
    assert upload.kind == "test.vehicles" and upload.status == "stored"
    again = run(path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert stored_vehicles() == 2
    fewer = run(fleet_file(tmp_path, GOOD[:1], name="fewer.xlsx"))
    assert fewer["missing_from_file"] == 1
    assert "not in this file (kept, not deleted)" in fewer["message"]
    assert stored_vehicles() == 2


def test_a_bad_row_stores_nothing_by_default_and_the_error_workbook_names_it(app, nlc, tmp_path):
    report = run(fleet_file(tmp_path, [*GOOD, BAD_DATE]))
    assert report["status"] == "refused"
    assert report["rejected"] == 1 and report["created"] == 0
    [error] = report["errors"]
    assert (error["row"], error["column"], error["value"]) == (6, "Date Registered", "31/02/2020")
    assert "Nothing was stored" in report["message"]
    assert stored_vehicles() == 0
    upload = db.session.get(Upload, report["upload_id"])
    assert upload.status == "refused" and upload.kind == "test.vehicles"
    out = BytesIO()
    upload_error_workbook(upload, out)
    sheet = load_workbook(BytesIO(out.getvalue())).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("SK71 BAD" in row for row in cells)


def test_accept_valid_stores_the_good_rows_and_reports_the_bad(app, nlc, tmp_path):
    report = run(fleet_file(tmp_path, [*GOOD, BAD_DATE]), accept_valid=True)
    assert report["status"] == "stored"
    assert (report["created"], report["rejected"]) == (2, 1)
    assert stored_vehicles() == 2


def test_dry_run_reports_and_stores_nothing(app, nlc, tmp_path):
    report = run(fleet_file(tmp_path, GOOD), dry_run=True)
    assert report["status"] == "dry_run" and report["upload_id"] is None
    assert report["created"] == 2
    assert stored_vehicles() == 0
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0


def test_interrupted_store_leaves_the_database_as_it_was(app, nlc, tmp_path):
    run(fleet_file(tmp_path, GOOD[:1]))
    before = stored_vehicles(), db.session.scalar(select(func.count()).select_from(Upload))
    with pytest.raises(RuntimeError):
        import_records(
            fleet_file(tmp_path, GOOD, name="second.xlsx"),
            spec=SPEC,
            council_code="S12000050",
            store=AuditStore(fail_after=1),
        )
    after = stored_vehicles(), db.session.scalar(select(func.count()).select_from(Upload))
    assert after == before


def test_hostile_or_wrong_files_are_refused_with_a_message(app, nlc, tmp_path):
    fake = tmp_path / "fleet.xlsx"
    fake.write_bytes(b"MZ\x90\x00 not a spreadsheet")
    report = run(fake)
    assert report["status"] == "refused"
    assert "fleet.xlsx" in report["message"]
    no_key = tmp_path / "nokey.csv"
    no_key.write_text("Type,Date Registered,Make\nVan,01/01/2020,Ford\n")
    report = run(no_key)
    assert report["status"] == "refused"
    assert "Registration" in report["message"]
    ocds = tmp_path / "release.json"
    ocds.write_text('{"releases": []}')
    assert "spreadsheet" in run(ocds)["message"]
    assert stored_vehicles() == 0


def test_unknown_council_is_a_clear_error(app, tmp_path):
    with app.app_context(), pytest.raises(LookupError, match="no council"):
        run(fleet_file(tmp_path, GOOD))


def test_the_upload_is_audited_with_its_user(app, nlc, tmp_path):
    officer = user("officer@nlc.example", "S12000050")
    report = run(fleet_file(tmp_path, GOOD), user=officer)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "upload", AuditEvent.object_id == str(report["upload_id"])
        )
    )
    assert event.actor == "officer@nlc.example"
    assert event.changes["created"] == 2
