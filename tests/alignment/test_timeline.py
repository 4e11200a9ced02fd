"""Tests of the opportunity timeline chart (procurehub.alignment.timeline).

Every chart is parsed with xml.etree.ElementTree (it must be well-formed XML); positions are
checked against the chart's own date axis (the ``data-date``/``data-x`` of its ticks), so the
tests do not depend on the layout constants.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurehub.alignment.timeline import (
    BLUE,
    LIGHT_BLUE,
    RED,
    TimelineRow,
    format_date,
    render_timeline_svg,
)

NS = "{http://www.w3.org/2000/svg}"

ROWS = [
    TimelineRow(
        "Fife Council — FC-2019-014",
        date(2026, 3, 31),
        date(2028, 3, 31),
        date(2028, 9, 30),
        "interest: yes",
    ),
    TimelineRow(
        "Dundee City Council — DCC-W-2018-3",
        date(2027, 6, 30),
        date(2028, 6, 30),
        date(2028, 12, 31),
        "interest: maybe",
    ),
    TimelineRow(
        "Fife Council — FC-2020-101", date(2026, 11, 1), date(2029, 1, 31), date(2029, 7, 31)
    ),
    # No tolerance: no stretched part.
    TimelineRow("Angus Council — AC-17", date(2028, 6, 30), date(2029, 6, 30), date(2029, 6, 30)),
]
JOINT = date(2028, 6, 30)
DEADLINE = date(2025, 6, 30)
TODAY = date(2026, 3, 12)


def render(rows=ROWS, *, joint_start=JOINT, decision_deadline=DEADLINE, today=TODAY, **kw):
    kw.setdefault("title", "Residual waste treatment")
    return render_timeline_svg(
        rows, joint_start=joint_start, decision_deadline=decision_deadline, today=today, **kw
    )


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in el.get("class", "").split()]


def one(root: ET.Element, cls: str) -> ET.Element:
    found = by_class(root, cls)
    assert len(found) == 1, (cls, len(found))
    return found[0]


def text_of(el: ET.Element) -> str:
    return "".join(el.itertext())


def all_text(root: ET.Element) -> str:
    return "\n".join(text_of(el) for el in root.iter(f"{NS}text"))


def axis(root: ET.Element) -> list[tuple[date, float]]:
    ticks = [
        (date.fromisoformat(t.get("data-date")), float(t.get("data-x")))
        for t in by_class(root, "ph-tl-tick")
    ]
    assert len(ticks) >= 2
    return ticks


def x_on_axis(root: ET.Element, d: date) -> float:
    """Where ``d`` falls on the chart's axis (linear through its first and last tick)."""
    ticks = axis(root)
    (d0, x0), (d1, x1) = ticks[0], ticks[-1]
    return x0 + (d - d0).days * (x1 - x0) / (d1 - d0).days


def marker_x(root: ET.Element, cls: str) -> float:
    lines = [el for el in by_class(root, cls) if el.tag == f"{NS}line"]
    assert len(lines) == 1, (cls, len(lines))
    line = lines[0]
    assert line.get("x1") == line.get("x2")  # vertical
    return float(line.get("x1"))


# --------------------------------------------------------------------------------------------
# structure and accessibility
# --------------------------------------------------------------------------------------------


def test_accessible_scalable_svg():
    root = parse(render())
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    vb = [float(v) for v in root.get("viewBox").split()]
    assert vb[:3] == [0, 0, 960] and vb[3] > 0
    title = root.find(f"{NS}title")
    desc = root.find(f"{NS}desc")
    assert title is not None and title.text == "Residual waste treatment"
    assert desc is not None
    # aria-labelledby points at the title and desc.
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    # 3 distinct councils (Fife has two contracts), 4 contracts.
    assert "3 councils" in desc.text and "4 contracts" in desc.text
    assert f"Joint start {format_date(JOINT)}" in desc.text
    assert f"Decision deadline {format_date(DEADLINE)}, overdue" in desc.text


