"""Creating, changing and deleting single contracts, with derived fields and history.

The API and the web forms call these; register uploads use the bulk path in `ingest`
but the same derivation rules (`derive_fields`).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    column,
    false,
    func,
    inspect,
    literal_column,
    or_,
    select,
    table,
    text,
)

from procurehub.accounts.models import Council
from procurehub.alignment.freshness import renewals_changed
from procurehub.audit import service as audit
from procurehub.contracts.fields import HISTORY_FIELDS, UNCLASSIFIED
from procurehub.contracts.models import Contract
from procurehub.contracts.rules import derive_fields, workstream_of
from procurehub.extensions import db
from procurehub.pagination import keyset_page
from procurehub.workstreams.registry import all_categories


def snapshot(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in HISTORY_FIELDS}


def _derive(values: dict[str, Any]) -> None:
    derive_fields(
        values, categories=set(all_categories())
    )  # ContractRuleError: the caller's to show


def create_contract(council: Council, data: dict[str, Any], *, user: Any) -> Contract:
    values = dict(data)
    _derive(values)
    values.setdefault("classified_by", None if values["category"] == UNCLASSIFIED else "manual")
    contract = Contract(council=council, **values)
    db.session.add(contract)
    db.session.flush()
    renewals_changed([contract.category])
    audit.record(
        "create",
        "contract",
        contract.id,
        user=user,
        council_code=council.code,
        changes=audit.diff({}, snapshot(contract)),
    )
    return contract


def update_contract(contract: Contract, data: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """Apply a partial update; returns the {field: [before, after]} that changed."""
    before = snapshot(contract)
    values = {**before, **data}
    if "category" in data:
        values["classified_by"] = None if data["category"] == UNCLASSIFIED else "manual"
    if "max_end_date" not in data and ("end_date" in data or "extension_periods_months" in data):
        values["max_end_date"] = None  # recompute from the new end date and extensions
    _derive(values)
    for name, value in values.items():
        setattr(contract, name, value)
    changes = audit.diff(before, snapshot(contract))
    if changes:
        renewals_changed([before["category"], contract.category])
        audit.record(
            "update",
            "contract",
            contract.id,
            user=user,
            council_code=contract.council.code,
            changes=changes,
        )
    return changes


def delete_contract(contract: Contract, *, user: Any) -> None:
    renewals_changed([contract.category])
    audit.record(
        "delete",
        "contract",
        contract.id,
        user=user,
        council_code=contract.council.code,
        changes=audit.diff(snapshot(contract), {k: None for k in HISTORY_FIELDS}),
    )
    db.session.delete(contract)


# --------------------------------------------------------------------------- the contract list
#
# Each filter of DESIGN §4 has an index ending in the list's keyset order (contracts/models.py),
# so a page is one index range scan at any hub size (DESIGN §7). Text search is full-text:
# SQLite FTS5 (`contract_fts`, kept in step by triggers, except that an upload indexes the
# contracts it inserts itself: `index_uploaded_for_search`) and a PostgreSQL GIN index over
# `PG_SEARCH_DOCUMENT`; both made by migration 4e1be76d1820.
#
# Search semantics, the same on both databases: the search and the contract's title,
# description, supplier and reference are cut into words at every character that is not a
# letter or a digit, case-insensitively; every word of the search must be in the contract, and
# the words of one search term (written without spaces, like "NLC-2021") must follow each other
# there, so a reference is found by itself or by any leading or inner run of its parts
# ("NLC-2021" finds "NLC-2021-045", "2021-045" too) but not by part of a word ("NLC-20").
# Whole words keep each page an index read; prefixes would expand to every word sharing them.

# Character for character the expression of ix_contract_search (PostgreSQL matches index
# expressions structurally, so constants must be literals here, not bound parameters).
PG_SEARCH_DOCUMENT = (
    "to_tsvector('simple'::regconfig, regexp_replace("
    "COALESCE(contract.title, '') || ' ' || COALESCE(contract.description, '') || ' ' || "
    "COALESCE(contract.supplier_name, '') || ' ' || COALESCE(contract.reference, ''), "
    "'[^[:alnum:]]+', ' ', 'g'))"
)
FTS_TABLE = table("contract_fts", column("rowid", Integer))
_WORD = re.compile(r"[^\W_]+")
_fts_available: dict[str, bool] = {}


def search_terms(q: str | None) -> list[list[str]]:
    """The words of a search, grouped by term (a run without spaces), lower-cased."""
    terms = [_WORD.findall(term.lower()) for term in (q or "").split()]
    return [words for words in terms if words]


def _sqlite_fts(bind: Any) -> bool:
    key = str(bind.url)
    if key not in _fts_available:
        _fts_available[key] = inspect(bind).has_table("contract_fts")
    return _fts_available[key]


def index_uploaded_for_search(after_id: int, upload_id: int) -> None:
    """Add the contracts an upload has just inserted (ids above `after_id`) to SQLite's
    full-text table, in the upload's own transaction.

    The insert trigger skips rows with an `upload_id` (migration 5d8e2b7c4a19): fired per row
    it cost about two thirds of an import's insert time, and one INSERT … SELECT per batch
    costs almost nothing. Call it right after each batch, before anything can update those
    rows (the update trigger expects them to be in the full-text table already).
    PostgreSQL's search index is kept by the database: nothing to do there.
    """
    bind = db.session.get_bind()
    if bind.dialect.name != "sqlite" or not _sqlite_fts(bind):
        return
    db.session.execute(
        text(
            "INSERT INTO contract_fts(rowid, title, description, supplier_name, reference) "
            "SELECT id, title, description, supplier_name, reference FROM contract "
            "WHERE id > :after_id AND upload_id = :upload_id"
        ),
        {"after_id": after_id, "upload_id": upload_id},
    )


def _text_search(
    stmt: Select, terms: list[list[str]], equality_filters: list[Any]
) -> tuple[Select, Any]:
    """`stmt` narrowed to contracts with every term, and the column that gives id order."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        query = " & ".join(" <-> ".join(f"'{w}'" for w in words) for words in terms)
        tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), query)
        return stmt.where(literal_column(PG_SEARCH_DOCUMENT).op("@@")(tsquery)), Contract.id
    if bind.dialect.name == "sqlite" and _sqlite_fts(bind):
        # Driven by the full-text table: it yields matches in rowid (= id) order and takes
        # `rowid > cursor`, so a page reads only as far as its last match.
        match = " ".join('"' + " ".join(words) + '"' for words in terms)
        stmt = stmt.join(FTS_TABLE, FTS_TABLE.c.rowid == Contract.id).where(
            literal_column("contract_fts").op("MATCH")(match)
        )
        # With a council, workstream or category as well, the matches outside the ids that
        # filter spans are skipped inside the full-text index: a council's register arrives
        # in uploads, so its ids are close together, and a common word no longer walks
        # through every other council's matches first.
        for condition in equality_filters:
            span = Contract.__table__.alias("span")
            stmt = stmt.where(  # one min() or max() alone: an index lookup each
                FTS_TABLE.c.rowid
                >= select(func.min(span.c.id)).where(condition(span.c)).scalar_subquery(),
                FTS_TABLE.c.rowid
                <= select(func.max(span.c.id)).where(condition(span.c)).scalar_subquery(),
            )
        return stmt, FTS_TABLE.c.rowid
    # No full-text index (an SQLite built without FTS5): every word as a substring, slower.
    for word in {w for words in terms for w in words}:
        like = f"%{word}%"
        stmt = stmt.where(
            or_(
                Contract.title.ilike(like),
                Contract.reference.ilike(like),
                Contract.supplier_name.ilike(like),
                Contract.description.ilike(like),
            )
        )
    return stmt, Contract.id


