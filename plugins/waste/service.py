"""Bulky waste services: profiles stored and changed (with the one authorisation check and the
audit log), the benchmark from the stored profiles, and joint service models.

Pages, the API and the CLI call these; they raise `ProfileRefused`, `JointModelRefused` or
werkzeug's `Forbidden` (from `tk.require_write`) and each interface turns those into its own
answer (a form with an error summary, a 4xx JSON error, an exit status).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from procurehub import toolkit as tk

from .bulky_benchmark import Benchmark, BenchmarkError, benchmark
from .bulky_profile import (
    PROFILE_FIELDS,
    BulkyServiceProfile,
    ProfileIssue,
    check_financial_year,
    profile_from_values,
    read_number,
    validate_profile,
)
from .households import HouseholdCount, load_households
from .joint_service import (
    DEFAULT_CO2E_FACTORS,
    PER_COLLECTION,
    PER_TONNE,
    PRICING_BASES,
    JointServiceAssumptions,
    JointServiceError,
    JointServiceResult,
    model_joint_service,
)
from .models import DAYS, MONEY, TONNES, BulkyProfile, JointModel

BULKY_CATEGORY = "waste.bulky"
PROFILE_OBJECT = "waste_bulky_profile"
MODEL_OBJECT = "waste_joint_model"
FIELD_NAMES = tuple(f.name for f in PROFILE_FIELDS)
#: Keys an API client gets back with a profile and may send again unchanged.
RESPONSE_ONLY = frozenset(
    {"id", "council_name", "created_at", "updated_at", "warnings", "contracts"}
)
MAX_JOINT_PRICE = 1_000_000  # £ per tonne or collection: more is a typing slip
MAX_COUNT = 1_000_000_000  # more than a billion collections or items is a typing slip
_PRECISION = {"tonnes": TONNES, "money": MONEY, "days": DAYS}


# ------------------------------------------------------------------------------ errors
class ProfileRefused(Exception):
    """A profile was not saved: every error (and warning) is listed, each on its field."""

    def __init__(
        self,
        errors: Iterable[ProfileIssue],
        warnings: Iterable[ProfileIssue] = (),
        *,
        status: int = 422,
    ) -> None:
        self.errors = tuple(errors)
        self.warnings = tuple(warnings)
        self.status = status
        super().__init__(" ".join(issue.message for issue in self.errors))


class JointModelRefused(ValueError):
    """A joint service model could not be worked out or saved; the message says why."""

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = dict(errors or {})


# ------------------------------------------------------------------------------ profiles
def profile_values(row: BulkyProfile) -> dict[str, Any]:
    """A stored profile as the raw values `validate_profile` takes (and audit records)."""
    values = {name: _plain(getattr(row, name)) for name in FIELD_NAMES}
    values["contract_references"] = list(row.contract_references or [])
    return values


def _plain(value: Any) -> Any:
    """A stored Decimal without the column's trailing zeros (2310.000 is 2310)."""
    if not isinstance(value, Decimal):
        return value
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def as_profile(row: BulkyProfile) -> BulkyServiceProfile:
    values = profile_values(row)
    values["contract_references"] = tuple(values["contract_references"])
    return BulkyServiceProfile(**values)


def profile_warnings(row: BulkyProfile) -> tuple[ProfileIssue, ...]:
    """What a stored profile is still short of (tonnes not accounted for, ...)."""
    return validate_profile(profile_values(row)).warnings


def _storage_issues(values: Mapping[str, Any]) -> list[ProfileIssue]:
    """Figures valid in themselves but too precise or too large for the table.

    Refused rather than rounded: a figure typed with four decimals of a tonne is either a
    slip or a unit mistake (kilograms), and the officer should decide.
    """
    issues = []
    for profile_field in PROFILE_FIELDS:
        raw = values.get(profile_field.name)
        number = read_number(raw) if raw is not None else None
        if number is None or number < 0:
            continue  # blank, or refused by validate_profile already
        if profile_field.kind == "count":
            if number > MAX_COUNT:
                issues.append(
                    ProfileIssue(
                        profile_field.name,
                        raw,
                        f"{profile_field.label} is {number:,}; check the figure (the most "
                        f"the hub takes is {MAX_COUNT:,}).",
                    )
                )
            continue
        precision = _PRECISION.get(profile_field.kind)
        if precision is None:
            continue
        digits, places = precision
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            issues.append(
                ProfileIssue(
                    profile_field.name,
                    raw,
                    f"{profile_field.label} can have at most {places} decimal places; "
                    f"got '{raw}'.",
                )
            )
        elif number >= Decimal(10) ** (digits - places):
            issues.append(
                ProfileIssue(
                    profile_field.name,
                    raw,
                    f"{profile_field.label} is too large ({number:,}); check the figure and "
                    "its unit.",
                )
            )
    return issues


