"""The benchmark bar chart: text is escaped, unknown figures say so, the median and quartiles
are labelled in words, and nothing runs in the browser."""

from __future__ import annotations

from xml.etree import ElementTree

from plugins.waste.bulky_chart import Bar, bar_chart_svg


def chart(bars, **kwargs):
    return bar_chart_svg(
        title="Cost per tonne, 2024-25",
        bars=bars,
        median=kwargs.get("median", 500.0),
        lower_quartile=kwargs.get("lower_quartile", 480.0),
        upper_quartile=kwargs.get("upper_quartile", 520.0),
        show=lambda v: f"£{v:,.2f}",
        described_by="table-cost_per_tonne",
    )


def test_chart_is_well_formed_and_escapes_names():
    svg = chart(
        [
            Bar("<script>alert(1)</script> & Co\x00", 520.0, "worse"),
            Bar("Fife Council", None),
            Bar("North Lanarkshire Council", 472.73, "better"),
        ]
    )
    root = ElementTree.fromstring(svg)  # parses: every name was escaped
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<script>alert(1)</script> & Co" in texts
    assert "not known" in texts and "£472.73 (better)" in texts
    assert "Median £500.00" in texts
    assert root.get("role") == "img" and root.get("aria-describedby") == "table-cost_per_tonne"
    assert "<script" not in svg and "onload" not in svg.lower()
    rects = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "ph-bar"]
    assert float(rects[0].get("width")) > float(rects[1].get("width"))  # 520 drawn longer


def test_chart_without_any_figure_says_so():
    svg = chart([Bar("Fife Council", None)], median=None, lower_quartile=None, upper_quartile=None)
    assert "No council has a figure for this measure." in svg
    assert 'class="ph-bar-median"' not in svg
