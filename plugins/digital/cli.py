"""`procurehub digital …`: the Digital workstream's commands.

`import-systems` loads a council's system inventory file through the core import (the exit
codes and `--json` report of `procurehub import contracts`).

`appraise` is pure (a JSON file in, figures out): it needs no database and no app context, so
a finance officer can run it on a business case before anything is stored in the hub.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import click
from flask.cli import with_appcontext

from procurehub import toolkit as tk

from .appraisal import Appraisal, AppraisalError, appraisal_to_json, appraise, read_case

# A business case is a few kilobytes; refuse anything absurd before parsing it.
MAX_CASE_BYTES = 20 * 1024 * 1024


class BadCaseFile(click.ClickException):
    """The business-case file cannot be appraised: exit status 2, like a usage error."""

    exit_code = 2


@click.group(name="digital")
def cli() -> None:
    """Digital workstream: business cases for national fleet and housing systems."""


def _read_document(path: Path) -> object:
    if path.stat().st_size > MAX_CASE_BYTES:
        raise BadCaseFile(f"{path.name}: the file is larger than {MAX_CASE_BYTES // 2**20} MB")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadCaseFile(f"{path.name}: not a UTF-8 text file; save it as JSON") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise BadCaseFile(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise BadCaseFile(f"{path.name}: the JSON is nested too deeply") from None


def _money(value: Decimal) -> str:
    pennies = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{'-' if pennies < 0 else ''}£{abs(pennies):,.2f}"


def _table(appraisal: Appraisal) -> str:
    headings = ("Option", "PV costs", "PV benefits", "NPSV", "BCR", "Payback", "Value for money")
    rows = [
        (
            r.name,
            _money(r.pv_costs),
            _money(r.pv_benefits),
            _money(r.npsv),
            "-" if r.bcr is None else f"{r.bcr:.2f}",
            "-" if r.discounted_payback_year is None else f"year {r.discounted_payback_year}",
            r.vfm_category or "-",
        )
        for r in appraisal.options
    ]
    lines = [
        f"Green Book appraisal over years 0-{appraisal.case.appraisal_years} "
        f"({appraisal.case.edition})",
        "",
        *_columns(headings, rows),
    ]
    if appraisal.comparisons:
        lines += ["", f"Against {appraisal.bau_name} (savings = BAU costs avoided):"]
        lines += _columns(
            ("Option", "PV costs", "PV savings", "Incremental NPSV", "BCR", "Value for money"),
            [
                (
                    c.name,
                    _money(c.pv_costs),
                    _money(c.pv_savings + c.pv_extra_benefits),
                    _money(c.incremental_npsv),
                    "-" if c.incremental_bcr is None else f"{c.incremental_bcr:.2f}",
                    c.vfm_category or "-",
                )
                for c in appraisal.comparisons
            ],
        )
    lines += ["", f"Preferred option (highest NPSV): {appraisal.preferred_option}"]
    return "\n".join(lines)


def _columns(headings: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [headings, *rows]) for i in range(len(headings))]

    def line(values: tuple[str, ...]) -> str:
        first, *rest = values
        return "  ".join(
            [first.ljust(widths[0])] + [v.rjust(w) for v, w in zip(rest, widths[1:], strict=True)]
        ).rstrip()

    return [line(headings), line(tuple("-" * w for w in widths)), *[line(r) for r in rows]]


@cli.command("appraise")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the appraisal workbook (live formulas) to this file.",
)
def appraise_command(file: Path, as_json: bool, xlsx_path: Path | None) -> None:
    """Appraise the business case in FILE (JSON) with the Green Book method.

    FILE holds {"appraisal_years": N, "discount_schedule": [[first_year, rate], ...]
    (optional), "optimism_bias": {"capital": 0.0, "operating": 0.0} (optional),
    "options": [{"name", "capital": [...], "operating": [...], "benefits": [...]}]},
    amounts by year from 0. Exit status 2 when the file cannot be appraised.
    """
    document = _read_document(file)
    try:
        appraisal = appraise(read_case(document))
    except AppraisalError as exc:
        raise BadCaseFile(f"{file.name}: {exc}") from None
    if xlsx_path is not None:
        from .appraisal_workbook import write_appraisal_workbook

        try:
            write_appraisal_workbook(appraisal, xlsx_path)
        except OSError as exc:
            raise click.ClickException(f"cannot write {xlsx_path}: {exc.strerror}") from None
    if as_json:
        click.echo(json.dumps(appraisal_to_json(appraisal)))
        return
    click.echo(_table(appraisal))
    if xlsx_path is not None:
        click.echo(f"\nWorkbook written to {xlsx_path}")


class CommandLine:
    """Whoever runs `procurehub` on the server: trusted like an administrator; the audit log
    names the change's actor "system" (no officer's name or e-mail)."""

    is_authenticated = True
    is_admin = True
    is_coordinator = False
    roles = ("admin",)
    id = None
    email = None
    council_id = None


@cli.command("import-systems")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--council", "council_code", required=True, help="Code of the council it is for.")
@click.option("--sheet", default=None, help="Sheet to read (default: the one like an inventory).")
@click.option(
    "--accept-valid", is_flag=True, help="Store the valid rows even if some are rejected."
)
@click.option("--dry-run", is_flag=True, help="Report what would happen; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_appcontext
def import_systems_command(
    file: str,
    council_code: str,
    sheet: str | None,
    accept_valid: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import a council's system inventory as it keeps it (.xlsx .xlsm .xls .ods .csv).

    One row per system: category (fleet or housing management system), product, vendor,
    hosting, annual costs by line, one-off costs, scale, contract reference, start, end and
    extension options, under the council's own headings. A system is identified by its
    category and product, so importing the same file again changes nothing; systems no longer
    in the file are reported, never deleted.

    Exit status: 0 stored (with --accept-valid even if rows were rejected), would be stored
    (--dry-run) or nothing to do; 1 nothing stored because of errors; 2 usage error.
    """
    from .inventory_import import import_inventory

    if tk.council_id(council_code) is None:
        raise click.UsageError(f"There is no council with the code {council_code!r}.")
    report = import_inventory(
        file,
        council_code,
        user=CommandLine(),
        sheet=sheet,
        accept_valid=accept_valid,
        dry_run=dry_run,
    )
    tk.echo_import_report(report, as_json=as_json)
    raise SystemExit(tk.import_exit_code(report))
