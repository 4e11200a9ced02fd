"""The Digital workstream's services: the system inventory and the business cases.

Pages, API and demo call these; they take the user and plain values, check who may write,
record every change in the audit log (before/after) and raise `InventoryError` /
`AppraisalError` with a message a person can act on. Nothing here commits: the caller's
request is one transaction.

Who may do what (DESIGN §3 "Councils, users, roles"):
- a council's systems are written by that council's users, and by administrators
  (`tk.require_write`, the core's one rule); everyone signed in reads every council's systems;
- business cases are built by digital leads, coordinators and administrators; everyone signed
  in reads them. A digital lead therefore reads every council's inventory and builds the cases
  from it, but cannot change another council's systems: councils record their own.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from werkzeug.exceptions import Forbidden

from procurehub import toolkit as tk

from .appraisal import (
    Appraisal,
    Comparison,
    CouncilCosts,
    CouncilSavings,
    SwitchingValue,
    appraise,
    net_savings_per_council,
)
from .business_case import (
    DO_MINIMUM_NAME,
    NATIONAL_NAME,
    SCALE_FIELDS,
    IncrementalSensitivityRow,
    InventoryLine,
    ScalingRules,
    SwitchingAgainstBau,
    case_from_options,
    council_positions,
    generate_options,
    incremental_cumulative,
    incremental_sensitivity,
    optimism_bias_for,
    payback_against_bau,
    switching_against_bau,
)
from .green_book import CURRENT_EDITION, EDITIONS, PROJECT_TYPES, AppraisalError
from .models import (
    COST_LINES,
    HOSTING_MODELS,
    SYSTEM_CATEGORIES,
    DigitalBusinessCase,
    DigitalSystem,
)

CASE_BUILDER_ROLES = ("digital_lead", "coordinator", "admin")
SYSTEM_FIELDS = (
    "category",
    "product",
    "vendor",
    "hosting_model",
    *COST_LINES,
    "one_off_cost",
    "fleet_size",
    "housing_stock",
    "users",
    "contract_reference",
    "contract_start",
    "contract_end",
    "extension_terms",
    "extension_periods_months",
    "max_end_date",
    "notes",
)
OUTLINE_SECTIONS = ("strategic", "commercial", "financial", "management")
STANDARD_OPTIONS = {"bau", "do_minimum", "national"}
DEFAULT_APPRAISAL_YEARS = 10
MAX_OPTION_YEARS = 60

#: Scaling rules a new case starts from: plausible figures for Scottish councils, to be
#: replaced by the digital lead's own (market engagement, supplier quotes).
DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "digital.housing_management_system": {
        "implementation_per_council": "100000",
        "implementation_per_unit": "3",
        "migration_per_council": "75000",
        "central_setup": "800000",
        "central_annual": "350000",
        "national_cost_per_unit": "4",
        "benefit_per_unit": "0",
        "do_minimum_reprocurement_per_council": "60000",
        "do_minimum_saving_share": "0.05",
        "parallel_running": True,
        "join_at": "end_date",
    },
    "digital.fleet_management_system": {
        "implementation_per_council": "25000",
        "implementation_per_unit": "15",
        "migration_per_council": "15000",
        "central_setup": "300000",
        "central_annual": "90000",
        "national_cost_per_unit": "25",
        "benefit_per_unit": "0",
        "do_minimum_reprocurement_per_council": "20000",
        "do_minimum_saving_share": "0.05",
        "parallel_running": True,
        "join_at": "end_date",
    },
}


class InventoryError(ValueError):
    """A system record that cannot be stored as given; the message says what to change."""


# --- The system inventory ------------------------------------------------------------------


def system_query(category: str | None = None, council_code: str | None = None) -> Select:
    stmt = select(DigitalSystem)
    if category:
        stmt = stmt.where(DigitalSystem.category == category)
    if council_code:
        stmt = stmt.where(DigitalSystem.council_code == council_code)
    return stmt


def all_systems(category: str | None = None) -> list[DigitalSystem]:
    """Every council's systems, by category, council and product (for the inventory page)."""
    stmt = system_query(category).order_by(
        DigitalSystem.category, DigitalSystem.council_code, DigitalSystem.product, DigitalSystem.id
    )
    return list(tk.session.scalars(stmt))


