"""The whole-life cost parameters as stored: each a dated series of values with its source,
read as the pure `whole_life_cost` module takes them, and a new dated value added by an
editor (the old values stay, so earlier results can still say what they used).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from procurehub import toolkit as tk

from .measures import FleetError
from .models import FleetParameter
from .permissions import require_editor
from .seed import ensure_seeded
from .whole_life_cost import Parameter


def parameter_rows() -> list[FleetParameter]:
    ensure_seeded()
    return list(
        tk.session.scalars(
            select(FleetParameter).order_by(FleetParameter.name, FleetParameter.valid_from)
        )
    )


def tidy_number(value: Any) -> Decimal:
    """15000.000000 -> 15000, 0.250000 -> 0.25 (never 1.5E+4)."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return Decimal(int(number))
    return number.normalize()


def as_parameter(row: FleetParameter) -> Parameter:
    return Parameter(
        row.name, tidy_number(row.value), row.unit, row.valid_from, row.source, row.valid_to
    )


def parameters() -> tuple[Parameter, ...]:
    return tuple(as_parameter(r) for r in parameter_rows())


def add_parameter_value(data: Mapping[str, Any], user: Any) -> FleetParameter:
    """A new dated value of a parameter (or a corrected value for the same date): the old
    values stay, so earlier results can still say what they used."""
    require_editor(user, "the whole-life cost parameters")
    name = str(data.get("name") or "").strip()
    known = {r.name: r for r in parameter_rows()}
    if name not in known:
        raise FleetError(f"{name!r} is not a parameter (known: {', '.join(sorted(known))})")
    try:
        value = Decimal(str(data.get("value")).replace(",", "").strip())
    except InvalidOperation:
        raise FleetError(f"The value {data.get('value')!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise FleetError("The value must be a number of zero or more")
    valid_from = data.get("valid_from")
    if isinstance(valid_from, str):
        try:
            valid_from = date.fromisoformat(valid_from)
        except ValueError:
            raise FleetError(f"valid_from {valid_from!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(valid_from, date):
        raise FleetError("Say from which date the value applies (valid_from)")
    source = " ".join(str(data.get("source") or "").split())
    if not source:
        raise FleetError("Say where the value comes from (source), e.g. the supply contract")
    row = tk.session.scalar(
        select(FleetParameter).where(
            FleetParameter.name == name, FleetParameter.valid_from == valid_from
        )
    )
    before = None
    if row is None:
        row = FleetParameter(name=name, unit=known[name].unit, valid_from=valid_from)
        tk.session.add(row)
    else:
        before = {"value": row.value, "source": row.source, "illustrative": row.illustrative}
    row.value = value
    row.source = source
    row.illustrative = bool(data.get("illustrative", False))
    row.updated_by = getattr(user, "email", None)
    tk.session.flush()
    tk.record_audit(
        "update" if before else "create",
        "fleet_parameter",
        row.id,
        user=user,
        changes=tk.audit_diff(
            before or {},
            {
                "name": name,
                "valid_from": valid_from,
                "value": value,
                "source": source,
                "illustrative": row.illustrative,
            },
        ),
    )
    return row
