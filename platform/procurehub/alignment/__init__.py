"""Alignment: which councils could tender together, and by when (engine, store, pages, API)."""

from __future__ import annotations

from flask import Flask

from procurehub.plugins import NavEntry
from procurehub.web.navigation import add_nav


def init_app(app: Flask) -> None:
    from procurehub.alignment import (
        api,
        cli,
        freshness,
        models,  # noqa: F401 - its tables join the shared metadata
        views,
    )
    from procurehub.api import register_api

    register_api(app, api.opportunities, api.tender_plan)
    app.register_blueprint(views.bp)
    add_nav(app, NavEntry("Opportunities", "alignment_pages.opportunities"), 30)
    add_nav(app, NavEntry("Tender plan", "alignment_pages.tender_plan"), 35)
    cli.init_app(app)
    freshness.init_app(app)
