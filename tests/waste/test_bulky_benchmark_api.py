"""The benchmark from stored profiles: the API's numbers are the pure module's, the page shows
a chart with the table as its alternative, and the export is a safe workbook."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from waste.bulky_hub import EAST_AYRSHIRE, GLASGOW, NLC, profile_body, sign_in

from plugins.waste.bulky_benchmark import benchmark
from plugins.waste.bulky_profile import profile_from_values
from plugins.waste.households import households_by_council

URL = "/api/v1/waste/bulky-benchmark"
BODIES = [
    profile_body(NLC),
    profile_body(
        GLASGOW,
        delivery_model="mixed",
        collections=31500,
        items=118000,
        tonnes_collected=4050,
        tonnes_reuse=120,
        tonnes_recycling=900,
        tonnes_energy_recovery=2400,
        tonnes_landfill=630,
        charge_price=35,
        operating_cost=2050000,
        days_to_collection=12,
        contract_references=[],
    ),
    profile_body(
        EAST_AYRSHIRE,
        collections=5600,
        tonnes_collected="700.5",
        tonnes_reuse=60,
        tonnes_recycling=210,
        tonnes_energy_recovery=330,
        tonnes_landfill=None,
        charge_price=0,
        operating_cost=None,  # unknown: no cost measures for East Ayrshire
        days_to_collection="5.5",
        contract_references=[],
    ),
]
WHO = {NLC: "nlc", GLASGOW: "glasgow", EAST_AYRSHIRE: "admin"}


@pytest.fixture
def recorded(hub, client):
    for body in BODIES:
        response = client.post(
            "/api/v1/waste/bulky-profiles", json=body, headers=hub.headers(WHO[body["council_code"]])
        )
        assert response.status_code == 201, response.get_json()
    return hub


def test_api_numbers_equal_the_pure_benchmark(recorded, client):
    payload = client.get(f"{URL}?year=2024-25", headers=recorded.headers("glasgow")).get_json()
    expected = benchmark(
        [profile_from_values(b) for b in BODIES], "2024-25", households_by_council()
    )
    assert payload["financial_year"] == "2024-25"
    assert [c["council_name"] for c in payload["councils"]] == [
        "East Ayrshire Council",
        "Glasgow City Council",
        "North Lanarkshire Council",
    ]
    assert all(c["households_approximate"] is True for c in payload["councils"])
    assert "National Records of Scotland" in payload["households_source"]
    assert "QUARTILE.INC" in payload["quartile_method"]
    for measure in payload["measures"]:
        pure = expected.measure(measure["key"])
        for name in ("lower_quartile", "median", "upper_quartile"):
            value = getattr(pure, name)
            assert measure[name] == (None if value is None else float(value)), measure["key"]
        assert measure["known"] == pure.known
        assert measure["unknown_councils"] == list(pure.unknown_councils)
        for row in measure["councils"]:
            standing = pure.standing(row["council_code"])
            assert row["value"] == (None if standing.value is None else float(standing.value))
            assert row["verdict"] == standing.verdict
    cost = next(m for m in payload["measures"] if m["key"] == "cost_per_tonne")
    # By hand: NLC 1,092,000 / 2,310 = 472.727..., Glasgow 2,050,000 / 4,050 = 506.17...
    assert cost["median"] == pytest.approx((1092000 / 2310 + 2050000 / 4050) / 2)
    assert cost["unknown_councils"] == [EAST_AYRSHIRE]
    by_council = {c["council_code"]: c for c in cost["councils"]}
    assert by_council[NLC]["verdict"] == "better" and by_council[GLASGOW]["verdict"] == "worse"


def test_benchmark_defaults_to_the_latest_year_and_refuses_a_bad_one(recorded, client):
    latest = client.get(URL, headers=recorded.headers("nlc")).get_json()
    assert latest["financial_year"] == "2024-25" and latest["financial_years"] == ["2024-25"]
    bad = client.get(f"{URL}?year=2024/25", headers=recorded.headers("nlc"))
    assert bad.status_code == 422 and "2024-25" in bad.get_json()["errors"]["year"][0]
    empty = client.get(f"{URL}?year=2019-20", headers=recorded.headers("nlc")).get_json()
    assert empty["councils"] == [] and all(m["known"] == 0 for m in empty["measures"])


def test_benchmark_page_has_a_chart_and_its_table(recorded, client):
    sign_in(client, "nlc")
    html = client.get("/waste/bulky/benchmark?year=2024-25").get_data(as_text=True)
    assert html.count('<svg class="ph-bar-chart"') == 8
    assert 'aria-describedby="table-cost_per_tonne"' in html
    assert 'id="table-cost_per_tonne"' in html
    assert "£472.73" in html and "£506.17" in html  # NLC and Glasgow cost per tonne
    assert "Median" in html and "Lower quartile" in html and "Upper quartile" in html
    assert "Approximate" in html and "National Records of Scotland" in html
    assert "cdn" not in html.lower()
    content = html.split('id="main-content"')[1].split("</main>")[0]
    assert "<script" not in content and " on" + "click=" not in content
    assert 'href="/waste/bulky/benchmark.xlsx?year=2024-25"' in html


def test_benchmark_export_is_a_workbook_with_safe_text(recorded, client, app):
    with app.app_context():
        from factories import council

        council("S12000047", "=HYPERLINK(\"http://evil.example\",\"Fife\")")
    client.post(
        "/api/v1/waste/bulky-profiles",
        json=profile_body("S12000047", contract_references=[]),
        headers=recorded.headers("admin"),
    )
    sign_in(client, "nlc")
    response = client.get("/waste/bulky/benchmark.xlsx?year=2024-25")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Against the median", "Quartiles", "Households"]
    sheet = book["Against the median"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(
        (
            "Measure",
            "Unit",
            "Council",
            "Value",
            "Median",
            "Difference from median",
            "Against the median",
        )
    )
    data = rows[header + 1 :]
    nlc_cost = next(r for r in data if r[0] == "Cost per tonne" and r[2].startswith("North"))
    assert Decimal(str(nlc_cost[3])) == Decimal("472.73")
    evil = [cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=")]
    assert evil and all(c.data_type == "s" for c in evil)  # text, never a live formula