def check_profile(values: Mapping[str, Any]) -> tuple[list[ProfileIssue], list[ProfileIssue]]:
    """Every error and warning of a submitted profile, including that its council exists."""
    check = validate_profile(values)
    errors = list(check.errors) + _storage_issues(values)
    code = values.get("council_code")
    if (
        isinstance(code, str)
        and code.strip()
        and not any(e.field == "council_code" for e in errors)
        and tk.council_id(code.strip()) is None
    ):
        errors.insert(
            0,
            ProfileIssue(
                "council_code", code, f"There is no council with the code '{code.strip()}'."
            ),
        )
    return errors, list(check.warnings)


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Response-only keys an API client sends back unchanged are dropped silently."""
    return {k: v for k, v in values.items() if k not in RESPONSE_ONLY}


def find_profile(council_code: str, financial_year: str) -> BulkyProfile | None:
    return tk.session.scalar(
        select(BulkyProfile).where(
            BulkyProfile.council_code == council_code,
            BulkyProfile.financial_year == financial_year,
        )
    )


def _authorise(user: Any, council_code: str | None) -> None:
    """Only the council itself (or an administrator) changes its profile; None is the CLI."""
    if user is None:
        return
    council_id = tk.council_id(council_code) if council_code else None
    if council_id is None:
        council_id = getattr(user, "council_id", None)  # an unknown council: validation says so
    tk.require_write(user, council_id, what="bulky waste profiles")


def _store(row: BulkyProfile, profile: BulkyServiceProfile) -> None:
    for name in FIELD_NAMES:
        value = getattr(profile, name)
        setattr(row, name, list(value) if name == "contract_references" else value)


def create_profile(
    values: Mapping[str, Any], *, user: Any, upload_id: int | None = None
) -> tuple[BulkyProfile, list]:
    """Record a council's profile for a year; refused if that year is already recorded."""
    values = _clean(values)
    code = values.get("council_code")
    _authorise(user, code.strip() if isinstance(code, str) else None)
    errors, warnings = check_profile(values)
    if not errors:
        profile = profile_from_values(values)
        existing = find_profile(profile.council_code, profile.financial_year)
        if existing is not None:
            raise ProfileRefused(
                [
                    ProfileIssue(
                        "financial_year",
                        profile.financial_year,
                        f"A bulky waste profile for {profile.financial_year} is already "
                        f"recorded for this council (profile {existing.id}); change that one "
                        "instead.",
                    )
                ],
                warnings,
                status=409,
            )
    if errors:
        raise ProfileRefused(errors, warnings)
    row = BulkyProfile(council_id=tk.council_id(profile.council_code))
    _store(row, profile)
    tk.session.add(row)
    tk.session.flush()
    tk.record_audit(
        "create",
        PROFILE_OBJECT,
        row.id,
        user=user,
        council_code=row.council_code,
        changes=tk.audit_diff({}, profile_values(row)),
        upload_id=upload_id,
    )
    return row, warnings


