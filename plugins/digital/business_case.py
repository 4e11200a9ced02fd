"""A business case for a single national system, built from the councils' system inventory.

Pure: plain data in, plain data out (stdlib `decimal` and dates only), so the rules that turn an
inventory into options can be checked by hand and reused by the pages, the API and the demo.

The three standard options come from the inventory and a few scaling rules:

- **Business as usual**: every council keeps paying its current annual costs (licence,
  hosting, support, other) every year.
- **Do minimum**: each council re-procures its own system when its contract can end, through a
  shared framework: a one-off re-procurement cost then, and its annual costs lower by a stated
  share from then on.
- **Single national system**: each council joins when its current contract can end
  (:func:`appraisal.joining_schedule`). Joining costs a one-off implementation (a fixed amount
  per council plus an amount per unit of scale: homes or vehicles) and a migration; the
  national system costs a central set-up in year 0, a central annual cost from the year the
  first council joins, and an annual amount per unit for each council that has joined. With
  parallel running, a council pays its old system as well in its joining year. An optional
  benefit per unit a year (staff time released, for instance) counts from joining.

Central costs are shared between councils in proportion to their scale, so the savings per
council add up to the national option's costs avoided against business as usual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from .appraisal import (
    BAU_NAME,
    SENSITIVITY_CHANGES,
    Appraisal,
    BusinessCase,
    Comparison,
    CouncilCosts,
    CouncilSystem,
    JoiningSchedule,
    Option,
    joining_schedule,
    read_case,
    vfm_category,
)
from .green_book import AppraisalError, edition, optimism_bias

__all__ = [
    "DO_MINIMUM_NAME",
    "NATIONAL_NAME",
    "SCALE_FIELDS",
    "CouncilPosition",
    "GeneratedOptions",
    "IncrementalSensitivityRow",
    "InventoryLine",
    "ScalingRules",
    "SwitchingAgainstBau",
    "case_from_options",
    "council_positions",
    "generate_options",
    "incremental_cumulative",
    "incremental_sensitivity",
    "optimism_bias_for",
    "payback_against_bau",
    "switching_against_bau",
]

DO_MINIMUM_NAME = "Do minimum"
NATIONAL_NAME = "Single national system"
#: The inventory field that measures a council's scale for each system category.
SCALE_FIELDS = {
    "digital.housing_management_system": "housing_stock",
    "digital.fleet_management_system": "fleet_size",
}
SCALE_UNITS = {"housing_stock": "homes", "fleet_size": "vehicles"}
_ZERO = Decimal(0)
_ONE = Decimal(1)
_MAX_AMOUNT = Decimal(10) ** 13


class InventoryLine(NamedTuple):
    """One system of the inventory, as the business case needs it."""

    council_code: str
    product: str
    annual_cost: Decimal
    units: int | None
    end_date: date | None
    max_end_date: date | None


@dataclass(frozen=True)
class CouncilPosition:
    """A council's current systems in the category, taken together.

    A council that runs more than one system in a category (a separate repairs module, say)
    pays for all of them and can move only when the last contract can end, so its costs are
    summed, its scale is the largest recorded, and its dates are the latest.
    """

    council_code: str
    systems: tuple[str, ...]
    annual_cost: Decimal
    units: int | None
    end_date: date | None
    max_end_date: date | None


def council_positions(lines: Sequence[InventoryLine]) -> tuple[CouncilPosition, ...]:
    """The inventory by council, in council-code order."""
    by_council: dict[str, list[InventoryLine]] = {}
    for line in lines:
        by_council.setdefault(line.council_code, []).append(line)
    positions = []
    for code in sorted(by_council):
        group = by_council[code]
        units = [g.units for g in group if g.units is not None]
        ends = [g.end_date for g in group]
        max_ends = [g.max_end_date or g.end_date for g in group]
        positions.append(
            CouncilPosition(
                council_code=code,
                systems=tuple(g.product for g in group),
                annual_cost=sum((g.annual_cost for g in group), _ZERO),
                units=max(units) if units else None,
                end_date=None if None in ends else max(e for e in ends if e is not None),
                max_end_date=None
                if None in max_ends
                else max(e for e in max_ends if e is not None),
            )
        )
    return tuple(positions)


# --- Scaling rules -------------------------------------------------------------------------

_MONEY_RULES = (
    "implementation_per_council",
    "implementation_per_unit",
    "migration_per_council",
    "central_setup",
    "central_annual",
    "national_cost_per_unit",
    "benefit_per_unit",
    "do_minimum_reprocurement_per_council",
)
_SHARE_RULES = ("do_minimum_saving_share",)
_RULE_HELP = {
    "implementation_per_council": "one-off implementation per council (£)",
    "implementation_per_unit": "one-off implementation per unit of scale (£)",
    "migration_per_council": "one-off data migration per council (£)",
    "central_setup": "one-off central set-up in year 0 (£)",
    "central_annual": "central annual cost from the first joining year (£ a year)",
    "national_cost_per_unit": "national system cost per unit of scale (£ a year)",
    "benefit_per_unit": "benefit per unit of scale once joined (£ a year)",
    "do_minimum_reprocurement_per_council": "do minimum: one-off re-procurement per council (£)",
    "do_minimum_saving_share": "do minimum: share of annual costs saved after re-procurement",
    "parallel_running": "old and new systems both paid in the joining year",
    "join_at": "councils join after their contract's end date or latest end date",
}


@dataclass(frozen=True)
class ScalingRules:
    """How the standard options are generated from the inventory (amounts in real £)."""

    implementation_per_council: Decimal = _ZERO
    implementation_per_unit: Decimal = _ZERO
    migration_per_council: Decimal = _ZERO
    central_setup: Decimal = _ZERO
    central_annual: Decimal = _ZERO
    national_cost_per_unit: Decimal = _ZERO
    benefit_per_unit: Decimal = _ZERO
    do_minimum_reprocurement_per_council: Decimal = _ZERO
    do_minimum_saving_share: Decimal = _ZERO
    parallel_running: bool = True
    join_at: str = "end_date"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> ScalingRules:
        """Rules from stored or submitted values; a bad one is refused with what to type."""
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise AppraisalError(f"unknown scaling rules {unknown}; the rules are {sorted(known)}")
        given: dict[str, Any] = {}
        for name in _MONEY_RULES:
            if values.get(name) is not None:
                amount = _amount(values[name], f"{name} ({_RULE_HELP[name]})")
                if amount < 0:
                    raise AppraisalError(f"{name} ({_RULE_HELP[name]}) cannot be negative")
                if amount > _MAX_AMOUNT:
                    raise AppraisalError(f"{name} ({_RULE_HELP[name]}) is over £10 trillion")
                given[name] = amount
        for name in _SHARE_RULES:
            if values.get(name) is not None:
                share = _amount(values[name], f"{name} ({_RULE_HELP[name]})")
                if not _ZERO <= share <= _ONE:
                    raise AppraisalError(
                        f"{name} ({_RULE_HELP[name]}) must be between 0 and 1 (0.1 for 10%)"
                    )
                given[name] = share
        if values.get("parallel_running") is not None:
            if not isinstance(values["parallel_running"], bool):
                raise AppraisalError("parallel_running must be true or false")
            given["parallel_running"] = values["parallel_running"]
        if values.get("join_at") is not None:
            if values["join_at"] not in {"end_date", "max_end_date"}:
                raise AppraisalError("join_at must be 'end_date' or 'max_end_date'")
            given["join_at"] = values["join_at"]
        return cls(**given)

    def to_mapping(self) -> dict[str, Any]:
        """JSON-safe: money as text, so no float rounding creeps into stored rules."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Decimal) else value
        return out