def test_width_parameter_sets_viewbox():
    root = parse(render(width=1200))
    assert root.get("viewBox").split()[2] == "1200"


def test_output_is_deterministic_and_ids_differ_between_charts():
    assert render() == render()
    a, b = parse(render()), parse(render(title="Another opportunity"))
    assert a.find(f"{NS}title").get("id") != b.find(f"{NS}title").get("id")


# --------------------------------------------------------------------------------------------
# bars
# --------------------------------------------------------------------------------------------


def test_one_window_bar_per_row_and_a_stretched_part_when_there_is_tolerance():
    root = parse(render())
    assert len(by_class(root, "ph-tl-row")) == len(ROWS)
    windows = by_class(root, "ph-tl-window")
    stretches = by_class(root, "ph-tl-stretch")
    assert len(windows) == len(ROWS)
    assert len(stretches) == sum(1 for r in ROWS if r.stretched_end > r.end) == 3
    assert all(w.tag == f"{NS}rect" and w.get("fill") == BLUE for w in windows)
    # The stretched part is drawn lighter: a hatch pattern on the light blue.
    pattern = root.find(f"{NS}defs/{NS}pattern")
    assert stretches[0].get("fill") == f"url(#{pattern.get('id')})"
    assert pattern.find(f"{NS}rect").get("fill") == LIGHT_BLUE


def test_bars_sit_at_their_dates_on_the_axis():
    root = parse(render())
    for row_el in by_class(root, "ph-tl-row"):
        window = by_class(row_el, "ph-tl-window")[0]
        start = date.fromisoformat(window.get("data-start"))
        end = date.fromisoformat(window.get("data-end"))
        x, w = float(window.get("x")), float(window.get("width"))
        assert x == pytest.approx(x_on_axis(root, start), abs=0.3)
        assert x + w == pytest.approx(x_on_axis(root, end), abs=0.3)
        for stretch in by_class(row_el, "ph-tl-stretch"):
            sx = float(stretch.get("x"))
            assert sx == pytest.approx(x + w, abs=0.2)  # continues the window
            s_end = date.fromisoformat(stretch.get("data-end"))
            assert sx + float(stretch.get("width")) == pytest.approx(
                x_on_axis(root, s_end), abs=0.3
            )


def test_rows_are_grouped_by_council():
    root = parse(render())
    councils = [r.get("data-council") for r in by_class(root, "ph-tl-row")]
    assert councils == ["Fife Council", "Fife Council", "Dundee City Council", "Angus Council"]
    labels = [text_of(one(r, "ph-tl-label")) for r in by_class(root, "ph-tl-row")]
    assert labels[:2] == ["Fife Council — FC-2019-014", "Fife Council — FC-2020-101"]


def test_explicit_council_overrides_the_label():
    rows = [
        TimelineRow("FC-1", date(2027, 1, 1), date(2028, 1, 1), date(2028, 7, 1), council="Fife"),
        TimelineRow("FC-2", date(2027, 1, 1), date(2028, 1, 1), date(2028, 7, 1), council="Fife"),
    ]
    root = parse(render(rows))
    assert "from 1 council." in root.find(f"{NS}desc").text
    assert "2 contracts" in root.find(f"{NS}desc").text


def test_labels_and_notes_are_shown():
    text = all_text(parse(render()))
    for row in ROWS:
        assert row.label in text
    assert "interest: maybe" in text and "interest: yes" in text


# --------------------------------------------------------------------------------------------
# markers
# --------------------------------------------------------------------------------------------


