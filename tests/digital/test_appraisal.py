"""The Green Book appraisal: discounting, check figures, value for money, switching values,
sensitivity, business as usual, and the validation of the §4 business-case JSON."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.digital.appraisal import (
    AppraisalError,
    appraise,
    appraise_case,
    discount_factor,
    discount_factors,
    read_case,
    vfm_category,
)

ANNUAL_SAVING_CASE: dict[str, Any] = {
    "appraisal_years": 10,
    "options": [{"name": "Invest", "capital": [1_000_000], "benefits": [0] + [150_000] * 10}],
}
BAU_CASE: dict[str, Any] = {
    "appraisal_years": 10,
    "options": [
        {"name": "Business as usual", "operating": [0] + [150_000] * 10},
        {"name": "Single national system", "capital": [1_000_000]},
    ],
}


@pytest.fixture(autouse=True)
def exact_decimals() -> Iterator[None]:
    """Check the module's 50-digit figures with 50-digit arithmetic."""
    with localcontext(Context(prec=50)):
        yield


def _pounds(value: Decimal) -> int:
    return int(value.quantize(Decimal(1)))


def _by_input(appraisal: Any, option: str, name: str) -> Any:
    (found,) = [s for s in appraisal.switching_values if s.option == option and s.input == name]
    return found


# --- Check figures (design §3) -------------------------------------------------------------


def test_a_1m_cost_saving_150k_a_year_for_10_years_is_worth_247k() -> None:
    result = appraise(read_case(ANNUAL_SAVING_CASE)).options[0]
    assert _pounds(result.npsv) == 247_491
    assert appraise_case(ANNUAL_SAVING_CASE) == {
        "options": [
            {
                "name": "Invest",
                "pv_costs": 1_000_000.0,
                "pv_benefits": 1_247_490.8,
                "npsv": 247_490.8,
                "bcr": 1.2475,
                "discounted_payback_year": 8,
                "vfm_category": "low",
            }
        ]
    }


def test_saving_only_100k_a_year_loses_168k() -> None:
    case = copy.deepcopy(ANNUAL_SAVING_CASE)
    case["options"][0]["benefits"] = [0] + [100_000] * 10
    result = appraise(read_case(case)).options[0]
    assert _pounds(result.npsv) == -168_339
    assert result.vfm_category == "poor"
    assert result.discounted_payback_year is None


def test_the_switching_value_of_the_annual_saving_is_120241() -> None:
    appraisal = appraise(read_case(ANNUAL_SAVING_CASE))
    benefits = _by_input(appraisal, "Invest", "benefits")
    assert benefits.annual_amount == 150_000
    assert _pounds(benefits.switching_annual_amount) == 120_241
    assert abs(benefits.npsv_at_switching) < Decimal("0.01")


def test_against_business_as_usual_the_savings_are_the_bau_costs_avoided() -> None:
    appraisal = appraise(read_case(BAU_CASE))
    assert appraisal.bau_name == "Business as usual"
    (national,) = appraisal.comparisons
    assert national.name == "Single national system"
    assert _pounds(national.pv_savings) == 1_247_491
    assert _pounds(national.incremental_npsv) == 247_491
    assert national.discounted_payback_year == 8
    assert national.vfm_category == "low"
    savings = _by_input(appraisal, "Single national system", "savings")
    assert savings.basis == "vs_bau"
    assert _pounds(savings.switching_annual_amount) == 120_241
    assert appraisal.preferred_option == "Single national system"


def test_the_bau_option_is_the_one_so_named_even_when_not_first() -> None:
    case = copy.deepcopy(BAU_CASE)
    case["options"].reverse()
    case["options"].append({"name": "Do minimum", "operating": [0] + [140_000] * 10})
    appraisal = appraise(read_case(case))
    assert appraisal.bau_name == "Business as usual"
    by_name = {r.name: r for r in appraisal.options}
    for comparison in appraisal.comparisons:
        expected = by_name[comparison.name].npsv - by_name["Business as usual"].npsv
        assert comparison.incremental_npsv == expected


