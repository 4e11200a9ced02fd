"""The Fleet workstream plugin. Fewer vehicle variations through standard specifications.

The core gives every workstream its overview page and API and its contracts as renewal items;
this plugin adds what is its own: the standard specifications, councils' specs, the
catalogue, the comparison with whole-life cost, and the variation count (its dashboard is
the fleet link in the navigation).

Fleet lists go in through the core's record import (`vehicle_import.py`), and each council's
replacement demand for a class in a year is a renewal item (`vehicles.renewal_items`), so
joint vehicle purchases appear as opportunities and waves of the tender plan.
"""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

from . import cli, dashboard, demo, routes, vehicles, views

plugin = tk.Plugin(
    key="fleet",
    title="Fleet",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    models="plugins.fleet.models",
    blueprints=(views.web_blueprint, routes.api_blueprint),
    nav=(tk.NavEntry("Fleet dashboard", "fleet_pages.dashboard"),),
    cli=cli.cli,
    label_names=("vehicle", "vehicles"),
    renewal_items=vehicles.renewal_items,
    demo=demo.load_demo,
    dashboard_panels=dashboard.dashboard_panels,
)
