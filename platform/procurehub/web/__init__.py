"""The site's shared machinery: layout, navigation, error pages, the front page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from procurehub.web import cli, navigation, views

    navigation.init_app(app)
    views.init_app(app)
    cli.init_app(app)
