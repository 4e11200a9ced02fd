"""procurehub alignment ...: which councils could tender together, and by when."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext

from procurehub.cli import as_of_option


@click.group()
def alignment() -> None:
    """Renewal alignment: which councils could tender together, and by when."""


@alignment.command("run")
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the opportunities as one JSON object.")
@with_appcontext
def alignment_run(as_of: Any, as_json: bool) -> None:
    """Find and store the renewal-alignment opportunities across all enabled workstreams.

    Results are written out as they are found, so even a very dense hub streams.
    """
    import json as json_module
    from datetime import date

    from procurehub.alignment.store import opportunity_json, run_alignment

    day = as_of.date() if as_of else date.today()
    out = sys.stdout
    first = True
    if as_json:
        out.write(json_module.dumps({"as_of": day.isoformat()})[:-1] + ', "opportunities": [')

    def emit(opp: Any, stored_id: int) -> None:
        nonlocal first
        if as_json:
            out.write(("" if first else ", ") + json_module.dumps(opportunity_json(opp, stored_id)))
            first = False

    result = run_alignment(day, on_opportunity=emit)
    if as_json:
        out.write("]}\n")
        out.flush()
        return
    click.echo(
        f"Alignment as of {day.isoformat()}: {result.found} opportunities "
        f"({result.created} new, {result.changed} changed, {result.closed} no longer found)."
    )
    if result.gaps:
        gaps = ", ".join(f"{code}: {n}" for code, n in result.gaps.items())
        click.echo(f"Contracts without an end date (cannot be aligned): {gaps}")


def init_app(app: Flask) -> None:
    app.cli.add_command(alignment)