def _filtered(args: dict[str, Any]) -> tuple[Select, Any]:
    # PostgreSQL refuses NUL characters in text parameters; no real filter contains one.
    args = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in args.items()}
    stmt = select(Contract)
    # Each equality filter as a condition on any copy of the contract table's columns.
    equality_filters: list[Any] = []
    if args.get("council"):
        # The council's id, not a join: the planner then reads contract's own index on
        # (council_id, ...) in list order.
        council_id = select(Council.id).where(Council.code == args["council"]).scalar_subquery()
        equality_filters.append(lambda c: c.council_id == council_id)
    if args.get("category"):
        equality_filters.append(lambda c: c.category == args["category"])
    if args.get("workstream"):
        equality_filters.append(lambda c: c.workstream == args["workstream"])
        if args.get("category") and workstream_of(args["category"]) != args["workstream"]:
            stmt = stmt.where(false())  # the category is another workstream's: nothing
    stmt = stmt.where(*(condition(Contract.__table__.c) for condition in equality_filters))
    if args.get("ends_after"):
        stmt = stmt.where(Contract.end_date >= args["ends_after"])
    if args.get("ends_before"):
        stmt = stmt.where(Contract.end_date <= args["ends_before"])
    terms = search_terms(args.get("q"))
    if terms:
        return _text_search(stmt, terms, equality_filters)
    return stmt, Contract.id


def filtered_contracts(args: dict[str, Any]) -> Any:
    """The contracts query behind the API list, the web list and exports (unordered)."""
    return _filtered(args)[0]


def list_order(args: dict[str, Any]) -> str:
    """`end_date` for an end-date range (its index range is the order), else `id`.

    A text search keeps id order: the full-text index yields its matches by id.
    """
    if (args.get("ends_after") or args.get("ends_before")) and not search_terms(args.get("q")):
        return "end_date"
    return "id"


def contract_page(args: dict[str, Any], cursor: str | None, limit: int) -> dict[str, Any]:
    """One page of the contract list: `{"items", "next"}` in the order `list_order` gives.

    A cursor from the same list in the other order is refused (BadRequest, a 400).
    """
    stmt, id_column = _filtered(args)
    by = Contract.end_date if list_order(args) == "end_date" else None
    return keyset_page(stmt, id_column, cursor, limit, by=by)
