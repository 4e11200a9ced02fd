"""procurehub serve: the web server (embedded use; gunicorn in production)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


# ---------------------------------------------------------------- serve and demo
@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--with-scheduler",
    is_flag=True,
    help="Also run the scheduled jobs in this process (embedded use).",
)
@with_appcontext
def serve(host: str, port: int, with_scheduler: bool) -> None:
    """Run the web server (for production use gunicorn and a separate `procurehub scheduler`)."""
    if with_scheduler:
        from procurehub.scheduler.runner import build_scheduler, describe

        scheduler = build_scheduler(current_app._get_current_object(), blocking=False)
        scheduler.start()
        for line in describe(scheduler):
            click.echo(f"Scheduled {line}")
    run_server(host, port)


def run_server(host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    click.echo(f"ProcureHub is running on http://{host}:{port}/ (Ctrl+C to stop).")
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


def init_app(app: Flask) -> None:
    app.cli.add_command(serve)
