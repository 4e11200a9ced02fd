"""Every filter combination of the contract list reads an index in list order (DESIGN §7).

A list stays flat as the hub grows only if each page is an index range scan in the list's
keyset order: no full scan, no sort of every match. These tests capture the exact SQL a page
runs and ask the database how it would run it (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL
`EXPLAIN`). On PostgreSQL the tables here are tiny, so the planner is told that sequential
scans and sorts are costly (it still falls back to them if no index fits, and then the test
fails); the planner's own choice on a big hub is what `bench/api.py` measures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, insert

from procurehub.accounts.models import Council
from procurehub.contracts import service
from procurehub.contracts.models import Contract
from procurehub.extensions import db

AFTER, BEFORE = date(2026, 1, 1), date(2027, 6, 30)

# Every filter of DESIGN §4 alone, and the combinations people use.
COMBINATIONS: list[dict[str, Any]] = [
    {},
    {"council": "B01"},
    {"workstream": "waste"},
    {"category": "waste.bulky"},
    {"workstream": "waste", "category": "waste.bulky"},
    {"council": "B01", "workstream": "waste"},
    {"council": "B01", "category": "waste.bulky"},
    {"ends_after": AFTER},
    {"ends_before": BEFORE},
    {"ends_after": AFTER, "ends_before": BEFORE},
    {"council": "B01", "ends_after": AFTER, "ends_before": BEFORE},
    {"workstream": "waste", "ends_after": AFTER, "ends_before": BEFORE},
    {"category": "waste.bulky", "ends_after": AFTER, "ends_before": BEFORE},
    {"council": "B01", "category": "waste.bulky", "ends_after": AFTER},
    {"q": "care"},
    {"q": "b01"},  # a reference part: every contract of that council
    {"q": "care", "council": "B01"},
    {"q": "care home", "workstream": "unclassified", "ends_after": AFTER, "ends_before": BEFORE},
]


def _name(args: dict[str, Any]) -> str:
    return "&".join(f"{k}={v}" for k, v in args.items()) or "unfiltered"


@pytest.fixture
def hub(app: Any) -> Iterator[None]:
    """600 contracts over 3 councils, three subjects, end dates with many ties."""
    with app.app_context():
        db.session.execute(
            insert(Council),
            [{"code": f"B{i:02d}", "name": f"Council {i}", "region": "West"} for i in range(3)],
        )
        ids = [c.id for c in db.session.scalars(db.select(Council).order_by(Council.id))]
        subjects = [
            ("Care at home framework", "unclassified", "unclassified"),
            ("Road resurfacing works", "unclassified", "unclassified"),
            ("Bulky waste collection", "waste", "waste.bulky"),
        ]
        rows = []
        for i in range(600):
            title, workstream, category = subjects[i % 3]
            owner = (i // 3) % 3
            rows.append(
                {
                    "council_id": ids[owner],
                    "reference": f"B{owner:02d}/{i:07d}",
                    "title": title,
                    "workstream": workstream,
                    "category": category,
                    "end_date": date(2025 + i % 4, 1 + i % 12, 1),
                    "cpv_codes": [],
                    "extension_periods_months": [],
                    "extra": {},
                }
            )
        db.session.execute(insert(Contract), rows)
        db.session.commit()
        yield


@contextmanager
def _captured_page_sql() -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM contract" in statement and "LIMIT" in statement:
            seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)


def _second_page_sql(args: dict[str, Any]) -> tuple[str, Any]:
    """The SQL of a page after the first (with the keyset condition), as the API runs it."""
    first = service.contract_page(args, None, 5)
    assert first["next"], f"{_name(args)}: the test hub should fill more than one page"
    with _captured_page_sql() as seen:
        service.contract_page(args, first["next"], 5)
    assert len(seen) == 1
    return seen[0]


def _plan(sql: str, params: Any, *settings: str) -> list[str]:
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
    for setting in settings:
        conn.exec_driver_sql(f"SET LOCAL {setting}")
    return [row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql, params)]


@pytest.mark.parametrize("args", COMBINATIONS, ids=_name)
def test_every_filter_combination_reads_an_index_in_list_order(
    app: Any, hub: None, args: dict[str, Any]
) -> None:
    with app.app_context():
        sql, params = _second_page_sql(args)
        if db.engine.dialect.name == "sqlite":
            plan = _plan(sql, params)
            text = "\n".join(plan)
            assert "TEMP B-TREE" not in text, f"{_name(args)} sorts every match:\n{text}"
            contract_lines = [line for line in plan if " contract " in f"{line} "]
            assert contract_lines, text
            for line in contract_lines:  # read through an index or by rowid, never scanned
                assert line.startswith("SEARCH contract USING"), f"{_name(args)}:\n{text}"
            if args.get("q"):
                assert "SCAN contract_fts VIRTUAL TABLE INDEX" in text, text
            else:
                assert "USING INDEX" in text or "INTEGER PRIMARY KEY" in text, text
        else:
            plan = _plan(sql, params, "enable_seqscan = off", "enable_sort = off")
            text = "\n".join(plan)
            assert "Sort" not in text, f"{_name(args)} sorts every match:\n{text}"
            assert "Seq Scan on contract" not in text, f"{_name(args)}:\n{text}"
            assert "Index Scan" in text or "Index Only Scan" in text, f"{_name(args)}:\n{text}"
        db.session.rollback()


@pytest.mark.parametrize("q", ["care", "B01/0000012", "Care home", "road-resurfacing"])
def test_text_search_can_use_the_full_text_index(app: Any, hub: None, q: str) -> None:
    """The search expression is the indexed one: a rare word is an index lookup, not a scan."""
    with app.app_context():
        sql, params = _first_page_sql(q)
        plan = "\n".join(_plan(sql, params, "enable_seqscan = off", "enable_indexscan = off"))
        if db.engine.dialect.name == "sqlite":
            assert "SCAN contract_fts VIRTUAL TABLE INDEX" in plan and ":M" in plan, plan
        else:
            assert "Bitmap Index Scan on ix_contract_search" in plan, plan
        db.session.rollback()


def _first_page_sql(q: str) -> tuple[str, Any]:
    with _captured_page_sql() as seen:
        service.contract_page({"q": q}, None, 5)
    assert len(seen) == 1
    return seen[0]