def update_profile(
    row: BulkyProfile,
    changes: Mapping[str, Any],
    *,
    user: Any,
    upload_id: int | None = None,
) -> tuple[dict[str, Any], list]:
    """Change some fields of a stored profile; returns the audited {field: [before, after]}."""
    _authorise(user, row.council_code)
    before = profile_values(row)
    values = {**before, **_clean(changes)}
    errors, warnings = check_profile(values)
    code = values.get("council_code")
    if code != row.council_code and not any(e.field == "council_code" for e in errors):
        errors.append(
            ProfileIssue(
                "council_code",
                code,
                "A profile cannot move to another council; record it for that council instead.",
            )
        )
    if not errors:
        profile = profile_from_values(values)
        clash = find_profile(profile.council_code, profile.financial_year)
        if clash is not None and clash.id != row.id:
            errors.append(
                ProfileIssue(
                    "financial_year",
                    profile.financial_year,
                    f"This council already has a profile for {profile.financial_year} "
                    f"(profile {clash.id}).",
                )
            )
    if errors:
        raise ProfileRefused(errors, warnings)
    _store(row, profile)
    diff = tk.audit_diff(before, profile_values(row))
    if diff:
        tk.record_audit(
            "update",
            PROFILE_OBJECT,
            row.id,
            user=user,
            council_code=row.council_code,
            changes=diff,
            upload_id=upload_id,
        )
    return diff, warnings


def delete_profile(row: BulkyProfile, *, user: Any) -> None:
    _authorise(user, row.council_code)
    before = profile_values(row)
    tk.record_audit(
        "delete",
        PROFILE_OBJECT,
        row.id,
        user=user,
        council_code=row.council_code,
        changes=tk.audit_diff(before, dict.fromkeys(before)),
    )
    tk.session.delete(row)


def profiles_query(council: str | None = None, year: str | None = None) -> Any:
    stmt = select(BulkyProfile)
    if council:
        stmt = stmt.where(BulkyProfile.council_code == council)
    if year:
        stmt = stmt.where(BulkyProfile.financial_year == year)
    return stmt


def all_profiles(council: str | None = None, year: str | None = None) -> list[BulkyProfile]:
    stmt = profiles_query(council, year).order_by(
        BulkyProfile.financial_year.desc(), BulkyProfile.council_code
    )
    return list(tk.session.scalars(stmt))


def financial_years() -> list[str]:
    """Years with at least one profile, latest first."""
    years = tk.session.scalars(select(BulkyProfile.financial_year).distinct())
    return sorted(set(years), reverse=True)


def contract_links(row: BulkyProfile) -> list[dict[str, Any]]:
    """The profile's contract references, each with the hub's contract when one matches.

    References are stored as the officer gave them; a reference that matches none of the
    council's contracts is shown as text (it may be uploaded later).
    """
    refs = list(row.contract_references or [])
    if not refs:
        return []
    by_reference = {c["reference"]: c for c in tk.council_contracts(row.council_code)}
    links = []
    for ref in refs:
        contract = by_reference.get(ref)
        links.append(
            {
                "reference": ref,
                "contract_id": contract["id"] if contract else None,
                "title": contract["title"] if contract else None,
                "url": contract["url"] if contract else None,
            }
        )
    return links


def bulky_contracts(council_code: str) -> list[dict[str, Any]]:
    """The council's contracts in the bulky waste category (offered in the form's hint)."""
    return tk.council_contracts(council_code, BULKY_CATEGORY)


def issues_json(issues: Iterable[ProfileIssue]) -> list[dict[str, Any]]:
    return [{"field": i.field, "message": i.message} for i in issues]


