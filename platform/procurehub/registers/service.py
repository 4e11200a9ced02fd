"""Storing an uploaded register: match rows to stored contracts, upsert, report (DESIGN §3).

The domain work (reading, mapping, parsing, classifying) is in `ingest/`; this module decides
what each parsed row means for the council's stored contracts and writes it in ONE
transaction: all-or-nothing by default, valid rows only with `accept_valid`, nothing with
`dry_run`. Nothing is ever deleted: contracts the new file no longer lists are reported as
`missing_from_file`.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, select

from procurehub.accounts.models import Council
from procurehub.alignment.freshness import refresh_after_upload, renewals_changed
from procurehub.audit import service as audit
from procurehub.contracts.fields import CANONICAL_FIELDS
from procurehub.contracts.models import Contract
from procurehub.contracts.service import snapshot
from procurehub.extensions import db, utcnow
from procurehub.ingest.classify import Classifier, normalise_label, rules_from_specs
from procurehub.ingest.pipeline import (
    ParsedRow,
    Problem,
    RowParser,
    Source,
    content_hash,
    jsonable,
    open_source,
    plan_columns,
    row_key,
)
from procurehub.ingest.safety import RegisterFileError
from procurehub.ingest.text import clean_text
from procurehub.registers.models import CouncilCategoryLabel, CouncilColumnMapping, Upload
from procurehub.workstreams.registry import all_categories

CHUNK = 2000
MAX_REPORTED_PROBLEMS = 1000
MAX_KEPT_REJECTED_ROWS = 10_000
MAX_LISTED_MISSING = 1000
IN_MEMORY_FORMATS = {"xlsx", "xlsm", "xls", "ods", "ocds"}
REPORT_KEYS = ("upload_id", "council_code", "rows_read", "created", "updated", "unchanged", "rejected",
               "duplicates", "missing_from_file", "errors", "warnings")  # fmt: skip
STORED_FIELDS = tuple(f for f in CANONICAL_FIELDS if f != "council_code") + (
    "record_type", "classified_by", "category_label",
)  # fmt: skip


@dataclass
class ImportOptions:
    accept_valid: bool = False
    dry_run: bool = False
    sheet: str | None = None
    max_rows: int = 1_000_000
    max_columns: int = 500
    max_bytes: int = 50 * 1024 * 1024


@dataclass
class _Stored:
    id: int
    reference: str | None
    content_hash: str | None
    title: str
    supplier_name: str | None
    start_date: date | None


@dataclass
class _Tally:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    skipped: int = 0
    error_count: int = 0
    warning_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    rejected_rows: list[list[Any]] = field(default_factory=list)
    seen_stored: set[int] = field(default_factory=set)
    rejected_refs: set[str] = field(default_factory=set)

    def add(self, target: str, problems: list[Problem]) -> None:
        bucket = self.errors if target == "errors" else self.warnings
        if target == "errors":
            self.error_count += len(problems)
        else:
            self.warning_count += len(problems)
        for p in problems:
            if len(bucket) < MAX_REPORTED_PROBLEMS:
                bucket.append(p.to_dict())


def ref_key(reference: str | None) -> str | None:
    return reference.strip().casefold() if reference else None


def match_key(title: str | None, supplier: str | None, start: date | None) -> tuple[str, str, Any]:
    return ((title or "").strip().casefold(), (supplier or "").strip().casefold(), start)


def closeness(row: dict[str, Any], stored: _Stored) -> tuple[int, float]:
    """How alike an uploaded row and a stored contract are: same supplier, title, start first."""
    same = (
        int((row.get("supplier_name") or "").casefold() == (stored.supplier_name or "").casefold())
        + int((row.get("title") or "").casefold() == (stored.title or "").casefold())
        + int(row.get("start_date") == stored.start_date)
    )
    ratio = difflib.SequenceMatcher(
        None, (row.get("title") or "").casefold(), (stored.title or "").casefold()
    ).ratio()
    return same, ratio


def saved_column_mapping(council: Council) -> dict[str, str]:
    rows = db.session.scalars(
        select(CouncilColumnMapping).where(CouncilColumnMapping.council_id == council.id)
    )
    return {r.heading: r.field for r in rows}


def save_column_mapping(council: Council, mapping: dict[str, str], *, user: Any) -> None:
    """Remember heading → field for this council's next uploads ("" keeps a column in extra)."""
    from procurehub.ingest.synonyms import FIELDS, normalise_heading

    existing = {
        r.heading: r
        for r in db.session.scalars(
            select(CouncilColumnMapping).where(CouncilColumnMapping.council_id == council.id)
        )
    }
    for heading, target in mapping.items():
        target = (target or "").strip()
        if target in ("extra", "ignore"):
            target = ""
        if target and target not in FIELDS:
            raise ValueError(f"{target!r} is not a field a column can map to")
        key = normalise_heading(heading)
        if not key:
            raise ValueError("a heading cannot be blank")
        row = existing.get(key) or CouncilColumnMapping(council_id=council.id, heading=key)
        row.field = target
        db.session.add(row)
    audit.record(
        "update",
        "column_mapping",
        council.code,
        user=user,
        council_code=council.code,
        changes={"mapping": [None, mapping]},
    )


