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

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    cast,
    func,
    insert,
    literal,
    literal_column,
    select,
)

from procurehub.accounts.authz import can_write
from procurehub.accounts.models import Council
from procurehub.alignment.freshness import refresh_after_upload, renewals_changed
from procurehub.audit import service as audit
from procurehub.audit.models import AuditEvent
from procurehub.bulk_insert import insert_rows
from procurehub.contracts.fields import HISTORY_FIELDS, UNCLASSIFIED
from procurehub.contracts.models import Contract
from procurehub.contracts.service import index_uploaded_for_search, snapshot
from procurehub.extensions import db, utcnow
from procurehub.ingest.buyers import Buyer, BuyerColumns, CouncilMatcher, Route, route_row
from procurehub.ingest.classify import Classifier, normalise_label, rules_from_specs
from procurehub.ingest.pipeline import (
    ParsedRow,
    Problem,
    RowParser,
    content_hash,
    jsonable,
    plan_columns,
    row_key,
)
from procurehub.ingest.readers import RegisterTable, read_register
from procurehub.ingest.safety import RegisterFileError
from procurehub.ingest.text import clean_text
from procurehub.registers.models import CouncilCategoryLabel, CouncilColumnMapping, Upload
from procurehub.registers.report import REPORT_COUNTS, SUMMARY_COUNTS
from procurehub.workstreams.registry import all_categories

CHUNK = 2000
MAX_REPORTED_PROBLEMS = 1000
MAX_KEPT_REJECTED_ROWS = 10_000
MAX_LISTED_MISSING = 1000
IN_MEMORY_FORMATS = {"xlsx", "xlsm", "xls", "ods", "ocds"}
# What a parsed row says about a contract: what its history records, plus how it was classified
# and the council's own category label (the council and the provenance come from the upload).
STORED_FIELDS = HISTORY_FIELDS + ("classified_by", "category_label")


@dataclass
class ImportOptions:
    accept_valid: bool = False
    dry_run: bool = False
    sheet: str | None = None
    max_rows: int = 1_000_000
    max_columns: int = 500
    max_bytes: int = 50 * 1024 * 1024
    # A coordinator's deliberate import of a public multi-buyer file: each row is filed under
    # the hub council its buyer is (DESIGN §6). Coordinators and admins only.
    all_buyers: bool = False


class ImportNotAllowed(Exception):
    """The user may not import this way; the message says who may."""


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
    missing_from_file: int = 0  # known when the upload ends (`_finish`)
    skipped: int = 0
    error_count: int = 0
    warning_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    rejected_rows: list[list[Any]] = field(default_factory=list)
    other_buyers: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    unmatched_buyers: Counter[str] = field(default_factory=Counter)

    def add(self, target: str, problems: list[Problem]) -> None:
        bucket = self.errors if target == "errors" else self.warnings
        if target == "errors":
            self.error_count += len(problems)
        else:
            self.warning_count += len(problems)
        for p in problems:
            if len(bucket) < MAX_REPORTED_PROBLEMS:
                bucket.append(p.to_dict())


