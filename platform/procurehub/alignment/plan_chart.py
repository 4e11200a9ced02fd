"""The tender plan as a Gantt-style chart (server-rendered inline SVG, stdlib only).

One row per wave, in the plan's order (decide-by date first): the row's label names the
wave's category and councils (names, never bare codes); a solid dark-blue bar runs from the
**decide-by** date to the **joint start** (the time the joint tender takes), and a light-blue
bar from the joint start to the **window end** (the last date the councils can all still
start together). A dashed grey line marks today. Every piece of meaning also has text: each
row's tooltip gives the dates, and the page shows the same waves in a table.

Same conventions as :mod:`procurehub.alignment.timeline` (whose palette, escaping and axis
ticks it reuses): ``role="img"`` with ``<title>``/``<desc>``, a ``viewBox`` that scales with
CSS, no script, no external resources; user text escaped. Hooks for tests and CSS:
``svg.ph-plan``, ``g.ph-plan-wave`` (``data-wave``, ``data-decide-by``, ``data-joint-start``),
``rect.ph-plan-tender``, ``rect.ph-plan-window``, ``line.ph-plan-today``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from procurehub.alignment.timeline import (
    BAND_GREY,
    BLUE,
    DARK_BLUE,
    FONT,
    LIGHT_BLUE,
    MID_GREY,
    RULE_GREY,
    TEXT,
    _a,
    _clean,
    _n,
    _t,
    _ticks,
    _truncate,
    format_date,
)

__all__ = ["PlanBar", "render_plan_svg"]

_PAD = 12
_TITLE_H = 28
_ROW_H = 40
_BAR_H = 14
_AXIS_H = 34
_LEGEND_H = 26
_FONT_SIZE = 13
_SMALL_FONT = 11


@dataclass(frozen=True)
class PlanBar:
    """One wave: ``label`` (e.g. "Food waste"), ``councils`` (names), its three dates."""

    wave_id: str
    label: str
    councils: str
    decide_by: date
    joint_start: date
    window_end: date
    status: str = ""


def _range(bars: Sequence[PlanBar], today: date) -> tuple[date, date]:
    dates = [today] + [d for b in bars for d in (b.decide_by, b.joint_start, b.window_end)]
    lo, hi = min(dates), max(dates)
    margin = max(30, round((hi - lo).days * 0.03))
    return lo - timedelta(days=margin), hi + timedelta(days=margin)


def render_plan_svg(bars: Sequence[PlanBar], *, today: date, title: str, width: int = 960) -> str:
    """The chart as an accessible ``<svg>`` string; zero waves give a chart that says so."""
    width = max(int(width), 480)
    lo, hi = _range(bars, today)
    span = max(1, (hi - lo).days)
    label_w = min(340, max(200, int(width * 0.34)))
    x0 = _PAD + label_w + 10
    x1 = width - _PAD - 8
    plot_w = x1 - x0

    def x_of(d: date) -> float:
        return x0 + (d - lo).days / span * plot_w

    uid = (
        "phplan-"
        + hashlib.sha1(
            repr((title, today, [(b.wave_id, b.decide_by) for b in bars])).encode()
        ).hexdigest()[:10]
    )
    title_text = _clean(title).strip() or "Tender plan"
    rows_y0 = _PAD + _TITLE_H + 18
    rows_y1 = rows_y0 + _ROW_H * max(1, len(bars))
    legend_y = rows_y1 + _AXIS_H + 8
    height = legend_y + _LEGEND_H + _PAD
    if bars:
        first = min(b.decide_by for b in bars)
        desc = (
            f"{len(bars)} joint tender{'s' if len(bars) != 1 else ''} in date order; the first "
            f"must start by {format_date(first)}. Each bar runs from the decide-by date to the "
            f"joint start, then the lighter part to the window end. Today is {format_date(today)}."
        )
    else:
        desc = f"No joint tenders in the plan. Today is {format_date(today)}."

    out: list[str] = []
    w = out.append
    w(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ph-plan" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{uid}-title {uid}-desc" '
        f'data-range-start="{lo.isoformat()}" data-range-end="{hi.isoformat()}" '
        f'font-family="{_a(FONT)}" font-size="{_FONT_SIZE}" fill="{TEXT}">'
    )
    w(f'<title id="{uid}-title">{_t(title_text)}</title>')
    w(f'<desc id="{uid}-desc">{_t(desc)}</desc>')
    w(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    w(
        f'<text x="{_PAD}" y="{_PAD + 16}" font-size="16" font-weight="bold">'
        f"{_t(_truncate(title_text, width - 2 * _PAD, 16))}</text>"
    )

    ticks = _ticks(lo, hi, plot_w)
    w('<g class="ph-plan-grid" aria-hidden="true">')
    for tick_date, level, show in ticks:
        if level != "year" or not show:
            continue
        x = _n(x_of(tick_date))
        w(f'<line x1="{x}" y1="{rows_y0}" x2="{x}" y2="{rows_y1}" stroke="{RULE_GREY}"/>')
        w(
            f'<text x="{x}" y="{rows_y1 + 18}" text-anchor="middle" font-size="{_SMALL_FONT}" '
            f'fill="{MID_GREY}">{tick_date.year}</text>'
        )
    w("</g>")

    w('<g class="ph-plan-rows">')
    if not bars:
        w(
            f'<text x="{_n(x0 + plot_w / 2)}" y="{rows_y0 + _ROW_H / 2 + 4}" '
            f'text-anchor="middle" fill="{MID_GREY}">No joint tenders to show</text>'
        )
    for i, bar in enumerate(bars):
        top = rows_y0 + i * _ROW_H
        mid = top + _ROW_H / 2
        label = f"{i + 1}. {_clean(bar.label)}"
        tooltip = (
            f"{label} ({_clean(bar.councils)}): decide by {format_date(bar.decide_by)}, joint "
            f"start {format_date(bar.joint_start)}, window ends {format_date(bar.window_end)}"
            + (f"; status: {_clean(bar.status)}" if bar.status else "")
        )
        w(
            f'<g class="ph-plan-wave" data-wave="{_a(bar.wave_id)}" '
            f'data-decide-by="{bar.decide_by.isoformat()}" '
            f'data-joint-start="{bar.joint_start.isoformat()}">'
        )
        w(f"<title>{_t(tooltip)}</title>")
        if i % 2 == 0:
            w(
                f'<rect x="{_PAD}" y="{top}" width="{width - 2 * _PAD}" height="{_ROW_H}" '
                f'fill="{BAND_GREY}"/>'
            )
        w(f'<text x="{_PAD + 6}" y="{_n(mid - 3)}">{_t(_truncate(label, label_w - 6))}</text>')
        w(
            f'<text x="{_PAD + 6}" y="{_n(mid + 12)}" font-size="{_SMALL_FONT}" '
            f'fill="{MID_GREY}">{_t(_truncate(_clean(bar.councils), label_w - 6, _SMALL_FONT))}'
            "</text>"
        )
        start_x = x_of(bar.decide_by)
        joint_x = max(x_of(bar.joint_start), start_x + 2)
        end_x = max(x_of(bar.window_end), joint_x)
        bar_y = _n(mid - _BAR_H / 2)
        w(
            f'<rect class="ph-plan-tender" x="{_n(start_x)}" y="{bar_y}" '
            f'width="{_n(joint_x - start_x)}" height="{_BAR_H}" fill="{DARK_BLUE}"/>'
        )
        if end_x > joint_x:
            w(
                f'<rect class="ph-plan-window" x="{_n(joint_x)}" y="{bar_y}" '
                f'width="{_n(end_x - joint_x)}" height="{_BAR_H}" fill="{LIGHT_BLUE}" '
                f'stroke="{BLUE}" stroke-width="1"/>'
            )
        w("</g>")
    w("</g>")

    tx = _n(x_of(today))
    w(
        f'<line class="ph-plan-today" x1="{tx}" y1="{rows_y0 - 6}" x2="{tx}" y2="{rows_y1}" '
        f'stroke="{MID_GREY}" stroke-width="1.5" stroke-dasharray="2 3" '
        f'data-date="{today.isoformat()}"/>'
    )
    w(
        f'<text x="{tx}" y="{rows_y0 - 9}" text-anchor="middle" font-size="{_SMALL_FONT}" '
        f'fill="{MID_GREY}">Today</text>'
    )

    lx = _PAD
    w('<g class="ph-plan-legend">')
    for kind, text in (
        ("tender", "Tender: from the decide-by date to the joint start"),
        ("window", "Joint start to window end"),
    ):
        fill, stroke = (DARK_BLUE, "none") if kind == "tender" else (LIGHT_BLUE, BLUE)
        w(f'<rect x="{lx}" y="{legend_y}" width="24" height="12" fill="{fill}" stroke="{stroke}"/>')
        w(f'<text x="{lx + 30}" y="{legend_y + 11}" font-size="12">{_t(text)}</text>')
        lx += 30 + int(len(text) * 12 * 0.5) + 24
    w("</g>")
    w("</svg>")
    return "".join(out)
