"""Importing a plugin's table (a fleet list, a system inventory) the way registers are imported.

The plugin says what its table is (:class:`~procurehub.ingest.records.RecordSpec`) and how to
store understood rows (a `store` function upserting by the spec's key); this module does the
rest exactly as a register upload does, so councils get one behaviour everywhere: the upload's
safety checks, the header row found past title rows, every problem reported with its row and
heading, an error workbook of the rejected rows, a record of the upload, and ONE transaction —
all-or-nothing by default, the valid rows with `accept_valid`, nothing with `dry_run`. The
report has the keys of `procurehub import contracts --json` (DESIGN §4).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click
from sqlalchemy import select

from procurehub.accounts.models import Council
from procurehub.alignment.freshness import refresh_changed_renewals, renewals_changed
from procurehub.audit import service as audit
from procurehub.extensions import db
from procurehub.ingest.pipeline import Problem, jsonable
from procurehub.ingest.readers import RegisterTable, read_register
from procurehub.ingest.records import (
    ImportedRecord,
    MissingColumns,
    RecordSpec,
    heading_words,
    parse_records,
)
from procurehub.ingest.safety import RegisterFileError
from procurehub.registers.models import Upload
from procurehub.registers.report import REPORT_COUNTS, SUMMARY_COUNTS

MAX_REPORTED_PROBLEMS = 1000
MAX_KEPT_REJECTED_ROWS = 10_000


@dataclass
class StoreCounts:
    """What a plugin's `store` did with the records of one upload.

    ``missing_from_file``: stored rows of the council the file no longer lists (reported, never
    deleted). ``categories``: renewal-item categories whose items changed, so the opportunities
    and tender plan of their groups are recomputed before the response returns.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing_from_file: int = 0
    categories: set[str] = field(default_factory=set)


#: store(council_code, records, upload_id) -> StoreCounts; upload_id is None on a dry run.
Store = Callable[[str, list[ImportedRecord], "int | None"], StoreCounts]


def import_records(
    path: str | os.PathLike,
    *,
    spec: RecordSpec,
    council_code: str,
    store: Store,
    user: Any = None,
    filename: str | None = None,
    sheet: str | None = None,
    accept_valid: bool = False,
    dry_run: bool = False,
    max_rows: int = 100_000,
    max_bytes: int = 50 * 1024 * 1024,
) -> dict[str, Any]:
    """Import one file of ``spec``'s table for a council; returns the report.

    Who may import for the council is the caller's check (the view, the API, the CLI). Raises
    nothing for a bad file or bad rows: the report says what happened (``status`` is
    ``stored``, ``dry_run`` or ``refused``). An interrupted import (an exception, a killed
    process) leaves the database as it was.
    """
    display = (os.path.basename((filename or os.fspath(path)).replace("\\", "/")) or "upload")[
        -200:
    ]
    council = db.session.scalar(select(Council).where(Council.code == council_code))
    if council is None:
        raise LookupError(f"There is no council with the code '{council_code}'.")
    report = _empty_report(council_code, display)
    table: RegisterTable | None = None
    try:
        table = read_register(
            path,
            display_name=display,
            sheet=sheet,
            max_rows=max_rows,
            max_bytes=max_bytes,
            heading_words=heading_words(spec),
        )
        parsed = parse_records(table, spec)
    except (RegisterFileError, MissingColumns) as exc:
        db.session.rollback()
        return _refused(report, council, user, table, str(exc), dry_run=dry_run, spec=spec)
    except BaseException:
        db.session.rollback()
        raise
    report.update(
        sheet=table.sheet,
        header_row=table.header_row,
        notes=table.notes,
        mapping=[
            {"heading": c.heading, "field": c.field, "label": _label(spec, c.field)}
            for c in parsed.columns
        ],
        rows_read=parsed.rows_read,
        rejected=parsed.rejected_count,
        duplicates=parsed.duplicates,
        skipped=parsed.skipped,
        errors=[p.to_dict() for p in parsed.errors[:MAX_REPORTED_PROBLEMS]],
        warnings=[p.to_dict() for p in parsed.warnings[:MAX_REPORTED_PROBLEMS]],
        error_count=len(parsed.errors),
        warning_count=len(parsed.warnings),
    )
    rejected_rows = [
        {
            "row": number,
            "values": [jsonable(v) for v in raw],
            "problems": [_problem_cell(p) for p in problems],
        }
        for number, raw, problems in parsed.rejected[:MAX_KEPT_REJECTED_ROWS]
    ]
    if parsed.rejected and not accept_valid and not dry_run:
        db.session.rollback()
        report["status"] = "refused"
        report["message"] = (
            f"Nothing was stored: {parsed.rejected_count} row(s) of this {spec.noun} have "
            "errors. Fix them and upload again, or accept the valid rows to store the other "
            f"{len(parsed.records)}."
        )
        return _keep_refused(report, council, user, table, rejected_rows, spec)
    try:
        # One import per council at a time (a PostgreSQL row lock; SQLite serialises writers).
        db.session.execute(select(Council.id).where(Council.id == council.id).with_for_update())
        upload = None
        if not dry_run:
            upload = Upload(
                council_id=council.id,
                user_id=getattr(user, "id", None),
                kind=spec.kind,
                filename=display,
                sheet=table.sheet,
                status="stored",
                headings=list(table.headings),
                rejected_rows=rejected_rows,
            )
            db.session.add(upload)
            db.session.flush()
        counts = store(council_code, parsed.records, upload.id if upload else None)
        report.update(
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            missing_from_file=counts.missing_from_file,
        )
        if dry_run:
            db.session.rollback()
            report["status"] = "dry_run"
            report["message"] = (
                f"Dry run, nothing stored: would create {counts.created}, update "
                f"{counts.updated}, leave {counts.unchanged} unchanged, reject "
                f"{parsed.rejected_count}."
            )
            return report
        assert upload is not None
        report["upload_id"] = upload.id
        report["status"] = "stored"
        report["message"] = _stored_message(report, spec)
        upload.report = report
        audit.record(
            "import",
            "upload",
            upload.id,
            user=user,
            council_code=council_code,
            upload_id=upload.id,
            changes={k: report[k] for k in SUMMARY_COUNTS},
        )
        if counts.categories:
            renewals_changed(counts.categories)
        db.session.commit()
    except BaseException:
        db.session.rollback()  # interrupted: the database is as it was before
        raise
    # Their groups' opportunities now, as a register upload does (the CLI has no request end).
    refresh_changed_renewals()
    return report


