"""Contracts: the canonical fields, rules, service, API, pages and export."""

from __future__ import annotations

from flask import Flask

from procurehub.plugins import NavEntry
from procurehub.web.navigation import add_nav


def init_app(app: Flask) -> None:
    from procurehub.api import register_api
    from procurehub.contracts import (
        api,
        cli,
        fields,
        models,  # noqa: F401 - its tables join the shared metadata
        views,
    )

    register_api(app, api.contracts)
    app.register_blueprint(views.bp)
    # Pages compare categories with the registry's one "unclassified" key.
    app.add_template_global(fields.UNCLASSIFIED, "UNCLASSIFIED")
    add_nav(app, NavEntry("Contracts", "contract_pages.contracts"), 10)
    cli.init_app(app)