def test_markers_are_ordered_like_their_dates_and_match_the_axis():
    root = parse(render())
    deadline_x = marker_x(root, "ph-tl-deadline")
    today_x = marker_x(root, "ph-tl-today")
    joint_x = marker_x(root, "ph-tl-joint-start")
    assert deadline_x < today_x < joint_x  # 2025-06-30 < 2026-03-12 < 2028-06-30
    assert today_x == pytest.approx(x_on_axis(root, TODAY), abs=0.3)
    assert deadline_x == pytest.approx(x_on_axis(root, DEADLINE), abs=0.3)
    assert joint_x == pytest.approx(x_on_axis(root, JOINT), abs=0.3)


def test_markers_carry_text_labels():
    text = all_text(parse(render()))
    assert "Joint start 30 Jun 2028" in text
    assert "Decide by 30 Jun 2025 (overdue)" in text
    assert "Today" in text


def test_overdue_styling_when_deadline_before_today():
    root = parse(render())
    (line,) = [el for el in by_class(root, "ph-tl-deadline") if el.tag == f"{NS}line"]
    assert "ph-tl-overdue" in line.get("class").split()
    assert line.get("stroke") == RED
    label = [
        el for el in by_class(root, "ph-tl-marker-label") if "ph-tl-deadline" in el.get("class")
    ]
    assert label[0].get("fill") == RED


@pytest.mark.parametrize("deadline", [TODAY, TODAY + timedelta(days=1), date(2027, 6, 30)])
def test_no_overdue_styling_when_deadline_not_passed(deadline):
    svg = render(decision_deadline=deadline)
    root = parse(svg)
    assert by_class(root, "ph-tl-overdue") == []
    assert RED not in svg
    assert "(overdue)" not in svg
    assert "not overdue" in root.find(f"{NS}desc").text
    assert f"Decide by {format_date(deadline)}" in all_text(root)


def test_deadline_left_of_joint_start_when_not_overdue():
    root = parse(render(decision_deadline=date(2027, 6, 30)))
    assert marker_x(root, "ph-tl-today") < marker_x(root, "ph-tl-deadline")
    assert marker_x(root, "ph-tl-deadline") < marker_x(root, "ph-tl-joint-start")


# --------------------------------------------------------------------------------------------
# axis and range
# --------------------------------------------------------------------------------------------


def test_visible_range_covers_all_dates_with_a_margin():
    root = parse(render())
    lo = date.fromisoformat(root.get("data-range-start"))
    hi = date.fromisoformat(root.get("data-range-end"))
    first = min([r.start for r in ROWS] + [DEADLINE, TODAY])
    last = max([r.stretched_end for r in ROWS] + [JOINT])
    assert lo < first and hi > last
    assert (first - lo).days <= 120 and (hi - last).days <= 120  # small


def test_axis_ticks_cover_the_range():
    root = parse(render())
    lo = date.fromisoformat(root.get("data-range-start"))
    hi = date.fromisoformat(root.get("data-range-end"))
    ticks = axis(root)
    dates = [d for d, _ in ticks]
    assert dates == sorted(dates)
    assert all(lo <= d <= hi for d in dates)
    assert (dates[0] - lo).days <= 366 and (hi - dates[-1]).days <= 366
    # every year in the range has a tick, on 1 January, labelled
    years = [d for d, _ in ticks if d.month == 1]
    assert [d.year for d in years] == list(range(years[0].year, years[-1].year + 1))
    text = all_text(root)
    for y in range(lo.year + 1, hi.year + 1):
        assert str(y) in text
    xs = [x for _, x in ticks]
    assert xs == sorted(xs)


def test_quarter_ticks_only_when_span_is_under_four_years():
    short = parse(
        render(
            ROWS[:2], joint_start=date(2027, 6, 30), decision_deadline=date(2026, 1, 1), today=TODAY
        )
    )
    levels = {t.get("data-level") for t in by_class(short, "ph-tl-tick")}
    assert levels == {"year", "quarter"}
    quarters = [t for t in by_class(short, "ph-tl-tick") if t.get("data-level") == "quarter"]
    assert {date.fromisoformat(t.get("data-date")).month for t in quarters} == {4, 7, 10}

    long = parse(render(decision_deadline=date(2020, 1, 1)))
    assert {t.get("data-level") for t in by_class(long, "ph-tl-tick")} == {"year"}


