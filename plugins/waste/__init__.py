"""The Waste workstream plugin. Shared contract co-ordination for waste contracts: collection, treatment,
disposal, bulky waste and more.

The core gives every workstream its overview page and API and its contracts as renewal items;
this plugin adds what is its own: phase 2, the collaborative bulky waste service (profiles per
council and year, the benchmark across councils, joint service models; docs/bulky-waste.md).
"""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

from . import cli, dashboard, demo, routes, views

plugin = tk.Plugin(
    key="waste",
    title="Waste",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    models="plugins.waste.models",
    blueprints=(views.web_blueprint, routes.api_blueprint),
    nav=(tk.NavEntry("Bulky waste", "waste_bulky.index"),),
    cli=cli.cli,
    label_names=("refuse", "recycling", "cleansing"),
    demo=demo.load_demo,
    dashboard_panels=dashboard.dashboard_panels,
)
