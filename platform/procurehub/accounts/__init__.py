"""Accounts: councils, users, roles, API tokens, signing in, authorisation, admin pages."""

from __future__ import annotations

from flask import Flask

from procurehub.plugins import NavEntry
from procurehub.web.navigation import add_nav


def init_app(app: Flask) -> None:
    from procurehub.accounts import (
        admin_views,
        api,
        cli,
        models,  # noqa: F401 - its tables join the shared metadata
        sign_in,
    )
    from procurehub.api import register_api

    sign_in.init_app(app)
    register_api(app, api.councils)
    app.register_blueprint(admin_views.bp)
    add_nav(app, NavEntry("Administration", admin_views.INDEX_ENDPOINT, roles=("admin",)), 90)
    cli.init_app(app)
