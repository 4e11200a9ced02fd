"""The appraisal workbook: live formulas that LibreOffice recalculates to ProcureHub's own
figures, and option names that never run as formulas.

The recalculation test needs LibreOffice (apt package `libreoffice-calc`). Without it the test
is skipped locally and fails under CI (PROCUREHUB_REQUIRE_BROWSER=1), like the browser tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from plugins.digital.appraisal import Appraisal, appraise, read_case
from plugins.digital.appraisal_workbook import write_appraisal_workbook

REQUIRE_TOOLS = os.environ.get("PROCUREHUB_REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}
HOSTILE_NAMES = ['=HYPERLINK("http://x","y")', "+1+2", "-3-4", "@SUM(A1)", "\tTab", "\rCR"]

LONG_CASE: dict[str, Any] = {
    "appraisal_years": 80,  # crosses the 3.5% -> 3.0% and 3.0% -> 2.5% steps
    "optimism_bias": {"capital": 0.54, "operating": 0.1},
    "options": [
        {"name": "Business as usual", "operating": [0] + [210_000] * 80, "benefits": [5] * 81},
        {
            "name": "Single national system",
            "capital": [400_000, 250_000],
            "operating": [0, 60_000] + [90_000] * 79,
            "benefits": [0, 0, 30_000] + [250_000] * 78,
        },
        {"name": "Do nothing at all"},  # no costs: BCR blank, as the app gives None
        {"name": HOSTILE_NAMES[0], "capital": [10], "benefits": [1, 2, 3]},
    ],
}
CUSTOM_SCHEDULE_CASE: dict[str, Any] = {
    "appraisal_years": 10,
    "discount_schedule": [[0, 0.05], [4, 0.02], [8, 0.0]],
    "options": [
        {"name": "Invest", "capital": [1_000_000], "benefits": [0] + [150_000] * 10},
        *({"name": name, "operating": [1, 1], "benefits": [0, 3]} for name in HOSTILE_NAMES[1:]),
    ],
}


def _soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    message = "Workbook recalculation skipped: LibreOffice (soffice) is not installed"
    if REQUIRE_TOOLS:
        pytest.fail(message + " and PROCUREHUB_REQUIRE_BROWSER is set", pytrace=False)
    pytest.skip(message)


def _recalculated(paths: list[Path], tmp_path: Path) -> list[Path]:
    """Have LibreOffice open, recalculate and save each workbook; returns the new files."""
    out = tmp_path / "recalculated"
    subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = [out / p.name for p in paths]
    assert all(p.exists() for p in converted), "LibreOffice did not write the converted files"
    return converted


def _written(case: dict[str, Any], path: Path) -> Appraisal:
    appraisal = appraise(read_case(case))
    write_appraisal_workbook(appraisal, path)
    return appraisal


def test_libreoffice_recalculates_every_figure_to_the_apps_own(tmp_path: Path) -> None:
    originals = [tmp_path / "long.xlsx", tmp_path / "custom.xlsx"]
    appraisals = [_written(LONG_CASE, originals[0]), _written(CUSTOM_SCHEDULE_CASE, originals[1])]
    for appraisal, path in zip(appraisals, _recalculated(originals, tmp_path), strict=True):
        summary = load_workbook(path, data_only=True)["Summary"]
        for row, option in enumerate(appraisal.options, start=5):
            # Names are still the text typed (a formula would show its result instead);
            # XML reads a bare CR back as LF.
            assert summary.cell(row, 1).value == option.name.replace("\r", "\n")
            pv_costs, pv_benefits, npsv, bcr, vfm = (
                summary.cell(row, c).value for c in range(2, 7)
            )
            assert abs(Decimal(str(pv_costs)) - option.pv_costs) < Decimal("0.005"), option.name
            assert abs(Decimal(str(pv_benefits)) - option.pv_benefits) < Decimal("0.005")
            assert abs(Decimal(str(npsv)) - option.npsv) < Decimal("0.005"), option.name
            if option.bcr is None:
                assert bcr in (None, ""), option.name
                assert vfm in (None, "")
            else:
                assert abs(Decimal(str(bcr)) - option.bcr) < Decimal("0.000001"), option.name
                assert vfm == option.vfm_category
        first_comparison_row = 5 + len(appraisal.options) + 4
        for row, comparison in enumerate(appraisal.comparisons, start=first_comparison_row):
            assert summary.cell(row, 1).value == comparison.name.replace("\r", "\n")
            incremental = Decimal(str(summary.cell(row, 5).value))
            assert abs(incremental - comparison.incremental_npsv) < Decimal("0.005")


def test_discount_factors_and_present_values_are_live_formulas(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    _written(LONG_CASE, path)
    workbook = load_workbook(path)
    option = workbook["Option 2"]
    assert option["C5"].value == 1  # year 0 is not discounted
    assert option["C6"].value == "=C5/(1+B6)"
    assert option["B36"].value.startswith("=LOOKUP(A36,Parameters!")  # year 31
    assert option["H6"].value == "=G6*C6"
    summary = workbook["Summary"]
    assert summary["B6"].value == "=SUM('Option 2'!H5:H85)"
    assert summary["D6"].value == "=C6-B6"
    assert summary["E6"].value == '=IF(B6=0,"",C6/B6)'
    parameters = workbook["Parameters"]
    assert parameters["B3"].value == "HM Treasury Green Book 2022 (2026 update)"
    assert parameters["B6"].value == pytest.approx(0.54)


def test_option_names_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "hostile.xlsx"
    _written(CUSTOM_SCHEDULE_CASE, path)
    workbook = load_workbook(path)
    names = [workbook["Summary"].cell(row, 1) for row in range(6, 6 + len(HOSTILE_NAMES) - 1)]
    # XML reads a bare CR back as LF; what matters is that it is text, not a formula.
    assert [cell.value.replace("\n", "\r") for cell in names] == HOSTILE_NAMES[1:]
    assert {cell.data_type for cell in names} == {"s"}
    for index in range(2, len(HOSTILE_NAMES) + 1):
        title = workbook[f"Option {index}"]["A1"]
        assert title.data_type == "s"
    hostile = tmp_path / "hyperlink.xlsx"
    _written(LONG_CASE, hostile)
    cell = load_workbook(hostile)["Summary"]["A8"]
    assert (cell.value, cell.data_type) == (HOSTILE_NAMES[0], "s")
