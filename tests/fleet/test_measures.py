"""Reading technical figures as sources write them (plugins.fleet.measures)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.fleet.measures import (
    Measure,
    format_number,
    gvw_alternatives_kg,
    main_clause,
    parse_battery_warranty,
    parse_gvw_kg,
    parse_measure,
    parse_presence,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "value", "low", "high", "qualifier"),
    [
        ("up to 1100", D(1100), None, D(1100), "up to"),
        ("5.8-8.9", D("5.8"), D("5.8"), D("8.9"), None),
        ("5.8 – 8.9", D("5.8"), D("5.8"), D("8.9"), None),
        ("330 (205 mi)", D(330), D(330), D(330), "205 mi"),
        ("68 (67 usable per Ford pre-launch)", D(68), D(68), D(68),
         "67 usable per Ford pre-launch"),
        ("3,500", D(3500), D(3500), D(3500), None),
        ("100 000", D(100000), D(100000), D(100000), None),
        ("approx 900", D(900), D(900), D(900), "approx"),
        ("c.280", D(280), D(280), D(280), "approx"),
        (">1000 (1073 on earlier model)", D(1000), D(1000), None,
         "more than; 1073 on earlier model"),
        ("2500+ (Medium); 2860 (Long)", D(2500), D(2500), None, "or more; Medium; 2860 (Long)"),
        ("<2000", None, None, D(2000), "less than"),
        ("800 (Standard) / 750 (Long)", D(800), D(750), D(800), "Standard; Long"),
        ("7.4 std / 11 option", D("7.4"), D("7.4"), D(11), "std option"),
        ("2 or 3", D(2), D(2), D(3), None),
        ("up to 317 (197 mi UK quote); earlier target 350", D(317), None, D(317),
         "up to; 197 mi UK quote; earlier target 350"),
        ("3,5", D("3.5"), D("3.5"), D("3.5"), None),
    ],
)
def test_figures_keep_value_span_and_qualifier(text, value, low, high, qualifier):
    m = parse_measure(text)
    assert (m.value, m.low, m.high, m.qualifier) == (value, low, high, qualifier)
    assert m.raw == text


@pytest.mark.parametrize("blank", ["", "   ", "n/a", "N/A", "-", "TBC", "tbc", "unknown", None])
def test_blank_markers_are_unknown_not_zero(blank):
    m = parse_measure(blank, "kg")
    assert m.value is None and m.low is None and m.high is None
    assert not m.known
    assert m.unit == "kg"


def test_numbers_in_another_unit_are_not_the_figure():
    # "197 mi" must never be read as 197 km
    m = parse_measure("197 mi", "km")
    assert m.value is None and m.qualifier is None
    m = parse_measure("317 km / 197 mi", "km")
    assert (m.value, m.low, m.high, m.unit) == (D(317), D(317), D(317), "km")


def test_unit_written_in_the_text_is_reported():
    assert parse_measure("11 kW").unit == "kW"
    assert parse_measure("64 kWh").unit == "kWh"
    assert parse_measure("15.1 m³", "m3").value == D("15.1")
    assert parse_measure("130 kmh", "km/h").value == D(130)


def test_describe_reads_like_the_source():
    assert parse_measure("up to 1100", "kg").describe() == "up to 1,100 kg"
    assert parse_measure("5.8-8.9", "m3").describe() == "5.8-8.9 m3"
    assert parse_measure("<2000", "mm").describe() == "less than 2,000 mm"
    assert parse_measure("", "mm").describe() == "not stated"
    assert Measure.exactly(950, "kg").describe() == "950 kg"


def test_format_number():
    assert format_number(D("3500")) == "3,500"
    assert format_number(D("5.80")) == "5.8"
    assert format_number(D("160934")) == "160,934"


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("3,500 kg", 3500), ("3500kg", 3500), ("3500 kg", 3500), ("3500", 3500),
        ("3.5t", 3500), ("3.5 t", 3500), ("3.5 tonnes", 3500), ("3.5 Tonne", 3500),
        ("3.5", 3500), ("4.25 t", 4250), ("4.25t", 4250), ("3 500", 3500), ("3 500 kg", 3500),
        ("26t", 26000), ("7.5 tonnes", 7500), ("approx 2500 ('vans weigh up to 2500kg')", 2500),
        ("3000 (design weight)", 3000), ("3,5 t", 3500), ("3.5-4.25 t", 4250),
        ("3500 or 4000", 4000), ("GVW 3,100 kg", 3100),
    ],
)
def test_gvw_in_every_notation(text, kg):
    assert parse_gvw_kg(text) == Decimal(kg)


@pytest.mark.parametrize("text", ["", "n/a", "-", "TBC", None, "not stated", "heavy"])
def test_gvw_unknown(text):
    assert parse_gvw_kg(text) is None


def test_gvw_alternatives_are_separate_weights_but_a_range_is_one_family():
    assert gvw_alternatives_kg("3500 or 4000") == (D(3500), D(4000))
    assert gvw_alternatives_kg("3.5 t / 4.0 t") == (D(3500), D(4000))
    assert gvw_alternatives_kg("3,500 kg") == (D(3500),)
    assert gvw_alternatives_kg("3.5-4.25 t") == (D(4250),)
    assert gvw_alternatives_kg("") == ()


def test_battery_warranty_terms():
    w = parse_battery_warranty("8 yr / 160,000 km, 70% capacity guaranteed")
    assert (w.years.value, w.km.value, w.capacity_pct.value) == (D(8), D(160000), D(70))
    w = parse_battery_warranty("8 yr / 100,000 mi, usable capacity >=70% (VW UK)")
    assert w.km.value == D(160934)  # 100,000 x 1.609344 rounded down
    assert "converted from 100,000 mi" in w.km.qualifier
    assert w.years.qualifier == "VW UK"
    w = parse_battery_warranty("")
    assert not (w.years.known or w.km.known or w.capacity_pct.known)


@pytest.mark.parametrize(
    ("text", "present"),
    [("Yes", True), ("standard", True), ("option", True), (True, True), ("No", False),
     ("not fitted", False), (False, False), ("", None), ("perhaps", None), (None, None)],
)
def test_presence(text, present):
    assert parse_presence(text) is present


def test_main_clause_drops_notes():
    assert main_clause("Platinum (Renault Master, 2024)") == "Platinum"
    assert main_clause("Gold; pending re-test") == "Gold"


# ---------------------------------------------------------------------------------------------
# properties: never raise, never invent a number
# ---------------------------------------------------------------------------------------------

_PIECES = ["up to ", "approx ", "c.", "~", ">", "<", "3,500", "3 500", "5.8", "-", "8.9", " (",
           ")", "; ", " / ", " or ", "kg", " t", "t", "tonnes", "2500+", " mi", " km", "%",
           " yr", "0", "007", "1,2", "12.33", "(", "[", "]", ",", ".", " ", "–", "kWh"]
figure_texts = st.one_of(
    st.text(),
    st.lists(st.sampled_from(_PIECES), max_size=14).map("".join),
)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def _number_digits(number: Decimal) -> str:
    return _digits(format(number.normalize(), "f")).lstrip("0")


@settings(max_examples=400, deadline=None)
@given(figure_texts, st.sampled_from([None, "kg", "km", "m3", "kW"]))
def test_parse_measure_never_raises_and_never_invents(text, hint):
    m = parse_measure(text, hint)
    assert m.raw == text
    for number in (m.value, m.low, m.high):
        if number is not None:
            assert _number_digits(number) in _digits(text)
    if m.low is not None and m.high is not None:
        assert m.low <= m.high
        if m.value is not None:
            assert m.low <= m.value <= m.high


@settings(max_examples=400, deadline=None)
@given(figure_texts)
def test_gvw_never_raises_and_only_converts_tonnes(text):
    text_digits = _digits(text)
    kg = parse_gvw_kg(text)
    for number in (kg, *gvw_alternatives_kg(text)):
        if number is not None:
            assert (_number_digits(number) in text_digits
                    or _number_digits(number / 1000) in text_digits)


@settings(max_examples=200, deadline=None)
@given(figure_texts)
def test_warranty_and_presence_never_raise(text):
    parse_battery_warranty(text)
    assert parse_presence(text) in (True, False, None)
