"""`procurehub digital appraise FILE [--json] [--xlsx OUT]`, run through click's CliRunner
on the plugin's own group: no app, no database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from plugins.digital.cli import cli

CASE: dict[str, Any] = {
    "appraisal_years": 10,
    "options": [
        {"name": "Business as usual", "operating": [0] + [150_000] * 10},
        {"name": "Single national system", "capital": [1_000_000], "benefits": [0, 10_000]},
    ],
}


def _file(tmp_path: Path, content: Any, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def test_json_output_is_one_object_of_the_documented_shape(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["appraise", str(_file(tmp_path, CASE)), "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert list(answer) == ["options"]
    assert [list(o) for o in answer["options"]] == [
        [
            "name",
            "pv_costs",
            "pv_benefits",
            "npsv",
            "bcr",
            "discounted_payback_year",
            "vfm_category",
        ]
    ] * 2
    bau, national = answer["options"]
    assert bau == {
        "name": "Business as usual",
        "pv_costs": 1_247_490.8,
        "pv_benefits": 0.0,
        "npsv": -1_247_490.8,
        "bcr": 0.0,
        "discounted_payback_year": None,
        "vfm_category": "poor",
    }
    assert national["pv_benefits"] == 9_661.84  # 10,000 / 1.035, to the penny


def test_without_json_a_readable_table_with_the_comparison_to_bau(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["appraise", str(_file(tmp_path, CASE))])
    assert result.exit_code == 0, result.output
    assert "Single national system" in result.stdout
    assert "-£1,247,490.80" in result.stdout
    assert "Against Business as usual" in result.stdout
    assert "£257,152.63" in result.stdout  # 247,490.80 saved + 9,661.84 extra benefits
    assert "HM Treasury Green Book" in result.stdout


def test_xlsx_writes_the_workbook_and_json_stays_alone_on_stdout(tmp_path: Path) -> None:
    out = tmp_path / "case.xlsx"
    result = CliRunner().invoke(
        cli, ["appraise", str(_file(tmp_path, CASE)), "--json", "--xlsx", str(out)]
    )
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    workbook = load_workbook(out)
    assert workbook.sheetnames[:3] == ["Summary", "Parameters", "Option 1"]
    assert workbook["Summary"]["D5"].value == "=C5-B5"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "case.json: not valid JSON (line 1, column 2"),
        ("[1, 2]", "case.json: the business case must be a JSON object"),
        ({"appraisal_years": 10}, "case.json: the business case has no 'options'"),
        (
            {"appraisal_years": 1, "options": [{"name": "A", "capital": [1, 2, 3]}]},
            "options[0].capital has 3 years",
        ),
    ],
)
def test_a_bad_file_exits_2_with_a_message(tmp_path: Path, content: Any, message: str) -> None:
    result = CliRunner().invoke(cli, ["appraise", str(_file(tmp_path, content)), "--json"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_file_that_is_not_text_or_not_there_exits_2(tmp_path: Path) -> None:
    binary = tmp_path / "case.json"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    result = CliRunner().invoke(cli, ["appraise", str(binary)])
    assert result.exit_code == 2
    assert "not a UTF-8 text file" in result.stderr
    missing = CliRunner().invoke(cli, ["appraise", str(tmp_path / "nowhere.json")])
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr


def test_a_workbook_that_cannot_be_written_is_an_error_not_a_crash(tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "case.xlsx"
    result = CliRunner().invoke(cli, ["appraise", str(_file(tmp_path, CASE)), "--xlsx", str(out)])
    assert result.exit_code == 1
    assert "cannot write" in result.stderr


def test_the_group_is_named_digital_and_documents_appraise() -> None:
    assert cli.name == "digital"
    result = CliRunner().invoke(cli, ["appraise", "--help"])
    assert result.exit_code == 0
    assert "--xlsx" in result.stdout and "--json" in result.stdout
