"""The counts of an import report are named once (procurehub.registers.report) and every place
that shows a report (the API, the terminal text, the pages) lists the same ones."""

from __future__ import annotations

from types import SimpleNamespace

from procurehub.registers.api import ReportSchema, UploadSummarySchema
from procurehub.registers.report import COUNT_LABELS, REPORT_COUNTS, SUMMARY_COUNTS
from procurehub.registers.report_text import format_import_report

# DESIGN §4, `procurehub import contracts --json`, after upload_id and council_code.
DESIGN_COUNTS = (
    "rows_read", "created", "updated", "unchanged", "rejected", "duplicates", "missing_from_file",
)  # fmt: skip


def test_the_counts_are_design_s() -> None:
    assert REPORT_COUNTS == DESIGN_COUNTS
    assert set(SUMMARY_COUNTS) <= set(REPORT_COUNTS)
    assert list(COUNT_LABELS) == list(REPORT_COUNTS)


def test_the_api_report_documents_every_count_after_the_council() -> None:
    names = list(ReportSchema().fields)
    start = names.index("council_code") + 1
    assert names[start : start + len(REPORT_COUNTS)] == list(REPORT_COUNTS)


def test_the_upload_list_api_gives_every_count_even_of_an_older_report() -> None:
    upload = SimpleNamespace(
        id=3,
        council=SimpleNamespace(code="S12000050"),
        filename="register.xlsx",
        sheet=None,
        status="stored",
        created_at=None,
        report={"rows_read": 4, "created": 4},  # stored before duplicates were counted
    )
    counts = UploadSummarySchema().dump(upload)["counts"]
    assert counts == {**dict.fromkeys(REPORT_COUNTS), "rows_read": 4, "created": 4}


def test_the_terminal_report_names_every_count() -> None:
    report = {"message": "Stored.", **{key: n for n, key in enumerate(REPORT_COUNTS, 1)}}
    text = format_import_report(report)
    assert (
        "rows read: 1, created: 2, updated: 3, unchanged: 4, rejected: 5, duplicates: 6, "
        "missing from file: 7"
    ) in text
