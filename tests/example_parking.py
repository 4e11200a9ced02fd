"""A fourth workstream plugin, written only against `procurehub.toolkit` (docs/plugins.md).

It adds a table, a page, an API route, a CLI command and a renewal source, and has no entry
point: tests enable it with `create_app(..., plugins=[...])`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click
import marshmallow as ma
from flask import Blueprint
from flask.cli import with_appcontext
from flask.views import MethodView
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import fields
from sqlalchemy import Date, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from procurehub import toolkit as tk


class ParkingMeter(tk.Model):
    """A pay-and-display machine that a council must replace by a date."""

    __tablename__ = "parking_meter"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    council_code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    replace_by: Mapped[date] = mapped_column(Date)


def meters() -> list[ParkingMeter]:
    return list(tk.session.scalars(select(ParkingMeter).order_by(ParkingMeter.id)))


def web_blueprint() -> Blueprint:
    bp = Blueprint("parking_pages", __name__, url_prefix="/parking")

    @bp.route("/meters")
    def meter_list() -> str:
        names = tk.council_names()
        rows = "".join(
            f"<li>{m.name}: {names.get(m.council_code, m.council_code)}, {m.replace_by}</li>"
            for m in meters()
        )
        return f"<h1>Parking meters</h1><ul>{rows}</ul>"

    return bp


class MeterSchema(ma.Schema):
    id = fields.Int()
    council_code = fields.Str()
    name = fields.Str()
    replace_by = fields.Date()


def api_blueprint() -> ApiBlueprint:
    blp = ApiBlueprint("parking_api", __name__, url_prefix="/api/v1/parking")

    @blp.route("/meters")
    class Meters(MethodView):
        @blp.response(200, MeterSchema(many=True))
        def get(self) -> Any:
            """Every council's parking meters."""
            return meters()

    return blp


@click.group(help="Parking: meters and their replacement.")
def cli() -> None:
    """The plugin's command group, `procurehub parking …`."""


@cli.command("add-meter")
@click.argument("council_code")
@click.argument("name")
@click.argument("replace_by", type=click.DateTime(formats=["%Y-%m-%d"]))
@with_appcontext
def add_meter(council_code: str, name: str, replace_by: Any) -> None:
    council_id = tk.council_id(council_code)
    if council_id is None:
        raise click.UsageError(f"There is no council with the code {council_code}.")
    meter = ParkingMeter(
        council_id=council_id, council_code=council_code, name=name, replace_by=replace_by.date()
    )
    tk.session.add(meter)
    tk.record_audit("create", "parking_meter", None, council_code=council_code)
    tk.session.commit()
    click.echo(f"Added {name}.")


def renewal_items(as_of: date) -> Any:
    for meter in meters():
        yield tk.RenewalItem(
            source="meter",
            source_id=meter.id,
            council_code=meter.council_code,
            category="parking.meters",
            end_date=meter.replace_by,
            max_end_date=meter.replace_by,
            reference=meter.name,
        )


plugin = tk.Plugin(
    key="parking",
    title="Parking",
    categories=(tk.CategorySpec("meters", "Parking meters", lead_time_months=12),),
    models=__name__,
    blueprints=(web_blueprint, api_blueprint),
    nav=(tk.NavEntry("Parking meters", "parking_pages.meter_list"),),
    cli=cli,
    renewal_items=renewal_items,
)