def get_system(system_id: int) -> DigitalSystem | None:
    return tk.session.get(DigitalSystem, system_id)


def system_values(system: DigitalSystem) -> dict[str, Any]:
    return {name: getattr(system, name) for name in ("council_code", *SYSTEM_FIELDS)}


def can_edit_system(user: Any, council_code: str | None) -> bool:
    return tk.can_write(user, tk.council_id(council_code) if council_code else None)


def _apply(system: DigitalSystem, data: Mapping[str, Any], *, creating: bool) -> None:
    for name in SYSTEM_FIELDS:
        if name in data and name not in {"max_end_date", "extension_periods_months"}:
            setattr(system, name, data[name])
    if system.category not in SYSTEM_CATEGORIES:
        raise InventoryError(
            f"the system category must be one of {', '.join(SYSTEM_CATEGORIES)}, "
            f"not {system.category!r}"
        )
    if not (system.product or "").strip():
        raise InventoryError("give the product's name (for example NEC Housing or Tranman)")
    if system.hosting_model is not None and system.hosting_model not in HOSTING_MODELS:
        raise InventoryError(
            f"the hosting model must be one of {', '.join(HOSTING_MODELS)}, "
            f"not {system.hosting_model!r}"
        )
    # Extension periods: as given, else read from the terms as written (as for contracts).
    if data.get("extension_periods_months"):
        system.extension_periods_months = list(data["extension_periods_months"])
    elif "extension_periods_months" in data or "extension_terms" in data or creating:
        parsed = tk.parse_extension_terms(system.extension_terms or "")
        system.extension_periods_months = list(parsed.value or [])
    # The latest end: as given, else the end date plus every extension (as for contracts).
    dates_changed = any(
        k in data for k in ("contract_end", "extension_periods_months", "extension_terms")
    )
    if data.get("max_end_date") is not None:
        system.max_end_date = data["max_end_date"]
    elif "max_end_date" in data or dates_changed or creating:
        system.max_end_date = tk.max_end_date(
            system.contract_end, system.extension_periods_months or []
        )
    if (
        system.contract_start
        and system.contract_end
        and system.contract_end < system.contract_start
    ):
        raise InventoryError(
            f"the contract ends ({system.contract_end}) before it starts "
            f"({system.contract_start}); check the two dates"
        )
    if system.max_end_date and system.contract_end and system.max_end_date < system.contract_end:
        raise InventoryError(
            f"the latest end date ({system.max_end_date}) is before the end date "
            f"({system.contract_end}); leave it empty to work it out from the extensions"
        )


def _removed(values: dict[str, Any]) -> dict[str, list[Any]]:
    """What a deleted record held, as before/after pairs (after: nothing)."""
    return {key: [after, None] for key, (_, after) in tk.audit_diff({}, values).items()}


def require_inventory_write(user: Any, council_code: str) -> None:
    """Only the council's own users (and administrators) change or import its systems."""
    tk.require_write(user, tk.council_id(council_code), what="systems")


def create_system(
    council_code: str, data: Mapping[str, Any], *, user: Any, upload_id: int | None = None
) -> DigitalSystem:
    """Record a council's system; only that council's users (and administrators) may."""
    council_id = tk.council_id(council_code)
    if council_id is None:
        raise InventoryError(f"there is no council with the code {council_code!r}")
    tk.require_write(user, council_id, what="systems")
    system = DigitalSystem(council_id=council_id, council_code=council_code)
    _apply(system, data, creating=True)
    tk.session.add(system)
    tk.session.flush()
    tk.record_audit(
        "create",
        "digital_system",
        system.id,
        user=user,
        council_code=council_code,
        changes=tk.audit_diff({}, system_values(system)),
        upload_id=upload_id,
    )
    # Its contract end is a renewal item: the opportunities and the tender plan of its
    # category's group are recomputed before the response returns.
    tk.renewals_changed([system.category])
    return system


