"""The tender plan of the hub as it is now: every workstream's renewal items through the pure
plan engine (:mod:`procurehub.alignment.plan`), with the categories' settings and the
councils' names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from procurehub.accounts.service import council_names
from procurehub.alignment.plan import TenderPlan, build_tender_plan, plan_json
from procurehub.alignment.store import category_settings
from procurehub.workstreams.renewals import renewal_items


def current_plan(as_of: date) -> TenderPlan:
    settings, compatible = category_settings()
    return build_tender_plan(
        renewal_items(as_of), as_of, settings, compatible, council_names=council_names()
    )


def plan_document(as_of: date, category: str | None = None) -> dict[str, Any]:
    """DESIGN §4's plan JSON; with `category`, only the waves and items of that category's group.

    A group is keyed by its smallest category, so a wave belongs to `category` when its key is
    that category or one of its items is in it.
    """
    plan = current_plan(as_of)
    document = plan_json(plan)
    if category:
        keep = {
            wave.id
            for wave in plan.waves
            if wave.category == category or any(i.category == category for i in wave.items)
        }
        document["waves"] = [w for w in document["waves"] if w["id"] in keep]
        document["alone"] = [
            a
            for a, alone in zip(document["alone"], plan.alone, strict=True)
            if alone.category == category or alone.item.category == category
        ]
    return document
