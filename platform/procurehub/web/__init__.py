"""The site's shared machinery: layout, navigation, error pages, the front page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from procurehub.web import cli, display, navigation, security, views

    security.init_app(app)
    display.init_app(app)
    navigation.init_app(app)
    views.init_app(app)
    cli.init_app(app)
