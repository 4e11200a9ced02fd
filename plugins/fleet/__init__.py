"""The Fleet workstream plugin. Fewer vehicle variations through standard specifications."""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

from . import renewals, routes, views

plugin = tk.Plugin(
    key="fleet",
    title="Fleet",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    blueprints=(routes.api_blueprint, views.web_blueprint),
    renewal_items=renewals.renewal_items,
    label_names=("vehicle", "vehicles"),
    nav=(tk.NavEntry("Fleet", "fleet.overview"),),
)