def test_without_an_option_so_named_the_first_option_is_business_as_usual() -> None:
    case = copy.deepcopy(BAU_CASE)
    case["options"][0]["name"] = "Keep current systems"
    assert appraise(read_case(case)).bau_name == "Keep current systems"


# --- Discounting ---------------------------------------------------------------------------


def test_year_0_is_not_discounted() -> None:
    assert discount_factor(0) == 1
    case = {"appraisal_years": 0, "options": [{"name": "Now", "capital": [123.45]}]}
    assert appraise_case(case)["options"][0]["pv_costs"] == 123.45


def test_discount_factors_step_down_at_year_31_without_a_jump() -> None:
    df30 = Fraction(1000, 1035) ** 30
    assert abs(Fraction(discount_factor(30)) - df30) < Fraction(1, 10**40)
    # Year 31 is discounted at 3.0% on top of year 30, not 1/1.03^31.
    assert discount_factor(31) == discount_factor(30) / Decimal("1.03")
    assert abs(Fraction(discount_factor(31)) - df30 * Fraction(100, 103)) < Fraction(1, 10**40)
    factors = discount_factors(130)
    assert factors[76] == factors[75] / Decimal("1.025")
    assert factors[126] == factors[125] / Decimal("1.020")
    assert all(later < earlier for earlier, later in zip(factors, factors[1:], strict=False))


def test_a_case_may_give_its_own_discount_schedule() -> None:
    case = {
        "appraisal_years": 2,
        "discount_schedule": [[0, 0.10], [2, 0.0]],
        "options": [{"name": "A", "benefits": [0, 110, 121]}],
    }
    appraisal = appraise(read_case(case))
    assert appraisal.case.schedule_source == "case"
    # 110 / 1.1 + 121 / 1.1 / 1.0 = 100 + 110
    assert appraisal.options[0].pv_benefits == 210


def test_optimism_bias_uplifts_capital_and_operating_costs() -> None:
    case = {
        "appraisal_years": 0,
        "optimism_bias": {"capital": 2.0, "operating": 0.41},
        "options": [{"name": "A", "capital": [1_000_000], "operating": [100_000]}],
    }
    assert appraise_case(case)["options"][0]["pv_costs"] == 3_000_000 + 141_000


def test_amounts_are_exact_decimals_not_binary_floats() -> None:
    case = {"appraisal_years": 0, "options": [{"name": "A", "capital": [0.1], "benefits": [0.3]}]}
    result = appraise(read_case(case)).options[0]
    assert result.pv_costs == Decimal("0.1")
    assert result.bcr == 3


# --- Value for money and payback -----------------------------------------------------------


@pytest.mark.parametrize(
    ("bcr", "category"),
    [
        ("-0.5", "poor"),
        ("0.9999", "poor"),
        ("1", "low"),
        ("1.4999", "low"),
        ("1.5", "medium"),
        ("1.9999", "medium"),
        ("2", "high"),
        ("4", "high"),
        ("4.0001", "very high"),
        ("12", "very high"),
    ],
)
def test_value_for_money_bands_and_their_boundaries(bcr: str, category: str) -> None:
    assert vfm_category(Decimal(bcr)) == category


def test_with_no_costs_there_is_no_bcr_category_or_payback() -> None:
    assert vfm_category(None) is None
    case = {"appraisal_years": 1, "options": [{"name": "Free", "benefits": [0, 50]}]}
    (option,) = appraise_case(case)["options"]
    assert option["bcr"] is None
    assert option["vfm_category"] is None
    assert option["discounted_payback_year"] is None
    assert option["npsv"] == pytest.approx(48.31)


def test_payback_in_the_year_of_the_cost_when_benefits_cover_it() -> None:
    case = {"appraisal_years": 1, "options": [{"name": "A", "capital": [10], "benefits": [10]}]}
    assert appraise_case(case)["options"][0]["discounted_payback_year"] == 0


