"""The Fleet workstream plugin. Fewer vehicle variations through standard specifications.

The core gives every workstream its overview page and API and its contracts as renewal items;
this plugin adds what is its own: the standard specifications, councils' specs, the
catalogue, the comparison with whole-life cost, and the variation count (its dashboard is
the fleet link in the navigation).

Not here yet: fleet lists (`procurehub fleet import-vehicles`) and replacement demand as
renewal items; they wait for the core's import pipeline for non-contract tables
(`replacement.py` holds the pure rules they will use).
"""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

from . import cli, dashboard, demo, routes, views

plugin = tk.Plugin(
    key="fleet",
    title="Fleet",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    models="plugins.fleet.models",
    blueprints=(views.web_blueprint, routes.api_blueprint),
    nav=(tk.NavEntry("Fleet dashboard", "fleet_pages.dashboard"),),
    cli=cli.cli,
    label_names=("vehicle", "vehicles"),
    demo=demo.load_demo,
    dashboard_panels=dashboard.dashboard_panels,
)
