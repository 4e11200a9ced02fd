"""Fleet lists and replacement demand: the services pages, API and CLI call.

- importing a council's fleet list through the core's record import (:func:`import_fleet_list`,
  :func:`import_uploaded_fleet_list`), with the hub's rule for who may (a council's own
  officers and network managers, and administrators: as for contract registers);
- the vehicles as stored, filtered and paged (:func:`vehicle_query`), and their export;
- each council's replacement ages per class (:func:`replacement_ages`,
  :func:`set_replacement_ages`): a change recomputes that council's replacement years and says
  so to the alignment engine (``tk.renewals_changed``);
- the replacement demand (:func:`demand`, DESIGN §4's rows) and the renewal items it gives the
  alignment engine (:func:`renewal_items`): each council's vehicles of a class due in a year
  are one item, window 1 January to 31 December of that year.

Writes stay in the caller's transaction, except imports, which the core commits as one unit.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden

from procurehub import toolkit as tk

from .demand import CLASS_NUMBERS, demand_chart, renewal_reference, renewal_source_id
from .measures import FleetError
from .models import ReplacementAge, Vehicle
from .replacement import DEFAULT_REPLACEMENT_AGES
from .vehicle_import import record_spec, store, year_for

#: The classes a fleet list's vehicles fall in (the classifier's keys), in reading order.
VEHICLE_CLASSES = tuple(CLASS_NUMBERS)
MAX_AGE_YEARS = 40
EXPORT_COLUMNS = (
    "council_code",
    "council_name",
    "registration",
    "vehicle_type",
    "make",
    "model",
    "fuel",
    "fuel_as_written",
    "gvw_kg",
    "in_service",
    "planned_replacement",
    "category",
    "class_recognised",
    "replacement_year",
    "in_latest_list",
    "extra",
)


class VehicleNotFound(FleetError):
    """No such vehicle (404)."""


def category_labels() -> dict[str, str]:
    """Full fleet category key -> its label ("fleet.rcv" -> "Refuse collection vehicles")."""
    specs = tk.categories_from_csv(Path(__file__).with_name("categories.csv"))
    return {f"fleet.{c.key}": c.label for c in specs}


def class_label(category: str, labels: Mapping[str, str] | None = None) -> str:
    return (labels or category_labels()).get(category, category)


# ------------------------------------------------------------------------------------ import


def may_import(user: Any, council_code: str) -> bool:
    """A council's own officers and network managers, and administrators (the contract
    register rule: `tk.can_write` for the council)."""
    council_id = tk.council_id(council_code)
    return council_id is not None and tk.can_write(user, council_id)


def require_import(user: Any, council_code: str) -> None:
    council_id = tk.council_id(council_code)
    if council_id is None:
        raise FleetError(f"There is no council with the code {council_code!r}.")
    if not tk.can_write(user, council_id):
        names = tk.council_names()
        raise Forbidden(
            "You can only upload the fleet list of your own council, not "
            f"{names.get(council_code, council_code)}."
        )


def import_fleet_list(
    path: str | Path,
    council_code: str,
    *,
    user: Any = None,
    sheet: str | None = None,
    accept_valid: bool = False,
    dry_run: bool = False,
    filename: str | None = None,
) -> dict[str, Any]:
    """Import a fleet list file for a council (the caller checked who may); the report."""
    return tk.import_records(
        path,
        spec=record_spec(),
        council_code=council_code,
        store=store,
        user=user,
        filename=filename,
        sheet=sheet,
        accept_valid=accept_valid,
        dry_run=dry_run,
    )


def import_uploaded_fleet_list(
    file_storage: Any,
    council_code: str,
    *,
    folder: str,
    user: Any,
    sheet: str | None = None,
    accept_valid: bool = False,
    dry_run: bool = False,
    max_bytes: int | None = None,
) -> dict[str, Any]:
    """Import a fleet list sent through a form or the API, after the authorisation check."""
    require_import(user, council_code)
    options: dict[str, Any] = {}
    if max_bytes:
        options["max_bytes"] = max_bytes
    return tk.import_uploaded_records(
        file_storage,
        folder=folder,
        spec=record_spec(),
        council_code=council_code,
        store=store,
        user=user,
        sheet=sheet or None,
        accept_valid=accept_valid,
        dry_run=dry_run,
        **options,
    )


# ------------------------------------------------------------------------- replacement ages


def council_ages(council_codes: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
    """{council code: {category: years}} of the ages councils set (defaults not included)."""
    stmt = select(ReplacementAge.council_code, ReplacementAge.category, ReplacementAge.years)
    if council_codes is not None:
        stmt = stmt.where(ReplacementAge.council_code.in_(list(council_codes)))
    ages: dict[str, dict[str, int]] = {}
    for code, category, years in tk.session.execute(stmt):
        ages.setdefault(code, {})[category] = years
    return ages


def replacement_ages(council_code: str) -> list[dict[str, Any]]:
    """Every vehicle class with the council's age, the default and whether it is its own."""
    own = council_ages([council_code]).get(council_code, {})
    labels = category_labels()
    return [
        {
            "category": category,
            "label": class_label(category, labels),
            "years": own.get(category, DEFAULT_REPLACEMENT_AGES[category]),
            "default_years": DEFAULT_REPLACEMENT_AGES[category],
            "own": category in own,
        }
        for category in VEHICLE_CLASSES
    ]


