"""Workstreams: the enabled plugins, their categories, and what the core gives each of them
(an overview page and API, contract renewal items).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from procurehub.api import register_api
    from procurehub.workstreams import (
        api,
        cli,
        models,  # noqa: F401 - its tables join the shared metadata
        pages,
    )

    register_api(app, api.categories)
    pages.init_app(app)
    cli.init_app(app)
