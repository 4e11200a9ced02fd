"""Specs side by side against the standard, and the variation count across councils.

A fleet manager compares vehicles in the Crown Commercial Service portal already; what the
collaboration adds is the standard as the yardstick: every cell says in plain words how a
figure stands against it ("Payload 950 kg is below the standard's minimum of 1,000 kg"), so
a council can see exactly where its own specification deviates. The **variation count** --
how many different specifications are in use per vehicle class across councils, and how
many of them comply -- is the number the collaboration sets out to shrink.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .measures import Measure, format_number, main_clause, parse_measure, parse_presence
from .standard_spec import (
    Compliance,
    Figure,
    Requirement,
    RequirementResult,
    StandardSpec,
    check_compliance,
    figures_for_standard,
)

__all__ = [
    "ComparisonCell",
    "ComparisonRow",
    "ComparisonTable",
    "NamedFigures",
    "VariationCount",
    "compare",
    "spec_signature",
    "variation_count",
]

IDENTITY = ("make", "model", "variant")


@dataclass(frozen=True)
class NamedFigures:
    """A spec to compare: a council's spec, a catalogue model, a draft standard's example."""

    name: str
    figures: Mapping[str, Figure]
    kind: str = "spec"


@dataclass(frozen=True)
class ComparisonCell:
    value: str
    status: str  # "pass", "fail", "unknown" or "not-required"
    explanation: str


@dataclass(frozen=True)
class ComparisonRow:
    attribute: str
    label: str
    unit: str | None
    required: str  # "min 400 kg", "" when the standard says nothing about it
    mandatory: bool | None  # None when not required
    cells: tuple[ComparisonCell, ...]


@dataclass(frozen=True)
class ComparisonTable:
    """Rows per attribute (the standard's first, in its order), one cell per spec."""

    vehicle_class: str
    version: int
    columns: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]
    compliance: tuple[Compliance, ...]

    @property
    def scores(self) -> dict[str, Decimal]:
        return {name: c.score for name, c in zip(self.columns, self.compliance, strict=True)}

    def row(self, attribute: str) -> ComparisonRow | None:
        return next((r for r in self.rows if r.attribute == attribute), None)

    def cell(self, attribute: str, column: str) -> ComparisonCell | None:
        row = self.row(attribute)
        if row is None:
            return None
        return row.cells[self.columns.index(column)]


def _threshold(requirement: Requirement) -> str:
    unit = f" {requirement.unit}" if requirement.unit else ""
    return f"{format_number(requirement.value)}{unit}"


def _explain(result: RequirementResult) -> str:
    """One sentence a council officer can act on."""
    req = result.requirement
    label = req.label
    kind = "" if req.mandatory else "desirable "
    actual = result.actual
    op = req.operator
    if op in ("min", "max"):
        word = "minimum" if op == "min" else "maximum"
        bound = f"the standard's {kind}{word} of {_threshold(req)}"
        figure = result.figure if isinstance(result.figure, Measure) else None
        if result.status == "unknown" and actual == "not stated":
            need = "at least" if op == "min" else "at most"
            return f"{label} is not stated; the standard {'asks for' if kind else 'requires'} " \
                   f"{need} {_threshold(req)}"
        if result.status == "unknown":
            return f"{label} {actual} does not show whether it meets {bound}"
        if result.status == "pass":
            return f"{label} {actual} meets {bound}"
        side = "below" if op == "min" else "above"
        if figure is not None and figure.is_range:
            end = "lowest" if op == "min" else "highest"
            unit = f" {req.unit}" if req.unit else ""
            return (f"{label} {actual}: the {end} stated figure, "
                    f"{format_number(result.compared)}{unit}, is {side} {bound}")
        return f"{label} {actual} is {side} {bound}"
    if op == "required":
        asks = "asks for it (desirable)" if kind else "requires it"
        if result.status == "pass":
            return f"{label}: fitted, as the standard {'asks' if kind else 'requires'}"
        if result.status == "fail":
            return f"{label} is not fitted; the standard {asks}"
        return f"{label} is not stated; the standard {asks}"
    allowed = ", ".join(req.value) if op == "one_of" else str(req.value)
    if result.status == "unknown":
        return f"{label} is not stated; the standard {'asks for' if kind else 'requires'} " \
               f"{'one of ' if op == 'one_of' else ''}{allowed}"
    if result.status == "pass":
        return f"{label} {actual} is {'one of ' if op == 'one_of' else ''}what the standard " \
               f"{'asks for' if kind else 'requires'} ({allowed})"
    return f"{label} {actual} is not {'one of ' if op == 'one_of' else ''}the standard's " \
           f"{kind}{'values' if op == 'one_of' else 'value'} ({allowed})"


def _shown(figure: Figure) -> str:
    if figure is None:
        return "not stated"
    if isinstance(figure, Measure):
        return figure.describe() if figure.known else (figure.raw.strip() or "not stated")
    if isinstance(figure, bool):
        return "yes" if figure else "no"
    if isinstance(figure, int | Decimal):
        return format_number(figure)
    return str(figure)


