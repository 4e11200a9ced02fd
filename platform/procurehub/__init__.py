"""ProcureHub: the shared contract data hub of a councils' procurement collaboration.

`create_app()` builds everything; nothing happens at import time.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from . import api, auth, views
from .config import default_instance_path, load_settings
from .extensions import db, migrate
from .plugins import discover_plugins, select_plugins

__all__ = ["create_app"]

MIGRATIONS_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "migrations"
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, database, enabled plugins, auth, API, pages, CLI."""
    config = dict(config or {})
    instance_path = os.path.abspath(config.pop("INSTANCE_PATH", None) or default_instance_path())
    os.makedirs(instance_path, exist_ok=True)
    app = Flask(__name__, instance_path=instance_path)
    app.config.from_mapping(load_settings(instance_path, config))

    installed = discover_plugins()
    plugins = select_plugins(installed, app.config["ENABLED_PLUGINS"])
    app.extensions["procurehub.installed_plugins"] = installed
    app.extensions["procurehub.plugins"] = plugins
    # Every installed plugin's tables join the metadata, enabled or not, so one migration
    # history covers them all and `db check` sees every model.
    for plugin in installed.values():
        plugin.import_models()
    from .alerts import models as _alert_models  # noqa: F401 - core tables beyond models.py
    from .alignment import models as _alignment_models  # noqa: F401

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=app.config.get("MIGRATIONS_DIR", MIGRATIONS_DIR),
        render_as_batch=True,
        compare_type=True,
    )
    auth.init_app(app)
    api.init_app(app)
    views.init_app(app)
    return app
