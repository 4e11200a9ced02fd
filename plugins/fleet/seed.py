"""What a fresh hub starts with: the adopted phase-1 e-van standard and the default
whole-life cost parameters, stored the first time either is needed.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from procurehub import toolkit as tk

from .models import FleetParameter, StandardSpecVersion
from .standard_records import write_standard
from .standard_spec import phase1_evan_standard
from .whole_life_cost import DEFAULT_PARAMETERS, Parameter

PARAMETER_DEFAULTS_FILE = Path(__file__).with_name("default_parameters.csv")


def ensure_seeded() -> None:
    """Store the adopted phase-1 e-van standard and the default cost parameters the first
    time they are needed (idempotent: nothing happens once they exist).

    Seeding on first use rather than in a migration keeps the seed in one place (the JSON
    file the pure module reads) and works on a database emptied by tests or an operator.
    """
    changed = False
    if tk.session.scalar(select(func.count(StandardSpecVersion.id))) == 0:
        try:
            with tk.session.begin_nested():
                record = StandardSpecVersion(created_by="seed")
                tk.session.add(record)
                write_standard(record, phase1_evan_standard())
            changed = True
        except IntegrityError:  # another request seeded it at the same moment
            pass
    if tk.session.scalar(select(func.count(FleetParameter.id))) == 0:
        try:
            with tk.session.begin_nested():
                for parameter, illustrative in default_parameters():
                    tk.session.add(_parameter_row(parameter, illustrative, "seed"))
            changed = True
        except IntegrityError:
            pass
    if changed:
        tk.session.commit()


def default_parameters() -> list[tuple[Parameter, bool]]:
    """(parameter, illustrative) the hub starts with: the published factors of the pure
    module, then the tariff, prices and cost assumptions in default_parameters.csv."""
    out = [(p, False) for p in DEFAULT_PARAMETERS]
    with PARAMETER_DEFAULTS_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.append(
                (
                    Parameter(
                        row["name"],
                        Decimal(row["value"]),
                        row["unit"],
                        date.fromisoformat(row["valid_from"]),
                        row["source"],
                    ),
                    row["illustrative"].strip().lower() == "yes",
                )
            )
    return out


def _parameter_row(parameter: Parameter, illustrative: bool, by: str | None) -> FleetParameter:
    return FleetParameter(
        name=parameter.name,
        value=parameter.value,
        unit=parameter.unit,
        valid_from=parameter.valid_from,
        valid_to=parameter.valid_to,
        source=parameter.source,
        illustrative=illustrative,
        updated_by=by,
    )