# --- Switching values and sensitivity ------------------------------------------------------


def _npsv_with_scaled_lines(
    case: Any, option: str, lines: list[str], scale: Decimal, *, vs_bau_of: str | None = None
) -> Decimal:
    """Re-run the whole appraisal with one option's lines multiplied by `scale`."""
    options = tuple(
        replace(o, **{line: tuple(v * scale for v in o.line(line)) for line in lines})
        if o.name == option
        else o
        for o in case.options
    )
    rescaled = appraise(replace(case, options=options))
    if vs_bau_of is not None:
        (comparison,) = [c for c in rescaled.comparisons if c.name == vs_bau_of]
        return comparison.incremental_npsv
    (result,) = [r for r in rescaled.options if r.name == option]
    return result.npsv


LINES = {
    "capital": ["capital"],
    "operating": ["operating"],
    "costs": ["capital", "operating"],
    "benefits": ["benefits"],
}

MIXED_CASE: dict[str, Any] = {
    "appraisal_years": 40,
    "optimism_bias": {"capital": 0.54, "operating": 0.1},
    "options": [
        {"name": "Business as usual", "operating": [0] + [210_000] * 40, "benefits": [5] * 41},
        {
            "name": "Single national system",
            "capital": [400_000, 250_000],
            "operating": [0, 60_000] + [90_000] * 39,
            "benefits": [0, 0, 30_000] + [250_000] * 38,
        },
    ],
}


def test_each_switching_value_plugged_back_in_gives_npsv_zero() -> None:
    appraisal = appraise(read_case(MIXED_CASE))
    assert {(s.option, s.input) for s in appraisal.switching_values} >= {
        ("Single national system", "capital"),
        ("Single national system", "operating"),
        ("Single national system", "costs"),
        ("Single national system", "benefits"),
        ("Single national system", "savings"),
        ("Business as usual", "operating"),
        ("Business as usual", "benefits"),
    }
    case = read_case(MIXED_CASE)
    for value in appraisal.switching_values:
        if value.basis == "npsv":
            npsv = _npsv_with_scaled_lines(case, value.option, LINES[value.input], value.scale)
        else:  # the BAU costs scaled until the option is no better than BAU
            npsv = _npsv_with_scaled_lines(
                case, "Business as usual", LINES["costs"], value.scale, vs_bau_of=value.option
            )
        assert abs(npsv) < Decimal("0.01"), (value.option, value.input)
    national = _by_input(appraisal, "Single national system", "benefits")
    assert Decimal(0) < national.scale < 1  # the case stands until benefits fall this far


@settings(max_examples=40, deadline=None)
@given(
    capital=st.lists(st.integers(0, 10**7), min_size=1, max_size=6),
    operating=st.lists(st.integers(0, 10**6), max_size=12),
    benefits=st.lists(st.integers(-(10**5), 10**7), min_size=1, max_size=12),
    bias=st.sampled_from([0, 0.1, 0.54, 2.0]),
)
def test_switching_values_always_balance_npsv(
    capital: list[int], operating: list[int], benefits: list[int], bias: float
) -> None:
    case = {
        "appraisal_years": 40,
        "optimism_bias": {"capital": bias, "operating": bias},
        "options": [
            {"name": "A", "capital": capital, "operating": operating, "benefits": benefits}
        ],
    }
    for value in appraise(read_case(case)).switching_values:
        assert abs(value.npsv_at_switching) < Decimal("0.01")
        assert value.switching_pv == value.base_pv * value.scale


