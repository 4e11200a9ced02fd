"""Household counts per council, for measures per 1,000 households.

Seeded from `households.csv` (National Records of Scotland household estimates). Each row says
its year and source and whether the figure is approximate, so a benchmark can say which
household figures it divided by.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SEED_PATH = Path(__file__).with_name("households.csv")
COLUMNS = ("council_code", "council_name", "households", "year", "approximate", "source")


class HouseholdsError(ValueError):
    """The household file cannot be used; the message names the row and column."""


@dataclass(frozen=True)
class HouseholdCount:
    council_code: str
    council_name: str
    households: int
    year: int
    approximate: bool
    source: str


def _flag(text: str, row: int) -> bool:
    lowered = text.strip().lower()
    if lowered in {"true", "yes", "1"}:
        return True
    if lowered in {"false", "no", "0", ""}:
        return False
    raise HouseholdsError(f"Row {row}, column approximate: expected true or false, got '{text}'.")


def load_households(path: Path = SEED_PATH) -> dict[str, HouseholdCount]:
    """Every council's household count in the file, by council code."""
    counts: dict[str, HouseholdCount] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise HouseholdsError(f"{path.name} lacks the column(s) {', '.join(missing)}.")
        for row_number, row in enumerate(reader, start=2):
            code = (row["council_code"] or "").strip()
            if not code:
                raise HouseholdsError(f"Row {row_number}, column council_code: empty.")
            if code in counts:
                raise HouseholdsError(f"Row {row_number}: council {code} appears twice.")
            try:
                households = int(row["households"])
                year = int(row["year"])
            except (TypeError, ValueError) as exc:
                raise HouseholdsError(
                    f"Row {row_number}: households and year must be whole numbers "
                    f"(got '{row['households']}', '{row['year']}')."
                ) from exc
            if households <= 0:
                raise HouseholdsError(
                    f"Row {row_number}, column households: must be more than zero, "
                    f"got {households}."
                )
            counts[code] = HouseholdCount(
                council_code=code,
                council_name=(row["council_name"] or "").strip(),
                households=households,
                year=year,
                approximate=_flag(row["approximate"] or "", row_number),
                source=(row["source"] or "").strip(),
            )
    return counts


def households_by_council(path: Path = SEED_PATH) -> dict[str, int]:
    """Council code → households, the mapping the benchmark takes."""
    return {code: count.households for code, count in load_households(path).items()}
