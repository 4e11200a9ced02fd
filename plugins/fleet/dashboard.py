"""The fleet panels of a network manager's dashboard: the variation count first, then the
council's own specifications. Reaches the core through the toolkit only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import url_for

from procurehub import toolkit as tk

from . import council_specs, variation


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def dashboard_panels(user: Any) -> Iterator[tk.Panel]:
    if not tk.has_role(user, "network_manager"):
        return
    dashboard = url_for("fleet_pages.dashboard")
    counts = variation.variation_counts()
    distinct = sum(c["distinct"] for c in counts.values())
    compliant = sum(c["compliant"] for c in counts.values())
    yield tk.Panel(
        "Vehicle variations",
        roles=("network_manager",),
        order=1,  # the variation count comes first
        figures=(
            tk.PanelFigure(distinct, "distinct specifications in use", dashboard),
            tk.PanelFigure(compliant, "comply with the standard"),
        ),
        items=[
            tk.PanelItem(
                c["title"],
                f"{dashboard}#variation-{vehicle_class}",
                f"{_plural(c['distinct'], 'distinct specification', 'distinct specifications')}, "
                f"{c['compliant']} compliant, from "
                f"{_plural(c['councils'], 'council', 'councils')}",
            )
            for vehicle_class, c in counts.items()
        ],
        empty="No standard specification has been adopted yet.",
        links=(("The fleet dashboard", dashboard),),
    )
    code = tk.council_code_of(user)
    names = tk.council_names()
    specs = council_specs.council_specs(council_code=code) if code else []
    items = []
    for spec in specs:
        score = council_specs.spec_compliance(spec).score
        items.append(
            tk.PanelItem(
                spec.name,
                url_for("fleet_pages.spec", spec_id=spec.id),
                f"Meets {score}% of the standard",
            )
        )
    yield tk.Panel(
        f"{names.get(code or '', 'Your council')}'s vehicle specifications",
        roles=("network_manager",),
        order=2,
        items=items,
        empty="Your council has not entered a specification yet.",
        links=(
            ("Your council's specifications", url_for("fleet_pages.specs")),
            ("Compare specifications", url_for("fleet_pages.compare")),
        ),
    )