def test_the_sensitivity_table_moves_costs_and_benefits_by_10_20_30_percent() -> None:
    appraisal = appraise(read_case(ANNUAL_SAVING_CASE))
    rows = {(r.variable, r.change): r for r in appraisal.sensitivity}
    assert {change for _, change in rows} == {
        Decimal(x) for x in ("-0.3", "-0.2", "-0.1", "0.1", "0.2", "0.3")
    }
    assert len(rows) == 12
    result = appraisal.options[0]
    costs_up = rows[("costs", Decimal("0.1"))]
    assert costs_up.npsv == result.pv_benefits - result.pv_costs * Decimal("1.1")
    benefits_down = rows[("benefits", Decimal("-0.2"))]
    assert _pounds(benefits_down.npsv) == _pounds(result.pv_benefits * Decimal("0.8") - 1_000_000)
    assert benefits_down.bcr == result.pv_benefits * Decimal("0.8") / result.pv_costs


# --- Validation ----------------------------------------------------------------------------


def _case(**changes: Any) -> dict[str, Any]:
    case = copy.deepcopy(ANNUAL_SAVING_CASE)
    case.update(changes)
    return case


def _option(**changes: Any) -> dict[str, Any]:
    option = dict(ANNUAL_SAVING_CASE["options"][0])
    option.update(changes)
    return _case(options=[option])


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "must be a JSON object"),
        ({"options": []}, "no 'appraisal_years'"),
        ({"appraisal_years": 3}, "no 'options'"),
        (_case(appraisal_years=-1), "appraisal_years cannot be negative"),
        (_case(appraisal_years=2.5), "whole number"),
        (_case(appraisal_years="10"), "appraisal_years must be a whole number"),
        (_case(appraisal_years=True), "appraisal_years must be a whole number"),
        (_case(appraisal_years=100_000), "at most 1000"),
        (_case(discount_shedule=[[0, 0.035]]), "unknown keys \\['discount_shedule'\\]"),
        (_case(discount_schedule=[[0, 3.5]]), "between 0 and 1"),
        (_case(discount_schedule=[[0, -0.01]]), "between 0 and 1"),
        (_case(discount_schedule=[[1, 0.035]]), "must start at year 0"),
        (_case(discount_schedule=[[0, 0.035], [0, 0.03]]), "must come after"),
        (_case(discount_schedule=[[-1, 0.035]]), "cannot be negative"),
        (_case(discount_schedule=[0.035]), "pair"),
        (_case(discount_schedule=[]), "non-empty list"),
        (_case(optimism_bias={"capital": 200}), "2.0 means 200%"),
        (_case(optimism_bias={"capital": -0.1}), "optimism_bias.capital"),
        (_case(optimism_bias={"equipment": 0.1}), "unknown keys"),
        (_case(optimism_bias=0.2), "must be an object"),
        (_case(options=[]), "non-empty list"),
        (_case(options=["Invest"]), "options\\[0\\] must be an object"),
        (_case(options=[{"capital": [1]}]), "options\\[0\\] has no 'name'"),
        (_option(name=""), "options\\[0\\].name must be a non-empty text"),
        (_option(name="A\x00B"), "control characters"),
        (_option(capital=[1] * 12), "has 12 years but the appraisal covers years 0 to 10"),
        (_option(capital=[1, "2"]), "options\\[0\\].capital\\[1\\] must be a number"),
        (_option(capital=[1, None]), "must be a number"),
        (_option(benefits=[float("nan")]), "finite"),
        (_option(operating=[0, -5]), "negative .* enter savings as benefits"),
        (_option(capital=5), "must be a list"),
        (_option(cost=[1]), "unknown keys \\['cost'\\]"),
        (
            _case(options=[{"name": "A"}, {"name": " a "}]),
            "options\\[1\\].name ' a ' is used by an earlier option",
        ),
    ],
)
def test_a_bad_business_case_is_refused_with_a_message_saying_what_to_fix(
    document: Any, message: str
) -> None:
    with pytest.raises(AppraisalError, match=message):
        appraise_case(document)


def test_negative_benefits_are_disbenefits_and_short_lists_mean_zero_later() -> None:
    case = {"appraisal_years": 5, "options": [{"name": "A", "capital": [10], "benefits": [-5]}]}
    (option,) = appraise_case(case)["options"]
    assert option["npsv"] == -15
    assert option["bcr"] == -0.5
    assert option["vfm_category"] == "poor"
