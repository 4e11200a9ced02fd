"""The dashboard people land on after signing in: panels for each of their roles.

Panels come through one seam, `Plugin.dashboard_panels`; the core adds its own (officer,
coordinator, administrator) through the same kind of callable, registered with `add_panels`.
"""

from __future__ import annotations

from flask import Flask

from procurehub.plugins import NavEntry
from procurehub.web.navigation import add_nav


def init_app(app: Flask) -> None:
    from procurehub.dashboard import core_panels, panels, views

    app.register_blueprint(views.bp)
    for provider in core_panels.PROVIDERS:
        panels.add_panels(app, provider)
    add_nav(app, NavEntry("Home", views.INDEX_ENDPOINT), 5)
