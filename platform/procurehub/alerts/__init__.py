"""Alerts: decide, deliver (e-mail, webhook, inbox), subscriptions, calendar feed."""

from __future__ import annotations

from flask import Flask

from procurehub.plugins import NavEntry
from procurehub.web.navigation import add_nav


def init_app(app: Flask) -> None:
    from procurehub.alerts import (
        api,
        cli,
        models,  # noqa: F401 - its tables join the shared metadata
        views,
    )
    from procurehub.api import register_api

    register_api(app, api.subscriptions, api.alerts)
    app.add_url_rule("/calendar/<token>.ics", "calendar_feed", api.calendar_feed)
    app.register_blueprint(views.bp)
    add_nav(app, NavEntry("Alerts", views.INBOX_ENDPOINT, badge=views.unread_badge), 40)
    cli.init_app(app)
