"""The Digital workstream plugin. Business cases for single national fleet and housing management systems."""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

from . import renewals, routes, views

plugin = tk.Plugin(
    key="digital",
    title="Digital",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    blueprints=(routes.api_blueprint, views.web_blueprint),
    renewal_items=renewals.renewal_items,
    label_names=("ICT", "IT", "information technology", "technology"),
    nav=(tk.NavEntry("Digital", "digital.overview"),),
)
