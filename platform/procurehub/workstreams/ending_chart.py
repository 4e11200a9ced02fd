"""Contracts ending by quarter, per council: the counts and a small-multiples bar chart.

Pure Python (no Flask, no database): the view passes (council name, end date) pairs and gets
back the counts, which the page shows as a table (the chart's text alternative), and an inline
SVG drawn on the server: no script, no CDN, nothing fetched by the browser.

One row per council, named above its bars (so the chart reads on a phone), one bar per
calendar quarter from the current one, all on one scale so councils compare. The number is
written above every bar, so nothing depends on judging a height or telling colours apart. The
bars use dark blue, the first colour of the Scottish Government's chart palette.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

__all__ = ["EndingByQuarter", "Quarter", "ending_by_quarter", "ending_chart_svg", "quarter_of"]

# Scottish Government data visualisation palette (main: dark blue) and design system greys.
DARK_BLUE = "#002d54"
TEXT = "#333333"
MID_GREY = "#5e5e5e"
RULE_GREY = "#b3b3b3"
BAND_GREY = "#f8f8f8"
FONT = "Roboto, 'Helvetica Neue', Arial, sans-serif"

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DEFAULT_QUARTERS = 12
MAX_LABEL = 48
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``number`` 1 is January to March."""

    year: int
    number: int

    @property
    def label(self) -> str:
        """In words, e.g. "Jan–Mar 2027"."""
        first = MONTHS[(self.number - 1) * 3]
        last = MONTHS[(self.number - 1) * 3 + 2]
        return f"{first}\u2013{last} {self.year}"

    @property
    def short(self) -> str:
        """For a narrow column: "Q1"."""
        return f"Q{self.number}"

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


@dataclass
class EndingByQuarter:
    """The counts behind the chart and its table.

    ``counts[council][i]`` is how many of that council's contracts end in ``quarters[i]``;
    ``ended`` those that ended before the first quarter shown, ``later`` after the last,
    ``no_end_date`` those whose register gives no end date.
    """

    quarters: list[Quarter]
    councils: list[str]
    counts: dict[str, list[int]] = field(default_factory=dict)
    ended: dict[str, int] = field(default_factory=dict)
    later: dict[str, int] = field(default_factory=dict)
    no_end_date: dict[str, int] = field(default_factory=dict)

    @property
    def totals(self) -> list[int]:
        """Every council together, per quarter."""
        return [sum(self.counts[c][i] for c in self.councils) for i in range(len(self.quarters))]

    @property
    def largest(self) -> int:
        return max((n for row in self.counts.values() for n in row), default=0)


def ending_by_quarter(
    contracts: Iterable[tuple[str, date | None]], *, today: date, quarters: int = DEFAULT_QUARTERS
) -> EndingByQuarter:
    """Count (council name, end date) pairs into ``quarters`` calendar quarters from today's.

    Councils come in name order; a council with contracts but none in the window still gets a
    row (of zeros), so the table lists every council of the workstream.
    """
    if quarters < 1:
        raise ValueError("quarters must be at least 1")
    first = quarter_of(today)
    shown = [first]
    while len(shown) < quarters:
        shown.append(shown[-1].next())
    index = {q: i for i, q in enumerate(shown)}
    pairs = list(contracts)
    names = sorted({name for name, _ in pairs}, key=lambda n: (n.casefold(), n))
    result = EndingByQuarter(
        quarters=shown,
        councils=names,
        counts={n: [0] * quarters for n in names},
        ended=dict.fromkeys(names, 0),
        later=dict.fromkeys(names, 0),
        no_end_date=dict.fromkeys(names, 0),
    )
    for name, end in pairs:
        if end is None:
            result.no_end_date[name] += 1
            continue
        quarter = quarter_of(end)
        if quarter < first:
            result.ended[name] += 1
        elif quarter in index:
            result.counts[name][index[quarter]] += 1
        else:
            result.later[name] += 1
    return result


