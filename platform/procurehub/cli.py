"""The `procurehub` command: a Flask CLI group with the commands of DESIGN §4.

Commands are thin: they parse arguments, call the same services as the API, and turn
service errors into a clear message and exit status (2 for usage errors, 1 for refusals).
"""

from __future__ import annotations

import sys
from typing import Any

import click
import flask_migrate
from flask import current_app, g
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import cli as migrate_cli

from procurehub import create_app
from procurehub.workstreams.categories import sync_categories


class ProcureHubGroup(FlaskGroup):
    """FlaskGroup whose `db upgrade` also seeds the plugins' categories.

    Flask's generic options (--app, --env-file, --debug) and its `run` command are hidden:
    the app is always ProcureHub, and `procurehub serve` is the one way to run it.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(add_version_option=False, **kwargs)
        self.params = [p for p in self.params if p.name not in ("app", "env_file", "debug")]

    def _load_plugin_commands(self) -> None:
        super()._load_plugin_commands()
        self.add_command(db_group)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in super().list_commands(ctx) if name != "run"]


def fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


main = ProcureHubGroup(
    name="procurehub",
    create_app=lambda: create_app(),
    help="ProcureHub: the councils' shared contract data hub.\n\n"
    "Settings come from the environment (DATABASE_URL, PROCUREHUB_INSTANCE_PATH, "
    "PROCUREHUB_SECRET_KEY, PROCUREHUB_SMTP_*); see docs/configuration.md.",
    set_debug_flag=False,
    load_dotenv=False,
)


# ---------------------------------------------------------------- database
@click.group("db")
@with_appcontext
def db_group() -> None:
    """Database migrations (Alembic). `procurehub db upgrade` brings a database to the latest schema."""
    g.directory = None  # Flask-Migrate's commands read these; the app sets the directory
    g.x_arg = ()


for _name, _command in migrate_cli.db.commands.items():
    if _name != "upgrade":
        db_group.add_command(_command, _name)


def upgrade_database() -> None:
    flask_migrate.upgrade()
    sync_categories()


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create or migrate the database to the latest schema and seed the categories."""
    upgrade_database()
    click.echo(
        f"Database is up to date ({current_app.config['SQLALCHEMY_DATABASE_URI'].split('://')[0]})."
    )






































# ---------------------------------------------------------------- alignment and alerts
def as_of_option(function: Any) -> Any:
    return click.option(
        "--as-of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Pretend today is this date (YYYY-MM-DD); default today.",
    )(function)
















