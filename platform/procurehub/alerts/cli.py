"""procurehub alerts run: decide and deliver alerts once, now."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext

from procurehub.cli import as_of_option


@click.group()
def alerts() -> None:
    """Renewal-alignment alerts (e-mail, webhooks, inbox)."""


@alerts.command("run")
@as_of_option
@with_appcontext
def alerts_run(as_of: Any) -> None:
    """Run the alert job once now: refresh the alignment, decide alerts, deliver them.

    Safe to repeat: an alert is never decided or sent twice.
    """
    from datetime import date

    from procurehub.alerts.job import run_alert_job

    result = run_alert_job(as_of.date() if as_of else date.today())
    click.echo(result.summary())


def init_app(app: Flask) -> None:
    app.cli.add_command(alerts)
