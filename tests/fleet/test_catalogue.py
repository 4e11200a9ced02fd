"""Reading the vehicle catalogue file (plugins.fleet.catalogue) with the real van catalogue."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.fleet.catalogue import (
    CatalogueError,
    catalogue_report,
    normalise_heading,
    read_catalogue,
)
from plugins.fleet.standard_spec import phase1_evan_standard

D = Decimal
# The real file, byte for byte as in /work/shared/data/real (the ingest tests keep the copy).
REAL_CATALOGUE = (
    Path(__file__).parents[1] / "ingest" / "data" / "electric_vans_uk_public_sources.csv"
)


@pytest.fixture(scope="module")
def real():
    return read_catalogue(REAL_CATALOGUE)


def _model(read, model, variant_start=""):
    found = [m for m in read.models if m.model == model and m.variant.startswith(variant_start)]
    assert len(found) == 1, [m.name for m in found]
    return found[0]


def _span(measure):
    return (measure.value, measure.low, measure.high)


def test_every_real_row_reads_and_alternative_weights_become_variants(real):
    assert real.errors == ()
    # 16 rows; the two Renault Master rows each state two GVWs ("3500 or 4000", "3100 or 3500")
    assert len(real.models) == 18
    masters = [m for m in real.models if m.make == "Renault" and "Master" in m.model]
    assert sorted(m.gvw_kg for m in masters) == [D(3100), D(3500), D(3500), D(4000)]
    assert {m.variant for m in masters} >= {"87 kWh, 3.5 t and 4.0 t (4,000 kg GVW)",
                                            "52 kWh, 57 kW (3,100 kg GVW)"}


def test_ford_e_transit_350_figures(real):
    m = _model(real, "E-Transit", "350")
    assert (m.make, m.body, m.gvw_kg) == ("Ford", "large panel van", D(3500))
    f = m.figures
    assert _span(f["payload_kg"]) == (D(795), D(795), D(1000))  # "approx 795 ... to just over 1000"
    assert f["payload_kg"].qualifier.startswith("approx")
    assert _span(f["load_volume_m3"]) == (D("15.1"), None, D("15.1"))  # "up to 15.1"
    assert _span(f["battery_kwh"]) == (D(68), D(68), D(68))
    assert _span(f["usable_battery_kwh"]) == (D(67), D(67), D(67))  # "(67 usable per Ford ...)"
    assert _span(f["wltp_range_km"]) == (D(317), None, D(317))
    assert f["wltp_range_km"].qualifier == "up to; 197 mi UK quote; earlier target 350"
    assert f["ac_charge_kw"].value == D("11.3")
    assert f["dc_charge_kw"].value == D(115)
    assert f["max_speed_kmh"].value == D(130)
    assert f["battery_warranty_years"].value == D(8)
    assert f["battery_warranty_km"].value == D(160934)  # 100,000 mi
    assert not f["battery_warranty_capacity_pct"].known
    assert len(m.sources) == 5
    assert m.sources[0] == "http://www.kfz-tech.de/Engl/Hersteller/Ford/FordETransit2022.htm"
    assert m.notes == "Payload in 3.5 t form is heavily reduced by battery mass"


def test_vauxhall_vivaro_e_figures(real):
    m = _model(real, "Vivaro-e (Vivaro Electric)")
    f = m.figures
    assert m.gvw_kg is None and not f["gvw_kg"].known
    assert _span(f["payload_kg"]) == (D(1226), None, D(1226))
    assert _span(f["load_volume_m3"]) == (D("5.8"), D("5.8"), D("6.6"))
    assert _span(f["wltp_range_km"]) == (D(330), D(330), D(330))
    assert f["wltp_range_km"].qualifier == "205 mi"
    assert _span(f["ac_charge_kw"]) == (D("7.4"), D("7.4"), D(11))
    assert f["dc_charge_kw"].value == D(100)
    assert f["towing_braked_kg"].value == D(1000)
    assert f["battery_kwh"].value == D(75)
    assert not f["usable_battery_kwh"].known  # basis "nominal (usable not stated)"
    assert f["usable_battery_kwh"].qualifier == "basis: nominal (usable not stated)"


def test_vw_id_buzz_cargo_figures(real):
    m = _model(real, "ID. Buzz Cargo")
    f = m.figures
    assert _span(f["payload_kg"]) == (D(600), D(600), D(650))
    assert f["load_volume_m3"].value == D("3.9")
    assert _span(f["usable_battery_kwh"]) == (D(77), D(77), D(77))  # basis "net/usable"
    assert _span(f["wltp_range_km"]) == (D(400), None, D(400))  # "up to ~400 (250 mi ...)"
    assert f["dc_charge_kw"].value == D(170)
    assert _span(f["seats"]) == (D(2), D(2), D(3))  # "2 or 3"
    assert f["height_mm"].value == D(1938)
    assert f["battery_warranty_capacity_pct"].value == D(70)
    assert f["euro_ncap_van_rating"] == "Platinum"


def test_other_real_patterns(real):
    proace = _model(real, "Proace Electric")
    assert proace.gvw_kg == D(3000) and proace.figures["gvw_kg"].qualifier == (
        "stated as 3000 (design weight)")
    assert _span(proace.figures["load_length_mm"]) == (D(2500), D(2500), None)  # "2500+"
    assert _span(proace.figures["wltp_range_km"]) == (D(330), D(230), D(330))
    townstar = _model(real, "Townstar EV")
    assert _span(townstar.figures["dc_charge_kw"]) == (D(75), D(75), D(80))
    esprinter = _model(real, "eSprinter (2nd gen)")
    assert esprinter.gvw_kg == D(4250)
    assert esprinter.figures["towing_braked_kg"].value == D(1940)  # not the "4,277 lb"
    assert not esprinter.figures["payload_kg"].known
    assert "over_3500kg" in esprinter.extra


def test_headings_are_matched_by_normalised_name_in_any_order():
    text = (
        "Payload (KG),MODEL,Make,GVW,Sources,WLTP Range km\n"
        '"up to 990",eDeliver 3,Maxus,3.5t,"https://a.example/x ; https://b.example/y",316\n'
    )
    read = read_catalogue(text)
    (m,) = read.models
    assert (m.make, m.model, m.gvw_kg) == ("Maxus", "eDeliver 3", D(3500))
    assert m.figures["payload_kg"].high == D(990)
    assert m.figures["wltp_range_km"].value == D(316)
    assert m.sources == ("https://a.example/x", "https://b.example/y")
    assert normalise_heading("Load volume (m³)") == "load_volume_m3"


def test_rows_without_make_or_model_are_row_errors_and_others_still_read():
    text = ("make,model,variant\nFord,E-Transit,350\n,Vivaro-e,75 kWh\nToyota,,\n\n"
            "Nissan,Townstar,\n")
    read = read_catalogue(text)
    assert [m.model for m in read.models] == ["E-Transit", "Townstar"]
    assert [(e.row, e.column) for e in read.errors] == [(3, "make"), (4, "model")]
    assert read.errors[0].message == (
        "Row 3 has no make; every catalogue row needs a make and a model")
    assert read.errors[0].as_dict()["value"] is None


def test_a_file_without_make_or_model_columns_is_refused_with_the_headings_found(tmp_path):
    with pytest.raises(CatalogueError, match="^The catalogue has no 'make' or 'model' column; "
                                             "the headings found are: brand name, payload$"):
        read_catalogue("brand name,payload\nFord,1000\n")
    with pytest.raises(CatalogueError, match="has no 'model' column"):
        read_catalogue("Manufacturer,payload\nFord,1000\n")
    with pytest.raises(CatalogueError, match="is empty"):
        read_catalogue("\n\n")
    with pytest.raises(CatalogueError, match="Cannot read the catalogue file missing.csv"):
        read_catalogue(tmp_path / "missing.csv")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_reads_or_is_refused_with_a_catalogue_error(body):
    try:
        read = read_catalogue("make,model,gvw_kg,payload_kg,battery_warranty\n" + body + "\n")
    except CatalogueError:
        return
    assert all(m.make and m.model for m in read.models)


def test_catalogue_report_has_the_cli_json_shape(real):
    report = catalogue_report(real.models, phase1_evan_standard())
    assert json.loads(json.dumps(report)) == report  # plain JSON values only
    rows = report["models"]
    assert len(rows) == 18
    assert all(set(r) == {"make", "model", "variant", "gvw_kg", "compliant", "failures"}
               for r in rows)
    e425 = next(r for r in rows if r["variant"].startswith("425"))
    assert e425 == {"make": "Ford", "model": "E-Transit", "variant": "425 (4.25 t) panel van",
                    "gvw_kg": 4250, "compliant": False,
                    "failures": [{"attribute": "gvw_kg", "required": "max 3,500 kg",
                                  "actual": "4,250 kg"}]}
    custom = next(r for r in rows if r["model"] == "E-Transit Custom")
    assert (custom["gvw_kg"], custom["compliant"], custom["failures"]) == (None, None, [])