def build_classifier(council: Council) -> Classifier:
    categories = all_categories().values()
    specs = [(plugin.key, spec) for plugin, spec in categories]
    labels = {
        r.label: r.category
        for r in db.session.scalars(
            select(CouncilCategoryLabel).where(CouncilCategoryLabel.council_id == council.id)
        )
    }
    names = {plugin.key: (plugin.title, *plugin.label_names) for plugin, _spec in categories}
    return Classifier(rules_from_specs(specs), labels, names)


class RegisterImport:
    """One upload of one council's register. Call `run()` once."""

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        display_name: str,
        council: Council,
        user: Any,
        options: ImportOptions | None = None,
        progress: Callable[[int], None] | None = None,
        today: date | None = None,
    ) -> None:
        self.path = path
        self.display_name = (os.path.basename(display_name.replace("\\", "/")) or "upload")[-200:]
        self.council = council
        self.user = user
        self.options = options or ImportOptions()
        self.progress = progress
        self.today = today or date.today()
        self.tally = _Tally()
        self.upload: Upload | None = None
        self.source: Source | None = None
        self.mapping: list[Any] = []
        self._creates: list[dict[str, Any]] = []
        self._updates: list[tuple[int, dict[str, Any]]] = []

    # ------------------------------------------------------------------ entry point
    def run(self) -> dict[str, Any]:
        council_id, council_code = self.council.id, self.council.code
        try:
            self.source = open_source(
                self.path,
                display_name=self.display_name,
                sheet=self.options.sheet,
                max_rows=self.options.max_rows,
                max_columns=self.options.max_columns,
                max_bytes=self.options.max_bytes,
            )
            # One upload per council at a time (PostgreSQL row lock; SQLite serialises writers).
            db.session.execute(select(Council.id).where(Council.id == council_id).with_for_update())
            self.mapping = plan_columns(self.source, saved_column_mapping(self.council))
            if not self.options.dry_run:
                self.upload = Upload(
                    council_id=council_id,
                    user_id=getattr(self.user, "id", None),
                    filename=self.display_name,
                    sheet=self.source.sheet,
                    status="stored",
                    headings=list(self.source.headings),
                )
                db.session.add(self.upload)
                db.session.flush()
            self._process()
        except RegisterFileError as exc:
            db.session.rollback()
            return self._refused(council_id, council_code, str(exc))
        except BaseException:
            db.session.rollback()  # interrupted: the database is as it was before
            raise
        return self._finish(council_id, council_code)

    # ------------------------------------------------------------------ processing
    def _rows(self) -> Callable[[], Iterator[tuple[int, list[Any]]]]:
        assert self.source is not None
        if self.source.format in IN_MEMORY_FORMATS:
            rows = list(self.source.rows())
            return lambda: iter(rows)
        return self.source.rows

    def _process(self) -> None:
        assert self.source is not None
        rows = self._rows()
        parser = RowParser(self.mapping, build_classifier(self.council), today=self.today)
        ref_index = parser.columns.get("reference", (None,))[0]
        ref_counts: Counter[str] = Counter()
        if ref_index is not None:
            for _, raw in rows():
                key = ref_key(clean_text(raw[ref_index]))
                if key:
                    ref_counts[key] += 1
        stored = self._stored_index()
        by_ref: dict[str, list[_Stored]] = defaultdict(list)
        by_key: dict[tuple[str, str, Any], list[_Stored]] = defaultdict(list)
        for s in stored:
            if ref_key(s.reference):
                by_ref[ref_key(s.reference)].append(s)
            else:
                by_key[match_key(s.title, s.supplier_name, s.start_date)].append(s)

        seen_rows: set[bytes] = set()
        shared: dict[str, list[ParsedRow]] = defaultdict(list)
        tally = self.tally
        for number, raw in rows():
            tally.rows_read += 1
            if self.progress and tally.rows_read % 1000 == 0:
                self.progress(tally.rows_read)
            identity = row_key(raw)
            if identity in seen_rows:
                tally.duplicates += 1
                continue
            seen_rows.add(identity)
            if self._is_note(raw):
                tally.skipped += 1
                tally.add(
                    "warnings",
                    [
                        Problem(
                            number,
                            None,
                            next(v for v in raw if v is not None),
                            "looks like a note or section heading, not a contract: not imported",
                        )
                    ],
                )
                continue
            parsed = parser.parse(number, raw)
            tally.add("warnings", parsed.warnings)
            key = ref_key(parsed.values.get("reference"))
            if not parsed.ok:
                tally.rejected += 1
                tally.add("errors", parsed.errors)
                if key:
                    tally.rejected_refs.add(key)
                if len(tally.rejected_rows) < MAX_KEPT_REJECTED_ROWS:
                    tally.rejected_rows.append(
                        {
                            "row": number,
                            "values": [jsonable(x) for x in raw],
                            "problems": [p.to_dict() for p in parsed.errors],
                        }
                    )
                continue
            if key and ref_counts[key] > 1:
                shared[key].append(parsed)
                continue
            if key:
                candidates = [s for s in by_ref.get(key, ()) if s.id not in tally.seen_stored]
                if len(candidates) > 1:
                    target = max(candidates, key=lambda s: closeness(parsed.values, s))
                else:
                    target = candidates[0] if candidates else None
            else:
                mk = match_key(
                    parsed.values["title"],
                    parsed.values["supplier_name"],
                    parsed.values["start_date"],
                )
                candidates = [s for s in by_key.get(mk, ()) if s.id not in tally.seen_stored]
                target = candidates[0] if candidates else None
            self._decide(parsed, target)
        for key, group in shared.items():
            self._match_group(
                group, [s for s in by_ref.get(key, ()) if s.id not in tally.seen_stored]
            )
        self._flush()
        self._missing = [
            s
            for s in stored
            if s.id not in tally.seen_stored and ref_key(s.reference) not in tally.rejected_refs
        ]
        if self.progress:
            self.progress(tally.rows_read)

    def _is_note(self, raw: list[Any]) -> bool:
        """A lone text cell in a spreadsheet row ("Environmental Services", "Last reviewed May")."""
        if self.source is None or self.source.format == "ocds" or len(raw) < 3:
            return False
        filled = [v for v in raw if v is not None]
        return len(filled) == 1 and isinstance(filled[0], str)

    def _stored_index(self) -> list[_Stored]:
        stmt = select(
            Contract.id,
            Contract.reference,
            Contract.content_hash,
            Contract.title,
            Contract.supplier_name,
            Contract.start_date,
        ).where(Contract.council_id == self.council.id)
        return [_Stored(*row) for row in db.session.execute(stmt)]

    def _match_group(self, rows: list[ParsedRow], stored: list[_Stored]) -> None:
        """Rows sharing a reference (lots, call-offs): pair with stored ones by closest content."""
        pairs = sorted(
            (
                (closeness(r.values, s), i, j)
                for i, r in enumerate(rows)
                for j, s in enumerate(stored)
            ),
            reverse=True,
        )
        matched_rows: dict[int, _Stored] = {}
        used: set[int] = set()
        for _, i, j in pairs:
            if i not in matched_rows and j not in used:
                matched_rows[i] = stored[j]
                used.add(j)
        for i, row in enumerate(rows):
            self._decide(row, matched_rows.get(i))

    def _decide(self, parsed: ParsedRow, target: _Stored | None) -> None:
        values = parsed.values
        values["content_hash"] = content_hash(values)
        tally = self.tally
        if target is None:
            tally.created += 1
            self._creates.append(values | {"_row": parsed.row_number})
        else:
            tally.seen_stored.add(target.id)
            if target.content_hash == values["content_hash"]:
                tally.unchanged += 1
            else:
                tally.updated += 1
                self._updates.append((target.id, values | {"_row": parsed.row_number}))
        if len(self._creates) >= CHUNK or len(self._updates) >= CHUNK:
            self._flush()

    def _writing(self) -> bool:
        """No point writing rows an all-or-nothing upload will roll back, or a dry run."""
        if self.options.dry_run:
            return False
        return self.options.accept_valid or self.tally.rejected == 0

    def _flush(self) -> None:
        if not self._writing():
            self._creates.clear()
            self._updates.clear()
            return
        upload_id = self.upload.id if self.upload else None
        if self._creates:
            now = utcnow()
            sheet = self.source.sheet if self.source else None
            now_rows = []
            for values in self._creates:
                row = {name: values.get(name) for name in STORED_FIELDS}
                row.update(
                    council_id=self.council.id,
                    upload_id=upload_id,
                    source_file=self.display_name,
                    source_sheet=sheet,
                    source_row=values["_row"],
                    content_hash=values["content_hash"],
                    created_at=now,
                    updated_at=now,
                )
                now_rows.append(row)
            # render_nulls keeps every row the same shape, so the driver sends a few batched
            # statements instead of one INSERT per row (rows leave different cells blank); the table
            # (Core) insert skips the ORM's per-row bookkeeping.
            db.session.execute(
                insert(Contract.__table__).execution_options(render_nulls=True), now_rows
            )
            self._creates.clear()
        if self._updates:
            ids = [i for i, _ in self._updates]
            contracts = {
                c.id: c for c in db.session.scalars(select(Contract).where(Contract.id.in_(ids)))
            }
            for contract_id, values in self._updates:
                contract = contracts[contract_id]
                before = snapshot(contract)
                new = {name: values.get(name) for name in STORED_FIELDS}
                if contract.classified_by == "manual" and new["category"] == "unclassified":
                    new["category"], new["workstream"], new["classified_by"] = (
                        contract.category,
                        contract.workstream,
                        contract.classified_by,
                    )
                for name, value in new.items():
                    setattr(contract, name, value)
                contract.content_hash = values["content_hash"]
                contract.upload_id = upload_id
                contract.source_file = self.display_name
                contract.source_sheet = self.source.sheet if self.source else None
                contract.source_row = values["_row"]
                changes = audit.diff(before, snapshot(contract))
                if changes:
                    audit.record(
                        "update",
                        "contract",
                        contract.id,
                        user=self.user,
                        council_code=self.council.code,
                        changes=changes,
                        upload_id=upload_id,
                    )
            db.session.flush()
            self._updates.clear()

    # ------------------------------------------------------------------ results
    def _base_report(self, council_code: str) -> dict[str, Any]:
        t = self.tally
        return {
            "upload_id": None,
            "council_code": council_code,
            "rows_read": t.rows_read,
            "created": t.created,
            "updated": t.updated,
            "unchanged": t.unchanged,
            "rejected": t.rejected,
            "duplicates": t.duplicates,
            "missing_from_file": 0,
            "errors": t.errors,
            "warnings": t.warnings,
        }

    def _describe_source(self, report: dict[str, Any]) -> None:
        src = self.source
        report.update(
            file=self.display_name,
            format=src.format if src else None,
            sheets=src.sheet_names if src else [],
            sheet=src.sheet if src else None,
            header_row=src.header_row if src else None,
            notes=src.notes if src else [],
            mapping=[{"heading": m.heading, "field": m.field, "how": m.how} for m in self.mapping],
            skipped=self.tally.skipped,
            error_count=self.tally.error_count,
            warning_count=self.tally.warning_count,
        )

    def _finish(self, council_id: int, council_code: str) -> dict[str, Any]:
        t = self.tally
        report = self._base_report(council_code)
        missing = getattr(self, "_missing", [])
        report["missing_from_file"] = len(missing)
        self._describe_source(report)
        report["missing"] = [
            {"id": s.id, "reference": s.reference, "title": s.title}
            for s in missing[:MAX_LISTED_MISSING]
        ]
        all_or_nothing_failed = t.rejected and not self.options.accept_valid
        if self.options.dry_run:
            db.session.rollback()
            report["status"] = "dry_run"
            report["message"] = self._dry_run_message()
            return report
        if all_or_nothing_failed:
            db.session.rollback()
            report.update(created=0, updated=0, unchanged=0, missing_from_file=0, missing=[])
            report["status"] = "refused"
            report["message"] = (
                f"Nothing was stored: {t.rejected} row(s) have errors. Fix them and upload again, "
                f"or accept the valid rows to store the other {t.rows_read - t.rejected - t.duplicates}."
            )
            return self._store_refused(council_id, report)
        assert self.upload is not None
        report["upload_id"] = self.upload.id
        report["status"] = "stored"
        report["message"] = (
            f"Stored: {t.created} new, {t.updated} updated, {t.unchanged} unchanged"
            + (f", {t.rejected} rejected" if t.rejected else "")
            + (
                f"; {report['missing_from_file']} stored contract(s) are not in this file"
                if missing
                else ""
            )
            + "."
        )
        self.upload.report = report
        self.upload.rejected_rows = t.rejected_rows
        audit.record(
            "import",
            "upload",
            self.upload.id,
            user=self.user,
            council_code=council_code,
            upload_id=self.upload.id,
            changes={
                k: report[k] for k in ("rows_read", "created", "updated", "unchanged", "rejected")
            },
        )
        db.session.commit()
        refresh_after_upload(report["upload_id"])  # its category groups' opportunities
        return report

    def _dry_run_message(self) -> str:
        t = self.tally
        return (
            f"Dry run, nothing stored: would create {t.created}, update {t.updated}, "
            f"leave {t.unchanged} unchanged, reject {t.rejected}."
        )

    def _refused(self, council_id: int, council_code: str, message: str) -> dict[str, Any]:
        report = self._base_report(council_code)
        report["errors"] = [{"row": None, "column": None, "value": None, "message": message}]
        report["error_count"] = 1
        report["status"] = "refused"
        report["message"] = message
        report["file"] = self.display_name
        if self.options.dry_run:
            return report
        return self._store_refused(council_id, report)

    def _store_refused(self, council_id: int, report: dict[str, Any]) -> dict[str, Any]:
        """Keep a record of a refused upload (and its rejected rows, for the error workbook)."""
        upload = Upload(
            council_id=council_id,
            user_id=getattr(self.user, "id", None),
            filename=self.display_name,
            sheet=self.source.sheet if self.source else None,
            status="refused",
            headings=list(self.source.headings) if self.source else [],
            rejected_rows=self.tally.rejected_rows,
        )
        db.session.add(upload)
        db.session.flush()
        report["upload_id"] = upload.id
        upload.report = report
        db.session.commit()
        return report


