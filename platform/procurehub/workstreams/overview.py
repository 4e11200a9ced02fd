"""A workstream side by side: per category and council, how many contracts, worth what, ending when.

Every workstream plugin shows this on its landing page, so it lives in the core.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from procurehub.accounts.models import Council
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.workstreams.models import Category


def workstream_overview(workstream: str) -> dict[str, Any]:
    stmt = (
        select(
            Contract.category,
            Council.code,
            func.count(Contract.id),
            func.sum(Contract.value_total),
            func.min(Contract.end_date),
        )
        .join(Council, Contract.council_id == Council.id)
        .where(Contract.workstream == workstream)
        .group_by(Contract.category, Council.code)
    )
    labels = dict(
        db.session.execute(
            select(Category.key, Category.label).where(Category.workstream == workstream)
        ).all()
    )
    by_category: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"councils": {}, "contracts": 0, "value_total": Decimal(0)}
    )
    council_codes: set[str] = set()
    for category, code, count, total, earliest in db.session.execute(stmt):
        entry = by_category[category]
        entry["councils"][code] = {
            "contracts": count,
            "value_total": float(total or 0),
            "earliest_end": earliest,
        }
        entry["contracts"] += count
        entry["value_total"] += total or 0
        council_codes.add(code)
    categories = [
        {
            "category": key,
            "label": labels.get(key, key),
            "contracts": by_category[key]["contracts"] if key in by_category else 0,
            "value_total": float(by_category[key]["value_total"]) if key in by_category else 0.0,
            "councils": by_category[key]["councils"] if key in by_category else {},
        }
        for key in sorted(set(labels) | set(by_category))
    ]
    names = dict(
        db.session.execute(
            select(Council.code, Council.name).where(Council.code.in_(council_codes))
        ).all()
    )
    return {
        "workstream": workstream,
        "councils": sorted(council_codes, key=lambda code: (names.get(code, code), code)),
        "council_names": names,
        "categories": categories,
    }


def ending_dates(workstream: str) -> list[tuple[str, Any]]:
    """(council name, end date or None) of every contract in the workstream, for the chart of
    contracts ending by quarter (:mod:`procurehub.workstreams.ending_chart`)."""
    stmt = (
        select(Council.name, Contract.end_date)
        .join(Council, Contract.council_id == Council.id)
        .where(Contract.workstream == workstream)
    )
    return [(name, end) for name, end in db.session.execute(stmt)]
