"""HM Treasury Green Book parameters as versioned plain data.

An appraisal is only auditable if the reader can tell which discount rates and optimism bias
figures it used, and where they come from; the Treasury revises them from time to time. So
each set of figures is an *edition* with its name and sources, an appraisal records the edition
it used, and a newer edition is added next to the older ones rather than edited over them.

Rates and uplifts are fractions (`Decimal("0.035")` is 3.5%, `Decimal("2.00")` is 200%).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

__all__ = [
    "CAPITAL",
    "EDITIONS",
    "OPERATING",
    "PROJECT_TYPES",
    "WORKS_DURATION",
    "AppraisalError",
    "Edition",
    "OptimismBiasBounds",
    "current_edition",
    "edition",
    "optimism_bias",
]


class AppraisalError(ValueError):
    """A business case or parameter that cannot be appraised; the message says how to fix it."""


CAPITAL = "capital"
WORKS_DURATION = "works_duration"
OPERATING = "operating"
MEASURES = (CAPITAL, WORKS_DURATION, OPERATING)

PROJECT_TYPES = (
    "standard_buildings",
    "non_standard_buildings",
    "standard_civil_engineering",
    "non_standard_civil_engineering",
    "equipment_development",
    "outsourcing",
)


@dataclass(frozen=True)
class OptimismBiasBounds:
    """The upper bound (no mitigation yet) and lower bound (fully mitigated) of one measure."""

    upper: Decimal
    lower: Decimal


@dataclass(frozen=True)
class Edition:
    """One edition of the Green Book figures.

    `discount_schedule` is `((first_year, rate), ...)`: the rate applies from `first_year` until
    the next entry's first year. `other_schedules` holds schedules the edition gives for
    special cases (health effects, sensitivity tests); they are never the default.
    `optimism_bias` maps project type -> measure -> bounds, only where the guidance gives a
    figure (outsourcing has no capital or works-duration figure).
    """

    name: str
    discount_schedule: tuple[tuple[int, Decimal], ...]
    optimism_bias: Mapping[str, Mapping[str, OptimismBiasBounds]]
    sources: tuple[str, ...]
    other_schedules: Mapping[str, tuple[tuple[int, Decimal], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    notes: str = ""


def _schedule(*pairs: tuple[int, str]) -> tuple[tuple[int, Decimal], ...]:
    return tuple((year, Decimal(rate)) for year, rate in pairs)


def _bounds(
    table: dict[str, dict[str, tuple[str, str]]],
) -> Mapping[str, Mapping[str, OptimismBiasBounds]]:
    return MappingProxyType(
        {
            project: MappingProxyType(
                {
                    measure: OptimismBiasBounds(Decimal(upper), Decimal(lower))
                    for measure, (upper, lower) in measures.items()
                }
            )
            for project, measures in table.items()
        }
    )


# Standard discount rates (social time preference rate), Green Book Annex A6 table 8.
STANDARD_SCHEDULE = _schedule(
    (0, "0.035"), (31, "0.030"), (76, "0.025"), (126, "0.020"), (201, "0.015"), (301, "0.010")
)
# Health discount rates (STPR without the wealth effect), Annex A6.
HEALTH_SCHEDULE = _schedule(
    (0, "0.015"), (31, "0.0129"), (76, "0.0107"), (126, "0.0086"), (201, "0.0064"), (301, "0.0043")
)
# The lower-rate sensitivity test added in February 2026 for proposals beyond 50 years.
LOW_RATE_SENSITIVITY_SCHEDULE = _schedule(
    (0, "0.030"), (31, "0.0257"), (76, "0.0214"), (126, "0.0171"), (201, "0.0129"), (301, "0.0086")
)

# Supplementary guidance on optimism bias (HM Treasury 2003, from Mott MacDonald 2002), table 1:
# percentages as fractions, (upper bound, lower bound).
OPTIMISM_BIAS_2003 = _bounds(
    {
        "standard_buildings": {WORKS_DURATION: ("0.04", "0.01"), CAPITAL: ("0.24", "0.02")},
        "non_standard_buildings": {WORKS_DURATION: ("0.39", "0.02"), CAPITAL: ("0.51", "0.04")},
        "standard_civil_engineering": {
            WORKS_DURATION: ("0.20", "0.01"),
            CAPITAL: ("0.44", "0.03"),
        },
        "non_standard_civil_engineering": {
            WORKS_DURATION: ("0.25", "0.03"),
            CAPITAL: ("0.66", "0.06"),
        },
        "equipment_development": {WORKS_DURATION: ("0.54", "0.10"), CAPITAL: ("2.00", "0.10")},
        "outsourcing": {OPERATING: ("0.41", "0.00")},
    }
)

OPTIMISM_BIAS_SOURCE = (
    "HM Treasury, Green Book supplementary guidance: optimism bias (2003), table 1, from "
    "Mott MacDonald, Review of Large Public Procurement in the UK (2002); "
    "https://www.gov.uk/government/publications/green-book-supplementary-guidance-optimism-bias"
)

_EDITIONS = (
    Edition(
        name="HM Treasury Green Book 2022",
        discount_schedule=STANDARD_SCHEDULE,
        other_schedules=MappingProxyType({"health": HEALTH_SCHEDULE}),
        optimism_bias=OPTIMISM_BIAS_2003,
        sources=(
            "HM Treasury, The Green Book: appraisal and evaluation in central government (2022), "
            "Annex A6 discount rates; https://www.gov.uk/government/publications/"
            "the-green-book-appraisal-and-evaluation-in-central-governent",
            OPTIMISM_BIAS_SOURCE,
        ),
    ),
    Edition(
        name="HM Treasury Green Book 2022 (2026 update)",
        discount_schedule=STANDARD_SCHEDULE,
        other_schedules=MappingProxyType(
            {"health": HEALTH_SCHEDULE, "low_rate_sensitivity": LOW_RATE_SENSITIVITY_SCHEDULE}
        ),
        optimism_bias=OPTIMISM_BIAS_2003,
        sources=(
            "HM Treasury, The Green Book, updated February 2026: standard schedule unchanged, "
            "adds a lower-rate sensitivity test for proposals beyond 50 years; rates as "
            "tabulated by DfT, 'Forthcoming change: Green Book updates' (TAG, April 2026), "
            "https://www.gov.uk/government/publications/tag-forthcoming-changes/"
            "forthcoming-change-green-book-updates",
            OPTIMISM_BIAS_SOURCE,
        ),
        notes=(
            "The independent Green Book discount rate review 2026 (published June 2026) is "
            "not reflected: add a new edition when the Treasury adopts its recommendations."
        ),
    ),
)

EDITIONS: Mapping[str, Edition] = MappingProxyType({e.name: e for e in _EDITIONS})
CURRENT_EDITION = "HM Treasury Green Book 2022 (2026 update)"


def current_edition() -> Edition:
    """The edition a new appraisal uses unless told otherwise."""
    return EDITIONS[CURRENT_EDITION]


def edition(name: str) -> Edition:
    """An edition by its exact name, so an old appraisal can be re-run on its own figures."""
    try:
        return EDITIONS[name]
    except KeyError:
        known = "; ".join(EDITIONS)
        raise AppraisalError(
            f"unknown Green Book edition {name!r}; known editions: {known}"
        ) from None


def _project_key(project_type: str) -> str:
    key = project_type.strip().lower()
    for separator in (" ", "-", "/"):
        key = key.replace(separator, "_")
    return key


def _fraction(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise AppraisalError(f"{what} must be a number between 0 and 1, not {value!r}")
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise AppraisalError(f"{what} must be a number between 0 and 1, not {value!r}") from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
        raise AppraisalError(f"{what} must be between 0 and 1 (e.g. 0.4 for 40%), not {value!r}")
    return number


def optimism_bias(
    project_type: str,
    measure: str,
    mitigation_share: Decimal | float | int | str = 0,
    *,
    edition_name: str | None = None,
) -> Decimal:
    """The optimism bias uplift for one project type and measure, after mitigation.

    The Green Book starts an appraisal at the upper bound and lets it fall toward the lower
    bound only as risks are shown to be mitigated, so `mitigation_share` (0 = nothing
    mitigated, 1 = fully mitigated) moves the uplift linearly:
    `upper - (upper - lower) * mitigation_share`.

    `measure` is `capital`, `works_duration` or `operating`; `project_type` one of
    `PROJECT_TYPES` (spaces, hyphens and slashes are read as underscores, so
    "Equipment/development" works).
    """
    chosen = current_edition() if edition_name is None else edition(edition_name)
    project = _project_key(project_type)
    if project not in chosen.optimism_bias:
        raise AppraisalError(
            f"unknown project type {project_type!r}; use one of: {', '.join(PROJECT_TYPES)}"
        )
    if measure not in MEASURES:
        raise AppraisalError(f"unknown measure {measure!r}; use one of: {', '.join(MEASURES)}")
    figures = chosen.optimism_bias[project]
    if measure not in figures:
        given = ", ".join(figures)
        raise AppraisalError(
            f"the guidance gives no {measure} optimism bias for {project}; it gives: {given}"
        )
    share = _fraction(mitigation_share, "mitigation_share")
    bounds = figures[measure]
    return bounds.upper - (bounds.upper - bounds.lower) * share
