"""A council officer records a bulky waste profile: what is refused, what is only flagged."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.waste.bulky_profile import (
    DELIVERY_MODELS,
    PROFILE_FIELDS,
    BulkyProfileError,
    BulkyServiceProfile,
    ProfileCheck,
    ProfileIssue,
    profile_from_values,
    validate_profile,
)


def good(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "council_code": "S12000050",
        "financial_year": "2024-25",
        "delivery_model": "in_house",
        "collections": 12000,
        "items": 30000,
        "tonnes_collected": "1500.5",
        "tonnes_reuse": "150",
        "tonnes_recycling": "450.5",
        "tonnes_energy_recovery": "700",
        "tonnes_landfill": "200",
        "charge_price": "£25.00",
        "charge_items_covered": 3,
        "concessions": "Free for people on Council Tax Reduction.",
        "operating_cost": "1,250,000",
        "days_to_collection": 7,
        "contract_references": "NLC-2021-004; NLC-2022-010",
    }
    values.update(changes)
    return values


def error_fields(check: ProfileCheck) -> list[str]:
    return [issue.field for issue in check.errors]


def test_a_complete_profile_passes_and_becomes_a_profile() -> None:
    check = validate_profile(good())
    assert check.ok and check.errors == () and check.warnings == ()
    profile = profile_from_values(good())
    assert profile == BulkyServiceProfile(
        council_code="S12000050",
        financial_year="2024-25",
        delivery_model="in_house",
        collections=12000,
        items=30000,
        tonnes_collected=Decimal("1500.5"),
        tonnes_reuse=Decimal("150"),
        tonnes_recycling=Decimal("450.5"),
        tonnes_energy_recovery=Decimal("700"),
        tonnes_landfill=Decimal("200"),
        charge_price=Decimal("25.00"),
        charge_items_covered=3,
        concessions="Free for people on Council Tax Reduction.",
        operating_cost=Decimal("1250000"),
        days_to_collection=Decimal("7"),
        contract_references=("NLC-2021-004", "NLC-2022-010"),
    )


def test_only_council_year_and_delivery_model_are_required() -> None:
    values = {"council_code": "S12000049", "financial_year": "2023-24", "delivery_model": "mixed"}
    assert validate_profile(values).ok
    profile = profile_from_values(values)
    assert profile.operating_cost is None and profile.tonnes_collected is None
    assert profile.contract_references == ()


@pytest.mark.parametrize("field", ["council_code", "financial_year", "delivery_model"])
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_required_fields_missing_are_errors_naming_the_field(field: str, blank: Any) -> None:
    check = validate_profile(good(**{field: blank}))
    assert error_fields(check) == [field]
    label = next(f.label for f in PROFILE_FIELDS if f.name == field)
    assert label in check.errors[0].message and "required" in check.errors[0].message


@pytest.mark.parametrize(
    "field",
    [
        "collections",
        "items",
        "tonnes_collected",
        "tonnes_reuse",
        "charge_price",
        "charge_items_covered",
        "operating_cost",
        "days_to_collection",
    ],
)
def test_negative_figures_are_refused_quoting_the_value(field: str) -> None:
    values = good(**{field: "-3"})
    if field == "tonnes_collected":
        values.update(
            tonnes_reuse=0, tonnes_recycling=0, tonnes_energy_recovery=0, tonnes_landfill=0
        )
    check = validate_profile(values)
    assert error_fields(check) == [field]
    assert "cannot be negative" in check.errors[0].message
    assert "'-3'" in check.errors[0].message


@pytest.mark.parametrize("value", ["lots", "12kg", True, [1], "1e5", float("nan"), float("inf")])
def test_a_figure_that_is_not_a_number_is_refused(value: Any) -> None:
    check = validate_profile(good(operating_cost=value))
    assert error_fields(check) == ["operating_cost"]
    assert check.errors[0].message.startswith("Annual operating cost must be a number; got '")


@pytest.mark.parametrize("field", ["collections", "items", "charge_items_covered"])
def test_counts_must_be_whole(field: str) -> None:
    check = validate_profile(good(**{field: "2.5"}))
    assert error_fields(check) == [field]
    assert "whole number" in check.errors[0].message and "'2.5'" in check.errors[0].message


def test_zero_is_a_figure_not_a_gap() -> None:
    profile = profile_from_values(good(charge_price=0, charge_items_covered=0))
    assert profile.charge_price == 0 and profile.charge_items_covered == 0


def test_destinations_above_tonnes_collected_are_an_error() -> None:
    check = validate_profile(good(tonnes_collected="1000"))
    assert error_fields(check) == ["tonnes_collected"]
    message = check.errors[0].message
    assert "1500.5" in message and "1000" in message and "more than" in message


def test_destinations_short_of_tonnes_collected_are_a_warning() -> None:
    check = validate_profile(good(tonnes_collected="1600.5"))
    assert check.ok
    assert [w.field for w in check.warnings] == ["tonnes_collected"]
    assert "100.0 short of the 1600.5 tonnes collected" in check.warnings[0].message


def test_missing_destination_is_named_in_the_shortfall_warning() -> None:
    check = validate_profile(good(tonnes_landfill=None))
    assert check.ok
    assert "tonnes to landfill not given" in check.warnings[0].message


def test_destinations_exactly_equal_to_collected_pass_without_warning() -> None:
    check = validate_profile(good())
    assert check.warnings == ()


def test_destinations_without_tonnes_collected_are_flagged() -> None:
    check = validate_profile(good(tonnes_collected=None))
    assert check.ok
    assert "tonnes collected is not given" in check.warnings[0].message


@pytest.mark.parametrize("year", ["2024-25", "1999-00", "2099-00"])
def test_financial_years_written_properly_pass(year: str) -> None:
    assert validate_profile(good(financial_year=year)).ok


@pytest.mark.parametrize("year", ["2024/25", "2024-26", "2024", "24-25", "2024-2025", 2024])
def test_financial_years_written_otherwise_are_refused(year: Any) -> None:
    check = validate_profile(good(financial_year=year))
    assert error_fields(check) == ["financial_year"]
    assert "like 2024-25" in check.errors[0].message and f"'{year}'" in check.errors[0].message


@pytest.mark.parametrize("model", DELIVERY_MODELS)
def test_each_delivery_model_is_accepted(model: str) -> None:
    assert validate_profile(good(delivery_model=model)).ok


@pytest.mark.parametrize("model", ["In-house", "council", "outsourced", 3])
def test_other_delivery_models_are_refused_listing_the_choices(model: Any) -> None:
    check = validate_profile(good(delivery_model=model))
    assert error_fields(check) == ["delivery_model"]
    message = check.errors[0].message
    assert "in_house, contractor, reuse_partner, mixed" in message and f"'{model}'" in message


def test_fewer_items_than_collections_is_a_warning() -> None:
    check = validate_profile(good(items=10, collections=20))
    assert check.ok and [w.field for w in check.warnings] == ["items"]


def test_unknown_fields_are_warned_about_not_refused() -> None:
    check = validate_profile(good(tonnage="5"))
    assert check.ok and "'tonnage' is not a bulky waste profile field" in check.warnings[0].message


def test_contract_references_from_a_list_and_bad_ones_refused() -> None:
    assert profile_from_values(
        good(contract_references=["A-1", " B-2 ", ""])
    ).contract_references == (
        "A-1",
        "B-2",
    )
    check = validate_profile(good(contract_references=[1, 2]))
    assert error_fields(check) == ["contract_references"]


def test_over_long_concessions_are_refused() -> None:
    check = validate_profile(good(concessions="x" * 2001))
    assert error_fields(check) == ["concessions"] and "2001 characters" in check.errors[0].message


def test_every_error_is_reported_at_once_and_profile_from_values_raises_them() -> None:
    values = good(financial_year="2024/25", delivery_model="x", operating_cost="-1")
    assert error_fields(validate_profile(values)) == [
        "financial_year",
        "delivery_model",
        "operating_cost",
    ]
    with pytest.raises(BulkyProfileError, match="Financial year.*Delivery model.*operating cost"):
        profile_from_values(values)


def test_profile_fields_registry_has_labels_units_and_covers_the_profile() -> None:
    names = [f.name for f in PROFILE_FIELDS]
    assert names == list(BulkyServiceProfile.__dataclass_fields__)
    assert all(f.label and f.help for f in PROFILE_FIELDS)
    units = {f.name: f.unit for f in PROFILE_FIELDS}
    assert units["operating_cost"] == "£" and units["tonnes_landfill"] == "tonnes"
    assert units["days_to_collection"] == "days"


anything = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.binary(max_size=10),
        st.dates(),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)
field_names = st.sampled_from([f.name for f in PROFILE_FIELDS])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.one_of(field_names, st.text(max_size=8), st.integers()), anything))
def test_validate_profile_never_raises_on_any_mapping(values: dict[Any, Any]) -> None:
    check = validate_profile(values)
    assert isinstance(check, ProfileCheck)
    for issue in check.errors + check.warnings:
        assert isinstance(issue, ProfileIssue) and isinstance(issue.message, str) and issue.message
        assert "could not be checked" not in issue.message  # every input gets a real answer
    if check.ok:
        profile = profile_from_values(values)  # what passes can be stored
        assert profile.delivery_model in DELIVERY_MODELS


numeric = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(collected=numeric, parts=st.lists(numeric, min_size=4, max_size=4))
def test_destination_rule_holds_for_any_figures(collected: Decimal, parts: list[Decimal]) -> None:
    values = good(
        tonnes_collected=collected,
        tonnes_reuse=parts[0],
        tonnes_recycling=parts[1],
        tonnes_energy_recovery=parts[2],
        tonnes_landfill=parts[3],
    )
    check = validate_profile(values)
    assert check.ok == (sum(parts) <= collected)
    short = [w for w in check.warnings if "short of" in w.message]
    assert bool(short) == (sum(parts) < collected)
