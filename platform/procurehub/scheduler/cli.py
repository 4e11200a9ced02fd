"""procurehub scheduler: the scheduled jobs in their own process (run exactly one)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs (alerts, alignment, plugins' jobs) until stopped. Run exactly one."""
    from procurehub.scheduler.runner import build_scheduler, describe

    scheduler = build_scheduler(current_app._get_current_object(), blocking=True)
    for line in describe(scheduler):
        click.echo(f"Scheduled {line}")
    click.echo("Scheduler running (Ctrl+C to stop).")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


def init_app(app: Flask) -> None:
    app.cli.add_command(scheduler_command)