def import_uploaded_records(file_storage: Any, *, folder: str, **options: Any) -> dict[str, Any]:
    """:func:`import_records` for a file uploaded through a form or the API.

    The file is kept meanwhile in a private temporary file in ``folder``, removed whatever
    happens; its own name is used only for display, never as a path (DESIGN §6).
    """
    filename = os.path.basename((file_storage.filename or "upload").replace("\\", "/"))
    os.makedirs(folder, exist_ok=True)
    handle, path = tempfile.mkstemp(dir=folder, suffix=".upload")
    try:
        with os.fdopen(handle, "wb") as out:
            file_storage.save(out)
        return import_records(path, filename=filename, **options)
    finally:
        os.unlink(path)


def import_exit_code(report: dict[str, Any]) -> int:
    """DESIGN §4's exit status of an import: 1 when nothing was stored because of errors."""
    return 1 if report.get("status") == "refused" else 0


def echo_import_report(report: dict[str, Any], *, as_json: bool) -> None:
    """Print a report at the command line: one JSON object, or the sentence and problems."""
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, default=str))
        return
    click.echo(report.get("message", ""))
    counts = ", ".join(f"{key.replace('_', ' ')} {report.get(key, 0)}" for key in REPORT_COUNTS)
    click.echo(counts)
    for kind in ("errors", "warnings"):
        problems = report.get(kind) or []
        if problems:
            click.echo(f"{kind.capitalize()}:", err=kind == "errors")
        for p in problems[:50]:
            where = ", ".join(
                part
                for part in (
                    f"row {p['row']}" if p.get("row") else "",
                    f"column '{p['column']}'" if p.get("column") else "",
                )
                if part
            )
            click.echo(f"  {where + ': ' if where else ''}{p['message']}", err=kind == "errors")
        if len(problems) > 50:
            click.echo(f"  … and {len(problems) - 50} more", err=kind == "errors")
    sys.stdout.flush()


# ---------------------------------------------------------------------------- helpers
def _empty_report(council_code: str, display: str) -> dict[str, Any]:
    return {
        "upload_id": None,
        "council_code": council_code,
        **dict.fromkeys(REPORT_COUNTS, 0),
        "errors": [],
        "warnings": [],
        "file": display,
    }


def _label(spec: RecordSpec, name: str | None) -> str | None:
    return spec.field(name).label if name else None


def _problem_cell(p: Problem) -> dict[str, Any]:
    return {"column": p.column, "value": jsonable(p.value), "message": p.message}


def _stored_message(report: dict[str, Any], spec: RecordSpec) -> str:
    text = (
        f"Stored: {report['created']} new, {report['updated']} updated, "
        f"{report['unchanged']} unchanged"
    )
    if report["rejected"]:
        text += f", {report['rejected']} rejected"
    if report["missing_from_file"]:
        text += (
            f"; {report['missing_from_file']} stored {spec.item}(s) are not in this file "
            "(kept, not deleted)"
        )
    return text + "."


def _refused(
    report: dict[str, Any],
    council: Council,
    user: Any,
    table: RegisterTable | None,
    message: str,
    *,
    dry_run: bool,
    spec: RecordSpec,
) -> dict[str, Any]:
    report["errors"] = [{"row": None, "column": None, "value": None, "message": message}]
    report["error_count"] = 1
    report["status"] = "refused"
    report["message"] = message
    if dry_run:
        return report
    return _keep_refused(report, council, user, table, [], spec)


def _keep_refused(
    report: dict[str, Any],
    council: Council,
    user: Any,
    table: RegisterTable | None,
    rejected_rows: list[dict[str, Any]],
    spec: RecordSpec,
) -> dict[str, Any]:
    """Record a refused upload (with its rejected rows, for the error workbook)."""
    report.update(created=0, updated=0, unchanged=0, missing_from_file=0)
    upload = Upload(
        council_id=council.id,
        user_id=getattr(user, "id", None),
        kind=spec.kind,
        filename=report["file"],
        sheet=table.sheet if table else None,
        status="refused",
        headings=list(table.headings) if table else [],
        rejected_rows=rejected_rows,
    )
    db.session.add(upload)
    db.session.flush()
    report["upload_id"] = upload.id
    upload.report = report
    db.session.commit()
    return report
