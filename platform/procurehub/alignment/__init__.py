"""Renewal alignment: which councils' renewals could be tendered together (pure Python).

See :mod:`procurehub.alignment.engine` for the rules and the algorithm.
"""

from __future__ import annotations

from .engine import (
    DEFAULT_SETTINGS,
    EXPIRED,
    NO_END_DATE,
    NOT_INTERESTED,
    CategorySettings,
    Opportunity,
    data_quality_gaps,
    find_opportunities,
    opportunity_key,
    renewal_window,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "EXPIRED",
    "NOT_INTERESTED",
    "NO_END_DATE",
    "CategorySettings",
    "Opportunity",
    "data_quality_gaps",
    "find_opportunities",
    "opportunity_key",
    "renewal_window",
]
