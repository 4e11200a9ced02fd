"""Green Book economic appraisal of a business case: pure arithmetic over plain data.

Everything is computed in `Decimal` with 50 significant digits, so a finance officer who redoes
the sums gets the same pennies; money is rounded to pennies only when results are shown
(`appraisal_to_json`). Years run from 0 (today, undiscounted) to `appraisal_years`; amounts
are in real prices.

The entry point for the §4 JSON is :func:`appraise_case`; :func:`read_case` validates it and
:func:`appraise` returns the full result (per-year rows, comparison with business as usual,
switching values, sensitivity table) that the CLI, pages and the workbook export show.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any, NamedTuple, ParamSpec, TypeVar

from .green_book import AppraisalError, current_edition

__all__ = [
    "BAU_NAME",
    "SENSITIVITY_CHANGES",
    "Appraisal",
    "AppraisalError",
    "BusinessCase",
    "Comparison",
    "CouncilCosts",
    "CouncilJoining",
    "CouncilSavings",
    "CouncilSystem",
    "JoiningSchedule",
    "Option",
    "OptionResult",
    "SensitivityRow",
    "SwitchingValue",
    "YearRow",
    "appraisal_to_json",
    "appraise",
    "appraise_case",
    "discount_factor",
    "discount_factors",
    "joining_schedule",
    "net_savings_per_council",
    "rate_for_year",
    "read_case",
    "vfm_category",
]

BAU_NAME = "Business as usual"
SENSITIVITY_CHANGES = tuple(Decimal(x) for x in ("-0.3", "-0.2", "-0.1", "0.1", "0.2", "0.3"))
# Limits that keep a hostile or mistyped file from running away; far above any real case.
MAX_APPRAISAL_YEARS = 1000
MAX_OPTIONS = 100
MAX_NAME_LENGTH = 200
# Optimism bias is a fraction (2.0 = 200%, the highest figure the guidance gives).
MAX_OPTIMISM_BIAS = Decimal(10)

_PRECISION = Context(prec=50)
_PENNY = Decimal("0.01")
_BCR_PLACES = Decimal("0.0001")
_ZERO = Decimal(0)
_ONE = Decimal(1)

Schedule = tuple[tuple[int, Decimal], ...]
P = ParamSpec("P")
R = TypeVar("R")


def _exact(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` with 50-digit Decimal arithmetic, whatever the caller's context."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(_PRECISION):
            return func(*args, **kwargs)

    return wrapper


# --- Discounting --------------------------------------------------------------------------


def rate_for_year(schedule: Schedule, year: int) -> Decimal:
    """The discount rate in force for `year` under a stepped schedule."""
    rate = schedule[0][1]
    for first_year, step_rate in schedule:
        if first_year > year:
            break
        rate = step_rate
    return rate


@_exact
def discount_factors(years: int, schedule: Schedule | None = None) -> tuple[Decimal, ...]:
    """Discount factors for years 0..`years`.

    Each year is discounted at the rate in force *for that year*, compounding on the year
    before: DF(t) = DF(t-1) / (1 + r(t)), DF(0) = 1. So the factor never jumps at a step of
    the schedule: DF(31) = DF(30) / 1.03, not 1 / 1.03^31.
    """
    schedule = current_edition().discount_schedule if schedule is None else schedule
    factors = [_ONE]
    for year in range(1, years + 1):
        factors.append(factors[-1] / (_ONE + rate_for_year(schedule, year)))
    return tuple(factors)


def discount_factor(year: int, schedule: Schedule | None = None) -> Decimal:
    """The discount factor of one year (see :func:`discount_factors`)."""
    if year < 0:
        raise AppraisalError(f"a year cannot be negative: {year}")
    return discount_factors(year, schedule)[year]


# --- Value for money ----------------------------------------------------------------------


def vfm_category(bcr: Decimal | None) -> str | None:
    """The value-for-money category of a benefit-cost ratio (unrounded).

    Bands (DfT value-for-money framework, as the design gives them): poor < 1, low 1-1.5,
    medium 1.5-2, high 2-4, very high > 4. At a boundary the higher band wins, except at 4:
    "very high" is *more than* 4, so 1 is low, 1.5 medium, 2 high, 4 high, 4.0001 very high.
    With no BCR (no costs to weigh the benefits against) there is no category: None, rather
    than calling an option with nothing to pay "very high".
    """
    if bcr is None:
        return None
    if bcr < 1:
        return "poor"
    if bcr < Decimal("1.5"):
        return "low"
    if bcr < 2:
        return "medium"
    if bcr <= 4:
        return "high"
    return "very high"


# --- Business case ------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One option of the economic case: amounts by year from 0 (real prices, before uplift)."""

    name: str
    capital: tuple[Decimal, ...] = ()
    operating: tuple[Decimal, ...] = ()
    benefits: tuple[Decimal, ...] = ()

    def line(self, name: str) -> tuple[Decimal, ...]:
        return getattr(self, name)


