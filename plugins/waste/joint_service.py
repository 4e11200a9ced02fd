"""A joint bulky waste service for a group of councils, modelled from their own profiles.

The question a coordinator brings (DESIGN §3, Waste phase 2): if these councils bought one
service at a joint price, what would each pay, what would it save, and what would a reuse or
recycling target do to landfill and CO2e? Every figure the answer rests on is returned with it
in `assumptions`, so a committee paper can quote them. Arithmetic is exact (fractions);
rounding is for display only (`bulky_benchmark.display_value`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from procurehub.plugins import Parameter

from .bulky_profile import DESTINATIONS, BulkyServiceProfile, check_financial_year, read_number

PER_TONNE = "per_tonne"
PER_COLLECTION = "per_collection"
PRICING_BASES = (PER_TONNE, PER_COLLECTION)

DESNZ_2025 = (
    "DESNZ/DEFRA, Greenhouse gas reporting: conversion factors 2025 (condensed/full set), "
    "'Waste disposal' sheet, https://www.gov.uk/government/publications/"
    "greenhouse-gas-reporting-conversion-factors-2025"
)
_UNCHECKED = (
    "ILLUSTRATIVE until checked: the figure is as reported from that sheet by secondary "
    "sources and was not read from the official workbook when this default was set"
)


class JointServiceError(ValueError):
    """The joint service cannot be modelled as asked; the message says what to change."""



CO2E_UNIT = "kgCO2e per tonne"
DEFAULT_CO2E_FACTORS: dict[str, Parameter] = {
    "reuse": Parameter(
        "CO2e factor: reuse",
        Decimal("4.68568"),
        CO2E_UNIT,
        date(2025, 1, 1),
        f"{DESNZ_2025}. The sheet gives no reuse figure for household residual or bulky "
        "waste; this is the transport-only figure it gives for open- and closed-loop "
        f"recycling and combustion, used as a stand-in for taking items to reuse. {_UNCHECKED}.",
    ),
    "recycling": Parameter(
        "CO2e factor: recycling (open-loop)",
        Decimal("4.68568"),
        CO2E_UNIT,
        date(2025, 1, 1),
        f"{DESNZ_2025}, open-loop recycling (transport to the recycler only; the sheet gives "
        "no recycling figure for household residual waste itself, so the figure common to "
        f"the material rows is used). {_UNCHECKED}.",
    ),
    "energy_recovery": Parameter(
        "CO2e factor: energy recovery (combustion)",
        Decimal("4.68568"),
        CO2E_UNIT,
        date(2025, 1, 1),
        f"{DESNZ_2025}, Refuse: household residual waste, combustion (transport to the "
        f"plant only; emissions of burning are counted against the energy produced). "
        f"{_UNCHECKED}.",
    ),
    "landfill": Parameter(
        "CO2e factor: landfill",
        Decimal("497.24244"),
        CO2E_UNIT,
        date(2025, 1, 1),
        f"{DESNZ_2025}, Refuse: household residual waste, landfill. {_UNCHECKED}.",
    ),
}


@dataclass(frozen=True)
class JointServiceAssumptions:
    """What the coordinator enters: the joint price and, optionally, destination targets.

    A target is a share (0 to 1) of the group's tonnes with a known destination; None keeps
    the group's current share for that destination.
    """

    pricing_basis: str
    joint_price: Decimal
    reuse_share_target: Decimal | None = None
    recycling_share_target: Decimal | None = None
    co2e_factors: Mapping[str, Parameter] = field(
        default_factory=lambda: dict(DEFAULT_CO2E_FACTORS)
    )


@dataclass(frozen=True)
class Assumption:
    """One figure or rule the result rests on, as a person reads it."""

    name: str
    value: Any
    unit: str
    source: str
    valid_from: date | None = None


@dataclass(frozen=True)
class DestinationTonnes:
    reuse: Fraction
    recycling: Fraction
    energy_recovery: Fraction
    landfill: Fraction

    @property
    def total(self) -> Fraction:
        return self.reuse + self.recycling + self.energy_recovery + self.landfill

    def by_destination(self) -> dict[str, Fraction]:
        return {d: getattr(self, d) for d in DESTINATIONS}


@dataclass(frozen=True)
class CouncilJointCost:
    """One council's side of the joint service.

    `share` is its part of the group's tonnes (per-tonne pricing) or collections
    (per-collection pricing); `joint_cost` = share × the group's joint cost; `saving` =
    current cost − joint cost (negative means the joint service would cost it more).
    """

    council_code: str
    current_cost: Fraction
    share: Fraction
    joint_cost: Fraction
    saving: Fraction


@dataclass(frozen=True)
class JointServiceResult:
    financial_year: str
    councils: tuple[str, ...]
    pooled_collections: int | None
    pooled_items: int | None
    pooled_tonnes_collected: Fraction
    current_cost: Fraction
    joint_cost: Fraction
    saving: Fraction
    council_costs: tuple[CouncilJointCost, ...]
    current_destinations: DestinationTonnes
    modelled_destinations: DestinationTonnes
    diverted_from_landfill: Fraction
    diverted_from_energy_recovery: Fraction
    co2e_current_kg: Fraction
    co2e_modelled_kg: Fraction
    co2e_change_kg: Fraction  # modelled − current: negative is a reduction
    assumptions: tuple[Assumption, ...]
    notes: tuple[str, ...]


def _share_target(value: Any, label: str) -> Fraction | None:
    if value is None:
        return None
    number = read_number(value)
    if number is None:
        raise JointServiceError(f"The {label} must be a share between 0 and 1; got '{value}'.")
    if number < 0 or number > 1:
        raise JointServiceError(
            f"The {label} must be a share between 0 and 1 (0.3 for 30%); got '{value}'."
        )
    return Fraction(number)


def _checked_factors(factors: Mapping[str, Parameter]) -> dict[str, Parameter]:
    missing = [d for d in DESTINATIONS if d not in factors]
    if missing:
        raise JointServiceError(
            f"A CO2e factor is needed for every destination; missing: {', '.join(missing)}."
        )
    checked = {}
    for destination in DESTINATIONS:
        parameter = factors[destination]
        if not isinstance(parameter, Parameter):
            raise JointServiceError(
                f"The CO2e factor for {destination} must be a Parameter with its value, unit, "
                "date and source."
            )
        if read_number(parameter.value) is None:
            raise JointServiceError(
                f"The CO2e factor for {destination} must be a number; got '{parameter.value}'."
            )
        if not parameter.source.strip():
            raise JointServiceError(f"The CO2e factor for {destination} needs a source.")
        checked[destination] = parameter
    return checked


def _group(councils: Sequence[str]) -> tuple[str, ...]:
    if isinstance(councils, str):
        raise JointServiceError("Give the group as a list of council codes, not one text.")
    group = tuple(councils)
    if not group:
        raise JointServiceError("Choose at least one council for the joint service.")
    seen: set[str] = set()
    for code in group:
        if code in seen:
            raise JointServiceError(f"Council {code} is named twice in the group.")
        seen.add(code)
    return group


_NEEDED_ALWAYS = (
    ("operating_cost", "annual operating cost"),
    ("tonnes_collected", "tonnes collected"),
    ("tonnes_reuse", "tonnes to reuse"),
    ("tonnes_recycling", "tonnes to recycling"),
    ("tonnes_energy_recovery", "tonnes to energy recovery"),
    ("tonnes_landfill", "tonnes to landfill"),
)


def _profiles_for_group(
    profiles: Iterable[BulkyServiceProfile], group: tuple[str, ...], year: str, basis: str
) -> dict[str, BulkyServiceProfile]:
    found: dict[str, BulkyServiceProfile] = {}
    for profile in profiles:
        if profile.financial_year == year and profile.council_code in group:
            if profile.council_code in found:
                raise JointServiceError(
                    f"Council {profile.council_code} has two bulky waste profiles for {year}."
                )
            found[profile.council_code] = profile
    problems = []
    absent = [c for c in group if c not in found]
    if absent:
        problems.append(f"no bulky waste profile for {year} from {', '.join(absent)}")
    needed = list(_NEEDED_ALWAYS)
    if basis == PER_COLLECTION:
        needed.insert(1, ("collections", "collections made"))
    for code in group:
        if code not in found:
            continue
        gaps = [label for name, label in needed if getattr(found[code], name) is None]
        if gaps:
            problems.append(f"{code} {year} lacks {', '.join(gaps)}")
    if problems:
        raise JointServiceError(
            "The joint service cannot be modelled: " + "; ".join(problems) + "."
        )
    return found


def model_joint_service(
    profiles: Iterable[BulkyServiceProfile],
    councils: Sequence[str],
    financial_year: str,
    assumptions: JointServiceAssumptions,
) -> JointServiceResult:
    """Pool the group's year, price it jointly, apply the destination targets, count CO2e.

    Rules (docs/bulky-waste.md): each council pays the joint price for its own tonnes or
    collections (its share of the joint cost); targets are shares of the group's tonnes with
    a known destination; what is not reused or recycled goes to energy recovery and landfill
    in the group's current proportions between the two.
    """
    year = check_financial_year(financial_year)
    if year is None:
        raise JointServiceError(
            f"Financial year must be written like 2024-25; got '{financial_year}'."
        )
    if assumptions.pricing_basis not in PRICING_BASES:
        raise JointServiceError(
            f"Pricing basis must be {PER_TONNE} or {PER_COLLECTION}; "
            f"got '{assumptions.pricing_basis}'."
        )
    price_number = read_number(assumptions.joint_price)
    if price_number is None or price_number < 0:
        raise JointServiceError(
            f"The joint price must be an amount of zero or more; got '{assumptions.joint_price}'."
        )
    price = Fraction(price_number)
    reuse_target = _share_target(assumptions.reuse_share_target, "reuse share target")
    recycling_target = _share_target(assumptions.recycling_share_target, "recycling share target")
    both_set = reuse_target is not None and recycling_target is not None
    if both_set and reuse_target + recycling_target > 1:
        raise JointServiceError(
            f"The reuse target ({assumptions.reuse_share_target}) and recycling target "
            f"({assumptions.recycling_share_target}) add up to more than the whole."
        )
    factors = _checked_factors(assumptions.co2e_factors)
    group = _group(councils)
    found = _profiles_for_group(profiles, group, year, assumptions.pricing_basis)
    chosen = [found[code] for code in group]

    # Pooled figures.
    tonnes_collected = sum((Fraction(p.tonnes_collected) for p in chosen), Fraction(0))
    collections_known = all(p.collections is not None for p in chosen)
    pooled_collections = sum(p.collections for p in chosen) if collections_known else None
    items_known = all(p.items is not None for p in chosen)
    pooled_items = sum(p.items for p in chosen) if items_known else None
    current = DestinationTonnes(
        **{d: sum((Fraction(p.tonnes_to(d)) for p in chosen), Fraction(0)) for d in DESTINATIONS}
    )
    base = current.total  # tonnes with a known destination

    # Costs: each council pays the joint price for its own tonnes or collections.
    def quantity(profile: BulkyServiceProfile) -> Fraction:
        if assumptions.pricing_basis == PER_TONNE:
            return Fraction(profile.tonnes_collected)
        return Fraction(profile.collections)

    pooled_quantity = sum((quantity(p) for p in chosen), Fraction(0))
    joint_cost = price * pooled_quantity
    current_cost = sum((Fraction(p.operating_cost) for p in chosen), Fraction(0))
    council_costs = []
    for profile in chosen:
        share = quantity(profile) / pooled_quantity if pooled_quantity else Fraction(0)
        own_joint = joint_cost * share
        own_current = Fraction(profile.operating_cost)
        council_costs.append(
            CouncilJointCost(
                profile.council_code, own_current, share, own_joint, own_current - own_joint
            )
        )

    # Destinations: targets for reuse and recycling, the rest in today's residual proportions.
    notes: list[str] = []
    current_reuse_share = current.reuse / base if base else Fraction(0)
    current_recycling_share = current.recycling / base if base else Fraction(0)
    reuse = reuse_target * base if reuse_target is not None else current.reuse
    recycling = recycling_target * base if recycling_target is not None else current.recycling
    if reuse + recycling > base:
        raise JointServiceError(
            "The reuse and recycling tonnes the targets ask for "
            f"({float(reuse + recycling):.2f} t) exceed the group's {float(base):.2f} tonnes "
            "with a known destination; lower a target or set both."
        )
    rest = base - reuse - recycling
    residual_now = current.energy_recovery + current.landfill
    if residual_now:
        energy_share = current.energy_recovery / residual_now
    elif rest:
        raise JointServiceError(
            "The group sends nothing to energy recovery or landfill today, so the tonnes left "
            "after the targets cannot be split between them; raise the targets to cover "
            "every tonne."
        )
    else:
        energy_share = Fraction(0)
    modelled = DestinationTonnes(
        reuse=reuse,
        recycling=recycling,
        energy_recovery=rest * energy_share,
        landfill=rest - rest * energy_share,
    )
    for label, target, now in (
        ("reuse", reuse_target, current_reuse_share),
        ("recycling", recycling_target, current_recycling_share),
    ):
        if target is not None and target < now:
            notes.append(
                f"The {label} target ({float(target):.1%}) is below the group's current "
                f"{label} share ({float(now):.1%}): the model sends more to energy recovery "
                "and landfill than today."
            )
    unrecorded = tonnes_collected - base
    if unrecorded > 0:
        notes.append(
            f"{float(unrecorded):.2f} tonnes collected have no recorded destination; they are "
            "left out of the destination mix and CO2e (but priced if the basis is per tonne)."
        )

    def co2e(tonnes: DestinationTonnes) -> Fraction:
        return sum(
            (tonnes.by_destination()[d] * Fraction(factors[d].value) for d in DESTINATIONS),
            Fraction(0),
        )

    co2e_current, co2e_modelled = co2e(current), co2e(modelled)
    unit_word = "tonne" if assumptions.pricing_basis == PER_TONNE else "collection"
    entered = "entered by the coordinator as an assumption"
    listed = [
        Assumption("Financial year", year, "", "the councils' bulky waste profiles"),
        Assumption("Councils in the group", ", ".join(group), "", entered),
        Assumption("Pricing basis", assumptions.pricing_basis, "", entered),
        Assumption("Joint price", price_number, f"£ per {unit_word}", entered),
        Assumption(
            "Each council's share of the joint cost",
            f"its {unit_word}s ÷ the group's {unit_word}s",
            "",
            "model rule (docs/bulky-waste.md)",
        ),
        Assumption(
            "Reuse share target",
            reuse_target if reuse_target is not None else current_reuse_share,
            "share of tonnes with a known destination",
            entered if reuse_target is not None else "group's current share kept",
        ),
        Assumption(
            "Recycling share target",
            recycling_target if recycling_target is not None else current_recycling_share,
            "share of tonnes with a known destination",
            entered if recycling_target is not None else "group's current share kept",
        ),
        Assumption(
            "Share of the remaining tonnes sent to energy recovery (the rest to landfill)",
            energy_share,
            "share",
            "group's current split between energy recovery and landfill (model rule)",
        ),
    ]
    listed.extend(
        Assumption(p.name, p.value, p.unit, p.source, p.valid_from)
        for p in (factors[d] for d in DESTINATIONS)
    )
    return JointServiceResult(
        financial_year=year,
        councils=group,
        pooled_collections=pooled_collections,
        pooled_items=pooled_items,
        pooled_tonnes_collected=tonnes_collected,
        current_cost=current_cost,
        joint_cost=joint_cost,
        saving=current_cost - joint_cost,
        council_costs=tuple(council_costs),
        current_destinations=current,
        modelled_destinations=modelled,
        diverted_from_landfill=current.landfill - modelled.landfill,
        diverted_from_energy_recovery=current.energy_recovery - modelled.energy_recovery,
        co2e_current_kg=co2e_current,
        co2e_modelled_kg=co2e_modelled,
        co2e_change_kg=co2e_modelled - co2e_current,
        assumptions=tuple(listed),
        notes=tuple(notes),
    )
