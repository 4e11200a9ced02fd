"""Commands for workstreams: their categories' settings and the installed plugins."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from procurehub.cli import fail
from procurehub.extensions import db


# ---------------------------------------------------------------- categories
@click.group()
def categories() -> None:
    """The workstreams' categories and their alignment settings."""


@categories.command("list")
@with_appcontext
def categories_list() -> None:
    """List categories with lead time, tolerance and minimum councils (empty = hub default)."""
    from procurehub.workstreams.models import Category

    for c in db.session.scalars(select(Category).order_by(Category.key)):
        click.echo(
            f"{c.key}\t{c.label}\tlead {c.lead_time_months}m\t"
            f"tolerance {c.tolerance_months if c.tolerance_months is not None else 'default'}\t"
            f"min councils {c.min_councils if c.min_councils is not None else 'default'}"
        )


@categories.command("set")
@click.argument("key")
@click.option("--lead-time", type=int, help="Months needed to run a joint tender.")
@click.option(
    "--tolerance", type=int, help="Months a window may stretch for a short interim extension."
)
@click.option("--min-councils", type=int, help="Councils needed for an opportunity (at least 2).")
@with_appcontext
def categories_set(
    key: str, lead_time: int | None, tolerance: int | None, min_councils: int | None
) -> None:
    """Change a category's alignment settings (e.g. `categories set waste.food --lead-time 30`)."""
    from procurehub.workstreams.categories import update_category_settings

    if lead_time is None and tolerance is None and min_councils is None:
        fail("Give at least one of --lead-time, --tolerance, --min-councils.", 2)
    try:
        c = update_category_settings(
            key, lead_time_months=lead_time, tolerance_months=tolerance, min_councils=min_councils
        )
        db.session.commit()
    except (LookupError, ValueError) as exc:
        db.session.rollback()
        fail(str(exc).strip("'\""), 1)
    click.echo(
        f"{c.key}: lead time {c.lead_time_months} months, tolerance "
        f"{c.tolerance_months if c.tolerance_months is not None else 'default'}, minimum councils "
        f"{c.min_councils if c.min_councils is not None else 'default'}."
    )


# ---------------------------------------------------------------- plugins
@click.command("plugins")
@with_appcontext
def plugins_command() -> None:
    """List installed workstream plugins and whether each is enabled."""
    installed = current_app.extensions["procurehub.installed_plugins"]
    enabled = current_app.extensions["procurehub.plugins"]
    for key, plugin in installed.items():
        state = "enabled" if key in enabled else "disabled"
        click.echo(f"{key}\t{plugin.title}\t{state}\t{len(plugin.categories)} categories")


def init_app(app: Flask) -> None:
    app.cli.add_command(categories)
    app.cli.add_command(plugins_command)
    add_plugin_commands(app)


def add_plugin_commands(app: Flask) -> None:
    """Each enabled plugin's command group, as `procurehub <key> …`."""
    from procurehub.workstreams.registry import enabled_plugins

    for plugin in enabled_plugins(app).values():
        if plugin.cli is not None:
            group = plugin.cli if isinstance(plugin.cli, click.Command) else plugin.cli()
            app.cli.add_command(group, name=plugin.key)
