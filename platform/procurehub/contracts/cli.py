"""procurehub export contracts: every council's contracts for Excel or other tools."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from procurehub.accounts import service as accounts
from procurehub.cli import fail


# ---------------------------------------------------------------- export
@click.group()
def export() -> None:
    """Export data for Excel or other tools."""


@export.command("contracts")
@click.option("--council", "council_code", help="Only this council's contracts.")
@click.option("--workstream", help="Only this workstream (waste, fleet, digital, unclassified).")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["csv", "xlsx", "ocds"]),
    help="csv or xlsx (columns are the canonical field names), or ocds (an OCDS 1.1 release package).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="File to write ('-' for standard output, CSV and OCDS only).",
)
@with_appcontext
def export_contracts(
    council_code: str | None, workstream: str | None, fmt: str, output: str
) -> None:
    """Export contracts: CSV/XLSX with the canonical field names as columns, or OCDS JSON."""
    from procurehub.contracts.export import export_contracts as run_export

    if council_code:
        try:
            accounts.get_council(council_code)
        except accounts.AccountError as exc:
            fail(str(exc), 2)
    if output == "-" and fmt == "xlsx":
        fail("An XLSX workbook cannot be written to standard output; give a file name.", 2)
    count = run_export(fmt, output, council=council_code, workstream=workstream)
    if output != "-":
        click.echo(f"Wrote {count} contracts to {output}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(export)