def _years(value: Any, label: str) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        years = int(text)
    except ValueError:
        raise FleetError(f"{label}: {text!r} is not a whole number of years") from None
    if not 1 <= years <= MAX_AGE_YEARS:
        raise FleetError(
            f"{label}: the replacement age must be between 1 and {MAX_AGE_YEARS} years"
        )
    return years


def set_replacement_ages(council_code: str, ages: Mapping[str, Any], user: Any) -> list[str]:
    """Set a council's replacement ages ({category: years}; blank returns a class to the
    default). Recomputes its vehicles' replacement years; returns the classes changed."""
    council_id = tk.council_id(council_code)
    if council_id is None:
        raise FleetError(f"There is no council with the code {council_code!r}.")
    tk.require_write(user, council_id, what="replacement ages")
    labels = category_labels()
    unknown = sorted(set(ages) - set(VEHICLE_CLASSES))
    if unknown:
        raise FleetError(
            f"{', '.join(unknown)} is not a vehicle class; use one of {', '.join(VEHICLE_CLASSES)}"
        )
    wanted = {c: _years(v, class_label(c, labels)) for c, v in ages.items()}
    rows = {
        r.category: r
        for r in tk.session.scalars(
            select(ReplacementAge).where(ReplacementAge.council_id == council_id)
        )
    }
    changed: dict[str, tuple[int | None, int | None]] = {}
    for category, years in wanted.items():
        row = rows.get(category)
        before = row.years if row else None
        if years is None or years == DEFAULT_REPLACEMENT_AGES[category]:
            if row is not None:
                tk.session.delete(row)
                changed[category] = (before, None)
            continue
        if row is None:
            tk.session.add(
                ReplacementAge(
                    council_id=council_id, council_code=council_code, category=category, years=years
                )
            )
            changed[category] = (None, years)
        elif row.years != years:
            row.years = years
            changed[category] = (before, years)
    if not changed:
        return []
    tk.session.flush()
    recompute_replacement_years(council_code, changed)
    tk.record_audit(
        "update",
        "fleet_replacement_age",
        council_id,
        user=user,
        council_code=council_code,
        changes={c: {"before": b, "after": a} for c, (b, a) in changed.items()},
    )
    tk.renewals_changed(changed)
    return sorted(changed)


def recompute_replacement_years(council_code: str, categories: Iterable[str]) -> int:
    """Replacement years of a council's vehicles of these classes, after an age changed."""
    ages = council_ages([council_code])
    count = 0
    for vehicle in tk.session.scalars(
        select(Vehicle).where(
            Vehicle.council_code == council_code, Vehicle.category.in_(list(categories))
        )
    ):
        year = year_for(
            council_code,
            {
                "category": vehicle.category,
                "in_service_year": vehicle.in_service_year,
                "planned_replacement_year": vehicle.planned_replacement_year,
            },
            ages,
        )
        if year != vehicle.replacement_year:
            vehicle.replacement_year = year
            count += 1
    return count


# ---------------------------------------------------------------------------- vehicles


def vehicle_query(filters: Mapping[str, Any]) -> Any:
    """Vehicles matching `council`, `category`, `fuel`, `replacement_year`, `listed`
    (default: only those on their council's latest list; "all" for every one)."""
    stmt = select(Vehicle)
    if filters.get("council"):
        stmt = stmt.where(Vehicle.council_code == filters["council"])
    if filters.get("category"):
        stmt = stmt.where(Vehicle.category == filters["category"])
    if filters.get("fuel"):
        stmt = stmt.where(Vehicle.fuel == filters["fuel"])
    if filters.get("replacement_year"):
        stmt = stmt.where(Vehicle.replacement_year == filters["replacement_year"])
    if filters.get("listed", "latest") != "all":
        stmt = stmt.where(Vehicle.in_latest_list.is_(True))
    return stmt


