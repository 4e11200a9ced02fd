"""Contracts ending by quarter, per council: the counts the chart and its table show, and an
SVG that escapes names, says each number in text and runs nothing in the browser."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pytest

from procurehub.workstreams.ending_chart import (
    Quarter,
    ending_by_quarter,
    ending_chart_svg,
    quarter_of,
)

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 11, 27)  # in October to December 2026


def test_quarters_are_calendar_quarters_named_in_words():
    assert quarter_of(date(2027, 3, 31)) == Quarter(2027, 1)
    assert quarter_of(date(2027, 4, 1)) == Quarter(2027, 2)
    assert Quarter(2027, 1).label == "Jan\u2013Mar 2027"
    assert Quarter(2026, 4).label == "Oct\u2013Dec 2026"
    assert Quarter(2026, 4).next() == Quarter(2027, 1)


def test_counts_per_council_and_quarter_from_the_current_one():
    data = ending_by_quarter(
        [
            ("North Lanarkshire Council", date(2026, 12, 31)),  # this quarter
            ("North Lanarkshire Council", date(2026, 10, 1)),  # this quarter, already past
            ("North Lanarkshire Council", date(2027, 3, 31)),
            ("Glasgow City Council", date(2027, 1, 1)),
            ("Glasgow City Council", date(2026, 9, 30)),  # ended before this quarter
            ("Glasgow City Council", date(2029, 10, 1)),  # after the last quarter shown
            ("Glasgow City Council", None),
            ("fife Council", date(2029, 9, 30)),  # the last quarter shown
        ],
        today=TODAY,
        quarters=12,
    )
    assert data.quarters[0] == Quarter(2026, 4) and data.quarters[-1] == Quarter(2029, 3)
    assert data.councils == ["fife Council", "Glasgow City Council", "North Lanarkshire Council"]
    assert data.counts["North Lanarkshire Council"][:2] == [2, 1]
    assert data.counts["Glasgow City Council"][:2] == [0, 1]
    assert data.counts["fife Council"][-1] == 1
    assert data.ended == {
        "fife Council": 0,
        "Glasgow City Council": 1,
        "North Lanarkshire Council": 0,
    }
    assert data.later["Glasgow City Council"] == 1
    assert data.no_end_date["Glasgow City Council"] == 1
    assert data.totals[:2] == [2, 2] and sum(data.totals) == 5
    assert data.largest == 2


def test_a_council_with_nothing_in_the_window_still_has_a_row_of_zeros():
    data = ending_by_quarter([("Fife Council", None)], today=TODAY, quarters=4)
    assert data.councils == ["Fife Council"]
    assert data.counts["Fife Council"] == [0, 0, 0, 0]
    assert data.largest == 0


def test_no_contracts_and_bad_window():
    data = ending_by_quarter([], today=TODAY)
    assert data.councils == [] and len(data.quarters) == 12 and data.totals == [0] * 12
    assert "No contracts in this workstream." in ending_chart_svg(data, title="Waste")
    with pytest.raises(ValueError):
        ending_by_quarter([], today=TODAY, quarters=0)


def test_the_chart_escapes_names_writes_every_number_and_scales_bars():
    data = ending_by_quarter(
        [
            ("<script>alert(1)</script> & Co\x00", date(2027, 1, 15)),
            ("Fife Council", date(2027, 1, 15)),
            ("Fife Council", date(2027, 2, 15)),
        ],
        today=TODAY,
        quarters=4,
    )
    svg = ending_chart_svg(data, title="Waste contracts ending", described_by="ending-table")
    root = ElementTree.fromstring(svg)  # parses: every name was escaped
    assert root.get("role") == "img" and root.get("aria-describedby") == "ending-table"
    assert (
        "<script" not in svg
        and "style=" not in svg
        and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    )
    texts = [t.text for t in root.iter(SVG + "text")]
    assert "<script>alert(1)</script> & Co" in texts
    assert root.find(SVG + "desc").text.startswith("3 contracts of 2 councils end between")
    assert "the most, 3, in Jan\u2013Mar 2027" in root.find(SVG + "desc").text
    bars = [b for b in root.iter(SVG + "rect") if b.get("class") == "ph-ending-bar"]
    assert [b.get("data-count") for b in bars] == ["1", "2"]  # in council name order
    assert float(bars[1].get("height")) == pytest.approx(2 * float(bars[0].get("height")))
    assert all(b.get("fill") == "#002d54" for b in bars)  # the palette's dark blue
