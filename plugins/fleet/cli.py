"""`procurehub fleet …`: the fleet workstream's commands."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from procurehub import toolkit as tk

from .catalogue import CatalogueModel, catalogue_report, read_catalogue
from .measures import Measure
from .models import CatalogueVehicle
from .standard_spec import phase1_evan_standard


@click.group(help="Fleet workstream: the standard e-van specification and the vehicle catalogue.")
def cli() -> None:
    """The fleet plugin's command group."""


def _figure_json(figure: Measure | str | None) -> Any:
    if isinstance(figure, Measure):
        return {
            "value": None if figure.value is None else str(figure.value),
            "low": None if figure.low is None else str(figure.low),
            "high": None if figure.high is None else str(figure.high),
            "qualifier": figure.qualifier,
            "unit": figure.unit,
            "raw": figure.raw,
        }
    return figure


def _store(model: CatalogueModel, result: dict[str, Any], version: str) -> None:
    """Insert or update the variant (keyed by make, model and variant) with its compliance."""
    row = tk.session.scalar(
        select(CatalogueVehicle).where(
            CatalogueVehicle.make == model.make,
            CatalogueVehicle.model == model.model,
            CatalogueVehicle.variant == model.variant,
        )
    )
    if row is None:
        row = CatalogueVehicle(make=model.make, model=model.model, variant=model.variant)
        tk.session.add(row)
    gvw = model.gvw_kg
    row.body = model.body
    row.gvw_kg = None if gvw is None else int(gvw.to_integral_value())
    row.figures = {key: _figure_json(value) for key, value in model.figures.items()}
    row.sources = list(model.sources)
    row.notes = model.notes or None
    row.compliant = result["compliant"]
    row.failures = result["failures"]
    row.standard_version = version


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
    read = read_catalogue(file)
    standard = phase1_evan_standard()
    report = catalogue_report(read.models, standard)
    for error in read.errors:
        click.echo(f"Row {error.row}, {error.column}: {error.message}", err=True)
    if not read.models:
        click.echo(f"Error: no vehicle models found in {file}; nothing was loaded.", err=True)
        raise SystemExit(1)
    version = f"{standard.vehicle_class} v{standard.version}"
    for model, result in zip(read.models, report["models"], strict=True):
        _store(model, result, version)
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
