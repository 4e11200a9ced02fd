"""The standard vehicle specification: versions, compliance, the phase-1 electric van standard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from plugins.fleet.catalogue import read_catalogue
from plugins.fleet.measures import Measure
from plugins.fleet.standard_spec import (
    Requirement,
    StandardSpec,
    StandardSpecError,
    adopt,
    adopted_standard,
    check_compliance,
    check_one_adopted_per_class,
    draft_from,
    edit_draft,
    phase1_evan_standard,
    remove_requirement,
    set_requirement,
    standard_from_dict,
    standard_to_dict,
)

D = Decimal
REAL_CATALOGUE = (
    Path(__file__).parents[1] / "ingest" / "data" / "electric_vans_uk_public_sources.csv"
)


def req(attribute, operator, value=None, mandatory=True, unit=None, label=None):
    return Requirement(attribute, label or attribute, unit, operator, value, mandatory)


@pytest.fixture
def small_standard():
    return StandardSpec(
        "electric_van_lt_3_5t", 1, "draft",
        (
            req("gvw_kg", "max", 3500, unit="kg", label="Gross vehicle weight"),
            req("payload_kg", "min", 1000, unit="kg", label="Payload"),
            req("dc_charge_kw", "min", 50, mandatory=False, unit="kW"),
            req("aeb", "required"),
        ),
    )


# ---------------------------------------------------------------------------------------------
# versioning
# ---------------------------------------------------------------------------------------------


def test_only_drafts_can_be_edited(small_standard):
    edited = edit_draft(small_standard, title="Vans v1")
    assert edited.title == "Vans v1" and small_standard.title == ""
    adopted, _ = adopt(edited, None, on=date(2025, 4, 1))
    with pytest.raises(StandardSpecError, match="is adopted and cannot be edited; start a new "
                                                "draft"):
        edit_draft(adopted, title="changed")
    with pytest.raises(StandardSpecError, match="cannot be edited"):
        set_requirement(adopted, req("seats", "min", 2))
    with pytest.raises(StandardSpecError, match="cannot be edited"):
        remove_requirement(adopted, "aeb")
    with pytest.raises(StandardSpecError, match="status cannot be edited"):
        edit_draft(small_standard, status="adopted")


def test_adopting_supersedes_and_retires_the_previous_version(small_standard):
    v1, retired = adopt(small_standard, None, on=date(2025, 4, 1))
    assert (v1.status, v1.adopted_on, retired) == ("adopted", date(2025, 4, 1), None)
    draft = draft_from(v1)
    assert (draft.version, draft.status, draft.adopted_on) == (2, "draft", None)
    draft = set_requirement(draft, req("payload_kg", "min", 800, unit="kg"))
    draft = set_requirement(draft, req("seats", "min", 2))
    assert [r.attribute for r in draft.requirements] == [
        "gvw_kg", "payload_kg", "dc_charge_kw", "aeb", "seats"]
    assert draft.requirement("payload_kg").value == D(800)
    assert v1.requirement("payload_kg").value == D(1000)  # the adopted version is untouched
    v2, old = adopt(draft, v1, on=date(2026, 4, 1))
    assert (v2.status, v2.version) == ("adopted", 2)
    assert (old.status, old.version, old.retired_on) == ("retired", 1, date(2026, 4, 1))
    assert adopted_standard([old, v2], "electric_van_lt_3_5t") == v2


def test_adoption_rules_refuse_what_would_break_one_adopted_per_class(small_standard):
    v1, _ = adopt(small_standard, None)
    with pytest.raises(StandardSpecError, match="Only a draft can be adopted"):
        adopt(v1, None)
    with pytest.raises(StandardSpecError, match="must have a higher number"):
        adopt(draft_from(v1, version=1), v1)
    other = StandardSpec("electric_car", 1, "adopted", (req("seats", "min", 4),))
    with pytest.raises(StandardSpecError, match="is for electric_van_lt_3_5t but the standard it "
                                                "would replace is for electric_car"):
        adopt(draft_from(v1), other)
    retired = StandardSpec("electric_van_lt_3_5t", 1, "retired", v1.requirements)
    with pytest.raises(StandardSpecError, match="not the adopted standard"):
        adopt(draft_from(v1), retired)
    with pytest.raises(StandardSpecError, match="no requirements cannot be adopted"):
        adopt(edit_draft(small_standard, requirements=()), None)
    with pytest.raises(StandardSpecError, match="Only one version per vehicle class can be "
                                                r"adopted \(electric_van_lt_3_5t: versions 1, 2\)"):
        check_one_adopted_per_class([v1, StandardSpec("electric_van_lt_3_5t", 2, "adopted",
                                                      v1.requirements)])
    check_one_adopted_per_class([v1, other])  # different classes are fine


def test_bad_requirements_are_refused_with_the_reason():
    with pytest.raises(StandardSpecError, match="operator 'at_least' is not one of min, max"):
        req("payload_kg", "at_least", 1000)
    with pytest.raises(StandardSpecError, match="value must be a number, not 'a tonne'"):
        req("payload_kg", "min", "a tonne")
    with pytest.raises(StandardSpecError, match="needs at least one allowed value"):
        req("euro_ncap_van_rating", "one_of", [])
    with pytest.raises(StandardSpecError, match="names 'seats' twice"):
        StandardSpec("x", 1, "draft", (req("seats", "min", 2), req("seats", "max", 3)))
    with pytest.raises(StandardSpecError, match="status 'live' is not one of"):
        StandardSpec("x", 1, "live", ())
    with pytest.raises(StandardSpecError, match="missing the field 'operator'"):
        standard_from_dict({"vehicle_class": "x", "version": 1, "status": "draft",
                            "requirements": [{"attribute": "seats"}]})


# ---------------------------------------------------------------------------------------------
# compliance
# ---------------------------------------------------------------------------------------------


def test_compliance_known_cases(small_standard):
    ok = check_compliance(small_standard, {"gvw_kg": 3500, "payload_kg": "1,100 kg",
                                           "dc_charge_kw": 100, "aeb": "standard"})
    assert (ok.compliant, ok.score, ok.failures) == (True, D("100.0"), ())

    heavy = check_compliance(small_standard, {"gvw_kg": "4.25 t", "payload_kg": 1758,
                                              "aeb": True, "dc_charge_kw": 22})
    assert heavy.compliant is False
    assert heavy.failures == ({"attribute": "gvw_kg", "required": "max 3,500 kg",
                               "actual": "4,250 kg"},)
    assert heavy.shortfalls == ({"attribute": "dc_charge_kw", "required": "min 50 kW",
                                 "actual": "22 kW"},)
    # weights: mandatory 2, desirable 1 -> passed 2 + 2 of 7
    assert heavy.score == D("57.1")

    unknown = check_compliance(small_standard, {"gvw_kg": 3200, "payload_kg": None})
    assert unknown.compliant is None
    assert [r.status for r in unknown.results] == ["pass", "unknown", "unknown", "unknown"]
    assert unknown.score == D("28.6")


def test_ranges_are_judged_at_the_conservative_end():
    spec = StandardSpec("v", 1, "draft", (req("load_volume_m3", "min", 6, unit="m3"),
                                           req("gvw_kg", "max", 3500, unit="kg")))
    result = check_compliance(spec, {"load_volume_m3": "5.8-8.9", "gvw_kg": "3.1-3.5 t"})
    assert [r.status for r in result.results] == ["fail", "pass"]
    assert result.failures[0]["actual"] == "5.8-8.9 m3"
    assert check_compliance(spec, {"load_volume_m3": "up to 8.9"}).results[0].status == "pass"
    assert check_compliance(spec, {"load_volume_m3": "up to 5.5"}).results[0].status == "fail"
    # "more than 5" cannot show that 6 is reached; "less than 6" shows it is not
    assert check_compliance(spec, {"load_volume_m3": ">5"}).results[0].status == "unknown"
    assert check_compliance(spec, {"load_volume_m3": "<6"}).results[0].status == "fail"
    assert check_compliance(spec, {"gvw_kg": "over 3000 kg"}).results[1].status == "unknown"
    assert check_compliance(spec, {"gvw_kg": "more than 3600"}).results[1].status == "fail"


def test_equals_one_of_and_required():
    spec = StandardSpec("v", 1, "draft", (
        req("fuel", "equals", "Battery electric"),
        req("euro_ncap_van_rating", "one_of", ["Gold", "Platinum"]),
        req("bulkhead", "required"),
        req("seats", "equals", 3),
    ))
    ok = check_compliance(spec, {"fuel": "battery  ELECTRIC", "euro_ncap_van_rating":
                                 "Platinum (2024)", "bulkhead": "yes", "seats": "3"})
    assert [r.status for r in ok.results] == ["pass"] * 4
    bad = check_compliance(spec, {"fuel": "diesel", "euro_ncap_van_rating": "Silver",
                                  "bulkhead": "no", "seats": "2 or 3"})
    assert [r.status for r in bad.results] == ["fail"] * 4
    assert bad.failures[1] == {"attribute": "euro_ncap_van_rating",
                               "required": "one of Gold, Platinum", "actual": "Silver"}
    assert bad.failures[2]["actual"] == "not fitted"


def test_derived_design_range_and_payload_after_racking():
    standard = phase1_evan_standard()
    result = check_compliance(standard, {"wltp_range_km": "460 (87 kWh) / 180 (40 kWh)",
                                         "payload_kg": 600})
    design = result.result("design_range_km")
    assert (design.status, design.compared) == ("pass", D(108))  # 60% of the shorter 180 km
    racked = result.result("payload_after_racking_kg")
    assert (racked.status, racked.compared) == ("pass", D(450))  # 600 - 150 kg racking
    short = check_compliance(standard, {"wltp_range_km": 160, "payload_kg": 500})
    assert short.result("design_range_km").status == "fail"
    assert short.result("payload_after_racking_kg").status == "fail"
    # a spec may state its own design range, which then wins over the derived one
    own = check_compliance(standard, {"wltp_range_km": 160, "design_range_km": 120})
    assert own.result("design_range_km").status == "pass"


def test_phase1_standard_seed():
    s = phase1_evan_standard()
    assert (s.vehicle_class, s.version, s.status, s.category) == (
        "electric_van_lt_3_5t", 1, "adopted", "fleet.vans_lt_3_5t")
    assert (s.design_range_factor, s.racking_allowance_kg) == (D("0.6"), D(150))
    attributes = {r.attribute for r in s.requirements}
    assert attributes >= {
        "gvw_kg", "payload_kg", "payload_after_racking_kg", "load_volume_m3", "load_length_mm",
        "usable_battery_kwh", "wltp_range_km", "design_range_km", "ac_charge_kw",
        "dc_charge_kw", "max_speed_kmh", "towing_braked_kg", "seats", "battery_warranty_years",
        "battery_warranty_km", "battery_warranty_capacity_pct", "aeb", "reversing_camera",
        "parking_sensors", "bulkhead", "beacons", "chevrons", "telematics"}
    assert s.requirement("gvw_kg").describe() == "max 3,500 kg"
    assert all(r.rationale for r in s.requirements)
    assert standard_from_dict(standard_to_dict(s)) == s


def test_real_catalogue_only_the_heavier_than_3500_kg_variants_fail_and_only_on_weight():
    standard = phase1_evan_standard()
    verdicts = {}
    for model in read_catalogue(REAL_CATALOGUE).models:
        compliance = check_compliance(standard, model.figures)
        verdicts[model.name] = (model.gvw_kg, compliance)
    failing = {name for name, (_, c) in verdicts.items() if c.compliant is False}
    assert failing == {
        "Ford E-Transit 425 (4.25 t) panel van",
        "Mercedes-Benz eSprinter (2nd gen) LWB high roof, 113 kWh (also 56/81 kWh)",
        "Renault Master E-Tech Electric (new gen) 87 kWh, 3.5 t and 4.0 t (4,000 kg GVW)",
    }
    for name, (gvw, compliance) in verdicts.items():
        if name in failing:
            assert gvw > 3500
            assert [f["attribute"] for f in compliance.failures] == ["gvw_kg"]
        else:
            assert gvw is None or gvw <= 3500
            assert compliance.compliant is None  # safety kit is not in the catalogue
            assert compliance.failures == ()


def test_measure_objects_and_plain_values_are_judged_alike(small_standard):
    a = check_compliance(small_standard, {"payload_kg": Measure.exactly(950, "kg")})
    b = check_compliance(small_standard, {"payload_kg": 950})
    assert a.result("payload_kg").status == b.result("payload_kg").status == "fail"
