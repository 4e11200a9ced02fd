"""The Digital workstream plugin. Business cases for single national fleet and housing management systems.

The core gives every workstream its overview page and API and its contracts as renewal items;
this plugin adds what is its own: each council's system inventory (its systems' contract ends
are renewal items too), the business cases with their Green Book appraisal, their pages, API,
commands and demo data.
"""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

from . import cli, dashboard, demo, routes, service, views

plugin = tk.Plugin(
    key="digital",
    title="Digital",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    models="plugins.digital.models",
    blueprints=(views.web_blueprint, routes.api_blueprint),
    nav=(
        tk.NavEntry("Digital systems", "digital_pages.systems"),
        tk.NavEntry("Business cases", "digital_pages.business_cases"),
    ),
    cli=cli.cli,
    renewal_items=service.renewal_items,
    label_names=("ICT", "IT", "information technology", "technology"),
    demo=demo.load_demo,
    dashboard_panels=dashboard.dashboard_panels,
)
