"""The variation count: per vehicle class, how many distinct specifications councils use and
how many comply with the adopted standard; a daily snapshot of it and its trend chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from procurehub import toolkit as tk

from .comparison import variation_count
from .council_specs import council_specs, spec_figures
from .models import VariationSnapshot
from .standards import adopted_standards


def specs_in_use(vehicle_class: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (s.council_code, s.vehicle_class, spec_figures(s))
        for s in council_specs(vehicle_class=vehicle_class)
    ]


def variation_counts() -> dict[str, dict[str, Any]]:
    """Per class with a standard: distinct specifications in use, how many comply, and by
    how many councils (classes with no spec yet show zero)."""
    standards = adopted_standards()
    counted = variation_count(specs_in_use(), standards)
    out: dict[str, dict[str, Any]] = {}
    for vehicle_class in sorted(set(standards) | set(counted)):
        count = counted.get(vehicle_class)
        standard = standards.get(vehicle_class)
        out[vehicle_class] = {
            "vehicle_class": vehicle_class,
            "title": standard.title if standard else vehicle_class,
            "standard_version": standard.version if standard else None,
            "distinct": count.distinct if count else 0,
            "compliant": count.compliant if count else 0,
            "councils": count.councils if count else 0,
        }
    return out


def record_variation_snapshot(on: date | None = None) -> None:
    """Store today's count per class (the day's latest count replaces an earlier one)."""
    on = on or date.today()
    tk.session.flush()
    for vehicle_class, count in variation_counts().items():
        row = tk.session.scalar(
            select(VariationSnapshot).where(
                VariationSnapshot.vehicle_class == vehicle_class,
                VariationSnapshot.taken_on == on,
            )
        )
        if row is None:
            row = VariationSnapshot(vehicle_class=vehicle_class, taken_on=on)
            try:
                with tk.session.begin_nested():
                    _fill_snapshot(row, count)
                    tk.session.add(row)
                continue
            except IntegrityError:  # written by a concurrent request: update that one
                row = tk.session.scalar(
                    select(VariationSnapshot).where(
                        VariationSnapshot.vehicle_class == vehicle_class,
                        VariationSnapshot.taken_on == on,
                    )
                )
        _fill_snapshot(row, count)


def _fill_snapshot(row: VariationSnapshot, count: Mapping[str, Any]) -> None:
    row.distinct_specs = count["distinct"]
    row.compliant_specs = count["compliant"]
    row.councils = count["councils"]
    row.standard_version = count["standard_version"]


def variation_trend(vehicle_class: str, limit: int = 366) -> list[VariationSnapshot]:
    rows = tk.session.scalars(
        select(VariationSnapshot)
        .where(VariationSnapshot.vehicle_class == vehicle_class)
        .order_by(VariationSnapshot.taken_on.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


def trend_chart(
    points: Iterable[tuple[date, int, int]], width: int = 560, height: int = 180
) -> dict[str, Any]:
    """Coordinates of a small line chart of (date, distinct, compliant): two polylines and
    axis ticks, computed here so the template only draws them."""
    points = list(points)
    if not points:
        return {"points": [], "width": width, "height": height}
    left, right, top, bottom = 40, 12, 12, 28
    top_value = max(max(d, c) for _, d, c in points) or 1
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        if len(points) == 1:
            return left + (width - left - right) / 2
        return round(left + (day - first).days / span * (width - left - right), 1)

    def y(value: int) -> float:
        return round(top + (1 - value / top_value) * (height - top - bottom), 1)

    return {
        "width": width,
        "height": height,
        "points": [
            {
                "x": x(d),
                "distinct_y": y(n),
                "compliant_y": y(c),
                "date": d,
                "distinct": n,
                "compliant": c,
            }
            for d, n, c in points
        ],
        "distinct_line": " ".join(f"{x(d)},{y(n)}" for d, n, _ in points),
        "compliant_line": " ".join(f"{x(d)},{y(c)}" for d, _, c in points),
        "y_ticks": [{"value": v, "y": y(v)} for v in sorted({0, top_value // 2, top_value})],
        "baseline_y": y(0),
        "left": left,
        "right": width - right,
        "first": first,
        "last": last,
    }