@dataclass(frozen=True)
class BusinessCase:
    """A validated business case; `edition` and `schedule_source` say where the rates came from."""

    appraisal_years: int
    options: tuple[Option, ...]
    discount_schedule: Schedule
    optimism_bias_capital: Decimal = _ZERO
    optimism_bias_operating: Decimal = _ZERO
    edition: str = ""
    schedule_source: str = "edition"  # "edition" or "case" (the case gave its own schedule)

    @property
    def bau_option(self) -> Option:
        """Business as usual: the option of that name, otherwise the first option."""
        for option in self.options:
            if _is_bau(option.name):
                return option
        return self.options[0]


def _is_bau(name: str) -> bool:
    return name.strip().casefold() in {BAU_NAME.casefold(), "bau"}


@dataclass(frozen=True)
class YearRow:
    """One year of one option, as the workbook shows it. `costs` are after optimism bias."""

    year: int
    rate: Decimal
    discount_factor: Decimal
    capital: Decimal
    operating: Decimal
    benefits: Decimal
    costs: Decimal
    pv_costs: Decimal
    pv_benefits: Decimal
    cumulative_net: Decimal


@dataclass(frozen=True)
class OptionResult:
    """The appraisal of one option (unrounded; round only to show)."""

    name: str
    pv_costs: Decimal
    pv_benefits: Decimal
    npsv: Decimal
    bcr: Decimal | None
    discounted_payback_year: int | None
    vfm_category: str | None
    years: tuple[YearRow, ...]


@dataclass(frozen=True)
class Comparison:
    """An option against business as usual, the way a national system is argued.

    The option's savings are the BAU costs it avoids, so incremental benefits are
    `pv_savings + pv_extra_benefits` (BAU costs avoided plus benefits beyond BAU's), weighed
    against the option's own costs: `incremental_npsv` = that minus `pv_costs`, which equals
    the option's NPSV minus BAU's NPSV.
    """

    name: str
    bau_name: str
    pv_costs: Decimal
    pv_savings: Decimal
    pv_extra_benefits: Decimal
    incremental_npsv: Decimal
    incremental_bcr: Decimal | None
    discounted_payback_year: int | None
    vfm_category: str | None


@dataclass(frozen=True)
class SwitchingValue:
    """How far one input must move for NPSV (or NPSV against BAU) to fall to zero.

    `scale` multiplies the input line (0.8 = 20% lower); `switching_pv` is the input's present
    value at that point. `annual_amount`/`switching_annual_amount` are given when the line is a
    level amount every year it is non-zero (e.g. a £150k annual saving). `npsv_at_switching` is
    the NPSV recomputed from the scaled inputs: a check, always within a penny of zero.
    `basis` is "npsv" (the option alone) or "vs_bau" (incremental against business as usual).
    A scale below zero means no positive value of the input balances the case.
    """

    option: str
    input: str
    basis: str
    base_pv: Decimal
    switching_pv: Decimal
    scale: Decimal
    annual_amount: Decimal | None
    switching_annual_amount: Decimal | None
    npsv_at_switching: Decimal

    @property
    def change(self) -> Decimal:
        return self.scale - _ONE


