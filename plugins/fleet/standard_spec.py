"""The collaboration's standard vehicle specification, its versions, and compliance with it.

A standard is what the councils agree to buy against, so it must not change under their
feet: only a draft can be edited; adopting a draft retires the version it replaces; and a
vehicle class has one adopted version at a time. These rules are pure functions here so
the web pages, the API and the CLI all apply the same ones.

Compliance is judged on figures as the sources state them (:class:`~.measures.Measure`),
at the conservative end: a minimum is checked against the lowest figure the text commits
to and a maximum against the highest, so "5.8-8.9 m3" does not pass a 6 m3 minimum. A
figure that is not stated gives *unknown*, never a pass or a fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .measures import (
    FleetError,
    Measure,
    format_number,
    main_clause,
    parse_measure,
    parse_presence,
)

__all__ = [
    "MANDATORY_WEIGHT",
    "OPERATORS",
    "Compliance",
    "Requirement",
    "RequirementResult",
    "StandardSpec",
    "StandardSpecError",
    "adopt",
    "adopted_standard",
    "check_compliance",
    "check_one_adopted_per_class",
    "compliance_score",
    "draft_from",
    "edit_draft",
    "figures_for_standard",
    "phase1_evan_standard",
    "remove_requirement",
    "set_requirement",
    "standard_from_dict",
    "standard_to_dict",
]

OPERATORS = ("min", "max", "equals", "one_of", "required")
STATUSES = ("draft", "adopted", "retired")
# A mandatory requirement counts twice in the compliance score: missing a must-have matters
# more than missing a nice-to-have, but a desirable shortfall still shows in the score.
MANDATORY_WEIGHT = 2
DESIRABLE_WEIGHT = 1

SEED_FILE = Path(__file__).with_name("standard_evan_phase1.json")


class StandardSpecError(FleetError):
    """A standard that cannot be built or changed as asked; the message says why."""


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise StandardSpecError(f"{what} must be a number, not {value!r}")
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise StandardSpecError(f"{what} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise StandardSpecError(f"{what} must be a finite number, not {value!r}")
    return number


@dataclass(frozen=True)
class Requirement:
    """One line of a standard: e.g. payload ``min`` 400 kg, mandatory, with its reason."""

    attribute: str
    label: str
    unit: str | None
    operator: str
    value: Any
    mandatory: bool
    rationale: str = ""

    def __post_init__(self) -> None:
        if not self.attribute or not self.attribute.replace("_", "").isalnum():
            raise StandardSpecError(
                f"Requirement attribute {self.attribute!r} must be a name such as 'payload_kg'"
            )
        if self.operator not in OPERATORS:
            raise StandardSpecError(
                f"Requirement {self.attribute!r}: operator {self.operator!r} is not one of "
                f"{', '.join(OPERATORS)}"
            )
        if not isinstance(self.mandatory, bool):
            raise StandardSpecError(f"Requirement {self.attribute!r}: mandatory must be true/false")
        what = f"Requirement {self.attribute!r} ({self.operator})"
        if self.operator in ("min", "max"):
            object.__setattr__(self, "value", _decimal(self.value, f"{what} value"))
        elif self.operator == "one_of":
            values = (self.value,) if isinstance(self.value, str) else tuple(self.value or ())
            values = tuple(str(v).strip() for v in values if str(v).strip())
            if not values:
                raise StandardSpecError(f"{what} needs at least one allowed value")
            object.__setattr__(self, "value", values)
        elif self.operator == "equals":
            if self.value is None or str(self.value).strip() == "":
                raise StandardSpecError(f"{what} needs a value to equal")
        else:
            object.__setattr__(self, "value", None)

    def describe(self) -> str:
        """What is required, short: ``max 3,500 kg``, ``one of Gold, Platinum``, ``fitted``."""
        unit = f" {self.unit}" if self.unit else ""
        if self.operator in ("min", "max"):
            return f"{self.operator} {format_number(self.value)}{unit}"
        if self.operator == "one_of":
            return "one of " + ", ".join(self.value)
        if self.operator == "equals":
            return f"equals {self.value}{unit}"
        return "fitted"


@dataclass(frozen=True)
class StandardSpec:
    """One version of the standard for a vehicle class.

    ``design_range_factor`` derates WLTP range for winter and a full load (the figure a
    route planner can rely on) and ``racking_allowance_kg`` is the weight of racking and
    fit-out taken off payload; both give derived figures the requirements can name
    (``design_range_km``, ``payload_after_racking_kg``).
    """

    vehicle_class: str
    version: int
    status: str
    requirements: tuple[Requirement, ...]
    title: str = ""
    category: str | None = None
    design_range_factor: Decimal | None = None
    racking_allowance_kg: Decimal | None = None
    adopted_on: date | None = None
    retired_on: date | None = None

    def __post_init__(self) -> None:
        if not self.vehicle_class:
            raise StandardSpecError("A standard needs a vehicle class, e.g. electric_van_lt_3_5t")
        if self.status not in STATUSES:
            raise StandardSpecError(
                f"Standard status {self.status!r} is not one of {', '.join(STATUSES)}"
            )
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise StandardSpecError(f"Standard version must be a whole number from 1, not "
                                    f"{self.version!r}")
        object.__setattr__(self, "requirements", tuple(self.requirements))
        seen: set[str] = set()
        for requirement in self.requirements:
            if requirement.attribute in seen:
                raise StandardSpecError(
                    f"The standard for {self.vehicle_class} names {requirement.attribute!r} "
                    "twice; keep one requirement per attribute"
                )
            seen.add(requirement.attribute)
        for name in ("design_range_factor", "racking_allowance_kg"):
            raw = getattr(self, name)
            if raw is not None:
                object.__setattr__(self, name, _decimal(raw, name))
        factor = self.design_range_factor
        if factor is not None and not (0 < factor <= 1):
            raise StandardSpecError("design_range_factor must be above 0 and at most 1, e.g. 0.6")

    def requirement(self, attribute: str) -> Requirement | None:
        return next((r for r in self.requirements if r.attribute == attribute), None)


# --------------------------------------------------------------------------------------------
# versioning rules
# --------------------------------------------------------------------------------------------


def _only_drafts(spec: StandardSpec) -> None:
    if spec.status != "draft":
        raise StandardSpecError(
            f"Version {spec.version} of the {spec.vehicle_class} standard is {spec.status} and "
            "cannot be edited; start a new draft from it instead"
        )


def edit_draft(spec: StandardSpec, **changes: Any) -> StandardSpec:
    """A draft with ``changes`` applied (requirements, title, derating...); drafts only,
    because an adopted standard is what councils have bought against."""
    _only_drafts(spec)
    forbidden = {"status", "version", "vehicle_class", "adopted_on", "retired_on"} & set(changes)
    if forbidden:
        raise StandardSpecError(
            f"{', '.join(sorted(forbidden))} cannot be edited; use adopt() or draft_from()"
        )
    return replace(spec, **changes)


def set_requirement(spec: StandardSpec, requirement: Requirement) -> StandardSpec:
    """The draft with ``requirement`` added, or replacing the one for the same attribute."""
    _only_drafts(spec)
    kept = [r for r in spec.requirements if r.attribute != requirement.attribute]
    if len(kept) == len(spec.requirements):
        return replace(spec, requirements=(*spec.requirements, requirement))
    return replace(
        spec,
        requirements=tuple(
            requirement if r.attribute == requirement.attribute else r for r in spec.requirements
        ),
    )


def remove_requirement(spec: StandardSpec, attribute: str) -> StandardSpec:
    _only_drafts(spec)
    if spec.requirement(attribute) is None:
        raise StandardSpecError(f"The draft has no requirement for {attribute!r}")
    kept = tuple(r for r in spec.requirements if r.attribute != attribute)
    return replace(spec, requirements=kept)


def draft_from(spec: StandardSpec, *, version: int | None = None) -> StandardSpec:
    """A new draft starting from any version (the usual way to change an adopted standard)."""
    return replace(
        spec,
        status="draft",
        version=spec.version + 1 if version is None else version,
        adopted_on=None,
        retired_on=None,
    )


def adopt(
    draft: StandardSpec, current_adopted: StandardSpec | None, *, on: date | None = None
) -> tuple[StandardSpec, StandardSpec | None]:
    """Adopt ``draft``; the version it supersedes is returned retired (or None if none).

    Refused when ``draft`` is not a draft, when ``current_adopted`` is not the adopted
    standard of the same class, or when the draft's version is not newer: a class must
    always have exactly one adopted version and versions only go up.
    """
    if draft.status != "draft":
        raise StandardSpecError(
            f"Only a draft can be adopted; version {draft.version} of the {draft.vehicle_class} "
            f"standard is {draft.status}"
        )
    if not draft.requirements:
        raise StandardSpecError("A standard with no requirements cannot be adopted")
    retired = None
    if current_adopted is not None:
        if current_adopted.vehicle_class != draft.vehicle_class:
            raise StandardSpecError(
                f"The draft is for {draft.vehicle_class} but the standard it would replace is "
                f"for {current_adopted.vehicle_class}"
            )
        if current_adopted.status != "adopted":
            raise StandardSpecError(
                f"Version {current_adopted.version} is {current_adopted.status}, not the adopted "
                f"standard for {draft.vehicle_class}"
            )
        if draft.version <= current_adopted.version:
            raise StandardSpecError(
                f"The draft is version {draft.version} but version {current_adopted.version} is "
                "already adopted; a new version must have a higher number"
            )
        retired = replace(current_adopted, status="retired", retired_on=on)
    return replace(draft, status="adopted", adopted_on=on), retired


def check_one_adopted_per_class(specs: Iterable[StandardSpec]) -> None:
    """Raise when a vehicle class has more than one adopted version."""
    adopted: dict[str, list[int]] = {}
    for spec in specs:
        if spec.status == "adopted":
            adopted.setdefault(spec.vehicle_class, []).append(spec.version)
    clashes = {k: v for k, v in adopted.items() if len(v) > 1}
    if clashes:
        detail = "; ".join(
            f"{k}: versions {', '.join(map(str, sorted(v)))}" for k, v in sorted(clashes.items())
        )
        raise StandardSpecError(f"Only one version per vehicle class can be adopted ({detail})")


def adopted_standard(specs: Iterable[StandardSpec], vehicle_class: str) -> StandardSpec | None:
    specs = list(specs)
    check_one_adopted_per_class(specs)
    return next(
        (s for s in specs if s.status == "adopted" and s.vehicle_class == vehicle_class), None
    )


# --------------------------------------------------------------------------------------------
# compliance
# --------------------------------------------------------------------------------------------

Figure = Measure | Decimal | int | float | str | bool | None


@dataclass(frozen=True)
class RequirementResult:
    """How one figure fares against one requirement; ``compared`` is the number judged."""

    requirement: Requirement
    status: str  # "pass", "fail" or "unknown"
    figure: Figure
    compared: Decimal | str | bool | None
    actual: str


@dataclass(frozen=True)
class Compliance:
    """A spec against a standard: per-requirement results, overall verdict and score.

    ``compliant`` is False when any mandatory requirement fails, None when none fails but a
    mandatory figure is unknown, else True. ``score`` is the weighted share of requirements
    passed, in percent (mandatory weight 2, desirable 1; unknown counts as not passed).
    ``failures`` are the mandatory failures, shaped as in the CLI's JSON; ``shortfalls`` the
    desirable requirements missed (they lower the score, not the verdict).
    """

    vehicle_class: str
    version: int
    results: tuple[RequirementResult, ...]
    compliant: bool | None
    score: Decimal
    failures: tuple[dict[str, str], ...] = field(default_factory=tuple)
    shortfalls: tuple[dict[str, str], ...] = field(default_factory=tuple)

    def result(self, attribute: str) -> RequirementResult | None:
        return next((r for r in self.results if r.requirement.attribute == attribute), None)


# A council may write a figure in another unit than the standard's: (unit, written) -> factor.
_CONVERSIONS = {("kg", "t"): Decimal(1000), ("mm", "m"): Decimal(1000),
                ("km", "mi"): Decimal("1.609344")}


def _as_measure(figure: Figure, unit: str | None) -> Measure:
    if isinstance(figure, Measure):
        return figure
    if figure is None or isinstance(figure, bool):
        return Measure(None, unit=unit, raw="" if figure is None else str(figure))
    if isinstance(figure, int | float | Decimal):
        try:
            return Measure.exactly(Decimal(str(figure)), unit)
        except InvalidOperation:
            return Measure(None, unit=unit, raw=str(figure))
    measure = parse_measure(figure, unit)
    if not measure.known:
        for (wanted, written), factor in _CONVERSIONS.items():
            if wanted == unit and (other := parse_measure(figure, written)).known:
                note = f"converted from {other.describe()}"
                return _scaled(replace(other, unit=unit), factor, note)
    return measure


def _tidy(number: Decimal) -> Decimal:
    """240.0 -> 240 (not 2.4E+2), 108.60 -> 108.6."""
    return Decimal(int(number)) if number == number.to_integral_value() else number.normalize()


def _scaled(measure: Measure, factor: Decimal, note: str) -> Measure:
    def f(x: Decimal | None) -> Decimal | None:
        return None if x is None else _tidy(x * factor)

    return Measure(f(measure.value), f(measure.low), f(measure.high), note, measure.unit,
                   measure.raw)


def _less(measure: Measure, amount: Decimal, note: str) -> Measure:
    def f(x: Decimal | None) -> Decimal | None:
        return None if x is None else x - amount

    return Measure(f(measure.value), f(measure.low), f(measure.high), note, measure.unit,
                   measure.raw)


def figures_for_standard(spec: StandardSpec, figures: Mapping[str, Figure]) -> dict[str, Figure]:
    """``figures`` plus the derived ones the standard names (design range, payload after
    racking), unless the spec states them itself."""
    out: dict[str, Figure] = dict(figures)
    if spec.design_range_factor is not None and out.get("design_range_km") is None:
        wltp = _as_measure(out.get("wltp_range_km"), "km")
        pct = format_number(spec.design_range_factor * 100)
        out["design_range_km"] = _scaled(
            wltp, spec.design_range_factor, f"{pct}% of WLTP range {wltp.describe()}"
        )
    if spec.racking_allowance_kg is not None and out.get("payload_after_racking_kg") is None:
        payload = _as_measure(out.get("payload_kg"), "kg")
        out["payload_after_racking_kg"] = _less(
            payload,
            spec.racking_allowance_kg,
            f"payload {payload.describe()} less {format_number(spec.racking_allowance_kg)} kg "
            "racking allowance",
        )
    return out


def _check_min(m: Measure, t: Decimal) -> tuple[str, Decimal | None]:
    if m.low is not None and m.low >= t:
        return "pass", m.low
    if m.high is not None and (m.high < t or (m.value is None and m.low is None and m.high == t)):
        # below, or "less than" the minimum itself; report the lowest figure stated
        return "fail", m.low if m.low is not None else m.high
    if m.low is not None and m.high is not None:
        return "fail", m.low  # a stated variant or range end falls short
    if m.low is None and m.high is not None and m.value is not None:
        return "pass", m.value  # "up to X": the model can be ordered to reach X
    return "unknown", m.low if m.low is not None else m.value


def _check_max(m: Measure, t: Decimal) -> tuple[str, Decimal | None]:
    if m.high is not None and m.high <= t:
        return "pass", m.high
    if m.low is not None and m.low > t:
        return "fail", m.high if m.high is not None else m.low
    if m.low is not None and m.high is not None:
        return "fail", m.high
    return "unknown", m.high if m.high is not None else m.value


def _text_of(figure: Figure) -> str | None:
    if figure is None:
        return None
    text = main_clause(figure.raw if isinstance(figure, Measure) else str(figure))
    return text.casefold() or None


def _judge(requirement: Requirement, figure: Figure) -> tuple[str, Any, str, Figure]:
    """(status, the value compared, the actual figure in words, the figure as judged)."""
    op = requirement.operator
    if op in ("min", "max"):
        m = _as_measure(figure, requirement.unit)
        if not m.known:
            return "unknown", None, "not stated", m
        status, compared = (_check_min if op == "min" else _check_max)(m, requirement.value)
        unit = f" {requirement.unit}" if requirement.unit else ""
        actual = m.describe() if m.unit else f"{m.describe()}{unit}"
        return status, compared, actual, m
    return (*_judge_text(requirement, figure), figure)


def _judge_text(requirement: Requirement, figure: Figure) -> tuple[str, Any, str]:
    op = requirement.operator
    if op == "required":
        present = figure if isinstance(figure, bool) else None
        if present is None and isinstance(figure, Measure):
            present = parse_presence(figure.raw) if figure.value is None else True
        elif present is None and figure is not None:
            present = (
                parse_presence(figure) if isinstance(figure, str) else True
            )
        if present is None:
            return "unknown", None, "not stated"
        return ("pass" if present else "fail"), present, "fitted" if present else "not fitted"
    text = _text_of(figure)
    if text is None:
        return "unknown", None, "not stated"
    shown = figure.raw if isinstance(figure, Measure) else str(figure)
    if op == "one_of":
        allowed = {" ".join(v.casefold().split()) for v in requirement.value}
        return ("pass" if text in allowed else "fail"), text, shown
    wanted = " ".join(str(requirement.value).casefold().split())
    measure = _as_measure(figure, requirement.unit)
    try:
        target = Decimal(wanted.replace(",", ""))
    except InvalidOperation:
        target = None
    if target is not None and target.is_finite() and measure.known:
        same = measure.low == measure.high == target
        return ("pass" if same else "fail"), measure.value, measure.describe()
    return ("pass" if text == wanted else "fail"), text, shown


def check_compliance(spec: StandardSpec, figures: Mapping[str, Figure]) -> Compliance:
    """Judge ``figures`` (attribute -> Measure or plain value) against ``spec``."""
    figures = figures_for_standard(spec, figures)
    results: list[RequirementResult] = []
    failures: list[dict[str, str]] = []
    shortfalls: list[dict[str, str]] = []
    for requirement in spec.requirements:
        figure = figures.get(requirement.attribute)
        status, compared, actual, judged = _judge(requirement, figure)
        results.append(RequirementResult(requirement, status, judged, compared, actual))
        if status == "fail":
            entry = {
                "attribute": requirement.attribute,
                "required": requirement.describe(),
                "actual": actual,
            }
            (failures if requirement.mandatory else shortfalls).append(entry)
    mandatory = [r for r in results if r.requirement.mandatory]
    if any(r.status == "fail" for r in mandatory):
        compliant: bool | None = False
    elif any(r.status == "unknown" for r in mandatory):
        compliant = None
    else:
        compliant = True
    return Compliance(
        spec.vehicle_class,
        spec.version,
        tuple(results),
        compliant,
        compliance_score(results),
        tuple(failures),
        tuple(shortfalls),
    )


def compliance_score(results: Iterable[RequirementResult]) -> Decimal:
    """Weighted share of requirements passed, in percent to one decimal place."""
    total = passed = 0
    for r in results:
        weight = MANDATORY_WEIGHT if r.requirement.mandatory else DESIRABLE_WEIGHT
        total += weight
        passed += weight if r.status == "pass" else 0
    if total == 0:
        return Decimal("100.0")
    return (Decimal(100) * passed / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# seed data
# --------------------------------------------------------------------------------------------


def standard_from_dict(data: Mapping[str, Any]) -> StandardSpec:
    """A standard from its JSON form (the seed file, an API body)."""
    try:
        requirements = tuple(
            Requirement(
                attribute=r["attribute"],
                label=r.get("label") or r["attribute"],
                unit=r.get("unit"),
                operator=r["operator"],
                value=r.get("value"),
                mandatory=r.get("mandatory", True),
                rationale=r.get("rationale", ""),
            )
            for r in data["requirements"]
        )
        return StandardSpec(
            vehicle_class=data["vehicle_class"],
            version=data["version"],
            status=data["status"],
            requirements=requirements,
            title=data.get("title", ""),
            category=data.get("category"),
            design_range_factor=data.get("design_range_factor"),
            racking_allowance_kg=data.get("racking_allowance_kg"),
            adopted_on=date.fromisoformat(data["adopted_on"]) if data.get("adopted_on") else None,
            retired_on=date.fromisoformat(data["retired_on"]) if data.get("retired_on") else None,
        )
    except KeyError as missing:
        raise StandardSpecError(f"The standard is missing the field {missing}") from None


def standard_to_dict(spec: StandardSpec) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, tuple):
            return list(value)
        return value

    return {
        "vehicle_class": spec.vehicle_class,
        "version": spec.version,
        "status": spec.status,
        "title": spec.title,
        "category": spec.category,
        "design_range_factor": plain(spec.design_range_factor),
        "racking_allowance_kg": plain(spec.racking_allowance_kg),
        "adopted_on": spec.adopted_on.isoformat() if spec.adopted_on else None,
        "retired_on": spec.retired_on.isoformat() if spec.retired_on else None,
        "requirements": [
            {
                "attribute": r.attribute,
                "label": r.label,
                "unit": r.unit,
                "operator": r.operator,
                "value": plain(r.value),
                "mandatory": r.mandatory,
                "rationale": r.rationale,
            }
            for r in spec.requirements
        ],
    }


def phase1_evan_standard() -> StandardSpec:
    """The adopted phase-1 standard for electric vans up to 3.5 t (see
    docs/fleet-standard-evan.md for why each threshold is what it is)."""
    return standard_from_dict(json.loads(SEED_FILE.read_text(encoding="utf-8")))