def compare(standard: StandardSpec, specs: Sequence[NamedFigures]) -> ComparisonTable:
    """Every spec against ``standard``: the standard's requirements first, then any other
    figure a spec states (marked not-required, so nothing a council wrote is hidden)."""
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError("Each spec in a comparison needs its own name; two are called the same")
    compliance = tuple(check_compliance(standard, s.figures) for s in specs)
    rows: list[ComparisonRow] = []
    for i, requirement in enumerate(standard.requirements):
        cells = tuple(
            ComparisonCell(c.results[i].actual, c.results[i].status, _explain(c.results[i]))
            for c in compliance
        )
        rows.append(ComparisonRow(requirement.attribute, requirement.label, requirement.unit,
                                  requirement.describe(), requirement.mandatory, cells))
    required = {r.attribute for r in standard.requirements}
    derived = [figures_for_standard(standard, s.figures) for s in specs]
    extra: list[str] = []
    for figures in derived:
        for attribute, figure in figures.items():
            if attribute in required or attribute in extra or attribute in IDENTITY:
                continue
            if figure is not None and _shown(figure) != "not stated":
                extra.append(attribute)
    for attribute in extra:
        label = attribute.replace("_", " ").capitalize()
        cells = tuple(
            ComparisonCell(_shown(figures.get(attribute)), "not-required",
                           f"{label}: the standard sets no requirement")
            for figures in derived
        )
        rows.append(ComparisonRow(attribute, label, None, "", None, cells))
    return ComparisonTable(standard.vehicle_class, standard.version, tuple(names), tuple(rows),
                           compliance)


# --------------------------------------------------------------------------------------------
# variation count
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariationCount:
    """Distinct specifications in use for a class, how many comply, and by how many councils."""

    distinct: int
    compliant: int
    councils: int


def _words(text: object) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).casefold()).split())


def _figure_key(figure: Figure) -> str | None:
    if figure is None:
        return None
    if isinstance(figure, Measure):
        if not figure.known:
            return None
        if figure.value is not None and figure.low == figure.high == figure.value:
            return format_number(figure.value)
        parts = (figure.value, figure.low, figure.high)
        return "/".join("" if p is None else format_number(p) for p in parts)
    if isinstance(figure, bool):
        return "yes" if figure else "no"
    if isinstance(figure, int | float | Decimal):
        return format_number(Decimal(str(figure)))
    present = parse_presence(figure)
    if present is not None:
        return "yes" if present else "no"
    measure = parse_measure(figure)
    if measure.known:
        return _figure_key(measure)
    return _words(main_clause(figure)) or None


def spec_signature(figures: Mapping[str, Figure] | str) -> str:
    """What makes two specifications "the same" for the variation count.

    With a make and model the vehicle itself is the specification, so the signature is the
    normalised make/model/variant ("Ford  E-Transit" = "ford e transit"): dealers and
    councils write the same van differently. Without them (a council's performance spec) it
    is the full set of stated figures, normalised, so two specs differ when any figure does.
    A string is taken as an already-made signature and only normalised.
    """
    if isinstance(figures, str):
        return _words(figures)
    make, model = figures.get("make"), figures.get("model")
    if make and model:
        return "model:" + "|".join(_words(figures.get(k) or "") for k in IDENTITY)
    pairs = sorted(
        f"{k}={v}" for k, v in ((k, _figure_key(f)) for k, f in figures.items()) if v
    )
    return "figures:" + ";".join(pairs)


def variation_count(
    specs_in_use: Iterable[tuple[str, str, Mapping[str, Figure] | str]],
    standards: Mapping[str, StandardSpec] | None = None,
) -> dict[str, VariationCount]:
    """Per vehicle class: distinct specifications in use across councils and how many comply.

    Each item is ``(council_code, vehicle_class, figures_or_signature)``. A distinct spec
    counts as compliant when ``standards`` has the class's standard and every occurrence of
    that spec (with figures) is compliant; a bare signature cannot be judged and does not
    count as compliant.
    """
    standards = standards or {}
    verdict: dict[str, dict[str, bool]] = {}
    councils: dict[str, set[str]] = {}
    for council_code, vehicle_class, figures in specs_in_use:
        signature = spec_signature(figures)
        councils.setdefault(vehicle_class, set()).add(council_code)
        per_class = verdict.setdefault(vehicle_class, {})
        standard = standards.get(vehicle_class)
        ok = (
            standard is not None
            and not isinstance(figures, str)
            and check_compliance(standard, figures).compliant is True
        )
        per_class[signature] = per_class.get(signature, True) and ok
    return {
        vehicle_class: VariationCount(
            distinct=len(per_class),
            compliant=sum(1 for ok in per_class.values() if ok),
            councils=len(councils[vehicle_class]),
        )
        for vehicle_class, per_class in sorted(verdict.items())
    }