def _amount(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise AppraisalError(f"{where} must be a number, not {value!r}")
    try:
        text = value if not isinstance(value, float) else repr(value)
        number = Decimal(str(text).replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        raise AppraisalError(f"{where} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise AppraisalError(f"{where} must be a finite number, not {value!r}")
    return number


# --- Generating the standard options -------------------------------------------------------


@dataclass(frozen=True)
class GeneratedOptions:
    """The standard options and how they were worked out.

    `council_costs` holds each council's costs with and without the national option (one-offs
    and its share of the central costs included), for :func:`net_savings_per_council`.
    `notes` say where the inventory was incomplete (no scale, no contract end).
    """

    options: tuple[Option, Option, Option]
    schedule: JoiningSchedule
    positions: tuple[CouncilPosition, ...]
    council_costs: dict[str, CouncilCosts]
    notes: tuple[str, ...]


def generate_options(
    positions: Sequence[CouncilPosition],
    rules: ScalingRules,
    base_year: int,
    years: int,
    *,
    council_names: Mapping[str, str] | None = None,
) -> GeneratedOptions:
    """Business as usual, do minimum and the single national system from the inventory."""
    if not positions:
        raise AppraisalError(
            "no council has recorded a system in this category yet: the options are "
            "generated from the inventory, so record the councils' systems first"
        )
    names = council_names or {}
    length = years + 1
    notes: list[str] = []
    for p in positions:
        if p.units is None:
            notes.append(
                f"{names.get(p.council_code, p.council_code)} has no scale recorded: its "
                "implementation per unit, national cost per unit and benefit count as 0."
            )
    schedule = joining_schedule(
        [
            CouncilSystem(
                council_code=p.council_code,
                end_date=p.end_date,
                max_end_date=p.max_end_date,
                bau_annual_cost=p.annual_cost,
                national_annual_cost=rules.national_cost_per_unit * (p.units or 0),
                system="; ".join(p.systems),
            )
            for p in positions
        ],
        base_year,
        years,
        parallel_running=rules.parallel_running,
        join_at=rules.join_at,
    )
    for joined in schedule.councils:
        if joined.reason:
            notes.append(
                f"{names.get(joined.council_code, joined.council_code)} stays on its current "
                f"system throughout: {joined.reason}."
            )
    join_indices = [c.join_index for c in schedule.councils if c.join_index is not None]
    first_join = min(join_indices) if join_indices else None
    total_units = sum((p.units or 0) for p in positions)
    by_code = {p.council_code: p for p in positions}

    def share_of(code: str) -> Decimal:
        if total_units:
            return Decimal(by_code[code].units or 0) / Decimal(total_units)
        return _ONE / Decimal(len(positions))

    central = [_ZERO] * length
    central[0] += rules.central_setup
    if first_join is not None:
        for t in range(first_join, length):
            central[t] += rules.central_annual

    national_capital = [_ZERO] * length
    national_capital[0] += rules.central_setup
    national_operating = list(schedule.costs_with_national)
    if first_join is not None:
        for t in range(first_join, length):
            national_operating[t] += rules.central_annual
    national_benefits = [_ZERO] * length
    do_min_capital = [_ZERO] * length
    do_min_operating = [_ZERO] * length
    council_costs: dict[str, CouncilCosts] = {}
    keep = _ONE - rules.do_minimum_saving_share
    for joined in schedule.councils:
        position = by_code[joined.council_code]
        units = Decimal(position.units or 0)
        one_off = (
            rules.implementation_per_council
            + rules.implementation_per_unit * units
            + rules.migration_per_council
        )
        national_line = list(joined.costs_with_national)
        index = joined.join_index
        if index is not None:
            national_capital[index] += one_off
            national_line[index] += one_off
            do_min_capital[index] += rules.do_minimum_reprocurement_per_council
            for t in range(index, length):
                national_benefits[t] += rules.benefit_per_unit * units
        for t in range(length):
            national_line[t] += central[t] * share_of(joined.council_code)
            moved = index is not None and t >= index
            do_min_operating[t] += position.annual_cost * (keep if moved else _ONE)
        council_costs[joined.council_code] = CouncilCosts(joined.bau_costs, tuple(national_line))
    options = (
        Option(name=BAU_NAME, operating=schedule.bau_costs),
        Option(
            name=DO_MINIMUM_NAME, capital=tuple(do_min_capital), operating=tuple(do_min_operating)
        ),
        Option(
            name=NATIONAL_NAME,
            capital=tuple(national_capital),
            operating=tuple(national_operating),
            benefits=tuple(national_benefits),
        ),
    )
    return GeneratedOptions(
        options=options,
        schedule=schedule,
        positions=tuple(positions),
        council_costs=council_costs,
        notes=tuple(notes),
    )


# --- From stored options to an appraisal ---------------------------------------------------


def optimism_bias_for(
    edition_name: str,
    capital_project_type: str,
    operating_project_type: str | None,
    mitigation_share: Decimal,
) -> tuple[Decimal, Decimal]:
    """The capital and operating uplifts from the edition's table, after mitigation.

    The operating uplift is 0 when no project type is given for it: business as usual's costs
    are contracted, known amounts, and the appraisal uplifts every option's costs alike.
    """
    capital = optimism_bias(
        capital_project_type, "capital", mitigation_share, edition_name=edition_name
    )
    operating = (
        _ZERO
        if not operating_project_type
        else optimism_bias(
            operating_project_type, "operating", mitigation_share, edition_name=edition_name
        )
    )
    return capital, operating


def case_from_options(
    options: Sequence[Mapping[str, Any]],
    appraisal_years: int,
    *,
    edition_name: str,
    discount_schedule: Sequence[Sequence[Any]] | None,
    optimism_bias_capital: Decimal,
    optimism_bias_operating: Decimal,
) -> BusinessCase:
    """A validated :class:`BusinessCase` from stored options, on the recorded edition."""
    document: dict[str, Any] = {
        "appraisal_years": appraisal_years,
        "optimism_bias": {"capital": optimism_bias_capital, "operating": optimism_bias_operating},
        "options": [
            {
                "name": o["name"],
                **{
                    line: [_amount(v, f"{o['name']} {line}") for v in o.get(line) or []]
                    for line in ("capital", "operating", "benefits")
                },
            }
            for o in options
        ],
    }
    if discount_schedule:
        document["discount_schedule"] = [
            [int(first), _amount(rate, "discount rate")] for first, rate in discount_schedule
        ]
    case = read_case(document)
    chosen = edition(edition_name)
    if not discount_schedule:
        case = replace(case, discount_schedule=chosen.discount_schedule)
    return replace(case, edition=chosen.name)


@dataclass(frozen=True)
class IncrementalSensitivityRow:
    """The preferred option against business as usual with its costs, or its savings, moved."""

    option: str
    variable: str  # "costs" or "savings"
    change: Decimal
    incremental_npsv: Decimal
    incremental_bcr: Decimal | None
    vfm_category: str | None


def incremental_sensitivity(comparison: Comparison) -> tuple[IncrementalSensitivityRow, ...]:
    """±10/20/30% on the option's costs and, separately, on its savings against BAU.

    The Green Book asks for the sensitivity of the preferred option; for a case argued on
    savings, what moves the answer is the savings and the costs, not the option's NPSV alone.
    """
    savings = comparison.pv_savings + comparison.pv_extra_benefits
    rows = []
    for variable in ("costs", "savings"):
        for change in SENSITIVITY_CHANGES:
            costs = comparison.pv_costs * (_ONE + change if variable == "costs" else _ONE)
            gains = savings * (_ONE + change if variable == "savings" else _ONE)
            bcr = None if costs == 0 else gains / costs
            rows.append(
                IncrementalSensitivityRow(
                    comparison.name, variable, change, gains - costs, bcr, vfm_category(bcr)
                )
            )
    return tuple(rows)


def incremental_cumulative(appraisal: Appraisal) -> dict[str, tuple[Decimal, ...]]:
    """Each option's cumulative discounted net benefit against business as usual, by year.

    BAU is the zero line; an option's curve crosses zero in its discounted payback year.
    """
    bau = next(r for r in appraisal.options if r.name == appraisal.bau_name)
    return {
        r.name: tuple(
            y.cumulative_net - b.cumulative_net for y, b in zip(r.years, bau.years, strict=True)
        )
        for r in appraisal.options
    }


def payback_against_bau(cumulative: Sequence[Decimal]) -> int | None:
    """The year from which an option has paid back for good against business as usual.

    The first year after the last one in which the running total of discounted net benefit
    against BAU is below zero (year 0 if it never is); None if it ends below zero. An option
    that costs the same as BAU until a council re-procures is not "paid back" in year 0 only
    because nothing has happened yet.
    """
    if not cumulative or cumulative[-1] < 0:
        return None
    negative = [i for i, v in enumerate(cumulative) if v < 0]
    return negative[-1] + 1 if negative else 0


@dataclass(frozen=True)
class SwitchingAgainstBau:
    """How far one of the option's own cost lines could rise before it no longer beats BAU.

    `scale` multiplies the line (1.2 = 20% higher); `incremental_npsv_at_switching` is the
    check, the option appraised again with the scaled line: within a penny of zero.
    """

    option: str
    input: str  # "capital", "operating" or "costs"
    base_pv: Decimal
    switching_pv: Decimal
    scale: Decimal
    incremental_npsv_at_switching: Decimal

    @property
    def change(self) -> Decimal:
        return self.scale - _ONE


def switching_against_bau(
    appraisal: Appraisal, option_name: str
) -> tuple[SwitchingAgainstBau, ...]:
    """Switching values of the option's capital, operating and total costs against BAU.

    Incremental NPSV = savings − costs, and costs scale linearly, so the line's scale at
    switching is `1 + incremental NPSV / PV of the line`; each is re-appraised to prove it.
    """
    from .appraisal import appraise

    case = appraisal.case
    comparison = next(c for c in appraisal.comparisons if c.name == option_name)
    result = next(r for r in appraisal.options if r.name == option_name)
    option = next(o for o in case.options if o.name == option_name)
    pv = {
        "capital": sum(
            (
                y.capital * (_ONE + case.optimism_bias_capital) * y.discount_factor
                for y in result.years
            ),
            _ZERO,
        ),
        "operating": sum(
            (
                y.operating * (_ONE + case.optimism_bias_operating) * y.discount_factor
                for y in result.years
            ),
            _ZERO,
        ),
    }
    pv["costs"] = pv["capital"] + pv["operating"]
    found = []
    for name, lines in (
        ("capital", ("capital",)),
        ("operating", ("operating",)),
        ("costs", ("capital", "operating")),
    ):
        if pv[name] == 0:
            continue
        scale = _ONE + comparison.incremental_npsv / pv[name]
        scaled = replace(
            option, **{line: tuple(v * scale for v in option.line(line)) for line in lines}
        )
        again = appraise(
            replace(
                case, options=tuple(scaled if o.name == option_name else o for o in case.options)
            )
        )
        check = next(c for c in again.comparisons if c.name == option_name).incremental_npsv
        if abs(check) >= Decimal("0.01"):
            raise AssertionError(f"switching value of {name} for {option_name!r}: NPSV {check}")
        found.append(
            SwitchingAgainstBau(option_name, name, pv[name], pv[name] * scale, scale, check)
        )
    return tuple(found)
