"""procurehub import contracts: a council's register as it is."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from procurehub.accounts import service as accounts
from procurehub.cli import fail


# ---------------------------------------------------------------- import
@click.group("import")
def import_group() -> None:
    """Import registers and other data."""


@import_group.command("contracts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option(
    "--council",
    "council_code",
    help="Code of the council whose register this is (optional with --all-buyers only).",
)
@click.option("--sheet", help="Sheet to read (default: the one that looks like a register).")
@click.option(
    "--accept-valid", is_flag=True, help="Store the valid rows even if some rows are rejected."
)
@click.option(
    "--dry-run", is_flag=True, help="Check the file and report what would happen; store nothing."
)
@click.option(
    "--all-buyers",
    is_flag=True,
    help="A public file naming many buyers (OCDS, Contracts Finder): file each row under the "
    "hub council its buyer is; buyers that are no council in the hub are reported, not imported.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_appcontext
def import_contracts_command(
    file: str,
    council_code: str | None,
    sheet: str | None,
    accept_valid: bool,
    dry_run: bool,
    all_buyers: bool,
    as_json: bool,
) -> None:
    """Import a contract register (.xlsx, .xlsm, .xls, .ods, .csv or OCDS .json) as it is.

    The command line acts as the hub's operator: --all-buyers needs no role here (on the site
    and the API it is for coordinators and administrators).

    Headings are matched to the hub's fields (and the council's saved mapping); every row is
    stored, or rejected with the reason. Re-importing the same file changes nothing. A file
    that names its buyers keeps only the council's own rows; other buyers' rows are refused,
    naming the buyer. Exit status: 0 stored (or would be, with --dry-run), 1 nothing stored
    because of errors, 2 usage error.
    """
    import json as json_module

    from procurehub.registers.report_text import format_import_report
    from procurehub.registers.service import ImportOptions, import_contracts

    if council_code is None and not all_buyers:
        raise click.UsageError("Missing option '--council'.")
    council = None
    if council_code is not None:
        try:
            council = accounts.get_council(council_code)
        except accounts.AccountError as exc:
            fail(str(exc), 2)
    progress = progress_printer() if sys.stderr.isatty() else None
    report = import_contracts(
        file,
        display_name=file,
        council=council,
        user=None,
        options=ImportOptions(
            accept_valid=accept_valid,
            dry_run=dry_run,
            sheet=sheet,
            max_rows=current_app.config["MAX_IMPORT_ROWS"],
            # The web upload cap (MAX_CONTENT_LENGTH) protects the server from strangers; a file
            # given on the command line by an operator may be larger (e.g. a 1,000,000-row CSV).
            max_bytes=max(current_app.config["MAX_CONTENT_LENGTH"], 2 * 1024**3),
            all_buyers=all_buyers,
        ),
        progress=progress,
    )
    if progress:
        click.echo("", err=True)
    if as_json:
        click.echo(json_module.dumps(report, ensure_ascii=False, default=str))
    else:
        click.echo(format_import_report(report))
    sys.exit(1 if report["status"] == "refused" else 0)


def progress_printer() -> Any:
    def show(rows: int) -> None:
        click.echo(f"\rRead {rows:,} rows…", nl=False, err=True)

    return show


def init_app(app: Flask) -> None:
    app.cli.add_command(import_group)
