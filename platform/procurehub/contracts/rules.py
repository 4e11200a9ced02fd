"""Rules that derive contract fields from others; pure Python, shared by the API and the importer."""

from __future__ import annotations

from datetime import date
from typing import Any

from procurehub.contracts.fields import UNCLASSIFIED
from procurehub.renewal_dates import max_end_date as extended_end


class ContractRuleError(ValueError):
    """A contract's values break a rule (e.g. an unknown category)."""


def workstream_of(category: str | None) -> str:
    """The plugin key owning a category key (`waste.bulky` → `waste`)."""
    if not category or category == UNCLASSIFIED:
        return UNCLASSIFIED
    return category.split(".", 1)[0]


def derive_fields(values: dict[str, Any], *, categories: set[str] | None = None) -> list[str]:
    """Fill workstream and max_end_date from the other fields; returns warnings.

    `workstream` always follows `category` (the plugin that owns it), so the two never
    disagree. `max_end_date` is given or `end_date` + extensions; given earlier than
    `end_date` it is corrected to `end_date` (DESIGN §3).
    """
    warnings: list[str] = []
    category = values.get("category") or UNCLASSIFIED
    if category != UNCLASSIFIED and categories is not None and category not in categories:
        raise ContractRuleError(f"Unknown category {category!r}.")
    values["category"] = category
    values["workstream"] = workstream_of(category)
    end = values.get("end_date")
    periods = values.get("extension_periods_months") or []
    given_max = values.get("max_end_date")
    if given_max is None and end is not None:
        values["max_end_date"] = extended_end(end, periods)
    elif given_max is not None and end is not None and given_max < end:
        warnings.append(
            f"max_end_date {given_max.isoformat()} is before end_date {end.isoformat()}; "
            "using end_date"
        )
        values["max_end_date"] = end
    return warnings


def derive_status(start: date | None, end: date | None, max_end: date | None, today: date) -> str:
    """A status for a register row that gives none: from its dates, as an officer would read them."""
    if start is not None and start > today:
        return "planned"
    last = max_end or end
    if last is not None and last < today:
        return "expired"
    return "active"
