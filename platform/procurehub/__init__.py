"""ProcureHub: the shared contract data hub of a councils' procurement collaboration.

`create_app()` builds everything; nothing happens at import time. Each capability adds its
own models, API routes, pages, navigation links and CLI commands in its `init_app`, as
Flask's tutorial app does; the list below is the whole application.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from flask import Flask

from procurehub import (
    accounts,
    alerts,
    alignment,
    api,
    audit,
    backup,
    contracts,
    dashboard,
    demo,
    operations,
    registers,
    scheduler,
    web,
    workstreams,
)
from procurehub.config import default_instance_path, load_settings
from procurehub.extensions import init_database
from procurehub.plugins import Plugin
from procurehub.workstreams.registry import init_plugins

__all__ = ["create_app"]

MIGRATIONS_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "migrations"
)


def create_app(
    config: dict[str, Any] | None = None, plugins: Sequence[Plugin] | None = None
) -> Flask:
    """Build the app: settings, database, plugins, then every capability in turn.

    `plugins` replaces entry-point discovery (a test can enable a plugin object that has no
    entry point); `ENABLED_PLUGINS` still chooses among them.
    """
    config = dict(config or {})
    instance_path = os.path.abspath(config.pop("INSTANCE_PATH", None) or default_instance_path())
    os.makedirs(instance_path, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder="web/templates",
        static_folder="web/static",
    )
    app.config.from_mapping(load_settings(instance_path, config))
    app.config.setdefault("MIGRATIONS_DIR", MIGRATIONS_DIR)

    init_plugins(app, plugins)
    init_database(app)
    api.init_app(app)
    operations.init_app(app)
    web.init_app(app)
    accounts.init_app(app)
    audit.init_app(app)
    contracts.init_app(app)
    registers.init_app(app)
    alignment.init_app(app)
    alerts.init_app(app)
    scheduler.init_app(app)
    workstreams.init_app(app)
    dashboard.init_app(app)
    demo.init_app(app)
    backup.init_app(app)
    return app