@dataclass
class _CouncilRows:
    """The rows of one upload filed under one council, matched against that council's contracts.

    An ordinary upload has one; an all-buyers import of a public file has one per council its
    buyers are, so re-upload matching and `missing_from_file` stay within each council.
    """

    id: int
    code: str
    name: str
    ref_counts: Counter[str] = field(default_factory=Counter)
    stored: list[_Stored] = field(default_factory=list)
    by_ref: dict[str, list[_Stored]] = field(default_factory=lambda: defaultdict(list))
    by_key: dict[tuple[str, str, Any], list[_Stored]] = field(
        default_factory=lambda: defaultdict(list)
    )
    shared: dict[str, list[ParsedRow]] = field(default_factory=lambda: defaultdict(list))
    seen_stored: set[int] = field(default_factory=set)
    rejected_refs: set[str] = field(default_factory=set)
    missing: list[_Stored] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def load_stored(self) -> None:
        stmt = select(
            Contract.id,
            Contract.reference,
            Contract.content_hash,
            Contract.title,
            Contract.supplier_name,
            Contract.start_date,
        ).where(Contract.council_id == self.id)
        self.stored = [_Stored(*row) for row in db.session.execute(stmt)]
        for s in self.stored:
            if ref_key(s.reference):
                self.by_ref[ref_key(s.reference)].append(s)
            else:
                self.by_key[match_key(s.title, s.supplier_name, s.start_date)].append(s)

    def summary(self) -> dict[str, Any]:
        return {
            "council_code": self.code,
            "council_name": self.name,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "missing_from_file": len(self.missing),
        }


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
    """One upload of a register: one council's, or a public file's for all its buyers.

    Call `run()` once.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        display_name: str,
        council: Council | None,
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
        self.source: RegisterTable | None = None
        self.mapping: list[Any] = []
        self.batches: dict[str, _CouncilRows] = {}
        self._creates: list[dict[str, Any]] = []
        self._updates: list[tuple[int, str, dict[str, Any]]] = []
        if council is None and not self.options.all_buyers:
            raise ValueError("an upload is for one council unless it imports all buyers")
        if self.options.all_buyers and not may_import_all_buyers(user):
            raise ImportNotAllowed(
                "Only a coordinator or an administrator can import a file for all the buyers it "
                "names. Upload it for your own council instead: rows of other buyers are refused."
            )

    # ------------------------------------------------------------------ entry point
    def run(self) -> dict[str, Any]:
        council_id = self.council.id if self.council else None
        council_code = self.council.code if self.council else None
        try:
            self.source = read_register(
                self.path,
                display_name=self.display_name,
                sheet=self.options.sheet,
                max_rows=self.options.max_rows,
                max_columns=self.options.max_columns,
                max_bytes=self.options.max_bytes,
            )
            saved = saved_column_mapping(self.council) if self.council else None
            self.mapping = plan_columns(self.source, saved)
            self._plan_councils()
            filing = self._filing_council()
            if filing is not None:
                council_id, council_code = filing.id, filing.code
            # One upload per council at a time (PostgreSQL row locks, taken in one order;
            # SQLite serialises writers).
            locked = sorted({b.id for b in self.batches.values()} | {council_id} - {None})
            if locked:
                db.session.execute(
                    select(Council.id).where(Council.id.in_(locked)).with_for_update()
                )
            if not self.options.dry_run and council_id is not None:
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

    # ------------------------------------------------------------------ buyers
    def _plan_councils(self) -> None:
        """Read who bought each row, when the file says so, and which councils the rows go to."""
        assert self.source is not None
        self._rows = self._all_rows()
        self._buyer_columns = BuyerColumns.from_mapping(self.mapping)
        self._routes: dict[Buyer | None, Route] = {}
        self._matcher = None
        if self._buyer_columns is not None or self.options.all_buyers:
            self._matcher = CouncilMatcher(
                db.session.execute(select(Council.code, Council.name)).all()
            )
        self._councils = (
            {c.code: c for c in db.session.scalars(select(Council))}
            if self._matcher is not None
            else {}
        )
        if self.council is not None:
            self._councils.setdefault(self.council.code, self.council)
            self._batch(self.council.code)
        ref_index = next((i for i, m in enumerate(self.mapping) if m.field == "reference"), None)
        if ref_index is None and self._buyer_columns is None:
            return
        for _, raw in self._rows():
            code = self._route(raw).council_code
            if code is None:
                continue
            batch = self._batch(code)
            if ref_index is not None:
                key = ref_key(clean_text(raw[ref_index]))
                if key:
                    batch.ref_counts[key] += 1

    def _batch(self, code: str) -> _CouncilRows:
        batch = self.batches.get(code)
        if batch is None:
            council = self._councils[code]
            batch = self.batches[code] = _CouncilRows(council.id, council.code, council.name)
        return batch

    def _route(self, raw: list[Any]) -> Route:
        buyer = self._buyer_columns.read(raw) if self._buyer_columns is not None else None
        route = self._routes.get(buyer)
        if route is None:
            if buyer is None and not self.options.all_buyers:
                route = Route(self.council.code)  # type: ignore[union-attr]
            else:
                assert self._matcher is not None
                route = route_row(
                    buyer,
                    self._matcher,
                    uploader=self.council.code if self.council else None,
                    all_buyers=self.options.all_buyers,
                )
            self._routes[buyer] = route
        return route

    def _not_filed(self, number: int, raw: list[Any], route: Route) -> None:
        """A row filed under no council: another buyer's (rejected), or outside the hub (skipped)."""
        tally = self.tally
        columns = self._buyer_columns
        buyer = columns.read(raw) if columns is not None else None
        heading, value = None, None
        if columns is not None:
            filled = [i for i in (columns.name, columns.identifiers) if i is not None and raw[i]]
            if filled:
                heading, value = self.mapping[filled[0]].heading, raw[filled[0]]
        problem = Problem(number, heading, value, route.message or "")
        if not route.refused:  # an all-buyers import: a buyer that is no council in the hub
            tally.skipped += 1
            tally.unmatched_buyers[buyer.label if buyer else ""] += 1
            tally.add("warnings", [problem])
            return
        tally.rejected += 1
        tally.add("errors", [problem])
        if buyer is not None and self._matcher is not None:
            tally.other_buyers[(buyer.label, self._matcher.council_of(buyer))] += 1
        if len(tally.rejected_rows) < MAX_KEPT_REJECTED_ROWS:
            tally.rejected_rows.append(
                {
                    "row": number,
                    "values": [jsonable(x) for x in raw],
                    "problems": [problem.to_dict()],
                }
            )

    def _filing_council(self) -> _CouncilRows | None:
        """The council the upload is recorded under: the one it was for, else its first buyer's."""
        if self.council is not None:
            return self.batches.get(self.council.code) or _CouncilRows(
                self.council.id, self.council.code, self.council.name
            )
        return next(iter(self.batches.values()), None)

    # ------------------------------------------------------------------ processing
    def _all_rows(self) -> Callable[[], Iterator[tuple[int, list[Any]]]]:
        assert self.source is not None
        if self.source.format in IN_MEMORY_FORMATS:
            rows = list(self.source.iter_rows())
            return lambda: iter(rows)
        return self.source.iter_rows

    def _process(self) -> None:
        assert self.source is not None
        rows = self._rows
        parsers: dict[str, RowParser] = {}
        for batch in self.batches.values():
            batch.load_stored()

        seen_rows: set[bytes] = set()
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
            route = self._route(raw)
            if route.council_code is None:
                self._not_filed(number, raw, route)
                continue
            batch = self._batch(route.council_code)
            batch.rows += 1
            parser = parsers.get(batch.code)
            if parser is None:
                classifier = build_classifier(self._councils[batch.code])
                parser = parsers[batch.code] = RowParser(self.mapping, classifier, today=self.today)
            parsed = parser.parse(number, raw)
            tally.add("warnings", parsed.warnings)
            key = ref_key(parsed.values.get("reference"))
            if not parsed.ok:
                tally.rejected += 1
                batch.rejected += 1
                tally.add("errors", parsed.errors)
                if key:
                    batch.rejected_refs.add(key)
                if len(tally.rejected_rows) < MAX_KEPT_REJECTED_ROWS:
                    tally.rejected_rows.append(
                        {
                            "row": number,
                            "values": [jsonable(x) for x in raw],
                            "problems": [p.to_dict() for p in parsed.errors],
                        }
                    )
                continue
            if key and batch.ref_counts[key] > 1:
                batch.shared[key].append(parsed)
                continue
            if key:
                candidates = [s for s in batch.by_ref.get(key, ()) if s.id not in batch.seen_stored]
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
                candidates = [s for s in batch.by_key.get(mk, ()) if s.id not in batch.seen_stored]
                target = candidates[0] if candidates else None
            self._decide(parsed, target, batch)
        for batch in self.batches.values():
            for key, group in batch.shared.items():
                self._match_group(
                    group,
                    [s for s in batch.by_ref.get(key, ()) if s.id not in batch.seen_stored],
                    batch,
                )
            # Only a council with rows in this file can miss some: a public file that names a
            # council once says nothing about that council's other contracts.
            batch.missing = [
                s
                for s in batch.stored
                if batch.rows
                and s.id not in batch.seen_stored
                and ref_key(s.reference) not in batch.rejected_refs
            ]
        self._flush()
        if self.progress:
            self.progress(tally.rows_read)

    def _is_note(self, raw: list[Any]) -> bool:
        """A lone text cell in a spreadsheet row ("Environmental Services", "Last reviewed May")."""
        if self.source is None or self.source.format == "ocds" or len(raw) < 3:
            return False
        filled = [v for v in raw if v is not None]
        return len(filled) == 1 and isinstance(filled[0], str)

    def _match_group(
        self, rows: list[ParsedRow], stored: list[_Stored], batch: _CouncilRows
    ) -> None:
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
            self._decide(row, matched_rows.get(i), batch)

    def _decide(self, parsed: ParsedRow, target: _Stored | None, batch: _CouncilRows) -> None:
        values = parsed.values
        values["content_hash"] = content_hash(values)
        tally = self.tally
        if target is None:
            tally.created += 1
            batch.created += 1
            self._creates.append(values | {"_row": parsed.row_number, "_council_id": batch.id})
        else:
            batch.seen_stored.add(target.id)
            if target.content_hash == values["content_hash"]:
                tally.unchanged += 1
                batch.unchanged += 1
            else:
                tally.updated += 1
                batch.updated += 1
                self._updates.append((target.id, batch.code, values | {"_row": parsed.row_number}))
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
                row = dict(zip(STORED_FIELDS, map(values.get, STORED_FIELDS), strict=True))
                row.update(
                    council_id=values["_council_id"],
                    upload_id=upload_id,
                    source_file=self.display_name,
                    source_sheet=sheet,
                    source_row=values["_row"],
                    content_hash=values["content_hash"],
                    created_at=now,
                    updated_at=now,
                )
                now_rows.append(row)
            # Straight into the table (COPY on PostgreSQL), skipping the ORM's per-row
            # bookkeeping. The rows after `before` with this upload's id are this batch's.
            before = db.session.scalar(select(func.max(Contract.id))) or 0
            insert_rows(db.session, Contract.__table__, now_rows)
            if upload_id is not None:
                index_uploaded_for_search(after_id=before, upload_id=upload_id)
            self._record_created(after_id=before, at=now)
            self._creates.clear()
        if self._updates:
            ids = [i for i, _, _ in self._updates]
            contracts = {
                c.id: c for c in db.session.scalars(select(Contract).where(Contract.id.in_(ids)))
            }
            for contract_id, council_code, values in self._updates:
                contract = contracts[contract_id]
                before = snapshot(contract)
                new = {name: values.get(name) for name in STORED_FIELDS}
                if contract.classified_by == "manual" and new["category"] == UNCLASSIFIED:
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
                        council_code=council_code,
                        changes=changes,
                        upload_id=upload_id,
                    )
            db.session.flush()
            self._updates.clear()

    def _record_created(self, *, after_id: int, at: Any) -> None:
        """A "create" event in each contract this chunk stored, naming the upload.

        Every other change to a contract is in its history; a contract an upload created
        starts there too ("Created by upload of FILE"). The values are on the contract and
        its source row, so the event is small, and the database writes all of a chunk's
        events in one INSERT … SELECT: the chunk's rows are the newer ids (a primary key range)
        with this upload and this chunk's timestamp, so nothing goes back and forth per row.
        """
        if self.upload is None:
            return
        contract = Contract.__table__.c
        council = Council.__table__.c  # each row's own council: an all-buyers file has several
        events = select(
            literal(at, DateTime()),
            literal(getattr(self.user, "id", None), Integer()),
            literal(getattr(self.user, "email", None) or "system", String()),
            literal("create", String()),
            literal("contract", String()),
            cast(contract.id, String()),
            council.code,
            literal(self.upload.id, Integer()),
            literal_column("'{}'"),  # no field changes listed: the JSON of an empty mapping
        ).where(
            council.id == contract.council_id,
            contract.id > after_id,
            contract.upload_id == self.upload.id,
            contract.created_at == at,
        )
        columns = ["at", "user_id", "actor", "action", "object_type", "object_id",
                   "council_code", "upload_id", "changes"]  # fmt: skip
        db.session.execute(insert(AuditEvent.__table__).from_select(columns, events))

    # ------------------------------------------------------------------ results
    def _base_report(self, council_code: str | None) -> dict[str, Any]:
        t = self.tally
        return {
            "upload_id": None,
            "council_code": council_code,
            **{key: getattr(t, key) for key in REPORT_COUNTS},
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
        t = self.tally
        report["other_buyers"] = [
            {"buyer": label, "council_code": code, "rows": rows}
            for (label, code), rows in t.other_buyers.most_common()
        ]
        if self.options.all_buyers:
            report["all_buyers"] = True
            report["councils"] = [b.summary() for b in self.batches.values() if b.rows]
            report["unmatched_buyers"] = [
                {"buyer": label, "rows": rows} for label, rows in t.unmatched_buyers.most_common()
            ]

    def _buyers_sentence(self) -> str:
        """What the report says about rows of other buyers, if there were any."""
        t = self.tally
        if not t.other_buyers:
            return ""
        rows = sum(t.other_buyers.values())
        named = "; ".join(f"{label}: {n}" for (label, _), n in t.other_buyers.most_common(5))
        more = ", …" if len(t.other_buyers) > 5 else ""
        return (
            f" {rows} row(s) are contracts of other buyers ({named}{more}): they are never filed "
            "under your council; import them as that council, or ask a coordinator to import "
            "the public file."
        )

    def _unmatched_sentence(self) -> str:
        t = self.tally
        if not t.unmatched_buyers:
            return ""
        rows = sum(t.unmatched_buyers.values())
        return (
            f" {rows} row(s) of {len(t.unmatched_buyers)} buyer(s) that are not councils in the "
            "hub were not imported."
        )

    def _finish(self, council_id: int | None, council_code: str | None) -> dict[str, Any]:
        t = self.tally
        missing = [(b.code, s) for b in self.batches.values() for s in b.missing]
        t.missing_from_file = len(missing)
        report = self._base_report(council_code)
        self._describe_source(report)
        report["missing"] = [
            {"id": s.id, "council_code": code, "reference": s.reference, "title": s.title}
            for code, s in missing[:MAX_LISTED_MISSING]
        ]
        all_or_nothing_failed = t.rejected and not self.options.accept_valid
        nothing_filed = self.options.all_buyers and not any(b.rows for b in self.batches.values())
        if self.options.dry_run:
            db.session.rollback()
            report["status"] = "dry_run"
            report["message"] = self._dry_run_message()
            return report
        if all_or_nothing_failed or nothing_filed:
            db.session.rollback()
            report.update(created=0, updated=0, unchanged=0, missing_from_file=0, missing=[])
            if report.get("councils"):
                report["councils"] = [
                    {**c, "created": 0, "updated": 0, "unchanged": 0, "missing_from_file": 0}
                    for c in report["councils"]
                ]
            report["status"] = "refused"
            if all_or_nothing_failed:
                report["message"] = (
                    f"Nothing was stored: {t.rejected} row(s) have errors. Fix them and upload "
                    f"again, or accept the valid rows to store the other "
                    f"{t.rows_read - t.rejected - t.duplicates}." + self._buyers_sentence()
                )
            else:
                report["message"] = (
                    "Nothing was stored: no buyer in this file is a council in the hub."
                    + self._unmatched_sentence()
                )
            return self._store_refused(council_id, report)
        assert self.upload is not None
        report["upload_id"] = self.upload.id
        report["status"] = "stored"
        where = ""
        if self.options.all_buyers:
            filed = [b for b in self.batches.values() if b.rows]
            where = f" for {len(filed)} council(s)"
        report["message"] = (
            f"Stored{where}: {t.created} new, {t.updated} updated, {t.unchanged} unchanged"
            + (f", {t.rejected} rejected" if t.rejected else "")
            + (
                f"; {report['missing_from_file']} stored contract(s) are not in this file"
                if missing
                else ""
            )
            + "."
            + self._buyers_sentence()
            + self._unmatched_sentence()
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
            changes={k: report[k] for k in SUMMARY_COUNTS},
        )
        db.session.commit()
        refresh_after_upload(report["upload_id"])  # its category groups' opportunities
        return report

    def _dry_run_message(self) -> str:
        t = self.tally
        return (
            f"Dry run, nothing stored: would create {t.created}, update {t.updated}, "
            f"leave {t.unchanged} unchanged, reject {t.rejected}."
            + self._buyers_sentence()
            + self._unmatched_sentence()
        )

    def _refused(
        self, council_id: int | None, council_code: str | None, message: str
    ) -> dict[str, Any]:
        report = self._base_report(council_code)
        report["errors"] = [{"row": None, "column": None, "value": None, "message": message}]
        report["error_count"] = 1
        report["status"] = "refused"
        report["message"] = message
        report["file"] = self.display_name
        if self.options.dry_run:
            return report
        return self._store_refused(council_id, report)

    def _store_refused(self, council_id: int | None, report: dict[str, Any]) -> dict[str, Any]:
        """Keep a record of a refused upload (and its rejected rows, for the error workbook).

        An all-buyers import with no council and no buyer in the hub has nowhere to be recorded:
        its report is all there is.
        """
        if council_id is None:
            db.session.commit()  # releases the read transaction; nothing was written
            return report
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


def may_import_all_buyers(user: Any) -> bool:
    """Coordinators and admins may file a public file's rows under each buyer's council.

    `user` None is the operator at the command line, who may import for any council anyway.
    """
    return user is None or can_write(user, None, scope="coordination")


def import_contracts(
    path: str | os.PathLike,
    *,
    display_name: str,
    council: Council | None,
    user: Any,
    options: ImportOptions | None = None,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Import one register file; returns the report (DESIGN §4 keys first).

    For one council, or with `options.all_buyers` for each hub council its buyers are (then
    `council`, optional, receives rows that name no buyer). Raises `ImportNotAllowed` when
    `user` may not import all buyers.
    """
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
                Contract.category == UNCLASSIFIED,
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
        all_buyers=bool(form.get("all_buyers", False)),
    )
