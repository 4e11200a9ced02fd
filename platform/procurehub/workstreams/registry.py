"""Which workstream plugins this app has enabled, and their categories.

Kept apart from the plugin interface (`procurehub.plugins`), which is plain data that the pure
domain modules share, because these look at the running app.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app

from procurehub.plugins import CategorySpec, Plugin, discover_plugins, select_plugins


def init_plugins(app: Any, plugins: Sequence[Plugin] | None = None) -> None:
    """Find the installed plugins (or take the given ones) and enable those the settings name.

    Every installed plugin's tables join the metadata, enabled or not, so one migration
    history covers them all and `db check` sees every model.
    """
    if plugins is None:
        installed = discover_plugins()
    else:
        installed = {plugin.key: plugin for plugin in plugins}
    app.extensions["procurehub.installed_plugins"] = installed
    app.extensions["procurehub.plugins"] = select_plugins(installed, app.config["ENABLED_PLUGINS"])
    for plugin in installed.values():
        plugin.import_models()


def enabled_plugins(app: Any = None) -> dict[str, Plugin]:
    """The plugins enabled for this app (the current one when `app` is None)."""
    if app is None:
        app = current_app
    return app.extensions["procurehub.plugins"]


def all_categories(app: Any = None) -> dict[str, tuple[Plugin, CategorySpec]]:
    """Full category key → (plugin, spec) for the enabled plugins."""
    return {
        plugin.category_key(spec.key): (plugin, spec)
        for plugin in enabled_plugins(app).values()
        for spec in plugin.categories
    }
