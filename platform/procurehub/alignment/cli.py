"""procurehub alignment ...: which councils could tender together, and by when."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext

from procurehub.accounts import service as accounts
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
    names = accounts.council_names()
    out = sys.stdout
    first = True
    if as_json:
        out.write(json_module.dumps({"as_of": day.isoformat()})[:-1] + ', "opportunities": [')

    def emit(opp: Any, stored_id: int) -> None:
        nonlocal first
        if as_json:
            out.write(
                ("" if first else ", ") + json_module.dumps(opportunity_json(opp, stored_id, names))
            )
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
        gaps = ", ".join(f"{names.get(code) or code}: {n}" for code, n in result.gaps.items())
        click.echo(f"Contracts without an end date (cannot be aligned): {gaps}")


@alignment.command("plan")
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as one JSON object.")
@with_appcontext
def alignment_plan(as_of: Any, as_json: bool) -> None:
    """The tender plan: which joint tenders to run, and by when each must start.

    Every renewal is in at most one joint tender (a wave) or listed alone with the reason
    (no_partner, too_late) and, where an interim extension would let it join a wave, advice.
    """
    import json as json_module
    from datetime import date

    from procurehub.alignment.tender_plan import plan_document

    day = as_of.date() if as_of else date.today()
    document = plan_document(day)
    if as_json:
        click.echo(json_module.dumps(document, ensure_ascii=False))
        return
    names = accounts.council_names()
    click.echo(
        f"Tender plan as of {day.isoformat()}: {len(document['waves'])} joint tenders, "
        f"{len(document['alone'])} renewals alone."
    )
    for wave in document["waves"]:
        councils = ", ".join(names.get(code, code) for code in wave["councils"])
        click.echo(
            f"  {wave['category']}: decide by {wave['decision_deadline']}, start "
            f"{wave['joint_start']} ({len(wave['items'])} renewals: {councils})"
        )
    for alone in document["alone"]:
        who = names.get(alone["council_code"], alone["council_code"])
        advice = f" {alone['advice']}" if alone["advice"] else ""
        click.echo(
            f"  alone: {who} {alone['reference'] or '(no reference)'} "
            f"[{alone['category']}] {alone['reason'].replace('_', ' ')}.{advice}"
        )


def init_app(app: Flask) -> None:
    app.cli.add_command(alignment)