def test_very_short_span_has_month_ticks():
    d = date(2026, 5, 10)
    root = parse(
        render([TimelineRow("A — 1", d, d, d)], joint_start=d, decision_deadline=d, today=d)
    )
    ticks = axis(root)
    assert {t.get("data-level") for t in by_class(root, "ph-tl-tick")} >= {"month"}
    lo = date.fromisoformat(root.get("data-range-start"))
    hi = date.fromisoformat(root.get("data-range-end"))
    assert (ticks[0][0] - lo).days <= 31 and (hi - ticks[-1][0]).days <= 31
    assert "2026" in all_text(root)  # the year is given even without a 1 January tick


# --------------------------------------------------------------------------------------------
# escaping
# --------------------------------------------------------------------------------------------


def test_user_text_is_escaped():
    evil = 'Evil "Council" — <script>alert(1)</script> & co'
    rows = [TimelineRow(evil, date(2027, 1, 1), date(2028, 1, 1), date(2028, 7, 1), "<b>note</b>")]
    svg = render(rows, title="<img src=x onerror=alert(1)>")
    assert "<script>" not in svg and "<b>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert not [el for el in root.iter() if el.tag.endswith(("script", "img", "b"))]
    # The text comes back intact once parsed (the full label is the row's tooltip).
    assert evil in one(root, "ph-tl-row").find(f"{NS}title").text
    assert 'Evil "Council" — <script>' in all_text(root)
    assert root.find(f"{NS}title").text == "<img src=x onerror=alert(1)>"
    assert by_class(root, "ph-tl-row")[0].get("data-council") == 'Evil "Council"'


def test_control_characters_from_registers_do_not_break_the_xml():
    rows = [
        TimelineRow(
            "Bad\x00 Council\x0b — X\x1f1", date(2027, 1, 1), date(2028, 1, 1), date(2028, 7, 1)
        )
    ]
    root = parse(render(rows))
    assert "Bad Council — X1" in all_text(root)


# --------------------------------------------------------------------------------------------
# edge cases
# --------------------------------------------------------------------------------------------


def test_zero_rows_renders_an_empty_chart_with_a_message():
    root = parse(render([]))
    assert by_class(root, "ph-tl-window") == [] and by_class(root, "ph-tl-row") == []
    assert "No renewal windows to show" in text_of(one(root, "ph-tl-empty"))
    assert "0 councils" in root.find(f"{NS}desc").text
    # markers and axis are still drawn
    assert marker_x(root, "ph-tl-deadline") < marker_x(root, "ph-tl-today")
    assert len(axis(root)) >= 2


def test_one_day_window_is_still_visible():
    d = date(2028, 6, 30)
    rows = [TimelineRow("A Council — 1", d, d, d + timedelta(days=183))]
    root = parse(render(rows))
    window = one(root, "ph-tl-window")
    assert float(window.get("width")) >= 2
    stretch = one(root, "ph-tl-stretch")
    assert float(stretch.get("x")) >= float(window.get("x")) + float(window.get("width")) - 0.1


def test_identical_dates_everywhere():
    d = date(2026, 5, 10)
    rows = [TimelineRow("A — 1", d, d, d), TimelineRow("B — 2", d, d, d)]
    root = parse(render(rows, joint_start=d, decision_deadline=d, today=d))
    assert len(by_class(root, "ph-tl-window")) == 2
    assert by_class(root, "ph-tl-stretch") == []
    xs = {marker_x(root, c) for c in ("ph-tl-deadline", "ph-tl-today", "ph-tl-joint-start")}
    assert len(xs) == 1
    assert by_class(root, "ph-tl-overdue") == []
    # the three marker labels sit on different lanes, so they do not overlap
    ys = {float(el.get("y")) for el in by_class(root, "ph-tl-marker-label")}
    assert len(ys) == 3
    lo = date.fromisoformat(root.get("data-range-start"))
    hi = date.fromisoformat(root.get("data-range-end"))
    assert lo < d < hi


