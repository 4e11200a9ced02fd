"""Rows inserted in bulk (COPY on PostgreSQL) are stored exactly as an ordinary INSERT stores them.

COPY bypasses SQLAlchemy's type processing, so awkward values are the point: text with tabs,
new lines, backslashes, quotes and non-ASCII letters; JSON lists, dicts and JSON null; dates,
timestamps, money, booleans and NULLs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import insert, select

from factories import council
from procurehub.bulk_insert import insert_rows
from procurehub.contracts.models import Contract
from procurehub.extensions import db

AWKWARD_TEXT = [
    "Plain title",
    "Tab\there, new line\nthere, carriage return\r, backslash \\ and \\N",
    "Quotes ' and \" and a comma, semicolon; pipe |",
    "Gàidhlig: Comhairle Baile Ghlaschu — ‘curly’ £1,200 ✓",
    "",
]


def rows_for(council_id: int, prefix: str) -> list[dict[str, Any]]:
    rows = []
    for n, title in enumerate(AWKWARD_TEXT):
        rows.append(
            {
                "council_id": council_id,
                "reference": f"{prefix}-{n}",
                "title": title,
                "description": None if n % 2 else title,
                "workstream": "waste",
                "category": "waste.bulky",
                "cpv_codes": ["90511000", "90512000"] if n % 2 else [],
                "extension_periods_months": [24, 12] if n else [],
                "extra": {"Department": title, "Nested": {"a": [1, None, True]}} if n else {},
                "start_date": date(2020, 4, 1),
                "end_date": None if n == 3 else date(2027, 3, 31),
                "value_total": Decimal("1234567.89") if n else None,
                "value_is_estimate": bool(n % 2),
                "supplier_is_sme": None if n == 2 else bool(n % 2),
                "source_row": n + 2,
                "classified_by": "synonym",
                "status": "active",
                "collaboration_interest": "unknown",
                "record_type": "contract",
                "created_at": datetime(2026, 11, 28, 3, 30, 15, 123456),
                "updated_at": datetime(2026, 11, 28, 3, 30, 15, 123456),
            }
        )
    return rows


def stored(council_id: int) -> list[dict[str, Any]]:
    table = Contract.__table__
    result = db.session.execute(
        select(table).where(table.c.council_id == council_id).order_by(table.c.reference)
    ).mappings()
    return [
        {k: v for k, v in row.items() if k not in {"id", "council_id", "reference"}}
        for row in result
    ]


def test_bulk_rows_are_stored_as_an_ordinary_insert_stores_them(app: Any) -> None:
    with app.app_context():
        ordinary, bulk = council(), council("S12000049", "Glasgow City Council")
        db.session.execute(insert(Contract.__table__), rows_for(ordinary.id, "A"))
        insert_rows(db.session, Contract.__table__, rows_for(bulk.id, "B"))
        db.session.commit()
        expected, got = stored(ordinary.id), stored(bulk.id)
        assert len(got) == len(AWKWARD_TEXT)
        assert got == expected
        assert got[1]["title"] == AWKWARD_TEXT[1] and got[1]["extra"]["Nested"]["a"] == [
            1,
            None,
            True,
        ]


def test_a_row_missing_a_defaulted_column_is_refused_not_stored_differently(app: Any) -> None:
    with app.app_context():
        target = council()
        row = rows_for(target.id, "M")[0]
        del row["status"]
        with pytest.raises(ValueError, match="status"):
            insert_rows(db.session, Contract.__table__, [row])
        assert stored(target.id) == []


def test_bulk_rows_roll_back_with_the_transaction(app: Any) -> None:
    with app.app_context():
        target = council()
        target_id = target.id
        insert_rows(db.session, Contract.__table__, rows_for(target_id, "R"))
        assert len(stored(target_id)) == len(AWKWARD_TEXT)  # visible inside the transaction
        db.session.rollback()
        assert stored(target_id) == []
