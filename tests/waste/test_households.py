"""Household counts seeded from NRS estimates: complete, sourced, honest about precision."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.waste.households import (
    HouseholdsError,
    households_by_council,
    load_households,
)

DEMO_COUNCILS = {"S12000050", "S12000049", "S12000036", "S12000047", "S12000006", "S12000008"}
# NRS, Estimates of Households and Dwellings in Scotland 2024: 2.55 million households.
SCOTLAND_2024 = 2_550_000


def test_seed_has_all_32_councils_including_the_demo_six() -> None:
    counts = load_households()
    assert len(counts) == 32
    assert set(counts) >= DEMO_COUNCILS
    assert all(code.startswith("S12") and len(code) == 9 for code in counts)
    assert counts["S12000049"].council_name == "Glasgow City"


def test_every_row_says_its_year_source_and_that_it_is_approximate() -> None:
    for count in load_households().values():
        assert count.year == 2024
        assert "Estimates of Households and Dwellings in Scotland, 2024" in count.source
        assert "https://www.nrscotland.gov.uk/" in count.source
        assert count.approximate is True and "APPROXIMATE" in count.source


def test_seed_adds_up_to_the_published_scotland_total_within_two_percent() -> None:
    total = sum(households_by_council().values())
    assert abs(total - SCOTLAND_2024) / SCOTLAND_2024 < 0.02


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "households.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "council_code,council_name,households,year,approximate,source\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("S1,A,many,2024,false,x\n", "Row 2: households and year must be whole numbers"),
        ("S1,A,0,2024,false,x\n", "Row 2, column households: must be more than zero"),
        ("S1,A,10,2024,maybe,x\n", "Row 2, column approximate"),
        ("S1,A,10,2024,false,x\nS1,A,10,2024,false,x\n", "Row 3: council S1 appears twice"),
        (",A,10,2024,false,x\n", "Row 2, column council_code: empty"),
    ],
)
def test_a_bad_household_file_names_row_and_column(tmp_path, body, message) -> None:
    with pytest.raises(HouseholdsError, match=message):
        load_households(_write(tmp_path, HEADER + body))


def test_a_file_without_the_columns_is_refused(tmp_path) -> None:
    with pytest.raises(HouseholdsError, match="lacks the column"):
        load_households(_write(tmp_path, "code,households\nS1,10\n"))


def test_an_exact_figure_loads_as_given(tmp_path) -> None:
    counts = load_households(_write(tmp_path, HEADER + "S1,A,12345,2023,false,NRS table 1\n"))
    assert counts["S1"].households == 12345 and counts["S1"].approximate is False