def update_system(
    system: DigitalSystem,
    data: Mapping[str, Any],
    *,
    user: Any,
    upload_id: int | None = None,
) -> DigitalSystem:
    tk.require_write(user, system.council_id, what="systems")
    if "council_code" in data and data["council_code"] != system.council_code:
        raise InventoryError("a system cannot move to another council; record it there instead")
    before = system_values(system)
    _apply(system, data, creating=False)
    changes = tk.audit_diff(before, system_values(system))
    if changes:
        system.updated_at = tk.utcnow()
        tk.record_audit(
            "update",
            "digital_system",
            system.id,
            user=user,
            council_code=system.council_code,
            changes=changes,
            upload_id=upload_id,
        )
        tk.renewals_changed([before["category"], system.category])
    return system


def delete_system(system: DigitalSystem, *, user: Any) -> None:
    tk.require_write(user, system.council_id, what="systems")
    tk.record_audit(
        "delete",
        "digital_system",
        system.id,
        user=user,
        council_code=system.council_code,
        changes=_removed(system_values(system)),
    )
    tk.renewals_changed([system.category])
    tk.session.delete(system)


def normalise_reference(reference: Any) -> str:
    """A contract reference as compared with the register: letters and digits only, upper
    case ("nlc/hou-2021 " and "NLC HOU 2021" are the same reference)."""
    return "".join(ch for ch in str(reference or "").upper() if ch.isalnum())


def _same_contract(system: DigitalSystem, contract: Mapping[str, Any]) -> bool:
    """The rule of docs/digital-appraisal.md "Systems also in the register": both have a
    reference and they are the same (normalised); otherwise both have an end date and it is
    the same."""
    ours, theirs = (
        normalise_reference(system.contract_reference),
        normalise_reference(contract.get("reference")),
    )
    if ours and theirs:
        return ours == theirs
    return system.contract_end is not None and contract.get("end_date") == system.contract_end


def register_matches(systems: Iterable[DigitalSystem]) -> dict[int, dict[str, Any]]:
    """For each system that is also in its council's contract register (same council, same
    category, same contract): the register's contract (reference, title, end date, `url`).

    Such a system is left out of the renewal items: the register's contract stands for it in
    opportunities and the tender plan, so the one contract is counted once.
    """
    by_pair: dict[tuple[str, str], list[DigitalSystem]] = {}
    for system in systems:
        by_pair.setdefault((system.council_code, system.category), []).append(system)
    found: dict[int, dict[str, Any]] = {}
    for (code, category), group in by_pair.items():
        contracts = tk.council_contracts(code, category)
        if not contracts:
            continue
        for system in group:
            match = next((c for c in contracts if _same_contract(system, c)), None)
            if match is not None:
                found[system.id] = match
    return found


def renewal_items(as_of: date) -> Iterator[Any]:
    """Each system's contract as a renewal item of its system category (source "system"), so
    the national systems appear in opportunities and in the tender plan.

    A system whose contract is also in its council's register (`register_matches`) is left
    out: the register's contract item stands for it, so it is counted once.
    """
    systems = list(tk.session.scalars(select(DigitalSystem).order_by(DigitalSystem.id)))
    in_register = register_matches(systems)
    for system in systems:
        if system.id in in_register:
            continue
        yield tk.RenewalItem(
            source="system",
            source_id=system.id,
            council_code=system.council_code,
            category=system.category,
            end_date=system.contract_end,
            max_end_date=system.max_end_date or system.contract_end,
            reference=system.contract_reference or system.product,
            title=f"{system.product}" + (f" ({system.vendor})" if system.vendor else ""),
            value=system.annual_cost,
        )


def inventory_lines(category: str) -> list[InventoryLine]:
    scale_field = SCALE_FIELDS[category]
    return [
        InventoryLine(
            council_code=s.council_code,
            product=s.product,
            annual_cost=s.annual_cost,
            units=getattr(s, scale_field),
            end_date=s.contract_end,
            max_end_date=s.max_end_date,
        )
        for s in all_systems(category)
    ]


# --- Business cases --------------------------------------------------------------------------


