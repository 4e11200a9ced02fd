"""Server-rendered timeline chart of a renewal-alignment opportunity (inline SVG, stdlib only).

Shown on an opportunity's detail page (DESIGN §3 "Renewal alignment"): one row per member,
grouped by council, with

* the member's renewal window ``[start, end]`` as a solid blue bar (``start`` is the window
  start: the end date, or today when that has passed; ``end`` is the latest extension date);
* the stretched part ``(end, stretched_end]`` (the tolerance for a short interim extension)
  as a light-blue hatched bar;
* vertical markers, each with a text label (never colour alone): the joint start, the
  decision deadline (red, "(overdue)" when it is before today) and today;
* a date axis (year ticks; quarter ticks when the span is under four years; month ticks when
  it is under a year) and a legend.

:func:`render_timeline_svg` returns a self-contained ``<svg>`` string: ``role="img"`` with a
``<title>`` and ``<desc>`` (number of councils, joint start, decision deadline, overdue or
not), a ``viewBox`` so it scales with CSS (``width="100%"``), and every piece of user text
escaped (labels come from uploaded registers). The page shows the same data in a table, which
is the text alternative for the row-by-row details.

Elements carry classes and ``data-*`` attributes so templates, tests and CSS can find them:

* root ``svg.ph-timeline`` with ``data-range-start`` / ``data-range-end`` (ISO dates of the
  visible range);
* ``g.ph-tl-row`` per row (``data-council``), containing ``text.ph-tl-label``,
  ``rect.ph-tl-window`` and, when ``stretched_end > end``, ``rect.ph-tl-stretch``;
* ``line.ph-tl-marker`` with ``ph-tl-joint-start`` / ``ph-tl-deadline`` (plus
  ``ph-tl-overdue``) / ``ph-tl-today`` and ``data-date``;
* ``g.ph-tl-tick`` with ``data-date``, ``data-x`` and ``data-level`` (``year``/``quarter``/
  ``month``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

__all__ = ["TimelineRow", "format_date", "render_timeline_svg"]

# Scottish Government design system palette.
BLUE = "#0065bd"
LIGHT_BLUE = "#d9effc"
DARK_BLUE = "#002d54"
RED = "#d32205"
TEXT = "#333333"
MID_GREY = "#5e5e5e"
RULE_GREY = "#b3b3b3"
GRID_GREY = "#ebebeb"
BAND_GREY = "#f8f8f8"
FONT = "Roboto, 'Helvetica Neue', Arial, sans-serif"

COUNCIL_SEPARATOR = " \u2014 "  # "Fife Council — FC-2019-014"
ELLIPSIS = "\u2026"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Characters XML 1.0 does not allow (an uploaded register may contain them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Layout (user units of the viewBox).
_PAD = 12
_TITLE_H = 28
_LANE_H = 18  # one lane per marker label, above the rows
_ROW_H = 34
_BAR_H = 14
_AXIS_H = 34
_LEGEND_ROW_H = 22
_FONT_SIZE = 13
_SMALL_FONT = 11
_CHAR_W = 0.58  # average glyph width / font size, slightly generous so labels never overflow


@dataclass(frozen=True)
class TimelineRow:
    """One member of an opportunity.

    ``council`` is optional: when empty, the council is the part of ``label`` before
    ``" — "`` (or the whole label). Rows of one council are drawn next to each other.
    """

    label: str  # e.g. "Fife Council — FC-2019-014"
    start: date  # window start (end_date, or today if passed)
    end: date  # max_end_date (end of the firm window)
    stretched_end: date  # end + tolerance
    note: str = ""  # e.g. "interest: maybe"
    council: str = ""

    @property
    def council_name(self) -> str:
        if self.council:
            return self.council
        return self.label.split(COUNCIL_SEPARATOR, 1)[0].strip() or self.label


def format_date(d: date) -> str:
    """``30 Jun 2028`` (locale-independent)."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _clean(text: object) -> str:
    return _XML_ILLEGAL.sub("", str(text))


def _t(text: object) -> str:
    """Escape for element content."""
    return escape(_clean(text))


