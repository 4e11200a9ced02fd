"""The Waste workstream plugin. Shared contract co-ordination for waste contracts: collection, treatment, disposal, bulky waste and more."""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

from . import renewals, routes, views

plugin = tk.Plugin(
    key="waste",
    title="Waste",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    blueprints=(routes.api_blueprint, views.web_blueprint),
    renewal_items=renewals.renewal_items,
    label_names=("refuse", "recycling", "cleansing"),
    nav=(tk.NavEntry("Waste", "waste.overview"),),
)