@dataclass(frozen=True)
class SensitivityRow:
    option: str
    variable: str  # "costs" or "benefits"
    change: Decimal  # e.g. Decimal("-0.1") for 10% lower
    npsv: Decimal
    bcr: Decimal | None


@dataclass(frozen=True)
class Appraisal:
    """The full appraisal. `preferred_option` has the highest NPSV (first on a tie)."""

    case: BusinessCase
    options: tuple[OptionResult, ...]
    bau_name: str
    comparisons: tuple[Comparison, ...]
    switching_values: tuple[SwitchingValue, ...]
    sensitivity: tuple[SensitivityRow, ...]
    preferred_option: str


def _bcr(benefits: Decimal, costs: Decimal) -> Decimal | None:
    return None if costs == 0 else benefits / costs


def _padded(values: Sequence[Decimal], length: int) -> tuple[Decimal, ...]:
    return tuple(values) + (_ZERO,) * (length - len(values))


def _payback(net_by_year: Sequence[Decimal], costs_by_year: Sequence[Decimal]) -> int | None:
    """First year the cumulative discounted net benefit is >= 0, once costs have been incurred.

    Before any cost there is nothing to pay back; an option that never has costs has no
    payback year.
    """
    cumulative = _ZERO
    had_costs = False
    for year, (net, cost) in enumerate(zip(net_by_year, costs_by_year, strict=True)):
        cumulative += net
        had_costs = had_costs or cost > 0
        if had_costs and cumulative >= 0:
            return year
    return None


def _appraise_option(
    option: Option, case: BusinessCase, factors: Sequence[Decimal]
) -> OptionResult:
    length = case.appraisal_years + 1
    capital = _padded(option.capital, length)
    operating = _padded(option.operating, length)
    benefits = _padded(option.benefits, length)
    capital_uplift = _ONE + case.optimism_bias_capital
    operating_uplift = _ONE + case.optimism_bias_operating
    rows = []
    cumulative = _ZERO
    for year in range(length):
        costs = capital[year] * capital_uplift + operating[year] * operating_uplift
        pv_costs = costs * factors[year]
        pv_benefits = benefits[year] * factors[year]
        cumulative += pv_benefits - pv_costs
        rows.append(
            YearRow(
                year=year,
                rate=rate_for_year(case.discount_schedule, year),
                discount_factor=factors[year],
                capital=capital[year],
                operating=operating[year],
                benefits=benefits[year],
                costs=costs,
                pv_costs=pv_costs,
                pv_benefits=pv_benefits,
                cumulative_net=cumulative,
            )
        )
    pv_costs = sum((r.pv_costs for r in rows), _ZERO)
    pv_benefits = sum((r.pv_benefits for r in rows), _ZERO)
    bcr = _bcr(pv_benefits, pv_costs)
    return OptionResult(
        name=option.name,
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npsv=pv_benefits - pv_costs,
        bcr=bcr,
        discounted_payback_year=_payback(
            [r.pv_benefits - r.pv_costs for r in rows], [r.costs for r in rows]
        ),
        vfm_category=vfm_category(bcr),
        years=tuple(rows),
    )


def _compare(option: OptionResult, bau: OptionResult) -> Comparison:
    pv_savings = bau.pv_costs
    pv_extra = option.pv_benefits - bau.pv_benefits
    bcr = _bcr(pv_savings + pv_extra, option.pv_costs)
    net = [
        (o.pv_benefits - b.pv_benefits) + b.pv_costs - o.pv_costs
        for o, b in zip(option.years, bau.years, strict=True)
    ]
    return Comparison(
        name=option.name,
        bau_name=bau.name,
        pv_costs=option.pv_costs,
        pv_savings=pv_savings,
        pv_extra_benefits=pv_extra,
        incremental_npsv=pv_savings + pv_extra - option.pv_costs,
        incremental_bcr=bcr,
        discounted_payback_year=_payback(net, [r.costs for r in option.years]),
        vfm_category=vfm_category(bcr),
    )


