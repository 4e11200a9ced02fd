"""Categories: seeded from the enabled plugins into the hub's `category` table.

Descriptive fields (label, codes, keywords, compatibility) follow the plugin's code;
settings a coordinator may tune in the hub (lead time, tolerance) are only set on first
insert, so a re-seed never overwrites a local decision.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from procurehub.extensions import db
from procurehub.workstreams.models import Category
from procurehub.workstreams.registry import all_categories, enabled_plugins


def sync_categories(app: Any = None) -> int:
    """Insert or refresh every enabled plugin's categories; returns how many were added."""
    existing = {c.key: c for c in db.session.scalars(select(Category))}
    added = 0
    for key, (plugin, spec) in all_categories(app).items():
        row = existing.get(key)
        if row is None:
            row = Category(key=key, lead_time_months=spec.lead_time_months)
            db.session.add(row)
            added += 1
        row.workstream = plugin.key
        row.label = spec.label
        row.cpv_codes = list(spec.cpv_codes)
        row.ewc_codes = list(spec.ewc_codes)
        row.keywords = list(spec.keywords)
        row.compatible = list(spec.compatible)
    db.session.commit()
    return added


def category_keys(app: Any = None) -> set[str]:
    return set(all_categories(app))


def update_category_settings(
    key: str,
    *,
    user: Any = None,
    lead_time_months: int | None = None,
    tolerance_months: int | None = None,
    min_councils: int | None = None,
) -> Category:
    """Change the alignment settings of one category (a coordinator's decision, audited)."""
    from procurehub.alignment.freshness import renewals_changed
    from procurehub.audit import service as audit

    category = db.session.get(Category, key)
    if category is None:
        raise LookupError(f"No category {key!r}.")
    changes: dict[str, list[Any]] = {}
    for name, value, low, high in (
        ("lead_time_months", lead_time_months, 0, 120),
        ("tolerance_months", tolerance_months, 0, 60),
        ("min_councils", min_councils, 2, 400),
    ):
        if value is None:
            continue
        if not low <= value <= high:
            raise ValueError(f"{name} must be between {low} and {high}.")
        if getattr(category, name) != value:
            changes[name] = [getattr(category, name), value]
            setattr(category, name, value)
    if changes:
        audit.record("update", "category", key, user=user, changes=changes)
        renewals_changed([key])
    return category


def category_labels() -> dict[str, str]:
    return dict(db.session.execute(select(Category.key, Category.label)).all())


def enabled_categories() -> list[Category]:
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.workstream.in_(list(enabled_plugins())))
            .order_by(Category.workstream, Category.label)
        )
    )
