"""The Green Book parameter table: editions, their sources, and optimism bias after mitigation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.digital.green_book import (
    EDITIONS,
    PROJECT_TYPES,
    AppraisalError,
    current_edition,
    edition,
    optimism_bias,
)


def test_the_current_edition_has_the_standard_discount_schedule_and_names_its_sources() -> None:
    current = current_edition()
    assert current.name == "HM Treasury Green Book 2022 (2026 update)"
    assert current.discount_schedule == (
        (0, Decimal("0.035")),
        (31, Decimal("0.030")),
        (76, Decimal("0.025")),
        (126, Decimal("0.020")),
        (201, Decimal("0.015")),
        (301, Decimal("0.010")),
    )
    assert current.sources and all("http" in source for source in current.sources)


def test_every_edition_is_found_by_its_name_and_has_every_project_type() -> None:
    for name, known in EDITIONS.items():
        assert edition(name) is known
        assert set(known.optimism_bias) == set(PROJECT_TYPES)
        assert known.sources


def test_an_unknown_edition_is_refused_with_the_known_names() -> None:
    with pytest.raises(AppraisalError, match="known editions: HM Treasury Green Book 2022"):
        edition("Green Book 1991")


@pytest.mark.parametrize(
    ("project_type", "measure", "upper", "lower"),
    [
        ("equipment_development", "capital", "2.00", "0.10"),
        ("equipment_development", "works_duration", "0.54", "0.10"),
        ("outsourcing", "operating", "0.41", "0.00"),
        ("standard_buildings", "capital", "0.24", "0.02"),
        ("non_standard_civil_engineering", "capital", "0.66", "0.06"),
    ],
)
def test_no_mitigation_gives_the_upper_bound_and_full_mitigation_the_lower(
    project_type: str, measure: str, upper: str, lower: str
) -> None:
    assert optimism_bias(project_type, measure, 0) == Decimal(upper)
    assert optimism_bias(project_type, measure, 1) == Decimal(lower)


def test_mitigation_moves_the_uplift_linearly_toward_the_lower_bound() -> None:
    # 200% - (200% - 10%) x 40% = 124%
    assert optimism_bias("Equipment/development", "capital", Decimal("0.4")) == Decimal("1.24")
    assert optimism_bias("equipment development", "works_duration", 0.5) == Decimal("0.32")
    assert optimism_bias("outsourcing", "operating", "0.25") == Decimal("0.3075")


@pytest.mark.parametrize("share", [-0.1, 1.5, "lots", None, True, float("nan")])
def test_a_mitigation_share_outside_0_to_1_is_refused(share: object) -> None:
    with pytest.raises(AppraisalError, match="mitigation_share"):
        optimism_bias("equipment_development", "capital", share)  # type: ignore[arg-type]


def test_a_figure_the_guidance_does_not_give_is_refused_not_invented() -> None:
    with pytest.raises(AppraisalError, match="no capital optimism bias for outsourcing"):
        optimism_bias("outsourcing", "capital", 0)
    with pytest.raises(AppraisalError, match="unknown project type"):
        optimism_bias("software", "capital", 0)
    with pytest.raises(AppraisalError, match="unknown measure"):
        optimism_bias("standard_buildings", "benefits", 0)


def test_an_older_edition_can_be_asked_for_by_name() -> None:
    assert optimism_bias(
        "equipment_development", "capital", 0, edition_name="HM Treasury Green Book 2022"
    ) == Decimal("2.00")
