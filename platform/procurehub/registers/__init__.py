"""Registers: uploading any council's register, its report, error workbook, mappings."""

from __future__ import annotations

from flask import Flask

from procurehub.plugins import NavEntry
from procurehub.web.navigation import add_nav


def init_app(app: Flask) -> None:
    from procurehub.api import register_api
    from procurehub.registers import (
        api,
        cli,
        models,  # noqa: F401 - its tables join the shared metadata
        views,
    )

    register_api(app, api.uploads, api.templates, api.mappings, api.classification)
    app.register_blueprint(views.bp)
    add_nav(app, NavEntry("Upload a register", "registers.upload"), 20)
    cli.init_app(app)
