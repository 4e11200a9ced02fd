"""`procurehub fleet …`: the fleet workstream's commands."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import click
from flask.cli import with_appcontext

from procurehub import toolkit as tk

from .measures import FleetError
from .service import load_catalogue


@click.group(help="Fleet workstream: the standard e-van specification and the vehicle catalogue.")
def cli() -> None:
    """The fleet plugin's command group."""


@cli.command("import-catalogue")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the models and their compliance as JSON."
)
@with_appcontext
def import_catalogue(file: str, as_json: bool) -> None:
    """Load vehicle models (a CSV as published) into the catalogue and check each against the
    adopted standard for its class. Re-importing updates each variant in place.

    Exit status: 0 loaded; 1 nothing loaded because rows have errors; 2 usage error.
    """
    try:
        read, report, version = load_catalogue(file)
    except FleetError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    for error in read.errors:
        click.echo(f"Row {error.row}, {error.column}: {error.message}", err=True)
    if not read.models:
        click.echo(f"Error: no vehicle models found in {file}; nothing was loaded.", err=True)
        raise SystemExit(1)
    tk.session.commit()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, default=_decimal))
        return
    failing = [m for m in report["models"] if m["compliant"] is False]
    click.echo(
        f"Loaded {len(report['models'])} vehicle models; checked against {version}: "
        f"{sum(m['compliant'] is True for m in report['models'])} comply, {len(failing)} do not, "
        f"{sum(m['compliant'] is None for m in report['models'])} unknown (a mandatory figure is not given)."
    )
    for m in failing:
        reasons = "; ".join(
            f"{f['attribute']}: needs {f['required']}, is {f['actual']}" for f in m["failures"]
        )
        click.echo(f"  {m['make']} {m['model']} {m['variant']}: {reasons}")


def _decimal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)
