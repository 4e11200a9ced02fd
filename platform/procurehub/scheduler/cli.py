"""procurehub scheduler: the scheduled jobs in their own process (run exactly one)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


@click.command("scheduler")
@click.option(
    "--standby/--no-standby",
    default=True,
    show_default=True,
    help="When another scheduler already runs: wait and take over when it stops "
    "(--standby), or exit with status 1 (--no-standby).",
)
@with_appcontext
def scheduler_command(standby: bool) -> None:
    """Run the scheduled jobs (alerts, alignment, plugins' jobs) until stopped.

    Only one scheduler runs jobs at a time (a leader lock in the database, or a lock file next to
    a SQLite database); a second one waits as a standby.
    """
    from procurehub.extensions import db
    from procurehub.scheduler.runner import SchedulerLock, build_scheduler, describe

    app = current_app._get_current_object()
    lock = SchedulerLock(db.engine, app.instance_path)
    if not lock.acquire(wait=standby, say=click.echo):
        click.echo("Error: another scheduler is already running; not starting.", err=True)
        raise SystemExit(1)
    click.echo("This scheduler holds the leader lock.")
    scheduler = build_scheduler(app, blocking=True)
    for line in describe(scheduler):
        click.echo(f"Scheduled {line}")
    click.echo("Scheduler running (Ctrl+C to stop).")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
    finally:
        lock.release()


def init_app(app: Flask) -> None:
    app.cli.add_command(scheduler_command)
