"""Replacement demand as councils read it: the renewal items it gives the alignment engine, and
the stacked bar chart of the fleet dashboard (pure: stdlib only).

- :func:`renewal_reference` and :func:`renewal_source_id` name one council's replacement of a
  class in a year as a renewal item: the reference ``vehicles-2029-fleet.vans_lt_3_5t`` is what
  people read in opportunities and the plan; the source id is a number made from the council,
  the class and the year (not a row id), so the same demand is the same item in every run and
  an opportunity built on it stays the same opportunity when the fleet list is re-uploaded.
- :func:`demand_chart`: vehicles due per year, stacked by council or by class, as an inline
  SVG string (``role="img"`` with a title and description; every text escaped). The page
  shows the same figures in a table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

from .replacement import CARS, HEAVY, OTHER, RCV, SPECIALIST, VANS

__all__ = [
    "CLASS_NUMBERS",
    "DemandRowError",
    "demand_chart",
    "demand_totals",
    "renewal_reference",
    "renewal_source_id",
]

#: A fixed small number per vehicle class, for renewal source ids (never renumber: ids of
#: stored opportunity members depend on it).
CLASS_NUMBERS: Mapping[str, int] = {
    CARS: 1,
    VANS: 2,
    HEAVY: 3,
    RCV: 4,
    SPECIALIST: 5,
    OTHER: 6,
}
_FIRST_YEAR, _LAST_YEAR = 1900, 2899

# SGDS colours (as the plugin's other charts), darkest first so adjacent segments contrast.
PALETTE = (
    "#0065bd",
    "#5d9732",
    "#e5682a",
    "#952e8f",
    "#002d54",
    "#d32205",
    "#00a1a1",
    "#b3b3b3",
    "#fdd522",
    "#5e5e5e",
)
TEXT = "#333333"
GRID = "#ebebeb"
FONT = "Roboto, 'Helvetica Neue', Arial, sans-serif"


class DemandRowError(ValueError):
    """A demand row that cannot be a renewal item (unknown class, year out of range)."""


def renewal_reference(year: int, category: str) -> str:
    """``vehicles-2029-fleet.vans_lt_3_5t``: the renewal item's reference in opportunities."""
    return f"vehicles-{year}-{category}"


def renewal_source_id(council_id: int, category: str, year: int) -> int:
    """council id x 100,000 + (year - 1900) x 100 + class number: stable, unique per
    (council, class, year), and within a 32-bit integer for up to 21,000 councils."""
    number = CLASS_NUMBERS.get(category)
    if number is None:
        raise DemandRowError(f"{category!r} is not a vehicle class")
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise DemandRowError(f"{year} is not a replacement year the hub can plan")
    return council_id * 100_000 + (year - _FIRST_YEAR) * 100 + number


def demand_totals(rows: Iterable[Mapping[str, object]], by: str) -> dict[int, dict[str, int]]:
    """{year: {council code or category: vehicles}} from §4 demand rows (fuels summed)."""
    key = "council_code" if by == "council" else "category"
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        totals[int(row["year"])][str(row[key])] += int(row["vehicles"])  # type: ignore[call-overload]
    return {year: dict(parts) for year, parts in sorted(totals.items())}


def _nice_top(value: int) -> int:
    """The smallest 'nice' axis maximum (1, 2, 5 x 10^n) at or above value."""
    if value <= 5:
        return max(value, 1)
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def _attr(x: float) -> str:
    return f"{x:.1f}"


