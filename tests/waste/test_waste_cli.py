"""`procurehub waste …`: JSON shapes and exit codes (0 done, 1 refused by the data, 2 usage)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from waste.bulky_hub import EAST_AYRSHIRE, GLASGOW, NLC, profile_body


@pytest.fixture
def recorded(hub, client):
    glasgow = profile_body(GLASGOW, operating_cost=2050000, tonnes_collected=4050,
                           tonnes_energy_recovery=2840, contract_references=[])
    for body, who in ((profile_body(), "nlc"), (glasgow, "glasgow")):
        response = client.post("/api/v1/waste/bulky-profiles", json=body, headers=hub.headers(who))
        assert response.status_code == 201, response.get_json()
    return hub


def test_bulky_benchmark_json(recorded, runner):
    result = runner.invoke(["waste", "bulky-benchmark", "--year", "2024-25", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert set(document) == {
        "financial_year",
        "financial_years",
        "councils",
        "households_source",
        "quartile_method",
        "measures",
    }
    assert [c["council_code"] for c in document["councils"]] == [GLASGOW, NLC]
    measure = document["measures"][0]
    assert set(measure) == {
        "key", "label", "unit", "direction", "formula", "known", "unknown_councils",
        "lower_quartile", "median", "upper_quartile", "councils",
    }
    assert set(measure["councils"][0]) == {
        "council_code", "council_name", "value", "difference_from_median", "ratio_to_median",
        "verdict",
    }
    text = runner.invoke(["waste", "bulky-benchmark", "--year", "2024-25"])
    assert text.exit_code == 0 and "North Lanarkshire Council: £60.00 (better)" in text.output


def test_bulky_benchmark_exit_codes(recorded, runner):
    bad = runner.invoke(["waste", "bulky-benchmark", "--year", "2024/25"])
    assert bad.exit_code == 2 and "2024-25" in bad.output
    none = runner.invoke(["waste", "bulky-benchmark", "--year", "2019-20", "--json"])
    assert none.exit_code == 1 and "no bulky waste profiles for 2019-20" in none.output
    assert runner.invoke(["waste", "bulky-benchmark"]).exit_code == 2


def test_joint_model_json(recorded, runner):
    result = runner.invoke(
        ["waste", "joint-model", "--councils", f"{NLC},{GLASGOW}", "--year", "2024-25",
         "--per-tonne", "420", "--reuse-target", "0.1", "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert set(document) >= {
        "financial_year", "councils", "pooled", "current_cost", "joint_cost", "saving",
        "council_costs", "destinations", "diverted_from_landfill", "co2e", "assumptions",
        "notes",
    }
    assert document["councils"] == [NLC, GLASGOW]
    assert document["joint_cost"] == 420 * (2310 + 4050)
    assert document["saving"] == 1092000 + 2050000 - 420 * 6360
    assert sum(c["saving"] for c in document["council_costs"]) == pytest.approx(
        document["saving"]
    )
    reuse = next(a for a in document["assumptions"] if a["name"] == "Reuse share target")
    assert reuse["value"] == 0.1 and "entered" in reuse["source"]


def test_joint_model_exit_codes(recorded, runner):
    base = ["waste", "joint-model", "--year", "2024-25"]
    both = runner.invoke(base + ["--councils", NLC, "--per-tonne", "1", "--per-collection", "2"])
    assert both.exit_code == 2 and "exactly one" in both.output
    unknown = runner.invoke(base + ["--councils", "S99", "--per-tonne", "400"])
    assert unknown.exit_code == 2 and "no council with the code S99" in unknown.output
    share = runner.invoke(base + ["--councils", NLC, "--per-tonne", "400", "--reuse-target", "x"])
    assert share.exit_code == 2 and "reuse share target" in share.output
    missing = runner.invoke(base + ["--councils", f"{NLC},{EAST_AYRSHIRE}", "--per-tonne", "400"])
    assert missing.exit_code == 1 and "East Ayrshire Council" in missing.output


def filled_template(tmp_path, rows):
    """The template as the hub writes it, with rows filled in as an officer would."""
    from plugins.waste.workbooks import write_template

    buffer = io.BytesIO()
    write_template(buffer, NLC, "North Lanarkshire Council", [], new_year="2025-26")
    buffer.seek(0)
    book = openpyxl.load_workbook(buffer)
    sheet = book.active
    number = next(
        r[0].row for r in sheet.iter_rows(max_row=10) if r[1].value == "Financial year"
    )
    headings = [c.value for c in sheet[number]]
    for offset, values in enumerate(rows, start=1):
        for heading, value in values.items():
            sheet.cell(number + offset, headings.index(heading) + 1).value = value
    path = tmp_path / "profile.xlsx"
    book.save(path)
    return path


def test_import_profiles(recorded, runner, tmp_path):
    path = filled_template(
        tmp_path,
        [{"Council": NLC, "Financial year": "2025-26", "Delivery model": "Contractor",
          "Tonnes collected (tonnes)": 100, "Tonnes to landfill (tonnes)": 100}],
    )
    dry = runner.invoke(["waste", "import-profiles", str(path), "--council", NLC, "--dry-run",
                         "--json"])
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    keys = ["upload_id", "council_code", "rows_read", "created", "updated", "unchanged",
            "rejected", "duplicates", "missing_from_file", "errors", "warnings"]
    assert list(report)[: len(keys)] == keys and report["upload_id"] is None
    assert (report["status"], report["created"]) == ("dry_run", 1)
    stored = runner.invoke(["waste", "import-profiles", str(path), "--council", NLC, "--json"])
    assert json.loads(stored.output)["status"] == "stored" and stored.exit_code == 0
    again = runner.invoke(["waste", "import-profiles", str(path), "--council", NLC, "--json"])
    assert json.loads(again.output)["unchanged"] == 1


def test_import_profiles_exit_codes(recorded, runner, tmp_path):
    path = filled_template(tmp_path, [{"Financial year": "2025-26", "Delivery model": "Lorry"}])
    refused = runner.invoke(["waste", "import-profiles", str(path), "--council", NLC, "--json"])
    assert refused.exit_code == 1
    report = json.loads(refused.output)
    assert report["status"] == "refused" and report["errors"][0]["column"] == "Delivery model"
    assert runner.invoke(
        ["waste", "import-profiles", str(path), "--council", "S99"]
    ).exit_code == 2
    text = tmp_path / "profile.csv"
    text.write_text("a,b\n")
    not_template = runner.invoke(["waste", "import-profiles", str(text), "--council", NLC])
    assert not_template.exit_code == 1 and "Financial year" in not_template.output
