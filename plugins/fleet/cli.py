"""`procurehub fleet …`: the fleet workstream's commands."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import click
from flask.cli import with_appcontext

from procurehub import toolkit as tk

from .catalogue_store import load_catalogue
from .measures import FleetError


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


@cli.command("import-vehicles")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--council", "council_code", required=True, help="Code of the council whose fleet list this is.")
@click.option("--sheet", default=None, help="The sheet to read (default: the one that looks like a fleet list).")
@click.option("--accept-valid", is_flag=True, help="Store the valid rows even if some rows are rejected.")
@click.option("--dry-run", is_flag=True, help="Report what would happen; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_appcontext
def import_vehicles(file: str, council_code: str, sheet: str | None, accept_valid: bool,
                    dry_run: bool, as_json: bool) -> None:
    """Import a council's fleet list as it is (.xlsx .xlsm .xls .ods .csv): title rows, its own
    headings ("Reg No", "VRM", "Vehicle Type", "GVW (kg)", "Date Registered", "Replacement
    Due"...), totals rows. Re-uploading the same list changes nothing.

    Exit status: 0 stored (with --accept-valid even if rows were rejected), would be stored
    (--dry-run) or nothing to do; 1 nothing stored because of errors; 2 usage error.
    """
    from .vehicles import import_fleet_list

    if tk.council_id(council_code) is None:
        raise click.UsageError(f"There is no council with the code {council_code!r}.")
    report = import_fleet_list(file, council_code, sheet=sheet, accept_valid=accept_valid,
                               dry_run=dry_run)
    tk.echo_import_report(report, as_json=as_json)
    raise SystemExit(tk.import_exit_code(report))


@cli.command("demand")
@click.option("--json", "as_json", is_flag=True, help="Print the demand as one JSON object.")
@with_appcontext
def demand_command(as_json: bool) -> None:
    """Vehicles due for replacement by year, class, council and fuel, across the hub."""
    from .vehicles import category_labels, demand

    rows = demand()
    if as_json:
        click.echo(json.dumps({"demand": rows}, ensure_ascii=False))
        return
    if not rows:
        click.echo("No replacement demand: no council's fleet list gives a replacement or "
                   "in-service year yet.")
        return
    names, labels = tk.council_names(), category_labels()
    for row in rows:
        click.echo(
            f"{row['year']}  {labels.get(row['category'], row['category'])}  "
            f"{names.get(row['council_code'], row['council_code'])}  {row['fuel']}  "
            f"{row['vehicles']}"
        )