def vehicle_page(
    filters: Mapping[str, Any], page: int, per_page: int
) -> tuple[list[Vehicle], bool]:
    """One page (1-based) of the filtered vehicles in council, class, registration order."""
    stmt = vehicle_query(filters).order_by(
        Vehicle.council_code, Vehicle.category, Vehicle.registration, Vehicle.id
    )
    rows = list(tk.session.scalars(stmt.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def vehicle_count(filters: Mapping[str, Any]) -> int:
    return tk.session.scalar(select(func.count()).select_from(vehicle_query(filters).subquery()))


def get_vehicle(vehicle_id: int) -> Vehicle:
    vehicle = tk.session.get(Vehicle, vehicle_id) if 0 < vehicle_id < 2**31 else None
    if vehicle is None:
        raise VehicleNotFound(f"There is no vehicle {vehicle_id}.")
    return vehicle


def fuels() -> list[str]:
    return list(tk.session.scalars(select(Vehicle.fuel).distinct().order_by(Vehicle.fuel)))


def replacement_years() -> list[int]:
    return list(
        tk.session.scalars(
            select(Vehicle.replacement_year)
            .where(Vehicle.replacement_year.is_not(None))
            .distinct()
            .order_by(Vehicle.replacement_year)
        )
    )


def vehicle_json(vehicle: Vehicle, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    names = names if names is not None else tk.council_names()
    return {
        "id": vehicle.id,
        "council_code": vehicle.council_code,
        "council_name": names.get(vehicle.council_code, vehicle.council_code),
        "registration": vehicle.registration,
        "registration_as_written": vehicle.registration_as_written,
        "vehicle_type": vehicle.vehicle_type,
        "make": vehicle.make,
        "model": vehicle.model,
        "fuel": vehicle.fuel,
        "fuel_as_written": vehicle.fuel_as_written,
        "gvw_kg": vehicle.gvw_kg,
        "in_service": vehicle.in_service,
        "in_service_year": vehicle.in_service_year,
        "planned_replacement": vehicle.planned_replacement,
        "planned_replacement_year": vehicle.planned_replacement_year,
        "category": vehicle.category,
        "class_recognised": vehicle.classified,
        "replacement_year": vehicle.replacement_year,
        "in_latest_list": vehicle.in_latest_list,
        "extra": vehicle.extra or {},
        "upload_id": vehicle.upload_id,
    }


def _export_rows(filters: Mapping[str, Any]) -> Iterator[list[Any]]:
    import json

    names = tk.council_names()
    stmt = vehicle_query(filters).order_by(
        Vehicle.council_code, Vehicle.category, Vehicle.registration, Vehicle.id
    )
    for v in tk.session.scalars(stmt.execution_options(yield_per=1000)):
        yield [
            v.council_code,
            names.get(v.council_code, v.council_code),
            v.registration,
            v.vehicle_type,
            v.make,
            v.model,
            v.fuel,
            v.fuel_as_written,
            v.gvw_kg,
            v.in_service.isoformat() if v.in_service else v.in_service_year,
            v.planned_replacement.isoformat()
            if v.planned_replacement
            else v.planned_replacement_year,
            v.category,
            v.classified,
            v.replacement_year,
            v.in_latest_list,
            json.dumps(v.extra or {}, ensure_ascii=False, default=str),
        ]


def export_vehicles(filters: Mapping[str, Any], fmt: str) -> bytes:
    """The filtered vehicles as CSV (UTF-8 with BOM, for Excel) or XLSX, through the core's
    exporter (formula-like text neutralised)."""
    if fmt == "csv":
        text = io.StringIO()
        tk.write_csv(text, EXPORT_COLUMNS, _export_rows(filters))
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        out = io.BytesIO()
        tk.write_xlsx(out, EXPORT_COLUMNS, _export_rows(filters), sheet_title="Vehicles")
        return out.getvalue()
    raise FleetError("Choose csv or xlsx.")


# ---------------------------------------------------------------------------- demand


def demand(filters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """DESIGN §4's replacement demand: vehicles on their council's latest list by replacement
    year x class x council x fuel, one row per combination that has vehicles, sorted.

    Filters: `council`, `category`, `fuel`, `year_from`, `year_to`."""
    filters = filters or {}
    stmt = (
        select(
            Vehicle.replacement_year,
            Vehicle.category,
            Vehicle.council_code,
            Vehicle.fuel,
            func.count(Vehicle.id),
        )
        .where(Vehicle.in_latest_list.is_(True), Vehicle.replacement_year.is_not(None))
        .group_by(Vehicle.replacement_year, Vehicle.category, Vehicle.council_code, Vehicle.fuel)
        .order_by(Vehicle.replacement_year, Vehicle.category, Vehicle.council_code, Vehicle.fuel)
    )
    for name, column in (
        ("council", Vehicle.council_code),
        ("category", Vehicle.category),
        ("fuel", Vehicle.fuel),
    ):
        if filters.get(name):
            stmt = stmt.where(column == filters[name])
    if filters.get("year_from") is not None:
        stmt = stmt.where(Vehicle.replacement_year >= filters["year_from"])
    if filters.get("year_to") is not None:
        stmt = stmt.where(Vehicle.replacement_year <= filters["year_to"])
    return [
        {"year": y, "category": c, "council_code": k, "fuel": f, "vehicles": n}
        for y, c, k, f, n in tk.session.execute(stmt)
    ]


def _renewal_rows() -> Iterator[tuple[int, str, str, int, int]]:
    stmt = (
        select(
            Vehicle.council_id,
            Vehicle.council_code,
            Vehicle.category,
            Vehicle.replacement_year,
            func.count(Vehicle.id),
        )
        .where(Vehicle.in_latest_list.is_(True), Vehicle.replacement_year.is_not(None))
        .group_by(
            Vehicle.council_id, Vehicle.council_code, Vehicle.category, Vehicle.replacement_year
        )
        .order_by(Vehicle.council_code, Vehicle.category, Vehicle.replacement_year)
    )
    yield from tk.session.execute(stmt)


def renewal_items(as_of: date) -> Iterator[Any]:
    """Each council's vehicles of a class due in a year as one renewal item (source
    "vehicles", reference ``vehicles-2029-fleet.vans_lt_3_5t``), window 1 Jan-31 Dec."""
    labels = category_labels()
    for council_id, code, category, year, count in _renewal_rows():
        if category not in CLASS_NUMBERS or not 1900 <= year <= 2899:
            continue
        noun = class_label(category, labels)
        yield tk.RenewalItem(
            source="vehicles",
            source_id=renewal_source_id(council_id, category, year),
            council_code=code,
            category=category,
            end_date=date(year, 1, 1),
            max_end_date=date(year, 12, 31),
            reference=renewal_reference(year, category),
            title=f"{count} vehicle{'' if count == 1 else 's'} due for replacement in {year}: "
            f"{noun.lower()}",
        )


# ---------------------------------------------------------------------------- dashboard


def demand_section(
    by: str = "council", years_ahead: int = 10, today: date | None = None
) -> dict[str, Any]:
    """What the fleet dashboard shows of the demand: the chart (next years), the table of
    the same figures, and the joint purchases (waves of the tender plan) vehicles are in."""
    today = today or date.today()
    names = tk.council_names()
    labels = category_labels()
    rows = demand({"year_from": today.year, "year_to": today.year + years_ahead - 1})
    series_labels = names if by == "council" else labels
    chart = demand_chart(rows, by=by, labels=series_labels)
    table: dict[tuple[int, str, str], int] = {}
    for row in rows:
        key = (row["year"], row["category"], row["council_code"])
        table[key] = table.get(key, 0) + row["vehicles"]
    table_rows = [
        {
            "year": y,
            "category": c,
            "class_label": class_label(c, labels),
            "council_code": k,
            "council_name": names.get(k, k),
            "vehicles": n,
        }
        for (y, c, k), n in sorted(
            table.items(), key=lambda kv: (kv[0][0], kv[0][1], names.get(kv[0][2], ""))
        )
    ]
    return {
        "by": by,
        "chart": chart,
        "rows": table_rows,
        "total": sum(r["vehicles"] for r in rows),
        "first_year": today.year,
        "last_year": today.year + years_ahead - 1,
        "joint": joint_purchases(today, names, labels),
        "gaps": vehicles_without_year(),
    }


def vehicles_without_year() -> int:
    return (
        tk.session.scalar(
            select(func.count(Vehicle.id)).where(
                Vehicle.in_latest_list.is_(True), Vehicle.replacement_year.is_(None)
            )
        )
        or 0
    )


def joint_purchases(
    today: date, names: Mapping[str, str], labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Waves of the tender plan with vehicle replacements in them, for the fleet classes
    that have demand: who could buy together, from when, and by when the tender must start."""
    classes = sorted(
        {
            c
            for (c,) in tk.session.execute(
                select(Vehicle.category)
                .where(Vehicle.in_latest_list.is_(True), Vehicle.replacement_year.is_not(None))
                .distinct()
            )
        }
    )
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for category in classes:
        plan = tk.tender_plan(today, category)
        for wave in plan["waves"]:
            items = [i for i in wave["items"] if i["source"] == "vehicles"]
            if not items or wave["id"] in seen:
                continue
            seen.add(wave["id"])
            out.append(
                {
                    "id": wave["id"],
                    "category": wave["category"],
                    "class_label": class_label(wave["category"], labels),
                    "councils": [names.get(c, c) for c in wave["councils"]],
                    "references": [i["reference"] for i in items],
                    "vehicle_councils": sorted(
                        {names.get(i["council_code"], i["council_code"]) for i in items}
                    ),
                    "joint_start": date.fromisoformat(wave["joint_start"]),
                    "decision_deadline": date.fromisoformat(wave["decision_deadline"]),
                    "window_end": date.fromisoformat(wave["window_end"]),
                }
            )
    return sorted(out, key=lambda w: (w["joint_start"], w["category"]))
