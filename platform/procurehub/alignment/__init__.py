"""Renewal alignment: which councils' renewals could be tendered together (pure Python).

See :mod:`procurehub.alignment.engine` for the rules and the algorithm of opportunities, and
:mod:`procurehub.alignment.plan` for the tender plan built on them.
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
from .plan import (
    NO_PARTNER,
    TOO_LATE,
    AloneItem,
    TenderPlan,
    TenderPlanError,
    Wave,
    build_tender_plan,
    plan_json,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "EXPIRED",
    "NOT_INTERESTED",
    "NO_END_DATE",
    "NO_PARTNER",
    "TOO_LATE",
    "AloneItem",
    "CategorySettings",
    "Opportunity",
    "TenderPlan",
    "TenderPlanError",
    "Wave",
    "build_tender_plan",
    "data_quality_gaps",
    "find_opportunities",
    "opportunity_key",
    "plan_json",
    "renewal_window",
]