def _level_amount(values: Sequence[Decimal]) -> Decimal | None:
    non_zero = {v for v in values if v != 0}
    return next(iter(non_zero)) if len(non_zero) == 1 else None


def _scaled(option: Option, lines: Sequence[str], scale: Decimal) -> Option:
    return replace(option, **{name: tuple(v * scale for v in option.line(name)) for name in lines})


# (input name, the option's lines it scales, +1 for benefits / -1 for costs)
_SWITCHING_INPUTS = (
    ("capital", ("capital",), -1),
    ("operating", ("operating",), -1),
    ("costs", ("capital", "operating"), -1),
    ("benefits", ("benefits",), 1),
)


def _switching_values(
    case: BusinessCase, results: Mapping[str, OptionResult], factors: Sequence[Decimal]
) -> list[SwitchingValue]:
    found: list[SwitchingValue] = []
    uplift = {
        "capital": _ONE + case.optimism_bias_capital,
        "operating": _ONE + case.optimism_bias_operating,
        "benefits": _ONE,
    }

    def pv_of(option: Option, line: str) -> Decimal:
        values = _padded(option.line(line), case.appraisal_years + 1)
        return sum((v * uplift[line] * f for v, f in zip(values, factors, strict=True)), _ZERO)

    def level(option: Option, lines: Sequence[str]) -> Decimal | None:
        if len(lines) != 1:
            return None
        return _level_amount(option.line(lines[0]))

    for option in case.options:
        result = results[option.name]
        for input_name, lines, sign in _SWITCHING_INPUTS:
            base_pv = sum((pv_of(option, line) for line in lines), _ZERO)
            if base_pv == 0:
                continue  # the input is not in this option: nothing to switch
            scale = _ONE - result.npsv / (sign * base_pv)
            check = _appraise_option(_scaled(option, lines, scale), case, factors).npsv
            found.append(
                _switching_value(
                    option.name, input_name, "npsv", base_pv, scale, level(option, lines), check
                )
            )
    bau = case.bau_option
    bau_result = results[bau.name]
    bau_costs_pv = bau_result.pv_costs
    if bau_costs_pv != 0:
        bau_level = _level_amount(
            [
                c + o
                for c, o in zip(
                    _padded(bau.capital, case.appraisal_years + 1),
                    _padded(bau.operating, case.appraisal_years + 1),
                    strict=True,
                )
            ]
        )
        for option in case.options:
            if option.name == bau.name:
                continue
            comparison = _compare(results[option.name], bau_result)
            scale = _ONE - comparison.incremental_npsv / bau_costs_pv
            scaled_bau = _appraise_option(
                _scaled(bau, ("capital", "operating"), scale), case, factors
            )
            check = _compare(results[option.name], scaled_bau).incremental_npsv
            found.append(
                _switching_value(
                    option.name, "savings", "vs_bau", bau_costs_pv, scale, bau_level, check
                )
            )
    return found


def _switching_value(
    option: str,
    input_name: str,
    basis: str,
    base_pv: Decimal,
    scale: Decimal,
    annual: Decimal | None,
    check: Decimal,
) -> SwitchingValue:
    if abs(check) >= _PENNY:
        raise AssertionError(
            f"switching value of {input_name} for {option!r} does not balance: NPSV {check}"
        )
    return SwitchingValue(
        option=option,
        input=input_name,
        basis=basis,
        base_pv=base_pv,
        switching_pv=base_pv * scale,
        scale=scale,
        annual_amount=annual,
        switching_annual_amount=None if annual is None else annual * scale,
        npsv_at_switching=check,
    )


def _sensitivity(result: OptionResult) -> list[SensitivityRow]:
    rows = []
    for variable in ("costs", "benefits"):
        for change in SENSITIVITY_CHANGES:
            costs = result.pv_costs * (_ONE + change) if variable == "costs" else result.pv_costs
            benefits = (
                result.pv_benefits * (_ONE + change)
                if variable == "benefits"
                else result.pv_benefits
            )
            rows.append(
                SensitivityRow(
                    result.name, variable, change, benefits - costs, _bcr(benefits, costs)
                )
            )
    return rows