def _a(text: object) -> str:
    """Escape for a double-quoted attribute value."""
    return escape(_clean(text), {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _as_date(d: date) -> date:
    return d.date() if isinstance(d, datetime) else d


def _n(value: float) -> str:
    """A coordinate, rounded to 0.1 and without a trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text_width(text: str, size: float = _FONT_SIZE) -> float:
    return len(text) * size * _CHAR_W


def _truncate(text: str, max_width: float, size: float = _FONT_SIZE) -> str:
    max_chars = max(1, int(max_width / (size * _CHAR_W)))
    if len(text) <= max_chars:
        return text
    return text[: max(0, max_chars - 1)].rstrip() + ELLIPSIS


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _visible_range(rows: Sequence[TimelineRow], anchors: Sequence[date]) -> tuple[date, date]:
    dates = list(anchors)
    for row in rows:
        dates.extend((row.start, row.end, row.stretched_end))
    lo, hi = min(dates), max(dates)
    span = (hi - lo).days
    margin = max(20, round(span * 0.04))
    if span + 2 * margin < 120:  # identical or very close dates: show at least ~4 months
        margin = (120 - span + 1) // 2
    return lo - timedelta(days=margin), hi + timedelta(days=margin)


def _ticks(lo: date, hi: date, plot_w: float) -> list[tuple[date, str, bool]]:
    """``(date, level, labelled)`` for every tick inside ``[lo, hi]``, in date order."""
    span_days = max(1, (hi - lo).days)
    px_per_day = plot_w / span_days
    levels = {1: "month", 3: "quarter", 12: "year"}
    steps = [12]
    if span_days < 4 * 365:
        steps.append(3)
    if span_days < 366:
        steps.append(1)
    finest = min(steps)
    ticks: list[tuple[date, str, bool]] = []
    d = _add_months(lo, 0 if lo.day == 1 else 1)
    d = _add_months(d, -(d.month - 1) % finest)  # first month on the finest step
    while d <= hi:
        month_index = d.month - 1
        step = max(s for s in steps if month_index % s == 0)
        ticks.append((d, levels[step], False))
        d = _add_months(d, finest)
    # Labels: every year when there is room, else every 2nd/5th/10th/... year; minor ticks
    # only when they have room of their own.
    year_px = 365 * px_per_day
    year_every = next((k for k in (1, 2, 5, 10, 20, 50, 100) if year_px * k >= 44), 200)
    minor_px = {"quarter": 91 * px_per_day, "month": 30 * px_per_day}
    return [
        (d, level, d.year % year_every == 0 if level == "year" else minor_px[level] >= 40)
        for d, level, _ in ticks
    ]


# --------------------------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------------------------


def render_timeline_svg(
    rows: Sequence[TimelineRow],
    *,
    joint_start: date,
    decision_deadline: date,
    today: date,
    title: str,
    width: int = 960,
) -> str:
    """Render the opportunity's timeline as an accessible inline SVG string.

    Rows are drawn grouped by council (councils in order of first appearance, rows of a
    council in their given order). The visible range is ``min(starts, decision_deadline,
    today)`` to ``max(stretched ends, joint_start)`` plus a small margin. Never raises on odd
    data: zero rows (an empty chart with a message), one-day windows, identical dates, a
    window whose start is after its end, a deadline far in the past, very long labels
    (truncated with an ellipsis; the full label is the row's tooltip).
    """
    joint_start = _as_date(joint_start)
    decision_deadline = _as_date(decision_deadline)
    today = _as_date(today)
    rows = [
        TimelineRow(
            label=_clean(r.label),
            start=_as_date(r.start),
            end=_as_date(r.end),
            stretched_end=_as_date(r.stretched_end),
            note=_clean(r.note),
            council=_clean(r.council),
        )
        for r in rows
    ]
    width = max(int(width), 480)
    overdue = decision_deadline < today

    # Group rows by council, councils in order of first appearance.
    groups: dict[str, list[TimelineRow]] = {}
    for row in rows:
        groups.setdefault(row.council_name, []).append(row)
    ordered = [(council, row) for council, members in groups.items() for row in members]
    n_councils = len(groups)

    uid = (
        "phtl-"
        + hashlib.sha1(
            repr(
                (title, joint_start, decision_deadline, today, [(r.label, r.start) for r in rows])
            ).encode()
        ).hexdigest()[:10]
    )

    lo, hi = _visible_range(rows, (joint_start, decision_deadline, today))
    span_days = max(1, (hi - lo).days)

    label_w = min(320, max(180, int(width * 0.3)))
    plot_x0 = _PAD + label_w + 10
    plot_x1 = width - _PAD - 8
    plot_w = plot_x1 - plot_x0

    def x_of(d: date) -> float:
        return plot_x0 + (d - lo).days / span_days * plot_w

    title_text = _clean(title).strip()
    y = _PAD
    title_y = y + 16 if title_text else None
    if title_text:
        y += _TITLE_H
    lanes_y0 = y
    y += 3 * _LANE_H
    rows_y0 = y
    rows_h = _ROW_H * max(1, len(ordered))
    rows_y1 = rows_y0 + rows_h
    axis_y = rows_y1

    # Markers (drawn on top of the bars); one label lane each so labels never overlap.
    deadline_label = f"Decide by {format_date(decision_deadline)}" + (
        " (overdue)" if overdue else ""
    )
    markers = [
        ("ph-tl-today", today, "Today", MID_GREY, "1.5", "2 3", False),
        (
            "ph-tl-deadline" + (" ph-tl-overdue" if overdue else ""),
            decision_deadline,
            deadline_label,
            RED if overdue else TEXT,
            "2",
            "7 4",
            overdue,
        ),
        (
            "ph-tl-joint-start",
            joint_start,
            f"Joint start {format_date(joint_start)}",
            DARK_BLUE,
            "2",
            "",
            True,
        ),
    ]

    # Legend items: (kind, text, colour, dash).
    legend_items: list[tuple[str, str, str, str]] = [
        ("window", "Renewal window (end date to last extension)", BLUE, ""),
        ("stretch", "Interim extension (tolerance)", BLUE, ""),
        ("line", "Joint start", DARK_BLUE, ""),
        ("line", "Decision deadline" + (" (overdue)" if overdue else ""), markers[1][3], "7 4"),
        ("line", "Today", MID_GREY, "2 3"),
    ]
    legend_layout: list[tuple[float, float, tuple[str, str, str, str]]] = []
    lx, ly = float(_PAD), axis_y + _AXIS_H + 8
    for item in legend_items:
        item_w = 30 + len(item[1]) * 12 * 0.48 + 22
        if lx + item_w > width - _PAD and lx > _PAD:
            lx, ly = float(_PAD), ly + _LEGEND_ROW_H
        legend_layout.append((lx, ly, item))
        lx += item_w
    height = int(ly + _LEGEND_ROW_H + _PAD)

    # Summary for assistive technology.
    if ordered:
        who = (
            f"renewal windows of {_plural(len(ordered), 'contract')} from "
            f"{_plural(n_councils, 'council')}"
        )
    else:
        who = "no renewal windows (0 councils)"
    desc = (
        f"Timeline of {who}. Joint start {format_date(joint_start)}. Decision deadline "
        f"{format_date(decision_deadline)}, "
        + ("overdue" if overdue else "not overdue")
        + f". Today is {format_date(today)}."
    )

    out: list[str] = []
    w = out.append
    w(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ph-timeline" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{uid}-title {uid}-desc" '
        f'data-range-start="{lo.isoformat()}" data-range-end="{hi.isoformat()}" '
        f'font-family="{_a(FONT)}" font-size="{_FONT_SIZE}" fill="{TEXT}">'
    )
    w(f'<title id="{uid}-title">{_t(title_text or "Renewal timeline")}</title>')
    w(f'<desc id="{uid}-desc">{_t(desc)}</desc>')
    w(
        f'<defs><pattern id="{uid}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{LIGHT_BLUE}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{BLUE}" stroke-width="1.5" '
        f'stroke-opacity="0.45"/></pattern></defs>'
    )
    w(f'<rect class="ph-tl-background" width="{width}" height="{height}" fill="#ffffff"/>')
    if title_text:
        w(
            f'<text class="ph-tl-title" x="{_PAD}" y="{title_y}" font-size="16" '
            f'font-weight="bold">{_t(_truncate(title_text, width - 2 * _PAD, 16))}</text>'
        )

    # Council bands (alternating background per council) and grid lines.
    w('<g class="ph-tl-bands">')
    row_index = 0
    for band, (council, members) in enumerate(groups.items()):
        top = rows_y0 + row_index * _ROW_H
        if band % 2 == 0:
            w(
                f'<rect x="{_PAD}" y="{top}" width="{width - 2 * _PAD}" '
                f'height="{_ROW_H * len(members)}" fill="{BAND_GREY}" data-council="{_a(council)}"/>'
            )
        if band:
            w(
                f'<line x1="{_PAD}" y1="{top}" x2="{width - _PAD}" y2="{top}" '
                f'stroke="{RULE_GREY}" stroke-width="1"/>'
            )
        row_index += len(members)
    w("</g>")

    ticks = _ticks(lo, hi, plot_w)
    w('<g class="ph-tl-grid" aria-hidden="true">')
    for tick_date, level, show in ticks:
        if level == "month" or not show or not ordered:  # no grid through the empty message
            continue
        x = _n(x_of(tick_date))
        colour = RULE_GREY if level == "year" else GRID_GREY
        w(
            f'<line x1="{x}" y1="{rows_y0}" x2="{x}" y2="{rows_y1}" stroke="{colour}" '
            f'stroke-width="1"/>'
        )
    w("</g>")

    # Rows.
    w('<g class="ph-tl-rows">')
    if not ordered:
        w(
            f'<text class="ph-tl-empty" x="{_n(plot_x0 + plot_w / 2)}" '
            f'y="{rows_y0 + _ROW_H / 2 + 4}" text-anchor="middle" fill="{MID_GREY}">'
            f"No renewal windows to show</text>"
        )
    for i, (council, row) in enumerate(ordered):
        mid = rows_y0 + i * _ROW_H + _ROW_H / 2
        firm_end = max(row.end, row.start)
        stretch_end = max(row.stretched_end, firm_end)
        x0 = x_of(row.start)
        x1 = max(x_of(firm_end), x0 + 2)  # a one-day window is still visible
        tooltip = f"{row.label}: renewal window {format_date(row.start)} to {format_date(row.end)}"
        if stretch_end > firm_end:
            tooltip += f", stretched to {format_date(row.stretched_end)}"
        if row.note:
            tooltip += f" ({row.note})"
        w(f'<g class="ph-tl-row" data-council="{_a(council)}">')
        w(f"<title>{_t(tooltip)}</title>")
        label_y = mid - 2 if row.note else mid + 4.5
        w(
            f'<text class="ph-tl-label" x="{_PAD + 6}" y="{_n(label_y)}">'
            f"{_t(_truncate(row.label, label_w - 6))}</text>"
        )
        if row.note:
            w(
                f'<text class="ph-tl-note" x="{_PAD + 6}" y="{_n(mid + 12)}" '
                f'font-size="{_SMALL_FONT}" fill="{MID_GREY}">'
                f"{_t(_truncate(row.note, label_w - 6, _SMALL_FONT))}</text>"
            )
        bar_y = _n(mid - _BAR_H / 2)
        w(
            f'<rect class="ph-tl-window" x="{_n(x0)}" y="{bar_y}" width="{_n(x1 - x0)}" '
            f'height="{_BAR_H}" fill="{BLUE}" data-start="{row.start.isoformat()}" '
            f'data-end="{row.end.isoformat()}"/>'
        )
        if stretch_end > firm_end:
            sx1 = max(x_of(stretch_end), x1 + 2)
            w(
                f'<rect class="ph-tl-stretch" x="{_n(x1)}" y="{bar_y}" '
                f'width="{_n(sx1 - x1)}" height="{_BAR_H}" fill="url(#{uid}-hatch)" '
                f'stroke="{BLUE}" stroke-width="1" '
                f'data-start="{firm_end.isoformat()}" data-end="{stretch_end.isoformat()}"/>'
            )
        w("</g>")
    w("</g>")

    # Axis.
    w(f'<g class="ph-tl-axis" font-size="{_SMALL_FONT + 1}">')
    w(
        f'<line x1="{plot_x0}" y1="{axis_y}" x2="{plot_x1}" y2="{axis_y}" stroke="{TEXT}" '
        f'stroke-width="1"/>'
    )
    first_year = next((d.year for d, level, _ in ticks if level == "year"), None)
    year_shown = False
    for tick_date, level, show in ticks:
        x = x_of(tick_date)
        length = {"year": 7, "quarter": 4, "month": 3}[level]
        w(
            f'<g class="ph-tl-tick" data-date="{tick_date.isoformat()}" data-x="{_n(x)}" '
            f'data-level="{level}">'
        )
        w(
            f'<line x1="{_n(x)}" y1="{axis_y}" x2="{_n(x)}" y2="{axis_y + length}" '
            f'stroke="{TEXT}" stroke-width="1"/>'
        )
        if show:
            if level == "year":
                text, weight = str(tick_date.year), ' font-weight="bold"'
                year_shown = True
            else:
                text, weight = _MONTHS[tick_date.month - 1], ""
                if not year_shown and (first_year is None or tick_date.year != first_year):
                    text += f" {tick_date.year}"  # no year label yet: say which year
                    year_shown = True
            anchor = "middle"
            if x - _text_width(text, 12) / 2 < plot_x0 - 6:
                anchor = "start"
            elif x + _text_width(text, 12) / 2 > width - 2:
                anchor = "end"
            w(
                f'<text x="{_n(x)}" y="{axis_y + 21}" text-anchor="{anchor}"{weight}>'
                f"{_t(text)}</text>"
            )
        w("</g>")
    w("</g>")

    # Markers.
    w('<g class="ph-tl-markers">')
    for lane, (cls, when, text, colour, stroke_w, dash, bold) in enumerate(markers):
        x = x_of(when)
        lane_top = lanes_y0 + lane * _LANE_H
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        w(f'<g class="ph-tl-marker-group" data-date="{when.isoformat()}">')
        w(
            f'<line class="ph-tl-marker {cls}" x1="{_n(x)}" y1="{lane_top + 4}" x2="{_n(x)}" '
            f'y2="{axis_y}" stroke="{colour}" stroke-width="{stroke_w}"{dash_attr} '
            f'data-date="{when.isoformat()}"/>'
        )
        text_w = _text_width(text, 12)
        if x + 5 + text_w <= width - _PAD:
            tx, anchor = x + 5, "start"
        else:
            tx, anchor = x - 5, "end"
        weight = ' font-weight="bold"' if bold else ""
        w(
            f'<text class="ph-tl-marker-label {cls}" x="{_n(tx)}" y="{lane_top + 14}" '
            f'text-anchor="{anchor}" font-size="12" fill="{colour}"{weight}>{_t(text)}</text>'
        )
        w("</g>")
    w("</g>")

    # Legend.
    w('<g class="ph-tl-legend" font-size="12">')
    for lx, ly, (kind, text, colour, dash) in legend_layout:
        cy = ly + _LEGEND_ROW_H / 2
        if kind == "window":
            w(f'<rect x="{_n(lx)}" y="{_n(cy - 6)}" width="24" height="12" fill="{BLUE}"/>')
        elif kind == "stretch":
            w(
                f'<rect x="{_n(lx)}" y="{_n(cy - 6)}" width="24" height="12" '
                f'fill="url(#{uid}-hatch)" stroke="{BLUE}" stroke-width="1"/>'
            )
        else:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            w(
                f'<line x1="{_n(lx + 12)}" y1="{_n(cy - 8)}" x2="{_n(lx + 12)}" '
                f'y2="{_n(cy + 8)}" stroke="{colour}" stroke-width="2"{dash_attr}/>'
            )
        w(f'<text x="{_n(lx + 30)}" y="{_n(cy + 4)}">{_t(text)}</text>')
    w("</g>")
    w("</svg>")
    return "".join(out)