def test_decision_deadline_far_in_the_past():
    root = parse(render(decision_deadline=date(1990, 1, 1)))
    assert "Decide by 1 Jan 1990 (overdue)" in all_text(root)
    assert date.fromisoformat(root.get("data-range-start")) < date(1990, 1, 1)
    # year labels are thinned out so they do not collide
    labelled = [
        t
        for t in by_class(root, "ph-tl-tick")
        if t.find(f"{NS}text") is not None and t.get("data-level") == "year"
    ]
    xs = [float(t.get("data-x")) for t in labelled]
    assert len(xs) >= 3
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= 40
    assert marker_x(root, "ph-tl-deadline") < marker_x(root, "ph-tl-today")


def test_window_that_starts_after_its_end():
    # end passed, only the interim stretch remains: drawn from the start, no negative width
    rows = [TimelineRow("A — 1", date(2026, 3, 12), date(2026, 1, 31), date(2026, 7, 31))]
    root = parse(render(rows))
    for rect in by_class(root, "ph-tl-window") + by_class(root, "ph-tl-stretch"):
        assert float(rect.get("width")) > 0


def test_very_long_label_is_truncated_with_full_text_in_a_tooltip():
    label = "Comhairle nan Eilean Siar — " + "RESIDUAL-WASTE-TREATMENT-" * 8 + "END"
    rows = [TimelineRow(label, date(2027, 1, 1), date(2028, 1, 1), date(2028, 7, 1))]
    root = parse(render(rows))
    row = one(root, "ph-tl-row")
    shown = text_of(one(row, "ph-tl-label"))
    assert shown.endswith("…") and len(shown) < len(label)
    assert label.startswith(shown[:-1])
    assert label in row.find(f"{NS}title").text


def test_datetimes_are_accepted():
    rows = [TimelineRow("A — 1", datetime(2027, 1, 1, 9), date(2028, 1, 1), date(2028, 7, 1))]
    root = parse(render(rows, today=datetime(2026, 3, 12, 15, 30)))
    assert marker_x(root, "ph-tl-today") == pytest.approx(x_on_axis(root, TODAY), abs=0.3)


def test_narrow_width_still_renders():
    root = parse(render(width=100))
    assert len(by_class(root, "ph-tl-window")) == len(ROWS)


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
rows_strategy = st.lists(
    st.tuples(
        st.text(max_size=80),
        dates,
        st.integers(-400, 4000),
        st.integers(0, 800),
        st.text(max_size=20),
    ),
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(rows_strategy, dates, dates, dates)
def test_never_raises_and_always_parses(raw_rows, joint, deadline, today):
    rows = [
        TimelineRow(
            label, start, start + timedelta(days=firm), start + timedelta(days=firm + tol), note
        )
        for label, start, firm, tol, note in raw_rows
    ]
    root = parse(render(rows, joint_start=joint, decision_deadline=deadline, today=today))
    assert len(by_class(root, "ph-tl-window")) == len(rows)
    assert bool(by_class(root, "ph-tl-overdue")) == (deadline < today)
    for el in by_class(root, "ph-tl-window") + by_class(root, "ph-tl-stretch"):
        assert float(el.get("width")) > 0
    xs = {c: marker_x(root, c) for c in ("ph-tl-deadline", "ph-tl-today", "ph-tl-joint-start")}
    if deadline < today:  # one day can be under a tenth of a pixel on a long axis
        assert xs["ph-tl-deadline"] <= xs["ph-tl-today"]
    assert xs["ph-tl-today"] == pytest.approx(x_on_axis(root, today), abs=0.3)