@_exact
def appraise(case: BusinessCase) -> Appraisal:
    """Appraise every option of a validated case (see :func:`read_case`)."""
    factors = discount_factors(case.appraisal_years, case.discount_schedule)
    results = {o.name: _appraise_option(o, case, factors) for o in case.options}
    ordered = tuple(results[o.name] for o in case.options)
    bau = results[case.bau_option.name]
    comparisons = tuple(_compare(r, bau) for r in ordered if r.name != bau.name)
    preferred = max(ordered, key=lambda r: r.npsv)  # max keeps the first of equals
    sensitivity = tuple(row for r in ordered for row in _sensitivity(r))
    return Appraisal(
        case=case,
        options=ordered,
        bau_name=bau.name,
        comparisons=comparisons,
        switching_values=tuple(_switching_values(case, results, factors)),
        sensitivity=sensitivity,
        preferred_option=preferred.name,
    )


# --- Reading the §4 JSON ------------------------------------------------------------------

_CASE_KEYS = {"appraisal_years", "discount_schedule", "optimism_bias", "options"}
_OPTION_KEYS = {"name", "capital", "operating", "benefits"}


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise AppraisalError(f"{where} must be a number, not {value!r}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise AppraisalError(f"{where} must be a finite number, not {value!r}")
    return number


def _whole_number(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise AppraisalError(f"{where} must be a whole number, not {value!r}")
    number = _number(value, where)
    if number != number.to_integral_value():
        raise AppraisalError(f"{where} must be a whole number of years, not {value!r}")
    return int(number)


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AppraisalError(f"{where} must be a non-empty text, not {value!r}")
    if len(value) > MAX_NAME_LENGTH:
        raise AppraisalError(f"{where} is longer than {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in value):
        raise AppraisalError(f"{where} contains control characters; remove them")
    return value


def _schedule_from(value: Any) -> Schedule:
    where = "discount_schedule"
    if not isinstance(value, list) or not value:
        raise AppraisalError(
            f"{where} must be a non-empty list of [first_year, rate] pairs, e.g. "
            "[[0, 0.035], [31, 0.03]]"
        )
    steps: list[tuple[int, Decimal]] = []
    for index, pair in enumerate(value):
        at = f"{where}[{index}]"
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise AppraisalError(f"{at} must be a [first_year, rate] pair, not {pair!r}")
        first_year = _whole_number(pair[0], f"{at} first year")
        rate = _number(pair[1], f"{at} rate")
        if first_year < 0:
            raise AppraisalError(f"{at} first year cannot be negative: {first_year}")
        if not _ZERO <= rate <= _ONE:
            raise AppraisalError(
                f"{at} rate must be between 0 and 1 (0.035 for 3.5%), not {pair[1]!r}"
            )
        if steps and first_year <= steps[-1][0]:
            raise AppraisalError(
                f"{at} first year {first_year} must come after the previous step's "
                f"({steps[-1][0]}): list the steps in order"
            )
        steps.append((first_year, rate))
    if steps[0][0] != 0:
        raise AppraisalError(f"{where} must start at year 0, not year {steps[0][0]}")
    return tuple(steps)


def _optimism_bias_from(value: Any) -> tuple[Decimal, Decimal]:
    if not isinstance(value, dict):
        raise AppraisalError(
            'optimism_bias must be an object such as {"capital": 0.2, "operating": 0.0}'
        )
    unknown = set(value) - {"capital", "operating"}
    if unknown:
        raise AppraisalError(
            f"optimism_bias has unknown keys {sorted(unknown)}; use capital and operating"
        )
    uplifts = []
    for key in ("capital", "operating"):
        uplift = _number(value.get(key, 0), f"optimism_bias.{key}")
        if not _ZERO <= uplift <= MAX_OPTIMISM_BIAS:
            raise AppraisalError(
                f"optimism_bias.{key} must be a fraction between 0 and {MAX_OPTIMISM_BIAS} "
                f"(2.0 means 200%), not {value.get(key)!r}"
            )
        uplifts.append(uplift)
    return uplifts[0], uplifts[1]


def _line_from(value: Any, where: str, length: int, *, costs: bool) -> tuple[Decimal, ...]:
    if not isinstance(value, list):
        raise AppraisalError(f"{where} must be a list of amounts by year from 0, not {value!r}")
    if len(value) > length:
        raise AppraisalError(
            f"{where} has {len(value)} years but the appraisal covers years 0 to "
            f"{length - 1} ({length} values at most)"
        )
    amounts = tuple(_number(v, f"{where}[{i}]") for i, v in enumerate(value))
    if costs:
        for year, amount in enumerate(amounts):
            if amount < 0:
                raise AppraisalError(
                    f"{where}[{year}] is negative ({amount}); enter savings as benefits"
                )
    return amounts


def read_case(document: Any) -> BusinessCase:
    """Validate the §4 business-case JSON (already parsed) into a :class:`BusinessCase`.

    Strict on purpose: a misspelt key (`discount_shedule`) would otherwise be ignored and the
    case silently appraised on default rates. Amount lists may be shorter than
    `appraisal_years + 1` (later years are 0), never longer. Costs cannot be negative (a
    saving is a benefit); benefits can (a disbenefit).
    """
    if not isinstance(document, dict):
        raise AppraisalError(
            "the business case must be a JSON object with appraisal_years and options"
        )
    unknown = set(document) - _CASE_KEYS
    if unknown:
        raise AppraisalError(
            f"unknown keys {sorted(unknown)}; a business case has {sorted(_CASE_KEYS)}"
        )
    for key in ("appraisal_years", "options"):
        if key not in document:
            raise AppraisalError(f"the business case has no {key!r}")
    years = _whole_number(document["appraisal_years"], "appraisal_years")
    if years < 0:
        raise AppraisalError(f"appraisal_years cannot be negative: {years}")
    if years > MAX_APPRAISAL_YEARS:
        raise AppraisalError(f"appraisal_years is at most {MAX_APPRAISAL_YEARS}, not {years}")
    edition = current_edition()
    if document.get("discount_schedule") is None:
        schedule, schedule_source = edition.discount_schedule, "edition"
    else:
        schedule, schedule_source = _schedule_from(document["discount_schedule"]), "case"
    bias = document.get("optimism_bias")
    capital_bias, operating_bias = (_ZERO, _ZERO) if bias is None else _optimism_bias_from(bias)
    raw_options = document["options"]
    if not isinstance(raw_options, list) or not raw_options:
        raise AppraisalError("options must be a non-empty list of options")
    if len(raw_options) > MAX_OPTIONS:
        raise AppraisalError(f"a business case has at most {MAX_OPTIONS} options")
    options = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_options):
        where = f"options[{index}]"
        if not isinstance(raw, dict):
            raise AppraisalError(f"{where} must be an object with a name and amounts by year")
        unknown = set(raw) - _OPTION_KEYS
        if unknown:
            raise AppraisalError(
                f"{where} has unknown keys {sorted(unknown)}; an option has {sorted(_OPTION_KEYS)}"
            )
        if "name" not in raw:
            raise AppraisalError(f"{where} has no 'name'")
        name = _name(raw["name"], f"{where}.name")
        if name.strip().casefold() in seen:
            raise AppraisalError(f"{where}.name {name!r} is used by an earlier option")
        seen.add(name.strip().casefold())
        lines = {
            line: _line_from(
                raw.get(line, []), f"{where}.{line}", years + 1, costs=line != "benefits"
            )
            for line in ("capital", "operating", "benefits")
        }
        options.append(Option(name=name, **lines))
    return BusinessCase(
        appraisal_years=years,
        options=tuple(options),
        discount_schedule=schedule,
        optimism_bias_capital=capital_bias,
        optimism_bias_operating=operating_bias,
        edition=edition.name,
        schedule_source=schedule_source,
    )


def _money(value: Decimal) -> float:
    return float(value.quantize(_PENNY, rounding=ROUND_HALF_UP))


def _ratio(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(_BCR_PLACES, rounding=ROUND_HALF_UP))


def appraisal_to_json(appraisal: Appraisal) -> dict[str, Any]:
    """The §4 output: money in pennies, BCR to 4 decimal places, as JSON numbers."""
    return {
        "options": [
            {
                "name": r.name,
                "pv_costs": _money(r.pv_costs),
                "pv_benefits": _money(r.pv_benefits),
                "npsv": _money(r.npsv),
                "bcr": _ratio(r.bcr),
                "discounted_payback_year": r.discounted_payback_year,
                "vfm_category": r.vfm_category,
            }
            for r in appraisal.options
        ]
    }


def appraise_case(document: Any) -> dict[str, Any]:
    """Appraise the §4 business-case JSON and answer the §4 output JSON."""
    return appraisal_to_json(appraise(read_case(document)))


# --- Savings per council and the joining schedule -----------------------------------------


class CouncilCosts(NamedTuple):
    """A council's costs by year from 0: as it is (BAU) and with the national option."""

    bau: Sequence[Decimal]
    national: Sequence[Decimal]


@dataclass(frozen=True)
class CouncilSavings:
    council_code: str
    pv_bau: Decimal
    pv_national: Decimal
    pv_savings: Decimal
    savings_by_year: tuple[Decimal, ...]


@_exact
def net_savings_per_council(
    councils: Mapping[str, CouncilCosts | tuple[Sequence[Any], Sequence[Any]]],
    schedule: Schedule | None = None,
) -> tuple[CouncilSavings, ...]:
    """The present value of what each council saves by moving to the national option.

    A council's savings are its BAU costs avoided less its share of the national option's
    costs, year by year, discounted like the appraisal. Councils come back in code order.
    """
    results = []
    for code in sorted(councils):
        bau_raw, national_raw = councils[code]
        bau = [_number(v, f"{code} BAU costs[{i}]") for i, v in enumerate(bau_raw)]
        national = [_number(v, f"{code} national costs[{i}]") for i, v in enumerate(national_raw)]
        length = max(len(bau), len(national))
        bau_line, national_line = _padded(bau, length), _padded(national, length)
        factors = discount_factors(max(length - 1, 0), schedule)
        pv_bau = sum((v * f for v, f in zip(bau_line, factors, strict=False)), _ZERO)
        pv_national = sum((v * f for v, f in zip(national_line, factors, strict=False)), _ZERO)
        results.append(
            CouncilSavings(
                council_code=code,
                pv_bau=pv_bau,
                pv_national=pv_national,
                pv_savings=pv_bau - pv_national,
                savings_by_year=tuple(b - n for b, n in zip(bau_line, national_line, strict=True)),
            )
        )
    return tuple(results)


@dataclass(frozen=True)
class CouncilSystem:
    """A council's current system: what it costs a year, what the national one would cost it,
    and when its contract can end (`end_date`) or must end at the latest (`max_end_date`)."""

    council_code: str
    end_date: date | None
    bau_annual_cost: Decimal
    national_annual_cost: Decimal
    max_end_date: date | None = None
    system: str = ""


@dataclass(frozen=True)
class CouncilJoining:
    """When one council joins and its costs by appraisal year (index 0 = base year).

    `join_year` is the calendar year the joining appraisal year starts in (2027 for financial
    year 2027/28); None with a `reason` when the council does not join within the period.
    """

    council_code: str
    end_date: date | None
    join_year: int | None
    join_index: int | None
    reason: str | None
    bau_costs: tuple[Decimal, ...]
    costs_with_national: tuple[Decimal, ...]
    savings: tuple[Decimal, ...]


@dataclass(frozen=True)
class JoiningSchedule:
    base_year: int
    years: int
    year_start_month: int
    parallel_running: bool
    councils: tuple[CouncilJoining, ...]
    joining_by_year: tuple[tuple[str, ...], ...]
    bau_costs: tuple[Decimal, ...]
    costs_with_national: tuple[Decimal, ...]
    savings: tuple[Decimal, ...]

    def cost_lines(self) -> dict[str, CouncilCosts]:
        """Per council (BAU costs, costs with the national option): input to
        :func:`net_savings_per_council`."""
        return {
            c.council_code: CouncilCosts(c.bau_costs, c.costs_with_national) for c in self.councils
        }

    def as_options(self, national_name: str = "Single national system") -> tuple[Option, Option]:
        """Business as usual and the national option as operating-cost lines for `appraise`."""
        return (
            Option(name=BAU_NAME, operating=self.bau_costs),
            Option(name=national_name, operating=self.costs_with_national),
        )


@_exact
def joining_schedule(
    councils: Sequence[CouncilSystem],
    base_year: int,
    years: int,
    *,
    year_start_month: int = 4,
    parallel_running: bool = False,
    join_at: str = "end_date",
) -> JoiningSchedule:
    """Start each council on the national system when its current contract can end.

    Appraisal years are whole years: index 0 starts on the 1st of `year_start_month` in
    `base_year` (April by default: councils budget in financial years), and the schedule covers
    indices 0..`years`. A council joins in the first appraisal year that starts after its
    contract's `end_date` (the earliest it can end, the start of its renewal window; pass
    `join_at="max_end_date"` to test the latest). Until then it pays its BAU cost for whole
    years, as it is committed to. A contract already ended joins at index 0. With
    `parallel_running`, the joining year carries both the BAU and the national cost (old and new
    systems run side by side during migration). A council with no date, or one falling after
    the period, stays on BAU throughout, with the reason given.
    """
    if years < 0:
        raise AppraisalError(f"years cannot be negative: {years}")
    if not 1 <= year_start_month <= 12:
        raise AppraisalError(f"year_start_month must be 1 to 12, not {year_start_month}")
    if join_at not in {"end_date", "max_end_date"}:
        raise AppraisalError(f"join_at must be 'end_date' or 'max_end_date', not {join_at!r}")
    length = years + 1
    starts = [date(base_year + i, year_start_month, 1) for i in range(length)]
    joined: list[CouncilJoining] = []
    seen: set[str] = set()
    for council in councils:
        if council.council_code in seen:
            raise AppraisalError(f"council {council.council_code} is listed twice")
        seen.add(council.council_code)
        bau = _number(council.bau_annual_cost, f"{council.council_code} BAU annual cost")
        national = _number(
            council.national_annual_cost, f"{council.council_code} national annual cost"
        )
        if bau < 0 or national < 0:
            raise AppraisalError(f"{council.council_code}: annual costs cannot be negative")
        ends = getattr(council, join_at)
        index: int | None = None
        reason: str | None = None
        if ends is None:
            reason = f"no {join_at.replace('_', ' ')} recorded for the current contract"
        else:
            can_start = ends + timedelta(days=1)
            index = next((i for i, start in enumerate(starts) if start >= can_start), None)
            if index is None:
                reason = "the current contract runs beyond the appraisal period"
        with_national = []
        for i in range(length):
            if index is None or i < index:
                with_national.append(bau)
            elif i == index and parallel_running:
                with_national.append(bau + national)
            else:
                with_national.append(national)
        bau_line = (bau,) * length
        joined.append(
            CouncilJoining(
                council_code=council.council_code,
                end_date=ends,
                join_year=None if index is None else base_year + index,
                join_index=index,
                reason=reason,
                bau_costs=bau_line,
                costs_with_national=tuple(with_national),
                savings=tuple(b - n for b, n in zip(bau_line, with_national, strict=True)),
            )
        )

    def total(attribute: str) -> tuple[Decimal, ...]:
        return tuple(sum((getattr(c, attribute)[i] for c in joined), _ZERO) for i in range(length))

    return JoiningSchedule(
        base_year=base_year,
        years=years,
        year_start_month=year_start_month,
        parallel_running=parallel_running,
        councils=tuple(joined),
        joining_by_year=tuple(
            tuple(c.council_code for c in joined if c.join_index == i) for i in range(length)
        ),
        bau_costs=total("bau_costs"),
        costs_with_national=total("costs_with_national"),
        savings=total("savings"),
    )
