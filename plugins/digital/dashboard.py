"""The digital lead's dashboard panel: the business cases for the national systems, with the
preferred option and its value for money. Reaches the core through the toolkit only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import url_for

from procurehub import toolkit as tk

from . import service
from .green_book import AppraisalError
from .models import SYSTEM_CATEGORIES

VFM_COLOURS = {"poor": "red", "low": "orange", "medium": "teal", "high": "green"}


def _slug(category: str) -> str:
    return category.split(".", 1)[1].replace("_", "-")


def dashboard_panels(user: Any) -> Iterator[tk.Panel]:
    if not tk.has_role(user, "digital_lead"):
        return
    cases = {c.category: c for c in service.all_cases()}
    items = []
    for category in SYSTEM_CATEGORIES:
        label = service.category_label(category)
        url = url_for("digital_pages.business_case", slug=_slug(category))
        case = cases.get(category)
        if case is None:
            items.append(tk.PanelItem(label, url, "Not built yet", "To build", "grey"))
            continue
        try:
            result = service.appraise_stored(case)
        except AppraisalError:
            items.append(
                tk.PanelItem(
                    label,
                    url,
                    "Cannot be appraised as it stands: open it to see why",
                    "Needs work",
                    "orange",
                )
            )
            continue
        preferred = result.preferred
        vfm = getattr(preferred, "vfm_category", None) if preferred else None
        items.append(
            tk.PanelItem(
                label,
                url,
                f"Preferred option: {result.appraisal.preferred_option}",
                f"{vfm.capitalize()} value for money" if vfm else None,
                VFM_COLOURS.get(vfm or "", "green"),
            )
        )
    systems = len(service.all_systems())
    yield tk.Panel(
        "Business cases for national systems",
        roles=("digital_lead",),
        order=1,
        figures=(
            tk.PanelFigure(len(cases), "business cases built"),
            tk.PanelFigure(systems, "council systems recorded", url_for("digital_pages.systems")),
        ),
        items=items,
        links=(
            ("All business cases", url_for("digital_pages.business_cases")),
            ("The councils' systems", url_for("digital_pages.systems")),
        ),
    )