def demand_chart(
    rows: Iterable[Mapping[str, object]],
    *,
    by: str = "council",
    labels: Mapping[str, str] | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    width: int = 760,
    height: int = 300,
) -> str:
    """A stacked bar chart of vehicles due per year as an SVG string ('' with no demand).

    ``by`` is ``"council"`` (segments are councils, named through ``labels``) or
    ``"category"`` (vehicle classes). Years from ``first_year`` to ``last_year`` are all
    drawn, empty ones too, so gaps between replacement peaks show.
    """
    if by not in ("council", "category"):
        raise ValueError("by is 'council' or 'category'")
    labels = labels or {}
    totals = demand_totals(rows, by)
    if first_year is not None or last_year is not None:
        totals = {
            y: parts
            for y, parts in totals.items()
            if (first_year is None or y >= first_year) and (last_year is None or y <= last_year)
        }
    if not totals:
        return ""
    years = list(range(min(totals), max(totals) + 1))
    series = sorted(
        {k for parts in totals.values() for k in parts}, key=lambda k: (labels.get(k, k).lower(), k)
    )
    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(series)}
    top = _nice_top(max(sum(parts.values()) for parts in totals.values()))

    legend_rows = (len(series) + 2) // 3
    left, right, top_pad = 48, 12, 16
    chart_h = height
    height = chart_h + legend_rows * 20
    plot_w = width - left - right
    plot_h = chart_h - top_pad - 40
    slot = plot_w / len(years)
    bar_w = max(min(slot * 0.7, 48), 4)

    def y_of(value: float) -> float:
        return top_pad + (1 - value / top) * plot_h

    what = "council" if by == "council" else "vehicle class"
    title = f"Vehicles due for replacement by year, {years[0]} to {years[-1]}, stacked by {what}"
    desc_parts = []
    for year in years:
        parts = totals.get(year, {})
        if parts:
            inner = ", ".join(
                f"{labels.get(k, k)} {n}"
                for k, n in sorted(parts.items(), key=lambda kv: labels.get(kv[0], kv[0]))
            )
            desc_parts.append(f"{year}: {sum(parts.values())} ({inner})")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fl_chart" role="img" '
        f'aria-labelledby="demand-chart-title demand-chart-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{escape(FONT)}" font-size="12">',
        f'<title id="demand-chart-title">{escape(title)}</title>',
        f'<desc id="demand-chart-desc">{escape("; ".join(desc_parts))}. The same figures are '
        f"in the table below.</desc>",
    ]
    for tick in sorted({0, top // 2, top} if top >= 2 else {0, top}):
        y = y_of(tick)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_attr(y)}" y2="{_attr(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{_attr(y + 4)}" text-anchor="end" fill="{TEXT}">{tick}</text>'
        )
    label_every = 1 if len(years) <= 12 else (2 if len(years) <= 24 else 5)
    for i, year in enumerate(years):
        x = left + slot * i + (slot - bar_w) / 2
        base = 0
        for key in series:
            count = totals.get(year, {}).get(key, 0)
            if not count:
                continue
            y_top, y_bottom = y_of(base + count), y_of(base)
            name = labels.get(key, key)
            out.append(
                f'<rect x="{_attr(x)}" y="{_attr(y_top)}" width="{_attr(bar_w)}" '
                f'height="{_attr(y_bottom - y_top)}" fill="{colours[key]}" stroke="#ffffff" '
                f'stroke-width="1"><title>{escape(f"{year}, {name}: {count}")}</title></rect>'
            )
            base += count
        if base:
            out.append(
                f'<text x="{_attr(x + bar_w / 2)}" y="{_attr(y_of(base) - 4)}" '
                f'text-anchor="middle" fill="{TEXT}">{base}</text>'
            )
        if i % label_every == 0:
            out.append(
                f'<text x="{_attr(left + slot * i + slot / 2)}" y="{chart_h - 22}" '
                f'text-anchor="middle" fill="{TEXT}">{year}</text>'
            )
    for i, key in enumerate(series):
        col, row = i % 3, i // 3
        lx = left + col * (plot_w / 3)
        ly = chart_h - 4 + row * 20
        out.append(
            f'<rect x="{_attr(lx)}" y="{ly - 10}" width="12" height="12" fill="{colours[key]}"/>'
        )
        out.append(
            f'<text x="{_attr(lx + 18)}" y="{ly}" fill="{TEXT}">'
            f"{escape(labels.get(key, key))}</text>"
        )
    out.append("</svg>")
    return "".join(out)