def issues_by_field(issues: Iterable[ProfileIssue]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for issue in issues:
        grouped.setdefault(issue.field or "_schema", []).append(issue.message)
    return grouped


# ------------------------------------------------------------------------------ benchmark
@dataclass(frozen=True)
class BenchmarkView:
    """The benchmark with what the pages, API and CLI show beside it."""

    benchmark: Benchmark
    names: dict[str, str]
    households: dict[str, HouseholdCount]
    years: list[str]


def latest_year() -> str | None:
    years = financial_years()
    return years[0] if years else None


def benchmark_for(year: str) -> BenchmarkView:
    """The benchmark of every council's profile for one year, households from the seed."""
    if check_financial_year(year) is None:
        raise BenchmarkError(f"Financial year must be written like 2024-25; got '{year}'.")
    names = tk.council_names()
    rows = sorted(all_profiles(year=year), key=lambda r: names.get(r.council_code, r.council_code))
    profiles = [as_profile(row) for row in rows]
    counts = load_households()
    result = benchmark(
        profiles, year, {code: count.households for code, count in counts.items()}
    )
    shown = {code: counts[code] for code in result.councils if code in counts}
    return BenchmarkView(result, names, shown, financial_years())


def _number(value: Fraction | Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def benchmark_json(view: BenchmarkView) -> dict[str, Any]:
    """The benchmark as JSON (API and `procurehub waste bulky-benchmark --json`).

    Figures are the exact values as floating-point numbers; shares are fractions (0.25 is
    25%); verdicts say where each council stands against the median.
    """
    bm, names = view.benchmark, view.names
    sources = sorted({c.source for c in view.households.values()})
    return {
        "financial_year": bm.financial_year,
        "financial_years": view.years,
        "councils": [
            {
                "council_code": code,
                "council_name": names.get(code, code),
                "households": view.households[code].households
                if code in view.households
                else None,
                "households_year": view.households[code].year if code in view.households else None,
                "households_approximate": view.households[code].approximate
                if code in view.households
                else None,
            }
            for code in bm.councils
        ],
        "households_source": sources[0] if len(sources) == 1 else sources,
        "quartile_method": bm.quartile_method,
        "measures": [
            {
                "key": m.measure.key,
                "label": m.measure.label,
                "unit": m.measure.unit,
                "direction": m.measure.direction,
                "formula": m.measure.formula,
                "known": m.known,
                "unknown_councils": list(m.unknown_councils),
                "lower_quartile": _number(m.lower_quartile),
                "median": _number(m.median),
                "upper_quartile": _number(m.upper_quartile),
                "councils": [
                    {
                        "council_code": s.council_code,
                        "council_name": names.get(s.council_code, s.council_code),
                        "value": _number(s.value),
                        "difference_from_median": _number(s.difference_from_median),
                        "ratio_to_median": _number(s.ratio_to_median),
                        "verdict": s.verdict,
                    }
                    for s in m.councils
                ],
            }
            for m in bm.measures
        ],
    }


# ------------------------------------------------------------------------------ joint models
def read_share(value: Any, label: str) -> Decimal | None:
    """A share as 0.3 or 30%; blank is None (keep today's share)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        number = read_number(value.strip()[:-1])
        if number is None:
            raise JointModelRefused(f"The {label} must be a percentage like 30%; got '{value}'.")
        return number / 100
    number = read_number(value)
    if number is None:
        raise JointModelRefused(f"The {label} must be a share like 0.3 (or 30%); got '{value}'.")
    return number


@dataclass(frozen=True)
class JointModelRequest:
    """A group, a year and the coordinator's assumptions, read from a form, JSON or the CLI."""

    councils: tuple[str, ...]
    financial_year: str
    assumptions: JointServiceAssumptions
    stored: dict[str, Any] = field(default_factory=dict)


def read_joint_request(
    councils: Any, financial_year: Any, assumptions: Mapping[str, Any]
) -> JointModelRequest:
    """Check the group, year and assumptions; every problem at once (JointModelRefused)."""
    errors: dict[str, list[str]] = {}
    group: list[str] = []
    if isinstance(councils, str):
        councils = [c for c in councils.split(",")]
    if not isinstance(councils, list | tuple) or not all(isinstance(c, str) for c in councils):
        errors["councils"] = ["Give the councils as a list of council codes."]
    else:
        group = [c.strip() for c in councils if c.strip()]
        if not group:
            errors["councils"] = ["Choose at least one council."]
        names = tk.council_names()
        unknown = [c for c in group if c not in names]
        if unknown:
            errors["councils"] = [f"There is no council with the code {', '.join(unknown)}."]
        if len(set(group)) != len(group):
            errors.setdefault("councils", []).append("A council is named twice in the group.")
    year = check_financial_year(financial_year) if isinstance(financial_year, str) else None
    if year is None:
        errors["financial_year"] = [
            f"Financial year must be written like 2024-25; got '{financial_year}'."
        ]
    basis = assumptions.get("pricing_basis")
    if basis not in PRICING_BASES:
        errors["pricing_basis"] = [
            f"Pricing basis must be {PER_TONNE} or {PER_COLLECTION}; got '{basis}'."
        ]
    raw_price = assumptions.get("joint_price")
    price = read_number(raw_price) if raw_price is not None else None
    if price is None or price < 0:
        errors["joint_price"] = [
            f"The joint price must be an amount of zero or more; got '{raw_price}'."
            if raw_price not in (None, "")
            else "Enter the joint price (£ per tonne or per collection)."
        ]
    elif price >= MAX_JOINT_PRICE:
        errors["joint_price"] = [
            f"The joint price must be under £{MAX_JOINT_PRICE:,} per tonne or collection; "
            f"got '{raw_price}'."
        ]
    targets: dict[str, Decimal | None] = {}
    for key, label in (
        ("reuse_share_target", "reuse share target"),
        ("recycling_share_target", "recycling share target"),
    ):
        try:
            share = read_share(assumptions.get(key), label)
        except JointModelRefused as exc:
            errors[key] = [str(exc)]
            continue
        if share is not None and not 0 <= share <= 1:
            errors[key] = [f"The {label} must be between 0% and 100%; got '{assumptions[key]}'."]
            continue
        targets[key] = share
    if not errors and sum(t for t in targets.values() if t is not None) > 1:
        errors["recycling_share_target"] = [
            "The reuse and recycling targets add up to more than 100%."
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise JointModelRefused(first, errors)
    stored = {
        "pricing_basis": basis,
        "joint_price": str(price),
        "reuse_share_target": _text(targets.get("reuse_share_target")),
        "recycling_share_target": _text(targets.get("recycling_share_target")),
    }
    return JointModelRequest(
        tuple(group),
        year,
        JointServiceAssumptions(
            pricing_basis=basis,
            joint_price=price,
            reuse_share_target=targets.get("reuse_share_target"),
            recycling_share_target=targets.get("recycling_share_target"),
            co2e_factors=dict(DEFAULT_CO2E_FACTORS),
        ),
        stored,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def work_out(request: JointModelRequest) -> JointServiceResult:
    """The joint service for the request, from the councils' stored profiles."""
    profiles = [as_profile(row) for row in all_profiles(year=request.financial_year)]
    chosen = [p for p in profiles if p.council_code in request.councils]
    try:
        return model_joint_service(
            chosen, request.councils, request.financial_year, request.assumptions
        )
    except JointServiceError as exc:
        raise JointModelRefused(_named(str(exc))) from exc


def _named(message: str) -> str:
    """A model message with council codes replaced by names (people see names, not codes)."""
    for code, name in sorted(tk.council_names().items(), key=lambda kv: -len(kv[0])):
        message = message.replace(code, name)
    return message


def _value_json(value: Any) -> Any:
    if isinstance(value, Fraction | Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def result_json(result: JointServiceResult) -> dict[str, Any]:
    names = tk.council_names()

    def tonnes(destinations: Any) -> dict[str, float]:
        return {k: float(v) for k, v in destinations.by_destination().items()}

    return {
        "financial_year": result.financial_year,
        "councils": list(result.councils),
        "council_names": [names.get(c, c) for c in result.councils],
        "pooled": {
            "collections": result.pooled_collections,
            "items": result.pooled_items,
            "tonnes_collected": float(result.pooled_tonnes_collected),
        },
        "current_cost": float(result.current_cost),
        "joint_cost": float(result.joint_cost),
        "saving": float(result.saving),
        "council_costs": [
            {
                "council_code": c.council_code,
                "council_name": names.get(c.council_code, c.council_code),
                "current_cost": float(c.current_cost),
                "share": float(c.share),
                "joint_cost": float(c.joint_cost),
                "saving": float(c.saving),
            }
            for c in result.council_costs
        ],
        "destinations": {
            "current": tonnes(result.current_destinations),
            "modelled": tonnes(result.modelled_destinations),
        },
        "diverted_from_landfill": float(result.diverted_from_landfill),
        "diverted_from_energy_recovery": float(result.diverted_from_energy_recovery),
        "co2e": {
            "current_kg": float(result.co2e_current_kg),
            "modelled_kg": float(result.co2e_modelled_kg),
            "change_kg": float(result.co2e_change_kg),
        },
        "assumptions": [
            {
                "name": a.name,
                "value": _value_json(a.value),
                "unit": a.unit,
                "source": a.source,
                "valid_from": _value_json(a.valid_from),
            }
            for a in result.assumptions
        ],
        "notes": [_named(n) for n in result.notes],
    }


def request_of(model: JointModel) -> JointModelRequest:
    return read_joint_request(list(model.councils), model.financial_year, model.assumptions)


def model_outcome(model: JointModel) -> tuple[JointServiceResult | None, str | None]:
    """The saved model worked out from today's profiles, or why it cannot be any more."""
    try:
        return work_out(request_of(model)), None
    except JointModelRefused as exc:
        return None, str(exc)


def may_change_model(user: Any, model: JointModel) -> bool:
    if user is None:
        return True
    if tk.can_write(user, None, scope="coordination"):
        return True
    return model.author_id is not None and model.author_id == getattr(user, "id", None)


def may_save_model(user: Any, councils: Iterable[str]) -> bool:
    """Coordinators and admins model any group; a council may model a group it is part of."""
    if user is None or tk.can_write(user, None, scope="coordination"):
        return True
    return tk.council_code_of(user) in set(councils)


def _model_values(model: JointModel) -> dict[str, Any]:
    return {
        "name": model.name,
        "description": model.description,
        "financial_year": model.financial_year,
        "councils": list(model.councils or []),
        "assumptions": dict(model.assumptions or {}),
        "source": model.source,
    }


def _read_model_text(data: Mapping[str, Any]) -> tuple[str, str | None, str | None]:
    errors: dict[str, list[str]] = {}
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ["Give the model a name, e.g. 'West joint bulky service 2027'."]
    elif len(name.strip()) > 200:
        errors["name"] = ["Keep the name to 200 characters."]
    description = data.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 4000):
        errors["description"] = ["The description must be text of at most 4,000 characters."]
    source = data.get("source")
    if source is not None and (not isinstance(source, str) or len(source) > 500):
        errors["source"] = ["The source must be text of at most 500 characters."]
    if errors:
        raise JointModelRefused(next(iter(errors.values()))[0], errors)
    return (
        name.strip(),
        (description or "").strip() or None,
        (source or "").strip() or None,
    )


def save_joint_model(
    data: Mapping[str, Any], *, user: Any, model: JointModel | None = None
) -> JointModel:
    """Create (model None) or change a saved model; it must work out before it is saved.

    `data`: name, description, source, financial_year, councils and assumptions (pricing
    basis, joint price, reuse and recycling share targets). Missing keys keep the model's.
    """
    current = _model_values(model) if model is not None else {}
    merged = {**current, **{k: v for k, v in data.items() if k in _MODEL_KEYS}}
    if model is not None and "assumptions" in data and isinstance(data["assumptions"], Mapping):
        merged["assumptions"] = {**current.get("assumptions", {}), **data["assumptions"]}
    problems: dict[str, list[str]] = {}
    try:
        name, description, source = _read_model_text(merged)
    except JointModelRefused as exc:
        problems.update(exc.errors)
    assumptions = merged.get("assumptions")
    if not isinstance(assumptions, Mapping):
        problems["assumptions"] = ["Give the assumptions as an object."]
        assumptions = {}
    try:
        request = read_joint_request(
            merged.get("councils"), merged.get("financial_year"), assumptions
        )
    except JointModelRefused as exc:
        problems.update(exc.errors)
    if problems:
        raise JointModelRefused(next(iter(problems.values()))[0], problems)
    if model is None and not may_save_model(user, request.councils):
        raise Forbidden(
            "Only a coordinator, an administrator or a council in the group can save a joint "
            "service model for it."
        )
    if model is not None and not may_change_model(user, model):
        raise Forbidden("Only the model's author, a coordinator or an administrator can change it.")
    work_out(request)  # refuse a model that cannot be worked out
    after = {
        "name": name,
        "description": description,
        "financial_year": request.financial_year,
        "councils": list(request.councils),
        "assumptions": request.stored,
        "source": source,
    }
    if model is None:
        model = JointModel(
            author_id=getattr(user, "id", None), author_email=getattr(user, "email", None)
        )
        tk.session.add(model)
        action = "create"
    else:
        action = "update"
    for key, value in after.items():
        setattr(model, key, value)
    tk.session.flush()
    diff = tk.audit_diff(current, after)
    if diff:
        tk.record_audit(action, MODEL_OBJECT, model.id, user=user, changes=diff)
    return model


_MODEL_KEYS = ("name", "description", "financial_year", "councils", "assumptions", "source")


def delete_joint_model(model: JointModel, *, user: Any) -> None:
    if not may_change_model(user, model):
        raise Forbidden("Only the model's author, a coordinator or an administrator can delete it.")
    before = _model_values(model)
    tk.record_audit(
        "delete",
        MODEL_OBJECT,
        model.id,
        user=user,
        changes=tk.audit_diff(before, dict.fromkeys(before)),
    )
    tk.session.delete(model)


def joint_models() -> list[JointModel]:
    return list(tk.session.scalars(select(JointModel).order_by(JointModel.updated_at.desc())))


def model_json(model: JointModel, user: Any = None) -> dict[str, Any]:
    result, problem = model_outcome(model)
    names = tk.council_names()
    return {
        "id": model.id,
        "name": model.name,
        "description": model.description,
        "financial_year": model.financial_year,
        "councils": list(model.councils or []),
        "council_names": [names.get(c, c) for c in model.councils or []],
        "assumptions": dict(model.assumptions or {}),
        "source": model.source,
        "author": model.author_email,
        "created_at": model.created_at.isoformat() if model.created_at else None,
        "updated_at": model.updated_at.isoformat() if model.updated_at else None,
        "may_edit": may_change_model(user, model) if user is not None else None,
        "result": result_json(result) if result is not None else None,
        "problem": problem,
    }


@dataclass(frozen=True)
class Wave:
    """A `waste.bulky` wave of the tender plan, as the joint model form offers it."""

    id: Any
    councils: tuple[str, ...]
    joint_start: str | None
    decision_deadline: str | None

    def describe(self, names: Mapping[str, str]) -> str:
        who = ", ".join(names.get(c, c) for c in self.councils)
        return f"Joint start {self.joint_start} (decide by {self.decision_deadline}): {who}"


def bulky_waves(as_of: date | None = None) -> list[Wave]:
    """The tender plan's waves for bulky waste, as of today unless told."""
    document = tk.tender_plan(as_of or date.today(), BULKY_CATEGORY)
    return [
        Wave(
            id=w.get("id"),
            councils=tuple(w.get("councils") or ()),
            joint_start=_iso(w.get("joint_start")),
            decision_deadline=_iso(w.get("decision_deadline")),
        )
        for w in document.get("waves", [])
    ]


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)



# ------------------------------------------------------------------------------ template
def authorise_profiles(user: Any, council_code: str) -> None:
    """Only the council itself (or an administrator) imports its profiles; None is the CLI."""
    _authorise(user, council_code)


def upsert_profile(values: Mapping[str, Any], *, user: Any, upload_id: int | None = None) -> str:
    """Store one checked row of an upload: "created", "updated" or "unchanged" (no audit)."""
    profile = profile_from_values(values)
    row = find_profile(profile.council_code, profile.financial_year)
    if row is None:
        create_profile(values, user=user, upload_id=upload_id)
        return "created"
    if as_profile(row) == profile:
        return "unchanged"
    update_profile(row, values, user=user, upload_id=upload_id)
    return "updated"


def profile_json(row: BulkyProfile) -> dict[str, Any]:
    """A stored profile as the API and CLI give it (numbers as JSON numbers)."""
    out: dict[str, Any] = {"id": row.id}
    for name in FIELD_NAMES:
        value = getattr(row, name)
        out[name] = float(value) if isinstance(value, Decimal) else value
    out["contract_references"] = list(row.contract_references or [])
    out["council_name"] = tk.council_names().get(row.council_code, row.council_code)
    out["contracts"] = contract_links(row)
    out["warnings"] = issues_json(profile_warnings(row))
    out["created_at"] = row.created_at.isoformat() if row.created_at else None
    out["updated_at"] = row.updated_at.isoformat() if row.updated_at else None
    return out
