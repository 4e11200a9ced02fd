"""Specs side by side against the standard, and the variation count (plugins.fleet.comparison)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from plugins.fleet.catalogue import read_catalogue
from plugins.fleet.comparison import (
    NamedFigures,
    VariationCount,
    compare,
    spec_signature,
    variation_count,
)
from plugins.fleet.standard_spec import Requirement, StandardSpec, phase1_evan_standard

D = Decimal
REAL_CATALOGUE = (
    Path(__file__).parents[1] / "ingest" / "data" / "electric_vans_uk_public_sources.csv"
)


def req(attribute, label, operator, value=None, mandatory=True, unit=None):
    return Requirement(attribute, label, unit, operator, value, mandatory)


@pytest.fixture
def standard():
    return StandardSpec("electric_van_lt_3_5t", 3, "adopted", (
        req("gvw_kg", "Gross vehicle weight", "max", 3500, unit="kg"),
        req("payload_kg", "Payload", "min", 1000, unit="kg"),
        req("load_volume_m3", "Load volume", "min", 6, unit="m3"),
        req("dc_charge_kw", "DC charging", "min", 50, mandatory=False, unit="kW"),
        req("reversing_camera", "Reversing camera", "required"),
        req("euro_ncap_van_rating", "Euro NCAP rating", "one_of", ["Gold", "Platinum"],
            mandatory=False),
    ))


def test_comparison_table_flags_each_deviation_in_plain_words(standard):
    fife = NamedFigures("Fife spec", {"gvw_kg": 3500, "payload_kg": 950, "load_volume_m3":
                                      "5.8-8.9", "dc_charge_kw": 100, "reversing_camera": "yes",
                                      "colour": "white"}, kind="council spec")
    etransit = NamedFigures("Ford E-Transit 425", {"gvw_kg": 4250, "payload_kg": "up to 1758",
                                                    "load_volume_m3": "up to 15.1",
                                                    "euro_ncap_van_rating": "Silver"})
    table = compare(standard, [fife, etransit])
    assert table.columns == ("Fife spec", "Ford E-Transit 425")
    assert [r.attribute for r in table.rows] == [
        "gvw_kg", "payload_kg", "load_volume_m3", "dc_charge_kw", "reversing_camera",
        "euro_ncap_van_rating", "colour"]

    payload = table.cell("payload_kg", "Fife spec")
    assert (payload.value, payload.status) == ("950 kg", "fail")
    assert payload.explanation == "Payload 950 kg is below the standard's minimum of 1,000 kg"
    volume = table.cell("load_volume_m3", "Fife spec")
    assert volume.status == "fail"
    assert volume.explanation == ("Load volume 5.8-8.9 m3: the lowest stated figure, 5.8 m3, is "
                                  "below the standard's minimum of 6 m3")
    assert table.cell("gvw_kg", "Fife spec").explanation == (
        "Gross vehicle weight 3,500 kg meets the standard's maximum of 3,500 kg")
    assert table.cell("gvw_kg", "Ford E-Transit 425").explanation == (
        "Gross vehicle weight 4,250 kg is above the standard's maximum of 3,500 kg")
    assert table.cell("payload_kg", "Ford E-Transit 425").explanation == (
        "Payload up to 1,758 kg meets the standard's minimum of 1,000 kg")
    dc = table.cell("dc_charge_kw", "Ford E-Transit 425")
    assert (dc.status, dc.explanation) == (
        "unknown", "DC charging is not stated; the standard asks for at least 50 kW")
    camera = table.cell("reversing_camera", "Ford E-Transit 425")
    assert camera.explanation == "Reversing camera is not stated; the standard requires it"
    assert table.cell("reversing_camera", "Fife spec").explanation == (
        "Reversing camera: fitted, as the standard requires")
    ncap = table.cell("euro_ncap_van_rating", "Ford E-Transit 425")
    assert (ncap.status, ncap.explanation) == (
        "fail", "Euro NCAP rating Silver is not one of the standard's desirable values "
                "(Gold, Platinum)")
    colour = table.row("colour")
    assert (colour.required, colour.mandatory) == ("", None)
    assert [c.status for c in colour.cells] == ["not-required", "not-required"]
    assert [c.value for c in colour.cells] == ["white", "not stated"]

    # weights: mandatory 2, desirable 1; total 2*4 + 1*2 = 10
    # Fife: gvw 2 + dc 1 + camera 2 = 5 -> 50%; E-Transit: payload 2 + volume 2 = 4 -> 40%
    assert table.scores == {"Fife spec": D("50.0"), "Ford E-Transit 425": D("40.0")}
    assert [c.compliant for c in table.compliance] == [False, False]


def test_comparing_real_catalogue_models_with_the_phase1_standard():
    models = read_catalogue(REAL_CATALOGUE).models
    pick = [m for m in models if m.model in ("Kangoo Van E-Tech Electric", "ID. Buzz Cargo")]
    table = compare(phase1_evan_standard(),
                    [NamedFigures(m.name, m.named_figures(), "catalogue model") for m in pick])
    kangoo, buzz = table.columns
    assert table.cell("payload_after_racking_kg", kangoo).explanation == (
        "Payload after racking 450-650 kg meets the standard's minimum of 400 kg")
    assert table.cell("payload_kg", kangoo).explanation == (
        "Payload 600-800 kg: the lowest stated figure, 600 kg, is below the standard's "
        "desirable minimum of 1,000 kg")
    assert table.cell("euro_ncap_van_rating", buzz).status == "pass"
    assert table.cell("design_range_km", buzz).value == "up to 240 km"
    assert table.row("wheelbase_mm").cells[1].value == "2,988 mm"
    assert table.row("make") is None  # the make is in the column name, not a row


def test_names_must_be_distinct(standard):
    with pytest.raises(ValueError, match="needs its own name"):
        compare(standard, [NamedFigures("A", {}), NamedFigures("A", {})])


def test_signature_by_make_model_variant_ignores_spelling_differences():
    a = spec_signature({"make": "Ford", "model": "E-Transit", "variant": "350 L3H2",
                        "payload_kg": 1000})
    b = spec_signature({"make": "FORD ", "model": "e transit", "variant": "350  l3h2",
                        "payload_kg": 995})
    assert a == b == "model:ford|e transit|350 l3h2"
    # without a make/model the full figure set decides
    c = spec_signature({"payload_kg": "1,000", "seats": 3, "aeb": True})
    d = spec_signature({"aeb": "yes", "payload_kg": 1000, "seats": "3", "colour": None})
    e = spec_signature({"payload_kg": 1100, "seats": 3, "aeb": True})
    assert c != e
    assert spec_signature({"payload_kg": "1,000"}) == spec_signature({"payload_kg": 1000})
    assert d == c  # "yes" is True, "3" is 3, a blank figure is not a difference


def test_variation_count_per_class_across_councils():
    standard = phase1_evan_standard()
    good = {"gvw_kg": 3500, "payload_kg": 1000, "load_volume_m3": 6, "load_length_mm": 2500,
            "usable_battery_kwh": 60, "wltp_range_km": 300, "ac_charge_kw": 11,
            "dc_charge_kw": 100, "max_speed_kmh": 130, "towing_braked_kg": 1000, "seats": 3,
            "battery_warranty_years": 8, "battery_warranty_km": 160000,
            "battery_warranty_capacity_pct": 70, "aeb": True, "reversing_camera": True,
            "parking_sensors": True, "bulkhead": True, "beacons": True, "chevrons": True,
            "telematics": True, "euro_ncap_van_rating": "Gold"}
    good_b = {**good, "make": "Toyota", "model": "Proace Electric", "variant": "L"}
    heavy = {**good, "make": "Ford", "model": "E-Transit", "variant": "425", "gvw_kg": 4250}
    in_use = [
        ("S12000050", "electric_van_lt_3_5t", good),
        ("S12000047", "electric_van_lt_3_5t", dict(good)),  # same figures: one spec
        ("S12000047", "electric_van_lt_3_5t", good_b),
        ("S12000049", "electric_van_lt_3_5t", {**good_b, "make": "TOYOTA"}),  # same model
        ("S12000049", "electric_van_lt_3_5t", heavy),
        ("S12000049", "rcv", "Dennis Eagle eCollect"),
        ("S12000050", "rcv", "dennis eagle ecollect"),
        ("S12000050", "rcv", "Mercedes eEconic"),
    ]
    counts = variation_count(in_use, {"electric_van_lt_3_5t": standard})
    assert counts == {
        "electric_van_lt_3_5t": VariationCount(distinct=3, compliant=2, councils=3),
        "rcv": VariationCount(distinct=2, compliant=0, councils=2),  # no standard to judge by
    }
    assert variation_count([]) == {}