def import_contracts(
    path: str | os.PathLike,
    *,
    display_name: str,
    council: Council,
    user: Any,
    options: ImportOptions | None = None,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Import one register file for one council; returns the report (DESIGN §4 keys first)."""
    return RegisterImport(
        path,
        display_name=display_name,
        council=council,
        user=user,
        options=options,
        progress=progress,
        today=today,
    ).run()


def assign_category(
    contracts: list[Contract], category: str, *, user: Any, teach: bool = True
) -> int:
    """Put contracts in a category by hand; teach the council's label so its next upload agrees.

    Also classifies the council's other still-unclassified contracts carrying the same label.
    Returns how many contracts changed.
    """
    from procurehub.contracts.rules import workstream_of

    changed = 0
    taught: set[tuple[int, str]] = set()
    renewals_changed([category, *(c.category for c in contracts)])
    for contract in contracts:
        before = snapshot(contract)
        contract.category, contract.workstream, contract.classified_by = (
            category,
            workstream_of(category),
            "manual",
        )
        changes = audit.diff(before, snapshot(contract))
        if changes:
            changed += 1
            audit.record(
                "update",
                "contract",
                contract.id,
                user=user,
                council_code=contract.council.code,
                changes=changes,
            )
        if teach and contract.category_label:
            taught.add((contract.council_id, normalise_label(contract.category_label)))
    for council_id, label in taught:
        row = db.session.scalar(
            select(CouncilCategoryLabel).where(
                CouncilCategoryLabel.council_id == council_id, CouncilCategoryLabel.label == label
            )
        )
        if row is None:
            row = CouncilCategoryLabel(council_id=council_id, label=label)
            db.session.add(row)
        row.category = category
        others = db.session.scalars(
            select(Contract).where(
                Contract.council_id == council_id,
                Contract.category == "unclassified",
                Contract.category_label.is_not(None),
            )
        )
        for other in others:
            if normalise_label(other.category_label) == label:
                before = snapshot(other)
                other.category, other.workstream = category, workstream_of(category)
                other.classified_by = "saved_label"
                changed += 1
                audit.record(
                    "update",
                    "contract",
                    other.id,
                    user=user,
                    council_code=other.council.code,
                    changes=audit.diff(before, snapshot(other)),
                )
    return changed


def import_upload(
    file_storage: Any, *, council: Council, user: Any, options: ImportOptions, folder: str
) -> dict[str, Any]:
    """Import an uploaded file, kept meanwhile in a private temporary file in `folder`.

    The file's own name is used only for display, never as a path (DESIGN §6); the temporary
    file is removed whatever happens. Who may upload for `council` is the caller's check.
    """
    display_name = os.path.basename((file_storage.filename or "upload").replace("\\", "/"))
    os.makedirs(folder, exist_ok=True)
    handle, path = tempfile.mkstemp(dir=folder, suffix=".upload")
    try:
        with os.fdopen(handle, "wb") as out:
            file_storage.save(out)
        return import_contracts(
            path, display_name=display_name, council=council, user=user, options=options
        )
    finally:
        os.unlink(path)


def upload_options(form: dict[str, Any], max_bytes: int) -> ImportOptions:
    """The import options an upload form or API request chose."""
    return ImportOptions(
        accept_valid=bool(form.get("accept_valid", False)),
        dry_run=bool(form.get("dry_run", False)),
        sheet=form.get("sheet") or None,
        max_bytes=max_bytes,
    )
