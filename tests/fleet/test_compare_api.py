"""Comparison of three councils' specs and two catalogue models against the standard: the
table (every cell judged and explained), scores equal to the pure module's, whole-life cost
against diesel equal to the pure module's arithmetic on the stored parameters, the xlsx export
opened back (deviations highlighted and said in words, text never a formula), and the page."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl

from plugins.fleet import council_specs, parameters, standards
from plugins.fleet.standard_spec import check_compliance
from plugins.fleet.whole_life_cost import CostProfile, compare_with_diesel

API = "/api/v1/fleet/compare"


def compared(client, fleet, three_specs):
    specs = ",".join(str(three_specs[k]) for k in ("fife", "glasgow", "edinburgh"))
    vehicles = ",".join(str(fleet.vehicle_id(*m)) for m in (
        ("Ford", "E-Transit"), ("Maxus", "eDeliver 3")))
    response = client.get(f"{API}?specs={specs}&vehicles={vehicles}", headers=fleet.manager)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_comparison_table(fleet, client, three_specs, app):
    body = compared(client, fleet, three_specs)
    assert body["vehicle_class"] == "electric_van_lt_3_5t" and body["standard"]["version"] == 1
    names = [c["name"] for c in body["columns"]]
    assert names[:3] == ["Fife Council: Medium panel van 2025", "Glasgow City Council: City small van",
                         "City of Edinburgh Council: Large panel van performance spec"]
    assert names[3].startswith("Ford E-Transit 350") and names[4].startswith("Maxus eDeliver 3")
    assert [c["kind"] for c in body["columns"]] == ["council_spec"] * 3 + ["catalogue"] * 2
    with app.app_context():
        standard = standards.adopted_standard("electric_van_lt_3_5t")
        assert [r["attribute"] for r in body["rows"][:24]] == [
            r.attribute for r in standard.requirements]
        # every score and verdict is the pure module's
        for column in body["columns"][:3]:
            spec = council_specs.get_council_spec(column["id"])
            pure = check_compliance(standard, council_specs.spec_figures(spec))
            assert Decimal(str(column["score"])) == pure.score
            assert column["compliant"] is pure.compliant
    fife, glasgow, edinburgh, transit, maxus = body["columns"]
    assert fife["compliant"] is True and fife["failures"] == []
    assert glasgow["compliant"] is False
    assert [f["attribute"] for f in glasgow["failures"]] == ["telematics"]
    assert edinburgh["compliant"] is False
    assert {f["attribute"] for f in edinburgh["failures"]} == {"ac_charge_kw"}
    assert transit["compliant"] is None  # the catalogue states no safety kit
    assert fife["score"] > edinburgh["score"] > transit["score"]

    rows = {r["attribute"]: r for r in body["rows"]}
    ac = rows["ac_charge_kw"]
    assert (ac["required"], ac["mandatory"]) == ("min 7 kW", True)
    cell = ac["cells"][2]
    assert cell == {"value": "6.6 kW", "status": "fail",
                    "explanation": "AC charging power 6.6 kW is below the standard's minimum "
                                   "of 7 kW"}
    wltp = rows["wltp_range_km"]["cells"][2]
    assert wltp["status"] == "fail" and "desirable minimum of 250 km" in wltp["explanation"]
    telematics = rows["telematics"]["cells"]
    assert [c["status"] for c in telematics] == ["pass", "fail", "pass", "unknown", "unknown"]
    assert telematics[3]["explanation"] == "Telematics is not stated; the standard requires it"
    assert rows["design_range_km"]["cells"][2]["value"].startswith("132 km")
    assert rows["battery_warranty_km"]["cells"][2]["value"].startswith("160,934.4 km")


def test_whole_life_cost_is_the_pure_modules_on_the_stored_parameters(fleet, client,
                                                                      three_specs, app):
    body = compared(client, fleet, three_specs)
    edinburgh = body["columns"][2]["whole_life_cost"]
    with app.app_context():
        params = parameters.parameters()
        on = date.today()

        def p(name):
            return next(x for x in params if x.name == name).value

        spec = CostProfile(
            name="Edinburgh", fuel="electric", purchase_price=Decimal("46000"),
            service_life_years=7, annual_km=p("annual_km"), energy_per_100km=Decimal("27"),
            energy_price_parameter="electricity_tariff_depot", gvw_kg=Decimal(3500),
            grant_eligible=True, maintenance_per_km=p("maintenance_per_km_electric"),
            insurance_per_year=p("insurance_per_year"), ved_per_year=p("ved_van_per_year"),
            residual_value=(Decimal("46000") * p("residual_share_electric")).quantize(
                Decimal(1)),
        )
        diesel = CostProfile(
            name="Diesel", fuel="diesel", purchase_price=p("diesel_van_purchase_price"),
            service_life_years=7, annual_km=p("annual_km"),
            energy_per_100km=p("diesel_van_litres_per_100km"),
            energy_price_parameter="diesel_price_per_litre",
            maintenance_per_km=p("maintenance_per_km_diesel"),
            insurance_per_year=p("insurance_per_year"), ved_per_year=p("ved_van_per_year"),
            residual_value=(p("diesel_van_purchase_price") * p("residual_share_diesel")
                            ).quantize(Decimal(1)),
        )
        pure = compare_with_diesel(spec, diesel, params, on)
    assert Decimal(str(edinburgh["present_value"])) == pure.spec.present_value
    assert Decimal(str(edinburgh["diesel_present_value"])) == pure.diesel.present_value
    assert Decimal(str(edinburgh["saving"])) == pure.saving
    assert Decimal(str(edinburgh["co2e_kg_total"])) == pure.spec.co2e_kg_total
    assert Decimal(str(edinburgh["grant"])) == Decimal(5000)  # 3.5 t: the large van grant
    assert "Energy use: the spec's own figure" in edinburgh["inputs"]
    # a hand check of one part: 15,000 km x 27 kWh/100 km x 0.177 kgCO2e/kWh x 7 years
    assert Decimal(str(edinburgh["co2e_kg_total"])) == Decimal("5017.95")
    # a catalogue model's energy use is estimated from its battery and WLTP range
    transit = body["columns"][3]["whole_life_cost"]
    assert any("estimated from battery 67 kWh ÷ WLTP range 317 km" in line
               for line in transit["inputs"])
    names = {p["name"]: p for p in body["parameters"]}
    assert names["co2e_diesel_per_litre"]["value"] == 2.57082
    assert "DESNZ" in names["co2e_diesel_per_litre"]["source"]
    assert names["co2e_diesel_per_litre"]["illustrative"] is False
    assert names["electricity_tariff_depot"]["illustrative"] is True
    assert names["diesel_price_per_litre"]["valid_from"] == "2025-01-01"


def test_a_new_dated_tariff_changes_the_result_and_says_so(fleet, client, three_specs):
    before = compared(client, fleet, three_specs)["columns"][0]["whole_life_cost"]
    new = {"name": "electricity_tariff_depot", "value": "0.30",
           "valid_from": date.today().isoformat(), "source": "Supply contract 2026"}
    assert client.post("/api/v1/fleet/parameters", json=new,
                       headers=fleet.glasgow).status_code == 403
    created = client.post("/api/v1/fleet/parameters", json=new, headers=fleet.manager)
    assert created.status_code == 201 and created.get_json()["unit"] == "GBP/kWh"
    after = compared(client, fleet, three_specs)
    assert after["columns"][0]["whole_life_cost"]["present_value"] > before["present_value"]
    tariff = next(p for p in after["parameters"] if p["name"] == "electricity_tariff_depot")
    assert (tariff["value"], tariff["source"], tariff["illustrative"]) == (
        0.3, "Supply contract 2026", False)
    history = client.get("/api/v1/fleet/parameters", headers=fleet.glasgow).get_json()["items"]
    assert [p["value"] for p in history if p["name"] == "electricity_tariff_depot"] == [0.25, 0.3]


def test_bad_selections(fleet, client, three_specs):
    assert client.get(f"{API}?specs=999999", headers=fleet.glasgow).status_code == 404
    bad = client.get(f"{API}?specs=abc", headers=fleet.glasgow)
    assert bad.status_code == 422 and "'abc' is not an id" in bad.get_json()["message"]
    huge = client.get(f"{API}?vehicles=99999999999", headers=fleet.glasgow)
    assert huge.status_code == 404
    empty = client.get(API, headers=fleet.glasgow).get_json()
    assert empty["columns"] == [] and len(empty["rows"]) == 24


def test_the_xlsx_export_opened_back(fleet, client, three_specs):
    client.patch(f"/api/v1/fleet/specs/{three_specs['edinburgh']}",
                 json={"name": "=HYPERLINK(\"http://evil.example\",\"click\")"},
                 headers=fleet.edinburgh)
    body = compared(client, fleet, three_specs)
    ids = (f"specs={three_specs['fife']},{three_specs['glasgow']},{three_specs['edinburgh']}"
           f"&vehicles={fleet.vehicle_id('Ford', 'E-Transit')}")
    response = client.get(f"{API}.xlsx?{ids}", headers=fleet.manager)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = workbook["Comparison"]
    rows = list(sheet.iter_rows())
    header_row = next(r for r in rows if r[0].value == "Attribute")
    header = [c.value for c in header_row]
    assert header[:3] == ["Attribute", "Standard requires", "Mandatory or desirable"]
    assert header[3] == "Fife Council: Medium panel van 2025" and header[4] == "Verdict"
    evil = header[7]
    assert evil.startswith("City of Edinburgh Council: =HYPERLINK")
    assert header_row[7].data_type == "s"  # text, never a live formula
    ac = next(r for r in rows if r[0].value == "AC charging power")
    assert ac[1].value == "min 7 kW" and ac[2].value == "mandatory"
    edinburgh_cell, verdict = ac[7], ac[8]
    assert edinburgh_cell.value == "6.6 kW"
    assert edinburgh_cell.fill.fgColor.rgb.endswith("FFC7CE")  # highlighted
    assert "below the standard's minimum of 7 kW" in edinburgh_cell.comment.text
    assert verdict.value == ("Deviates: AC charging power 6.6 kW is below the standard's "
                             "minimum of 7 kW")
    score = next(r for r in rows if r[0].value == "Compliance score (%)")
    assert [score[i].value for i in (3, 5, 7)] == [c["score"] for c in body["columns"][:3]]
    wlc = next(r for r in rows if r[0].value == "Whole-life cost, present value (£)")
    assert wlc[3].value == body["columns"][0]["whole_life_cost"]["present_value"]
    parameters = [[c.value for c in r] for r in workbook["Parameters"].iter_rows()]
    assert parameters[0] == ["name", "value", "unit", "valid from", "source", "illustrative"]
    assert any(r[0] == "discount_rate" and r[1] == 0.035 for r in parameters)


def test_the_compare_page(fleet, client, three_specs, pages):
    pages.sign_in("manager@fife.example")
    picker = client.get("/fleet/compare").get_data(as_text=True)
    assert f'type="checkbox" value="{three_specs["glasgow"]}"' in picker
    url = (f"/fleet/compare?specs={three_specs['fife']}&specs={three_specs['edinburgh']}"
           f"&vehicles={fleet.vehicle_id('Maxus', 'eDeliver 3')}")
    html = client.get(url).get_data(as_text=True)
    assert "Deviates" in html and "Meets" in html and "Not stated" in html
    assert "AC charging power 6.6 kW is below the standard&#39;s minimum of 7 kW" in html
    assert 'data-status="fail"' in html
    assert "Whole-life cost and CO2e against a diesel van" in html
    assert "Illustrative" in html and "DESNZ" in html
    assert "/fleet/compare.xlsx?specs=" in html
    refused = client.get("/fleet/compare?specs=abc")
    assert refused.status_code == 422 and "is not an id" in refused.get_data(as_text=True)
    export = client.get(url.replace("/fleet/compare?", "/fleet/compare.xlsx?"))
    assert export.status_code == 200 and export.data[:2] == b"PK"
