"""`procurehub waste …`: the bulky waste benchmark, joint service models and template imports.

Exit status, as `procurehub import contracts`: 0 done (or nothing to do), 1 nothing done
because of the data (a refused file, a model that cannot be worked out, no profiles for the
year), 2 a usage error (an unknown council, a malformed year or figure).
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext

from procurehub import toolkit as tk

from . import service
from .bulky_profile import check_financial_year
from .joint_service import PER_COLLECTION, PER_TONNE
from .present import measure_text, money, number


@click.group(help="Waste workstream: bulky waste profiles, benchmark and joint service models.")
def cli() -> None:
    """The waste plugin's command group."""


def _fail(message: str, status: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


def _dumps(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, default=str)


@cli.command("bulky-benchmark")
@click.option("--year", required=True, help="Financial year, like 2024-25.")
@click.option("--json", "as_json", is_flag=True, help="Print the benchmark as one JSON object.")
@with_appcontext
def bulky_benchmark_command(year: str, as_json: bool) -> None:
    """Each bulky waste measure across councils for one year: quartiles, and each council
    against the median. Exit status: 0 shown, 1 no profiles for the year, 2 usage error."""
    if check_financial_year(year) is None:
        _fail(f"the year must be written like 2024-25; got '{year}'.", 2)
    if year not in service.financial_years():
        recorded = ", ".join(service.financial_years()) or "none"
        _fail(f"no bulky waste profiles for {year} (years recorded: {recorded}).", 1)
    view = service.benchmark_for(year)
    document = service.benchmark_json(view)
    if as_json:
        click.echo(_dumps(document))
        return


    click.echo(f"Bulky waste benchmark {year}: {len(document['councils'])} councils")
    for measure in document["measures"]:
        click.echo("")
        click.echo(f"{measure['label']} ({measure['unit']})")
        key = measure["key"]
        click.echo(
            f"  lower quartile {measure_text(key, measure['lower_quartile'])}, "
            f"median {measure_text(key, measure['median'])}, "
            f"upper quartile {measure_text(key, measure['upper_quartile'])}"
        )
        for row in measure["councils"]:
            verdict = row["verdict"] or "not known"
            click.echo(
                f"  {row['council_name']}: {measure_text(key, row['value'])} ({verdict})"
            )


@cli.command("joint-model")
@click.option("--councils", required=True, help="Council codes, comma-separated.")
@click.option("--year", required=True, help="Financial year of the profiles, like 2024-25.")
@click.option("--per-tonne", "per_tonne", help="Joint price in £ per tonne.")
@click.option("--per-collection", "per_collection", help="Joint price in £ per collection.")
@click.option("--reuse-target", help="Reuse share target: 0.3 or 30% (default: today's share).")
@click.option("--recycling-target", help="Recycling share target (default: today's share).")
@click.option("--json", "as_json", is_flag=True, help="Print the model as one JSON object.")
@with_appcontext
def joint_model_command(
    councils: str,
    year: str,
    per_tonne: str | None,
    per_collection: str | None,
    reuse_target: str | None,
    recycling_target: str | None,
    as_json: bool,
) -> None:
    """Model a joint bulky waste service for a group of councils from their profiles.

    Exit status: 0 worked out, 1 it cannot be worked out from the profiles (the message
    says which council lacks which figure), 2 usage error.
    """
    if (per_tonne is None) == (per_collection is None):
        _fail("give the joint price as exactly one of --per-tonne or --per-collection.", 2)
    try:
        request = service.read_joint_request(
            [c for c in councils.split(",")],
            year,
            {
                "pricing_basis": PER_TONNE if per_tonne is not None else PER_COLLECTION,
                "joint_price": per_tonne if per_tonne is not None else per_collection,
                "reuse_share_target": reuse_target,
                "recycling_share_target": recycling_target,
            },
        )
    except service.JointModelRefused as exc:
        _fail(" ".join(m for ms in exc.errors.values() for m in ms) or str(exc), 2)
    try:
        result = service.work_out(request)
    except service.JointModelRefused as exc:
        _fail(str(exc), 1)
    document = service.result_json(result)
    if as_json:
        click.echo(_dumps(document))
        return


    click.echo(
        f"Joint bulky waste service {document['financial_year']}: "
        f"{', '.join(document['council_names'])}"
    )
    click.echo(
        f"  current cost {money(result.current_cost)}, joint cost {money(result.joint_cost)}, "
        f"saving {money(result.saving)}"
    )
    for row in result.council_costs:
        click.echo(f"    {tk.council_names().get(row.council_code)}: saving {money(row.saving)}")
    click.echo(
        f"  diverted from landfill {number(result.diverted_from_landfill, 1)} t; CO2e "
        f"{number(result.co2e_current_kg / 1000, 1)} t -> "
        f"{number(result.co2e_modelled_kg / 1000, 1)} t"
    )
    click.echo("  assumptions:")
    for a in document["assumptions"]:
        dated = f", {a['valid_from']}" if a["valid_from"] else ""
        click.echo(f"    {a['name']}: {a['value']} {a['unit']} ({a['source']}{dated})")
    for note in document["notes"]:
        click.echo(f"  note: {note}")


@cli.command("import-profiles")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--council", "council_code", required=True, help="Code of the council it is for.")
@click.option("--sheet", default=None, help="Sheet to read (default: the profile-like one).")
@click.option("--accept-valid", is_flag=True, help="Store the valid rows even if some are rejected.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_appcontext
def import_profiles_command(
    file: str,
    council_code: str,
    sheet: str | None,
    accept_valid: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import a council's filled-in bulky waste template (.xlsx .xls .ods .csv): one row per
    financial year, through the same import as contract registers.

    Exit status (as `import contracts`): 0 stored (with --accept-valid even if rows were
    rejected) or would be (--dry-run), 1 nothing stored because of errors (a refused file, a
    row with a problem), 2 usage error.
    """
    from .profile_import import import_profiles

    if tk.council_id(council_code) is None:
        _fail(f"there is no council with the code '{council_code}'.", 2)
    report = import_profiles(
        file,
        council_code,
        user=None,
        sheet=sheet,
        accept_valid=accept_valid,
        dry_run=dry_run,
        max_bytes=max(current_app.config.get("MAX_CONTENT_LENGTH") or 0, 50 * 1024 * 1024),
    )
    tk.echo_import_report(report, as_json=as_json)
    sys.exit(tk.import_exit_code(report))
