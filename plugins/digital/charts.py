"""The business case's two charts as inline SVG strings (pure: stdlib only, no script, no CDN).

- :func:`joining_chart`: one row per council, its current system (grey, hatched) until the
  year it joins the national system (blue); a council that never joins in the period stays grey
  and says why.
- :func:`cumulative_chart`: each option's cumulative discounted net benefit against business as
  usual, year by year (business as usual is the zero line; a curve crosses it in the option's
  discounted payback year).

Both carry `role="img"` with a `<title>` and `<desc>`, scale with their container (`viewBox`),
never rely on colour alone (hatching, dash patterns and text labels), and escape every piece of
text. The page shows the same figures in a table beside each chart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

__all__ = ["JoiningRow", "cumulative_chart", "joining_chart", "money_short", "year_label"]

BLUE = "#0065bd"
DARK_BLUE = "#002d54"
GREY = "#b3b3b3"
MID_GREY = "#5e5e5e"
TEXT = "#333333"
GRID = "#ebebeb"
FONT = "Roboto, 'Helvetica Neue', Arial, sans-serif"
# Colour and dash pattern per series, so lines differ without colour too.
SERIES_STYLES = (
    (MID_GREY, ""),
    ("#d32205", "8 4"),
    (BLUE, ""),
    ("#5d9732", "2 3"),
    ("#952e8f", "10 3 2 3"),
    ("#e5682a", "4 4"),
)
_WIDTH = 760
_FONT_SIZE = 13


def year_label(base_year: int, index: int, year_start_month: int = 4) -> str:
    """`2027/28` for financial years (April), `2027` for calendar years."""
    year = base_year + index
    return str(year) if year_start_month == 1 else f"{year}/{(year + 1) % 100:02d}"


def money_short(value: Decimal | float) -> str:
    """£1.2m, −£350k, £0: short enough for an axis."""
    amount = float(value)
    sign = "\u2212" if amount < 0 else ""
    amount = abs(amount)
    if amount >= 1_000_000:
        text = f"{amount / 1_000_000:.1f}m".replace(".0m", "m")
    elif amount >= 1_000:
        text = f"{amount / 1_000:.0f}k"
    else:
        text = f"{amount:.0f}"
    return f"{sign}£{text}"


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


@dataclass(frozen=True)
class JoiningRow:
    """One council: its name and the appraisal-year index it joins (None: not in the period)."""

    council: str
    join_index: int | None
    reason: str | None = None


def joining_chart(
    rows: Sequence[JoiningRow], base_year: int, years: int, year_start_month: int = 4
) -> str:
    """The joining schedule: who is on the national system in which appraisal year."""
    label_w, pad, row_h, bar_h, top = 230, 10, 30, 18, 64
    columns = years + 1
    col_w = (_WIDTH - label_w - pad) / columns
    height = top + row_h * len(rows) + 48
    joined = sum(1 for r in rows if r.join_index is not None)
    desc = (
        f"{joined} of {len(rows)} councils join the national system within the appraisal "
        f"period from {year_label(base_year, 0, year_start_month)} to "
        f"{year_label(base_year, years, year_start_month)}. "
        + " ".join(
            f"{r.council}: "
            + (
                f"joins in {year_label(base_year, r.join_index, year_start_month)}."
                if r.join_index is not None
                else "stays on its current system."
            )
            for r in rows
        )
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ph-chart ph-joining-chart" '
        f'viewBox="0 0 {_WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="joining-chart-title joining-chart-desc" '
        f'font-family="{FONT}" font-size="{_FONT_SIZE}">',
        '<title id="joining-chart-title">Joining schedule</title>',
        f'<desc id="joining-chart-desc">{escape(desc)}</desc>',
        "<defs>"
        '<pattern id="ph-current-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#f0f0f0"/><line x1="0" y1="0" x2="0" y2="6" '
        f'stroke="{GREY}" stroke-width="3"/></pattern></defs>',
    ]
    # Legend.
    parts.append(
        f'<rect x="{pad}" y="8" width="18" height="12" fill="url(#ph-current-hatch)" '
        f'stroke="{MID_GREY}"/>'
    )
    parts.append(_text(pad + 24, 18, "Current system", fill=TEXT))
    parts.append(f'<rect x="{pad + 150}" y="8" width="18" height="12" fill="{BLUE}"/>')
    parts.append(_text(pad + 174, 18, "National system", fill=TEXT))
    # Year columns.
    for i in range(columns):
        x = label_w + i * col_w
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{top + row_h * len(rows)}" '
            f'stroke="{GRID}"/>'
        )
        label = year_label(base_year, i, year_start_month)
        parts.append(
            _text(x + col_w / 2, top - 14, label, text_anchor="middle", fill=TEXT, font_size="11")
        )
    for n, row in enumerate(rows):
        y = top + n * row_h
        parts.append(
            f'<g class="ph-joining-row" data-council="{escape(row.council)}" '
            f'data-join-index="{"" if row.join_index is None else row.join_index}">'
        )
        name = row.council if len(row.council) <= 30 else row.council[:29] + "\u2026"
        parts.append(_text(pad, y + row_h / 2 + 4, name, fill=TEXT))
        switch = columns if row.join_index is None else row.join_index
        if switch > 0:
            parts.append(
                f'<rect class="ph-current" x="{label_w:.1f}" y="{y + (row_h - bar_h) / 2:.1f}" '
                f'width="{switch * col_w:.1f}" height="{bar_h}" fill="url(#ph-current-hatch)" '
                f'stroke="{MID_GREY}" stroke-width="0.5"/>'
            )
        if row.join_index is not None:
            x = label_w + switch * col_w
            parts.append(
                f'<rect class="ph-national" x="{x:.1f}" y="{y + (row_h - bar_h) / 2:.1f}" '
                f'width="{(columns - switch) * col_w:.1f}" height="{bar_h}" fill="{BLUE}"/>'
            )
            parts.append(
                _text(
                    x + 4,
                    y + row_h / 2 + 4,
                    "joins " + year_label(base_year, row.join_index, year_start_month),
                    fill="#ffffff",
                    font_size="11",
                )
                if columns - switch >= 2
                else ""
            )
        else:
            parts.append(
                _text(
                    label_w + 4,
                    y + row_h / 2 + 4,
                    "stays on its current system",
                    fill=TEXT,
                    font_size="11",
                )
            )
        parts.append("</g>")
    parts.append(
        _text(
            label_w,
            top + row_h * len(rows) + 30,
            "Appraisal years (financial years from April)"
            if year_start_month == 4
            else "Appraisal years",
            fill=MID_GREY,
            font_size="11",
        )
    )
    parts.append("</svg>")
    return "".join(parts)


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def cumulative_chart(
    series: Mapping[str, Sequence[Decimal]],
    base_year: int,
    year_start_month: int = 4,
    *,
    title: str = "Cumulative discounted net benefit against business as usual",
) -> str:
    """One line per option, year 0 to the end of the period; the zero line is business as usual."""
    left, right, top, bottom = 78, 190, 24, 48
    height = 380
    plot_w, plot_h = _WIDTH - left - right, height - top - bottom
    names = list(series)
    length = max((len(v) for v in series.values()), default=1)
    values = [float(v) for line in series.values() for v in line] + [0.0]
    low, high = min(values), max(values)
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if high == low:
        high = low + step

    def x_of(i: int) -> float:
        return left + (plot_w * i / (length - 1) if length > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return top + plot_h * (high - v) / (high - low)

    finals = "; ".join(
        f"{name}: {money_short(line[-1])} by {year_label(base_year, len(line) - 1, year_start_month)}"
        for name, line in series.items()
        if line
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ph-chart ph-cumulative-chart" '
        f'viewBox="0 0 {_WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="cumulative-chart-title cumulative-chart-desc" '
        f'font-family="{FONT}" font-size="{_FONT_SIZE}">',
        f'<title id="cumulative-chart-title">{escape(title)}</title>',
        f'<desc id="cumulative-chart-desc">{escape(finals)}</desc>',
    ]
    tick = low
    while tick <= high + step / 2:
        y = y_of(tick)
        colour, weight = (TEXT, "1.5") if abs(tick) < step / 1000 else (GRID, "1")
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="{weight}"/>'
        )
        parts.append(
            _text(
                left - 6,
                y + 4,
                money_short(Decimal(str(round(tick, 2)))),
                text_anchor="end",
                fill=TEXT,
                font_size="11",
            )
        )
        tick += step
    every = max(1, math.ceil(length / 8))
    for i in range(0, length, every):
        parts.append(
            _text(
                x_of(i),
                top + plot_h + 18,
                year_label(base_year, i, year_start_month),
                text_anchor="middle",
                fill=TEXT,
                font_size="11",
            )
        )
    parts.append(
        _text(
            left,
            height - 8,
            "Year (each point is the total to the end of that year)",
            fill=MID_GREY,
            font_size="11",
        )
    )
    label_ys: list[float] = []
    for n, name in enumerate(names):
        line = series[name]
        if not line:
            continue
        colour, dash = SERIES_STYLES[n % len(SERIES_STYLES)]
        points = " ".join(f"{x_of(i):.1f},{y_of(float(v)):.1f}" for i, v in enumerate(line))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g class="ph-series" data-option="{escape(name)}">'
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
            f"{dash_attr}/>"
        )
        for i, v in enumerate(line):
            parts.append(
                f'<circle cx="{x_of(i):.1f}" cy="{y_of(float(v)):.1f}" r="2.5" fill="{colour}"/>'
            )
        # End label, nudged so labels do not overlap.
        y = y_of(float(line[-1])) + 4
        for other in label_ys:
            if abs(other - y) < 15:
                y = other + 15
        label_ys.append(y)
        short = name if len(name) <= 26 else name[:25] + "\u2026"
        parts.append(_text(left + plot_w + 8, y, short, fill=colour if n else TEXT))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
