"""A horizontal bar chart of one benchmark measure, drawn as inline SVG on the server.

Pure Python (no Flask): no script, no CDN, nothing fetched by the browser. Each council's name
sits above its bar so the chart reads on a phone as well as on a desk; the interquartile range
is a grey band and the median a dashed line, both labelled in words. The verdict against the
median is written beside each figure (never shown by colour alone), and the page shows the same
figures in a table, which is the chart's text alternative (`aria-describedby`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

# Scottish Government Design System palette.
BLUE = "#0065bd"
DARK_BLUE = "#002d54"
TEXT = "#333333"
MID_GREY = "#5e5e5e"
BAND_GREY = "#ebebeb"
RULE_GREY = "#b3b3b3"
FONT = "Roboto, 'Helvetica Neue', Arial, sans-serif"

WIDTH = 360
PAD = 8
TOP = 44  # two lanes above the rows: the band's legend, then the median's label
ROW_H = 42
LABEL_H = 16
BAR_H = 14
VALUE_ROOM = 118  # right of the longest bar, for "£1,234.56 (better)"
FONT_SIZE = 13
SMALL = 11
MAX_LABEL = 44
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Bar:
    """One council on the chart: `value` None means not known."""

    label: str
    value: float | None
    verdict: str | None = None


def _text(value: str) -> str:
    value = _XML_ILLEGAL.sub("", value)
    if len(value) > MAX_LABEL:
        value = value[: MAX_LABEL - 1] + "\u2026"
    return escape(value, {'"': "&quot;"})


def bar_chart_svg(
    *,
    title: str,
    bars: Sequence[Bar],
    median: float | None,
    lower_quartile: float | None,
    upper_quartile: float | None,
    show: Callable[[float], str],
    described_by: str | None = None,
) -> str:
    """The chart as an `<svg>` string (safe to insert into a page: all text escaped)."""
    known = [b.value for b in bars if b.value is not None]
    scale_top = max(known + [upper_quartile or 0.0, 0.0])
    scale_top = scale_top * 1.05 if scale_top > 0 else 1.0
    plot_w = WIDTH - 2 * PAD - VALUE_ROOM

    def x(value: float) -> float:
        return round(PAD + plot_w * max(value, 0.0) / scale_top, 2)

    height = TOP + ROW_H * max(len(bars), 1) + PAD
    rows_bottom = height - PAD
    summary = (
        f"Median {show(median)}; middle half of councils from {show(lower_quartile)} to "
        f"{show(upper_quartile)}."
        if median is not None and lower_quartile is not None and upper_quartile is not None
        else "No council has a figure for this measure."
    )
    parts = [
        f'<svg class="ph-bar-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="{escape(FONT, {chr(34): "&quot;"})}"'
        + (f' aria-describedby="{_text(described_by)}"' if described_by else "")
        + ">",
        f"<title>{_text(title)}</title>",
        f"<desc>{_text(summary)}</desc>",
    ]
    if lower_quartile is not None and upper_quartile is not None:
        left, right = x(lower_quartile), x(upper_quartile)
        parts.append(
            f'<rect class="ph-bar-iqr" x="{left}" y="{TOP - 6}" width="{max(right - left, 1)}" '
            f'height="{rows_bottom - TOP + 6}" fill="{BAND_GREY}"/>'
        )
        parts.append(
            f'<rect x="{PAD}" y="3" width="10" height="10" fill="{BAND_GREY}" '
            f'stroke="{RULE_GREY}"/>'
            f'<text x="{PAD + 14}" y="{SMALL + 1}" font-size="{SMALL}" fill="{MID_GREY}">'
            f"Middle half of councils (lower to upper quartile)</text>"
        )
    if median is not None:
        mx = x(median)
        anchor = "end" if mx > WIDTH / 2 else "start"
        offset = -4 if anchor == "end" else 4
        parts.append(
            f'<line class="ph-bar-median" x1="{mx}" y1="{TOP - 8}" x2="{mx}" y2="{rows_bottom}" '
            f'stroke="{DARK_BLUE}" stroke-width="2" stroke-dasharray="5 3"/>'
        )
        parts.append(
            f'<text x="{mx + offset}" y="{TOP - 10}" font-size="{SMALL}" fill="{DARK_BLUE}" '
            f'text-anchor="{anchor}" font-weight="bold">Median {_text(show(median))}</text>'
        )
    for index, bar in enumerate(bars):
        y = TOP + index * ROW_H
        parts.append(f'<g class="ph-bar-row" data-value="{"" if bar.value is None else bar.value}">')
        parts.append(
            f'<text x="{PAD}" y="{y + LABEL_H - 3}" font-size="{FONT_SIZE}" fill="{TEXT}">'
            f"{_text(bar.label)}</text>"
        )
        bar_y = y + LABEL_H + 2
        if bar.value is None:
            parts.append(
                f'<text x="{PAD}" y="{bar_y + BAR_H - 2}" font-size="{SMALL}" '
                f'fill="{MID_GREY}" font-style="italic">not known</text>'
            )
        else:
            end = x(bar.value)
            width = max(end - PAD, 1)
            verdict = f" ({bar.verdict})" if bar.verdict else ""
            parts.append(
                f'<rect class="ph-bar" x="{PAD}" y="{bar_y}" width="{round(width, 2)}" '
                f'height="{BAR_H}" fill="{BLUE}"/>'
            )
            parts.append(
                f'<text x="{end + 6}" y="{bar_y + BAR_H - 2}" font-size="{SMALL}" '
                f'fill="{TEXT}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                f"{_text(show(bar.value) + verdict)}</text>"
            )
        parts.append("</g>")
    parts.append(
        f'<line x1="{PAD}" y1="{TOP - 6}" x2="{PAD}" y2="{rows_bottom}" stroke="{RULE_GREY}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