def _text(value: str, limit: int = MAX_LABEL) -> str:
    value = _XML_ILLEGAL.sub("", value)
    if len(value) > limit:
        value = value[: limit - 1] + "\u2026"
    return escape(value, {'"': "&quot;"})


# Layout (user units; the SVG scales to its container, about 1:1 on a phone).
PAD = 8
COL_W = 30
BAR_W = 20
HEAD_H = 34  # quarter and year labels above the rows
NAME_H = 18
PLOT_H = 40  # tallest bar plus the number above it
ROW_GAP = 10
FONT_SIZE = 13
SMALL = 11


def ending_chart_svg(data: EndingByQuarter, *, title: str, described_by: str | None = None) -> str:
    """The chart as an ``<svg>`` string, safe to insert into a page (all text escaped)."""
    n = len(data.quarters)
    width = 2 * PAD + COL_W * n
    row_h = NAME_H + PLOT_H + ROW_GAP
    height = HEAD_H + row_h * max(len(data.councils), 1) + PAD
    top = max(data.largest, 1)
    bar_room = PLOT_H - SMALL - 6
    total = sum(data.totals)
    if data.councils:
        busiest = max(range(n), key=lambda i: (data.totals[i], -i))
        summary = (
            f"{total} contract{'s' if total != 1 else ''} of {len(data.councils)} "
            f"council{'s' if len(data.councils) != 1 else ''} end between "
            f"{data.quarters[0].label} and {data.quarters[-1].label}"
            + (
                f"; the most, {data.totals[busiest]}, in {data.quarters[busiest].label}."
                if total
                else "."
            )
        )
    else:
        summary = "No contracts in this workstream."
    out = [
        f'<svg class="ph-ending-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'font-family="{_text(FONT)}" font-size="{FONT_SIZE}" fill="{TEXT}"'
        + (f' aria-describedby="{_text(described_by)}"' if described_by else "")
        + ">",
        f"<title>{_text(title, 200)}</title>",
        f"<desc>{_text(summary, 400)}</desc>",
    ]
    for i, quarter in enumerate(data.quarters):
        cx = PAD + COL_W * i + COL_W / 2
        if i % 2 == 0:
            out.append(
                f'<rect x="{PAD + COL_W * i}" y="0" width="{COL_W}" height="{height - PAD}" '
                f'fill="{BAND_GREY}"/>'
            )
        out.append(
            f'<text x="{cx}" y="{SMALL + 2}" font-size="{SMALL}" text-anchor="middle" '
            f'fill="{MID_GREY}">{quarter.short}</text>'
        )
        if i == 0 or quarter.number == 1:
            out.append(
                f'<text x="{PAD + COL_W * i + 2}" y="{2 * SMALL + 6}" font-size="{SMALL}" '
                f'font-weight="bold" fill="{TEXT}">{quarter.year}</text>'
            )
    for row, name in enumerate(data.councils):
        y = HEAD_H + row * row_h
        base = y + NAME_H + PLOT_H
        out.append(f'<g class="ph-ending-council" data-council="{_text(name, 200)}">')
        out.append(f'<text x="{PAD}" y="{y + NAME_H - 4}" font-weight="bold">{_text(name)}</text>')
        for i, count in enumerate(data.counts[name]):
            cx = PAD + COL_W * i + COL_W / 2
            h = round(bar_room * count / top, 2)
            if count:
                out.append(
                    f'<rect class="ph-ending-bar" x="{cx - BAR_W / 2}" y="{round(base - h, 2)}" '
                    f'width="{BAR_W}" height="{h}" fill="{DARK_BLUE}" '
                    f'data-quarter="{data.quarters[i].label}" data-count="{count}"/>'
                )
            out.append(
                f'<text x="{cx}" y="{round(base - h - 3, 2)}" font-size="{SMALL}" '
                f'text-anchor="middle" fill="{TEXT if count else MID_GREY}">{count}</text>'
            )
        out.append(
            f'<line x1="{PAD}" y1="{base}" x2="{width - PAD}" y2="{base}" stroke="{RULE_GREY}"/>'
        )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
