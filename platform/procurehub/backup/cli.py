"""procurehub backup FILE / procurehub restore FILE."""

from __future__ import annotations

import click
import flask_migrate
from flask import Flask
from flask.cli import with_appcontext

from procurehub.backup.service import BackupError, backup, restore
from procurehub.cli import fail


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file: str) -> None:
    """Write the whole hub (every table, the schema revision, the instance files) to FILE.

    FILE is a zip archive of JSON lines, portable between SQLite and PostgreSQL. It holds
    password and token hashes and the secret key: keep it as safe as the database.
    """
    try:
        summary = backup(file)
    except BackupError as exc:
        fail(str(exc))
    click.echo(
        f"Backed up {summary.rows:,} rows from {len(summary.tables)} tables and "
        f"{len(summary.instance_files)} instance file(s) at revision {summary.revision} to {file}."
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option(
    "--force",
    is_flag=True,
    help="Replace everything in a database that already holds data (it is deleted first).",
)
@with_appcontext
def restore_command(file: str, force: bool) -> None:
    """Restore a backup made by `procurehub backup` into this (empty) database.

    An empty database gets the tables at the backup's schema revision, the rows, and then the
    latest migrations. A database holding data is refused unless --force is given.
    """

    def migrate(revision: str) -> None:
        flask_migrate.upgrade(revision=revision)

    try:
        summary = restore(file, force=force, migrate=migrate)
    except BackupError as exc:
        fail(str(exc))
    click.echo(
        f"Restored {summary.rows:,} rows into {len(summary.tables)} tables and "
        f"{len(summary.instance_files)} instance file(s) from {file}."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
