"""Uploading a register end to end: what is stored, what is reported, what is never lost."""

import json
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from factories import council, user
from procurehub.audit.models import AuditEvent
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.registers.models import Upload
from procurehub.registers.service import ImportOptions, import_contracts

HEADINGS = [
    "Contract Ref",
    "Title of Agreement",
    "Contractor",
    "Commencement Date",
    "Expiry Date",
    "Extension Options",
    "Total Contract Value",
    "Collaborative opportunity",
]


def register(tmp_path, rows, name="register.xlsx", title_rows=True):
    """A register as councils publish it: a title row and a blank row above the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Contract Register"
    if title_rows:
        ws.append(["North Lanarkshire Council – Contract Register 2026"])
        ws.append([])
    ws.append(HEADINGS)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


GOOD = [
    [
        "NLC-001",
        "Residual waste treatment (energy from waste)",
        "Viridor Waste Management Ltd",
        "01/04/2019",
        "31-Mar-2027",
        "2+1+1",
        "£12,500,000.00",
        "Yes",
    ],
    [
        "NLC-002",
        "Kerbside recycling collection",
        "Biffa",
        date(2021, 4, 1),
        "Mar-26",
        "Up to 24 months",
        "£1.2m",
        "maybe",
    ],
    [
        "NLC-003",
        "Bulky waste uplift",
        "Blythswood Care",
        "1st April 2022",
        46112,
        "None",
        "(3728)",
        "",
    ],
]


@pytest.fixture
def nlc(app):
    with app.app_context():
        council()
        user("officer@nlc.example", "S12000050")
    return app


def run(app, path, **options):
    with app.app_context():
        from procurehub.accounts.models import Council

        c = db.session.scalar(select(Council).where(Council.code == "S12000050"))
        return import_contracts(
            path,
            display_name=path.name,
            council=c,
            user=None,
            options=ImportOptions(**options),
            today=date(2026, 11, 22),
        )


def stored(app):
    with app.app_context():
        return {c.reference: c for c in db.session.scalars(select(Contract))}


def test_messy_register_is_understood(nlc, tmp_path):
    report = run(nlc, register(tmp_path, GOOD))
    assert report["status"] == "stored", report
    assert (report["created"], report["rejected"], report["rows_read"]) == (3, 0, 3)
    assert report["header_row"] == 3 and report["sheet"] == "Contract Register"
    mapping = {m["heading"]: m["field"] for m in report["mapping"]}
    assert mapping["Contract Ref"] == "reference" and mapping["Expiry Date"] == "end_date"
    assert mapping["Commencement Date"] == "start_date" and mapping["Contractor"] == "supplier_name"
    c = stored(nlc)
    one, two, three = c["NLC-001"], c["NLC-002"], c["NLC-003"]
    assert one.start_date == date(2019, 4, 1) and one.end_date == date(2027, 3, 31)
    assert one.extension_periods_months == [12, 12] and one.max_end_date == date(2029, 3, 31)
    assert one.value_total == Decimal("12500000.00") and one.collaboration_interest == "yes"
    assert one.category == "waste.residual_treatment" and one.workstream == "waste"
    assert two.end_date == date(2026, 3, 31)  # "Mar-25" style end dates are the month's last day
    assert two.extension_periods_months == [24] and two.max_end_date == date(2028, 3, 31)
    assert two.value_total == Decimal("1200000.00") and two.collaboration_interest == "maybe"
    assert two.category == "waste.collection"
    assert three.start_date == date(2022, 4, 1) and three.end_date == date(
        2026, 3, 31
    )  # Excel serial 46112
    assert three.value_total == Decimal("-3728.00") and three.extension_periods_months == []
    assert three.category == "waste.bulky"
    assert three.upload_id == report["upload_id"] and three.source_row == 6


def test_reupload_changes_nothing_and_newer_version_updates_and_reports_missing(nlc, tmp_path):
    path = register(tmp_path, GOOD)
    first = run(nlc, path)
    with nlc.app_context():
        audit_before = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.object_type == "contract")
        )
        stamps = {c.id: c.updated_at for c in db.session.scalars(select(Contract))}
    again = run(nlc, path)
    assert (again["created"], again["updated"], again["unchanged"], again["missing_from_file"]) == (
        0,
        0,
        3,
        0,
    )
    with nlc.app_context():
        assert db.session.scalar(select(func.count(Contract.id))) == 3
        assert {c.id: c.updated_at for c in db.session.scalars(select(Contract))} == stamps
        assert (
            db.session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.object_type == "contract")
            )
            == audit_before
        )
    newer = [
        GOOD[0][:4] + ["31/03/2028"] + GOOD[0][5:],
        GOOD[1],
        [
            "NLC-004",
            "Food waste treatment",
            "Keenan Recycling",
            "01/04/2024",
            "31/03/2028",
            "2 x 12 months",
            "£500k",
            "yes",
        ],
    ]
    report = run(nlc, register(tmp_path, newer, name="v2.xlsx"))
    assert (
        report["created"],
        report["updated"],
        report["unchanged"],
        report["missing_from_file"],
    ) == (1, 1, 1, 1)
    assert report["missing"][0]["reference"] == "NLC-003"
    c = stored(nlc)
    assert set(c) == {"NLC-001", "NLC-002", "NLC-003", "NLC-004"}  # nothing deleted
    assert c["NLC-001"].end_date == date(2028, 3, 31)
    assert first["upload_id"] != report["upload_id"]
    with nlc.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "contract", AuditEvent.action == "update"
            )
        ).one()
        assert event.changes["end_date"] == ["2027-03-31", "2028-03-31"]
        assert event.upload_id == report["upload_id"]


BAD = GOOD + [
    ["NLC-009", "Haulage of waste", "WH Malcolm", "31/13/2019", "31/03/2027", "1+1", "TBC", "no"]
]


def test_all_or_nothing_stores_nothing_when_a_row_is_bad(nlc, tmp_path):
    report = run(nlc, register(tmp_path, BAD))
    assert report["status"] == "refused" and report["created"] == 0 and report["rejected"] == 1
    error = report["errors"][0]
    assert (
        error["row"] == 7
        and error["column"] == "Commencement Date"
        and error["value"] == "31/13/2019"
    )
    assert "31/13/2019" in error["message"]
    assert stored(nlc) == {}
    with nlc.app_context():
        upload = db.session.get(Upload, report["upload_id"])
        assert upload.status == "refused" and upload.rejected_rows[0]["row"] == 7


def test_accept_valid_stores_the_valid_rows(nlc, tmp_path):
    report = run(nlc, register(tmp_path, BAD), accept_valid=True)
    assert report["status"] == "stored" and (report["created"], report["rejected"]) == (3, 1)
    assert set(stored(nlc)) == {"NLC-001", "NLC-002", "NLC-003"}


def test_dry_run_stores_nothing_but_reports(nlc, tmp_path):
    report = run(nlc, register(tmp_path, GOOD), dry_run=True)
    assert report["status"] == "dry_run" and report["upload_id"] is None and report["created"] == 3
    assert stored(nlc) == {}
    with nlc.app_context():
        assert db.session.scalar(select(func.count(Upload.id))) == 0


def test_interrupted_import_leaves_the_database_as_it_was(nlc, tmp_path):
    run(nlc, register(tmp_path, GOOD))
    before = {ref: (c.end_date, c.title) for ref, c in stored(nlc).items()}
    newer = [[*row[:4], "31/03/2030", *row[5:]] for row in GOOD] + [
        [
            f"NLC-1{i:02d}",
            f"Extra contract {i}",
            "Supplier",
            "01/04/2024",
            "31/03/2028",
            "",
            "£1",
            "",
        ]
        for i in range(3000)
    ]
    from procurehub.registers import service as ri

    calls = {"n": 0}
    real = ri.RegisterImport._flush

    def crash(self):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("connection lost")
        return real(self)

    with mock.patch.object(ri.RegisterImport, "_flush", crash), pytest.raises(RuntimeError):
        run(nlc, register(tmp_path, newer, name="big.xlsx"))
    assert {ref: (c.end_date, c.title) for ref, c in stored(nlc).items()} == before
    with nlc.app_context():
        assert db.session.scalar(select(func.count(Upload.id))) == 1
    report = run(nlc, register(tmp_path, newer, name="big.xlsx"))  # running it again completes it
    assert report["created"] == 3000 and report["updated"] == 3


def test_rows_sharing_a_reference_are_all_kept_and_matched_by_content(nlc, tmp_path):
    lots = [
        [
            "FW-10",
            "Framework lot 1: food waste",
            "Keenan",
            "01/04/2024",
            "31/03/2028",
            "",
            "£100",
            "",
        ],
        [
            "FW-10",
            "Framework lot 2: garden waste",
            "Barr",
            "01/04/2024",
            "31/03/2028",
            "",
            "£200",
            "",
        ],
        ["", "Call-off without reference", "Biffa", "01/04/2024", "31/03/2027", "", "£50", ""],
        [
            "FW-10",
            "Framework lot 1: food waste",
            "Keenan",
            "01/04/2024",
            "31/03/2028",
            "",
            "£100",
            "",
        ],
    ]
    report = run(nlc, register(tmp_path, lots))
    assert (report["created"], report["duplicates"]) == (3, 1)
    swapped = [lots[1][:6] + ["£250", ""], lots[0], lots[2]]
    report = run(nlc, register(tmp_path, swapped, name="v2.xlsx"))
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 2)
    with nlc.app_context():
        garden = db.session.scalar(select(Contract).where(Contract.title.like("%garden%")))
        assert garden.value_total == Decimal("250.00")


def test_report_json_has_the_documented_keys(nlc, tmp_path):
    report = run(nlc, register(tmp_path, GOOD))
    keys = [
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
    ]
    assert list(report)[: len(keys)] == keys
    json.dumps(report)


def test_section_headings_and_notes_are_skipped_with_a_warning(nlc, tmp_path):
    rows = [
        ["Environmental Services"] + [None] * 7,
        *GOOD[:2],
        ["Register last reviewed by the team, May 2026"],
    ]
    report = run(nlc, register(tmp_path, rows))
    assert report["status"] == "stored" and report["created"] == 2 and report["skipped"] == 2
    assert {w["value"] for w in report["warnings"] if "section heading" in w["message"]} == {
        "Environmental Services",
        "Register last reviewed by the team, May 2026",
    }