def can_build_cases(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and tk.has_role(user, *CASE_BUILDER_ROLES)


def require_case_builder(user: Any) -> None:
    if not can_build_cases(user):
        raise Forbidden(
            "Only a digital lead, a coordinator or an administrator can change business cases."
        )


def all_cases() -> list[DigitalBusinessCase]:
    return list(tk.session.scalars(select(DigitalBusinessCase).order_by(DigitalBusinessCase.id)))


def get_case(case_id: int) -> DigitalBusinessCase | None:
    return tk.session.get(DigitalBusinessCase, case_id)


def case_for(category: str) -> DigitalBusinessCase | None:
    return tk.session.scalar(
        select(DigitalBusinessCase).where(DigitalBusinessCase.category == category)
    )


def case_values(case: DigitalBusinessCase) -> dict[str, Any]:
    return {
        "category": case.category,
        "title": case.title,
        "base_year": case.base_year,
        "appraisal_years": case.appraisal_years,
        "edition": case.edition,
        "discount_schedule": case.discount_schedule,
        "capital_project_type": case.capital_project_type,
        "operating_project_type": case.operating_project_type,
        "mitigation_share": case.mitigation_share,
        "rules": case.rules,
        "options": case.options,
        "outline": case.outline,
    }


def current_base_year(today: date | None = None) -> int:
    """The financial year now under way (April to March): 2026 for 2026/27."""
    today = today or date.today()
    return today.year if today.month >= 4 else today.year - 1


def category_label(category: str) -> str:
    return {
        "digital.housing_management_system": "Housing management system",
        "digital.fleet_management_system": "Fleet management system",
    }.get(category, category)


def _money_text(value: Any) -> str:
    return str(Decimal(str(value)) if not isinstance(value, Decimal) else value)


def _option_record(option: Any, generated: str | None, description: str = "") -> dict[str, Any]:
    return {
        "name": option.name,
        "generated": generated,
        "description": description,
        "capital": [_money_text(v) for v in option.capital],
        "operating": [_money_text(v) for v in option.operating],
        "benefits": [_money_text(v) for v in option.benefits],
    }


def _entered_options(options: Any) -> list[dict[str, Any]]:
    """Options typed in (API or form): names and lines checked, amounts kept as text."""
    if not isinstance(options, list):
        raise AppraisalError("options must be a list of options")
    records = []
    for index, raw in enumerate(options):
        if not isinstance(raw, Mapping):
            raise AppraisalError(f"options[{index}] must be an object with a name and lines")
        name = str(raw.get("name") or "").strip()
        if not name:
            raise AppraisalError(f"options[{index}] has no name")
        record: dict[str, Any] = {
            "name": name,
            "generated": None,
            "description": str(raw.get("description") or ""),
        }
        for line in ("capital", "operating", "benefits"):
            values = raw.get(line) or []
            if not isinstance(values, list | tuple):
                raise AppraisalError(f"{name}: {line} must be a list of amounts by year from 0")
            if len(values) > MAX_OPTION_YEARS + 1:
                raise AppraisalError(f"{name}: {line} has more than {MAX_OPTION_YEARS + 1} years")
            record[line] = [_money_text(v) for v in values]
            if any(abs(Decimal(v)) > 10**13 for v in record[line]):
                raise AppraisalError(f"{name}: {line} has an amount over £10 trillion")
        records.append(record)
    return records


@dataclass(frozen=True)
class CaseParameters:
    base_year: int
    appraisal_years: int
    edition: str
    discount_schedule: list[list[Any]] | None
    capital_project_type: str
    operating_project_type: str | None
    mitigation_share: Decimal
    rules: ScalingRules


def _parameters(
    case: DigitalBusinessCase | None, data: Mapping[str, Any], base_rules: Mapping[str, Any]
) -> CaseParameters:
    def pick(name: str, default: Any) -> Any:
        if name in data and data[name] is not None:
            return data[name]
        return getattr(case, name) if case is not None else default

    years = int(pick("appraisal_years", DEFAULT_APPRAISAL_YEARS))
    if not 1 <= years <= MAX_OPTION_YEARS:
        raise AppraisalError(f"the appraisal period must be 1 to {MAX_OPTION_YEARS} years")
    base_year = int(pick("base_year", current_base_year()))
    if not 2000 <= base_year <= 2100:
        raise AppraisalError(f"the base year must be a year such as 2026, not {base_year}")
    edition_name = pick("edition", CURRENT_EDITION)
    if edition_name not in EDITIONS:
        raise AppraisalError(
            f"unknown Green Book edition {edition_name!r}; known: {'; '.join(EDITIONS)}"
        )
    stored = case.discount_schedule if case is not None else None
    schedule = data.get("discount_schedule", stored)
    capital_type = pick("capital_project_type", "equipment_development")
    stored_type = case.operating_project_type if case is not None else None
    operating_type = data.get("operating_project_type", stored_type) or None
    for value in (capital_type, operating_type):
        if value is not None and value not in PROJECT_TYPES:
            raise AppraisalError(
                f"unknown project type {value!r}; use one of {', '.join(PROJECT_TYPES)}"
            )
    mitigation = Decimal(str(pick("mitigation_share", Decimal(0))))
    if not Decimal(0) <= mitigation <= Decimal(1):
        raise AppraisalError("the mitigation share must be between 0 and 1 (0.6 for 60%)")
    rules = ScalingRules.from_mapping({**base_rules, **(data.get("rules") or {})})
    return CaseParameters(
        base_year=base_year,
        appraisal_years=years,
        edition=edition_name,
        discount_schedule=schedule,
        capital_project_type=capital_type,
        operating_project_type=operating_type,
        mitigation_share=mitigation,
        rules=rules,
    )


def _joining_record(generated: Any, params: CaseParameters) -> dict[str, Any]:
    positions = {p.council_code: p for p in generated.positions}
    return {
        "base_year": params.base_year,
        "years": params.appraisal_years,
        "year_start_month": generated.schedule.year_start_month,
        "parallel_running": generated.schedule.parallel_running,
        "join_at": params.rules.join_at,
        "councils": [
            {
                "council_code": c.council_code,
                "systems": list(positions[c.council_code].systems),
                "annual_cost": _money_text(positions[c.council_code].annual_cost),
                "units": positions[c.council_code].units,
                "end_date": None if c.end_date is None else c.end_date.isoformat(),
                "join_year": c.join_year,
                "join_index": c.join_index,
                "reason": c.reason,
                "bau_costs": [_money_text(v) for v in generated.council_costs[c.council_code].bau],
                "national_costs": [
                    _money_text(v) for v in generated.council_costs[c.council_code].national
                ],
            }
            for c in generated.schedule.councils
        ],
        "notes": list(generated.notes),
    }


def save_case(
    category: str,
    data: Mapping[str, Any],
    *,
    user: Any,
    generate: bool | None = None,
) -> DigitalBusinessCase:
    """Create or change the business case of a system category.

    `data` may hold the parameters (base_year, appraisal_years, edition, discount_schedule,
    capital_project_type, operating_project_type, mitigation_share), scaling `rules`, entered
    `options` (replacing the entered ones), `title` and `outline`. With `generate` (the default
    for a new case), business as usual, do minimum and the national option are worked out
    again from the inventory and the rules; entered options are kept beside them.
    """
    require_case_builder(user)
    if category not in SYSTEM_CATEGORIES:
        raise AppraisalError(
            f"a business case is for one of {', '.join(SYSTEM_CATEGORIES)}, not {category!r}"
        )
    case = case_for(category)
    creating = case is None
    before = {} if case is None else case_values(case)
    if case is None:
        case = DigitalBusinessCase(
            category=category,
            title=f"Single national {category_label(category).lower()}",
            rules=dict(DEFAULT_RULES[category]),
            options=[],
            joining={},
            outline={},
        )
    params = _parameters(None if creating else case, data, dict(case.rules or {}))
    if data.get("title") is not None:
        title = str(data["title"]).strip()
        if not title or len(title) > 300:
            raise AppraisalError("give the business case a title of up to 300 characters")
        case.title = title
    if data.get("outline") is not None:
        outline = data["outline"]
        unknown = set(outline) - set(OUTLINE_SECTIONS)
        if unknown:
            raise AppraisalError(
                f"the outline has sections {', '.join(OUTLINE_SECTIONS)}; not {sorted(unknown)}"
            )
        case.outline = {**(case.outline or {}), **{k: str(v) for k, v in outline.items()}}
    options = list(case.options or [])
    if "options" in data and data["options"] is not None:
        entered = _entered_options(data["options"])
        options = [o for o in options if o.get("generated") in STANDARD_OPTIONS] + entered
    case.base_year = params.base_year
    case.appraisal_years = params.appraisal_years
    case.edition = params.edition
    case.discount_schedule = params.discount_schedule
    case.capital_project_type = params.capital_project_type
    case.operating_project_type = params.operating_project_type
    case.mitigation_share = params.mitigation_share
    case.rules = params.rules.to_mapping()
    if generate is None:
        generate = creating and not data.get("options")
    if generate:
        generated = generate_options(
            council_positions(inventory_lines(category)),
            params.rules,
            params.base_year,
            params.appraisal_years,
            council_names=tk.council_names(),
        )
        bau, do_minimum, national = generated.options
        standard = [
            _option_record(bau, "bau", "Every council keeps its current system and costs."),
            _option_record(
                do_minimum,
                "do_minimum",
                "Each council re-procures its own system through a shared framework when "
                "its contract can end.",
            ),
            _option_record(
                national,
                "national",
                "Each council joins one national system when its current contract can end.",
            ),
        ]
        entered_names = {o["name"].casefold() for o in options if not o.get("generated")}
        standard = [o for o in standard if o["name"].casefold() not in entered_names]
        options = standard + [o for o in options if not o.get("generated")]
        case.joining = _joining_record(generated, params)
        case.generated_at = datetime.now()
    case.options = options
    # Appraise now, so a case that cannot be appraised is refused before it is stored.
    appraise_stored(case)
    if creating:
        tk.session.add(case)
    tk.session.flush()
    changes = tk.audit_diff(before, case_values(case))
    if changes or creating:
        case.updated_at = tk.utcnow()
        tk.record_audit(
            "create" if creating else ("generate" if generate else "update"),
            "digital_business_case",
            case.id,
            user=user,
            changes=changes,
        )
    return case


def delete_case(case: DigitalBusinessCase, *, user: Any) -> None:
    require_case_builder(user)
    tk.record_audit(
        "delete",
        "digital_business_case",
        case.id,
        user=user,
        changes=_removed(case_values(case)),
    )
    tk.session.delete(case)


# --- Appraising a stored case ----------------------------------------------------------------


@dataclass(frozen=True)
class CaseAppraisal:
    """Everything the business-case page, the API and the workbook show."""

    appraisal: Appraisal
    optimism_bias_capital: Decimal
    optimism_bias_operating: Decimal
    preferred: Comparison | None
    switching_values: tuple[SwitchingValue, ...]
    switching_against_bau: tuple[SwitchingAgainstBau, ...]
    payback_against_bau: dict[str, int | None]
    incremental_sensitivity: tuple[IncrementalSensitivityRow, ...]
    cumulative_vs_bau: dict[str, tuple[Decimal, ...]]
    council_savings: tuple[CouncilSavings, ...]


def appraise_stored(case: DigitalBusinessCase) -> CaseAppraisal:
    if not case.options:
        raise AppraisalError(
            "the case has no options yet: generate them from the inventory or enter them"
        )
    ob_capital, ob_operating = optimism_bias_for(
        case.edition,
        case.capital_project_type,
        case.operating_project_type,
        Decimal(str(case.mitigation_share)),
    )
    business_case = case_from_options(
        case.options,
        case.appraisal_years,
        edition_name=case.edition,
        discount_schedule=case.discount_schedule,
        optimism_bias_capital=ob_capital,
        optimism_bias_operating=ob_operating,
    )
    appraisal = appraise(business_case)
    preferred = next(
        (c for c in appraisal.comparisons if c.name == appraisal.preferred_option), None
    )
    councils = (case.joining or {}).get("councils") or []
    lines = {
        c["council_code"]: CouncilCosts(
            tuple(Decimal(v) for v in c["bau_costs"]),
            tuple(Decimal(v) for v in c["national_costs"]),
        )
        for c in councils
    }
    cumulative = incremental_cumulative(appraisal)
    return CaseAppraisal(
        appraisal=appraisal,
        optimism_bias_capital=ob_capital,
        optimism_bias_operating=ob_operating,
        preferred=preferred,
        switching_values=tuple(
            v for v in appraisal.switching_values if v.option == appraisal.preferred_option
        ),
        switching_against_bau=switching_against_bau(appraisal, preferred.name) if preferred else (),
        payback_against_bau={
            c.name: payback_against_bau(cumulative[c.name]) for c in appraisal.comparisons
        },
        incremental_sensitivity=incremental_sensitivity(preferred) if preferred else (),
        cumulative_vs_bau=cumulative,
        council_savings=net_savings_per_council(lines, business_case.discount_schedule)
        if lines
        else (),
    )


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def _ratio(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(Decimal("0.0001")))


def appraisal_document(case: DigitalBusinessCase, result: CaseAppraisal) -> dict[str, Any]:
    """The economic case as JSON: money in pennies, ratios to 4 places."""
    a = result.appraisal
    return {
        "business_case_id": case.id,
        "category": case.category,
        "edition": a.case.edition,
        "discount_schedule": [[y, float(r)] for y, r in a.case.discount_schedule],
        "optimism_bias": {
            "capital": float(result.optimism_bias_capital),
            "operating": float(result.optimism_bias_operating),
        },
        "appraisal_years": case.appraisal_years,
        "base_year": case.base_year,
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
            for r in a.options
        ],
        "against_bau": [
            {
                "name": c.name,
                "pv_costs": _money(c.pv_costs),
                "pv_savings": _money(c.pv_savings),
                "pv_extra_benefits": _money(c.pv_extra_benefits),
                "incremental_npsv": _money(c.incremental_npsv),
                "incremental_bcr": _ratio(c.incremental_bcr),
                "discounted_payback_year": result.payback_against_bau[c.name],
                "vfm_category": c.vfm_category,
            }
            for c in a.comparisons
        ],
        "preferred_option": a.preferred_option,
        "value_for_money": result.preferred.vfm_category if result.preferred else None,
        "switching_values": [
            {
                "option": v.option,
                "input": v.input,
                "basis": v.basis,
                "scale": _ratio(v.scale),
                "base_pv": _money(v.base_pv),
                "switching_pv": _money(v.switching_pv),
                "annual_amount": None if v.annual_amount is None else _money(v.annual_amount),
                "switching_annual_amount": None
                if v.switching_annual_amount is None
                else _money(v.switching_annual_amount),
            }
            for v in result.switching_values
        ]
        + [
            {
                "option": v.option,
                "input": v.input,
                "basis": "vs_bau",
                "scale": _ratio(v.scale),
                "base_pv": _money(v.base_pv),
                "switching_pv": _money(v.switching_pv),
                "annual_amount": None,
                "switching_annual_amount": None,
            }
            for v in result.switching_against_bau
        ],
        "sensitivity": [
            {
                "option": s.option,
                "variable": s.variable,
                "change": float(s.change),
                "npsv": _money(s.npsv),
                "bcr": _ratio(s.bcr),
            }
            for s in a.sensitivity
            if s.option == a.preferred_option
        ],
        "sensitivity_against_bau": [
            {
                "option": s.option,
                "variable": s.variable,
                "change": float(s.change),
                "incremental_npsv": _money(s.incremental_npsv),
                "incremental_bcr": _ratio(s.incremental_bcr),
                "vfm_category": s.vfm_category,
            }
            for s in result.incremental_sensitivity
        ],
        "joining_schedule": [
            {
                key: c.get(key)
                for key in ("council_code", "systems", "end_date", "join_year", "reason")
            }
            for c in (case.joining or {}).get("councils", [])
        ],
        "council_savings": [
            {
                "council_code": s.council_code,
                "pv_bau": _money(s.pv_bau),
                "pv_national": _money(s.pv_national),
                "pv_savings": _money(s.pv_savings),
            }
            for s in result.council_savings
        ],
        "cumulative_against_bau": {
            name: [_money(v) for v in values] for name, values in result.cumulative_vs_bau.items()
        },
    }


def workbook_bytes(case: DigitalBusinessCase) -> bytes:
    """The appraisal workbook (live formulas) of a stored case."""
    from .appraisal_workbook import write_appraisal_workbook

    stream = io.BytesIO()
    write_appraisal_workbook(appraise_stored(case).appraisal, stream)
    return stream.getvalue()


def workbook_filename(case: DigitalBusinessCase) -> str:
    return f"business-case-{case.category.split('.', 1)[1].replace('_', '-')}.xlsx"


__all__ = [
    "CASE_BUILDER_ROLES",
    "DO_MINIMUM_NAME",
    "NATIONAL_NAME",
    "CaseAppraisal",
    "InventoryError",
    "appraise_stored",
    "can_build_cases",
    "can_edit_system",
    "create_system",
    "delete_case",
    "delete_system",
    "renewal_items",
    "save_case",
    "update_system",
    "workbook_bytes",
]
