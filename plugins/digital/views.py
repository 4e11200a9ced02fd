"""The Digital workstream's pages: the system inventory and the business cases.

Thin: forms are read here, everything else is the service's. A refused write is the core's
403 page; a value that cannot be stored comes back on the form with its message.
"""

from __future__ import annotations

import io
import logging
import os
import traceback
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.exceptions import Forbidden

from procurehub import toolkit as tk

from . import inventory_import, service
from .business_case import SCALE_FIELDS, SCALE_UNITS
from .charts import JoiningRow, cumulative_chart, joining_chart, year_label
from .green_book import EDITIONS, PROJECT_TYPES, AppraisalError
from .models import COST_LINES, HOSTING_MODELS, SYSTEM_CATEGORIES, DigitalSystem

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SLUGS = {c.split(".", 1)[1].replace("_", "-"): c for c in SYSTEM_CATEGORIES}
HOSTING_LABELS = {
    "on_premises": "On premises",
    "hosted": "Hosted by a third party",
    "saas": "Software as a service",
    "other": "Other",
}
COST_LABELS = {
    "licence_cost": "Licence or subscription",
    "hosting_cost": "Hosting",
    "support_cost": "Support and maintenance",
    "other_cost": "Other",
}
SHORT_COST_LABELS = {
    "licence_cost": "Licence",
    "hosting_cost": "Hosting",
    "support_cost": "Support",
    "other_cost": "Other",
}
PROJECT_TYPE_LABELS = {
    "standard_buildings": "Standard buildings",
    "non_standard_buildings": "Non-standard buildings",
    "standard_civil_engineering": "Standard civil engineering",
    "non_standard_civil_engineering": "Non-standard civil engineering",
    "equipment_development": "Equipment and development",
    "outsourcing": "Outsourcing",
}
RULE_FIELDS = (
    ("implementation_per_council", "One-off implementation per council (£)", None),
    (
        "implementation_per_unit",
        "One-off implementation per unit of scale (£)",
        "per home or vehicle",
    ),
    ("migration_per_council", "One-off data migration per council (£)", None),
    (
        "central_setup",
        "Central set-up in year 0 (£)",
        "procurement and build of the national system",
    ),
    ("central_annual", "Central annual cost (£ a year)", "from the year the first council joins"),
    ("national_cost_per_unit", "National system cost per unit of scale (£ a year)", None),
    (
        "benefit_per_unit",
        "Benefit per unit of scale once joined (£ a year)",
        "for example staff time released; 0 if none",
    ),
    ("do_minimum_reprocurement_per_council", "Do minimum: re-procurement per council (£)", None),
)
OUTLINE_LABELS = {
    "strategic": ("Strategic case", "The case for change: why the councils need to act."),
    "commercial": ("Commercial case", "How the national system would be procured and paid for."),
    "financial": ("Financial case", "Affordability: who pays what, and when."),
    "management": ("Management case", "Governance, delivery plan, risks and benefits realisation."),
}
VFM_COLOURS = {
    "poor": "red",
    "low": "orange",
    "medium": "teal",
    "high": "green",
    "very high": "green",
}


def money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal(1))
    return f"{'−' if amount < 0 else ''}£{abs(amount):,.0f}"


def long_date(value: date | None) -> str:
    return "—" if value is None else f"{value.day} {value:%B %Y}"


def percent(value: Any) -> str:
    number = Decimal(str(value)) * 100
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def web_blueprint() -> Blueprint:
    bp = Blueprint("digital_pages", __name__, url_prefix="/digital", template_folder="templates")
    bp.add_app_template_filter(money, "digital_money")
    bp.add_app_template_filter(long_date, "digital_date")
    bp.add_app_template_filter(percent, "digital_percent")

    @bp.route("/systems")
    def systems() -> str:
        category = request.args.get("category") or None
        if category not in SYSTEM_CATEGORIES:
            category = None
        names = tk.council_names()
        rows = sorted(
            service.all_systems(category),
            key=lambda s: (names.get(s.council_code, s.council_code), s.product, s.id),
        )
        groups = [
            (c, [s for s in rows if s.category == c])
            for c in SYSTEM_CATEGORIES
            if category in (None, c)
        ]
        return render_template(
            "digital/systems.html",
            groups=groups,
            category=category,
            names=names,
            labels={c: service.category_label(c) for c in SYSTEM_CATEGORIES},
            hosting_labels=HOSTING_LABELS,
            cost_labels=SHORT_COST_LABELS,
            scale_fields=SCALE_FIELDS,
            scale_units=SCALE_UNITS,
            can_edit=lambda s: service.can_edit_system(tk.current_user, s.council_code),
            in_register=service.register_matches(rows),
            may_upload=bool(_writable_councils()),
        )

    @bp.route("/systems/template.xlsx")
    def systems_template() -> Any:
        """The inventory template, with the council's recorded systems filled in."""
        names = tk.council_names()
        code = (request.args.get("council") or tk.council_code_of(tk.current_user) or "")[:20]
        systems = [s for s in service.all_systems() if s.council_code == code]
        buffer = io.BytesIO()
        inventory_import.write_template(buffer, names.get(code), systems)
        buffer.seek(0)
        suffix = f"-{code}" if code in names else ""
        return send_file(
            buffer,
            mimetype=XLSX,
            as_attachment=True,
            download_name=f"system-inventory{suffix}.xlsx",
        )

    @bp.route("/systems/upload", methods=["GET", "POST"])
    def upload_systems() -> Any:
        if request.method == "GET":
            return _upload_form()
        values = {
            "council": (request.form.get("council") or "").replace("\x00", "").strip()[:20],
            "sheet": (request.form.get("sheet") or "").replace("\x00", "").strip()[:255],
            "accept_valid": request.form.get("accept_valid") == "1",
            "dry_run": request.form.get("dry_run") == "1",
        }
        file = request.files.get("file")
        if file is None or not (file.filename or "").strip():
            return _upload_form(
                [("file", "Choose the system inventory file to upload")], values, 400
            )
        names = tk.council_names()
        code = values["council"] or tk.council_code_of(tk.current_user) or ""
        if code not in names:
            return _upload_form([("council", "Choose a council from the list")], values, 400)
        try:
            report = inventory_import.import_uploaded_inventory(
                file,
                code,
                user=tk.current_user,
                folder=os.path.join(current_app.instance_path, "uploads"),
                sheet=values["sheet"] or None,
                accept_valid=values["accept_valid"],
                dry_run=values["dry_run"],
                max_bytes=current_app.config.get("MAX_CONTENT_LENGTH") or 50 * 1024 * 1024,
            )
        except Forbidden:
            tk.session.rollback()
            return _upload_form(
                [
                    (
                        "council",
                        "You can only upload the systems of your own council, not "
                        f"{names.get(code, code)}",
                    )
                ],
                values,
                403,
            )
        except Exception as exc:  # noqa: BLE001 - the officer gets a message, never a 500
            tk.session.rollback()
            log.error(
                "System inventory upload failed with %s\n%s",
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            return _upload_form(
                [
                    (
                        "file",
                        "Something went wrong while reading this file and nothing was stored. "
                        "Check it opens in Excel and try again; if it still fails, send it to "
                        "the hub's administrator.",
                    )
                ],
                values,
                422,
            )
        status = 422 if report.get("status") == "refused" else 200
        return (
            render_template(
                "digital/system_upload_results.html",
                report=report,
                council_name=names.get(code, code),
            ),
            status,
        )

    @bp.route("/systems/new", methods=["GET", "POST"])
    def new_system() -> Any:
        return _system_form(None)

    @bp.route("/systems/<id:system_id>/edit", methods=["GET", "POST"])
    def edit_system(system_id: int) -> Any:
        system = service.get_system(system_id) or abort(404, f"No system {system_id}.")
        tk.require_write(tk.current_user, system.council_id, what="systems")
        return _system_form(system)

    @bp.route("/systems/<id:system_id>/delete", methods=["POST"])
    def delete_system(system_id: int) -> Any:
        system = service.get_system(system_id) or abort(404, f"No system {system_id}.")
        product = system.product
        service.delete_system(system, user=tk.current_user)
        tk.session.commit()
        flash(f"Deleted {product} from the inventory.")
        return redirect(url_for("digital_pages.systems"))

    @bp.route("/business-cases")
    def business_cases() -> str:
        cases = {c.category: c for c in service.all_cases()}
        summaries = []
        for category in SYSTEM_CATEGORIES:
            case = cases.get(category)
            result = None
            if case is not None:
                try:
                    result = service.appraise_stored(case)
                except AppraisalError:
                    result = None
            summaries.append((category, case, result))
        return render_template(
            "digital/business_cases.html",
            summaries=summaries,
            labels={c: service.category_label(c) for c in SYSTEM_CATEGORIES},
            slug_of={c: s for s, c in SLUGS.items()},
            can_build=service.can_build_cases(tk.current_user),
            vfm_colours=VFM_COLOURS,
        )

    @bp.route("/business-cases/<slug>")
    def business_case(slug: str) -> Any:
        category = SLUGS.get(slug) or abort(404, "There is no such system category.")
        case = service.case_for(category)
        context: dict[str, Any] = {
            "category": category,
            "slug": slug,
            "label": service.category_label(category),
            "case": case,
            "can_build": service.can_build_cases(tk.current_user),
            "names": tk.council_names(),
        }
        if case is None:
            return render_template("digital/business_case.html", result=None, **context)
        try:
            result = service.appraise_stored(case)
        except AppraisalError as exc:
            return render_template(
                "digital/business_case.html", result=None, problem=str(exc), **context
            )
        return render_template("digital/business_case.html", **context, **_case_page(case, result))

    @bp.route("/business-cases/<slug>/edit", methods=["GET", "POST"])
    def edit_business_case(slug: str) -> Any:
        category = SLUGS.get(slug) or abort(404, "There is no such system category.")
        service.require_case_builder(tk.current_user)
        return _case_form(category, slug)

    @bp.route("/business-cases/<slug>/workbook.xlsx")
    def workbook(slug: str) -> Any:
        category = SLUGS.get(slug) or abort(404, "There is no such system category.")
        case = service.case_for(category) or abort(404, "This business case is not built yet.")
        try:
            body = service.workbook_bytes(case)
        except AppraisalError as exc:
            abort(409, str(exc))
        return Response(
            body,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={
                "Content-Disposition": f'attachment; filename="{service.workbook_filename(case)}"'
            },
        )

    return bp


# --- The inventory upload --------------------------------------------------------------------


def _writable_councils() -> list[tuple[str, str]]:
    """The councils whose systems the signed-in user may change, by name."""
    user = tk.current_user
    names = tk.council_names()
    return sorted(
        ((code, name) for code, name in names.items() if service.can_edit_system(user, code)),
        key=lambda pair: pair[1],
    )


def _upload_form(
    errors: list[tuple[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    values = dict(values or {})
    values.setdefault("council", tk.council_code_of(tk.current_user) or "")
    return (
        render_template(
            "digital/system_upload.html",
            councils=_writable_councils(),
            values=values,
            errors=errors or [],
        ),
        status,
    )


# --- The system form -------------------------------------------------------------------------


class FormErrors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)


def _text(name: str, limit: int = 200) -> str:
    return request.form.get(name, "").replace("\x00", "").strip()[:limit]


def _money_field(name: str, label: str, errors: FormErrors) -> Decimal | None:
    raw = _text(name, 40).replace(",", "").replace("£", "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        errors.add(name, f"{label}: enter an amount in pounds, for example 125,000")
        return None
    if not value.is_finite() or value < 0 or value > 10**13:
        errors.add(name, f"{label}: enter an amount of £0 or more")
        return None
    return value.quantize(Decimal("0.01"))


def _whole_field(name: str, label: str, errors: FormErrors) -> int | None:
    raw = _text(name, 20).replace(",", "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) > 100_000_000:
        errors.add(name, f"{label}: enter a whole number, for example 1,200")
        return None
    return int(raw)


def _date_field(name: str, label: str, errors: FormErrors) -> date | None:
    raw = _text(name, 20)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.add(name, f"{label}: enter a date such as 2028-03-31")
        return None


def _system_form(system: DigitalSystem | None) -> Any:
    user = tk.current_user
    names = tk.council_names()
    own = tk.council_code_of(user)
    council_choices = (
        sorted(names.items(), key=lambda kv: kv[1])
        if tk.has_role(user, "admin")
        else [(own, names.get(own, own))]
    )
    values: dict[str, Any] = {}
    errors = FormErrors()
    if system is not None:
        values = {k: getattr(system, k) for k in ("council_code", *service.SYSTEM_FIELDS)}
    else:
        values = {"council_code": own, "category": request.args.get("category") or ""}
    if request.method == "POST":
        data: dict[str, Any] = {
            "category": _text("category", 80),
            "product": _text("product"),
            "vendor": _text("vendor") or None,
            "hosting_model": _text("hosting_model", 20) or None,
            "contract_reference": _text("contract_reference") or None,
            "extension_terms": _text("extension_terms", 500) or None,
            "notes": _text("notes", 5000) or None,
        }
        for line in (*COST_LINES, "one_off_cost"):
            data[line] = _money_field(line, COST_LABELS.get(line, "One-off costs"), errors)
        for name, label in (
            ("fleet_size", "Fleet size"),
            ("housing_stock", "Housing stock"),
            ("users", "Users"),
        ):
            data[name] = _whole_field(name, label, errors)
        for name, label in (
            ("contract_start", "Contract start"),
            ("contract_end", "Contract end"),
            ("max_end_date", "Latest end date"),
        ):
            data[name] = _date_field(name, label, errors)
        periods_raw = _text("extension_periods_months", 100)
        periods: list[int] = []
        for part in filter(None, (p.strip() for p in periods_raw.split(";"))):
            if part.isascii() and part.isdigit() and 1 <= int(part) <= 240:
                periods.append(int(part))
            else:
                errors.add(
                    "extension_periods_months",
                    "Extension periods: months separated by semicolons, for example 12;12",
                )
        data["extension_periods_months"] = periods
        if data["category"] not in SYSTEM_CATEGORIES:
            errors.add("category", "Choose the system category")
        if not data["product"]:
            errors.add("product", "Enter the product's name")
        if data["hosting_model"] and data["hosting_model"] not in HOSTING_MODELS:
            errors.add("hosting_model", "Choose a hosting model")
        council_code = system.council_code if system else (_text("council_code", 20) or own)
        values = {**data, "council_code": council_code, "extension_periods_months": periods_raw}
        for name in (
            *COST_LINES,
            "one_off_cost",
            "fleet_size",
            "housing_stock",
            "users",
            "contract_start",
            "contract_end",
            "max_end_date",
        ):
            values[name] = _text(name, 40)
        if not errors:
            try:
                if system is None:
                    system = service.create_system(council_code, data, user=user)
                    message = f"Added {system.product} to the inventory."
                else:
                    service.update_system(system, data, user=user)
                    message = f"Saved {system.product}."
            except service.InventoryError as exc:
                tk.session.rollback()
                errors.add("product", str(exc)[:1].upper() + str(exc)[1:])
            else:
                tk.session.commit()
                flash(message)
                return redirect(url_for("digital_pages.systems") + f"#system-{system.id}")
    status = 400 if errors else 200
    return (
        render_template(
            "digital/system_form.html",
            system=system,
            values=values,
            errors=list(errors.items()),
            error_messages=dict(errors),
            categories=[(c, service.category_label(c)) for c in SYSTEM_CATEGORIES],
            council_choices=council_choices,
            hosting_labels=HOSTING_LABELS,
            cost_labels=COST_LABELS,
        ),
        status,
    )


# --- The business case ---------------------------------------------------------------------


def _case_page(case: Any, result: service.CaseAppraisal) -> dict[str, Any]:
    a = result.appraisal
    joining = case.joining or {}
    names = tk.council_names()
    month = joining.get("year_start_month", 4)
    councils = sorted(
        (
            {
                **c,
                "name": names.get(c["council_code"], c["council_code"]),
                "end": date.fromisoformat(c["end_date"]) if c.get("end_date") else None,
            }
            for c in joining.get("councils", [])
        ),
        key=lambda c: c["name"],
    )
    rows = [JoiningRow(c["name"], c.get("join_index"), c.get("reason")) for c in councils]
    joining_svg = joining_chart(rows, case.base_year, case.appraisal_years, month) if rows else None
    cumulative_svg = cumulative_chart(result.cumulative_vs_bau, case.base_year, month)
    years = [year_label(case.base_year, i, month) for i in range(case.appraisal_years + 1)]
    by_year: dict[int, list[str]] = {}
    for c in joining.get("councils", []):
        if c.get("join_index") is not None:
            by_year.setdefault(c["join_index"], []).append(
                names.get(c["council_code"], c["council_code"])
            )
    on_national = []
    count = 0
    for i in range(case.appraisal_years + 1):
        count += len(by_year.get(i, []))
        on_national.append(count)
    preferred_result = next(r for r in a.options if r.name == a.preferred_option)
    bau_result = next(r for r in a.options if r.name == a.bau_name)
    return {
        "result": result,
        "appraisal": a,
        "joining": joining,
        "joining_councils": councils,
        "joining_svg": joining_svg,
        "cumulative_svg": cumulative_svg,
        "years": years,
        "joining_by_year": by_year,
        "on_national": on_national,
        "preferred_result": preferred_result,
        "bau_result": bau_result,
        "vfm_colours": VFM_COLOURS,
        "outline_labels": OUTLINE_LABELS,
        "project_type_labels": PROJECT_TYPE_LABELS,
        "scale_unit": SCALE_UNITS[SCALE_FIELDS[case.category]],
        "rule_fields": RULE_FIELDS,
    }


def _case_form(category: str, slug: str) -> Any:
    case = service.case_for(category)
    errors = FormErrors()
    rules = dict((case.rules if case else service.DEFAULT_RULES[category]) or {})
    entered = [o for o in (case.options if case else []) if not o.get("generated")]
    values: dict[str, Any] = {
        "title": case.title
        if case
        else f"Single national {service.category_label(category).lower()}",
        "base_year": case.base_year if case else service.current_base_year(),
        "appraisal_years": case.appraisal_years if case else service.DEFAULT_APPRAISAL_YEARS,
        "edition": case.edition if case else service.CURRENT_EDITION,
        "capital_project_type": case.capital_project_type if case else "equipment_development",
        "operating_project_type": (case.operating_project_type or "") if case else "",
        "mitigation_share": percent(case.mitigation_share if case else 0).rstrip("%"),
        "parallel_running": rules.get("parallel_running", True),
        "join_at": rules.get("join_at", "end_date"),
        "do_minimum_saving_share": percent(rules.get("do_minimum_saving_share", 0)).rstrip("%"),
        "generate": True,
        **{name: str(rules.get(name, "0")) for name, _, _ in RULE_FIELDS},
        **{f"outline_{k}": (case.outline or {}).get(k, "") if case else "" for k in OUTLINE_LABELS},
    }
    option_rows = [
        {
            "name": o["name"],
            "description": o.get("description", ""),
            **{line: "; ".join(o.get(line) or []) for line in ("capital", "operating", "benefits")},
        }
        for o in entered
    ] + [{"name": "", "description": "", "capital": "", "operating": "", "benefits": ""}]
    if request.method == "POST":
        data, values, option_rows = _read_case_form(errors)
        if not errors:
            try:
                service.save_case(
                    category, data, user=tk.current_user, generate=bool(values["generate"])
                )
            except (AppraisalError, ValueError) as exc:
                tk.session.rollback()
                errors.add("title", str(exc)[:1].upper() + str(exc)[1:])
            else:
                tk.session.commit()
                flash("Saved the business case and appraised it again.")
                return redirect(url_for("digital_pages.business_case", slug=slug))
    return (
        render_template(
            "digital/business_case_form.html",
            case=case,
            slug=slug,
            label=service.category_label(category),
            values=values,
            option_rows=option_rows,
            errors=list(errors.items()),
            error_messages=dict(errors),
            editions=list(EDITIONS),
            project_types=PROJECT_TYPES,
            project_type_labels=PROJECT_TYPE_LABELS,
            rule_fields=RULE_FIELDS,
            outline_labels=OUTLINE_LABELS,
            scale_unit=SCALE_UNITS[SCALE_FIELDS[category]],
        ),
        400 if errors else 200,
    )


def _share(name: str, label: str, errors: FormErrors) -> Decimal | None:
    raw = _text(name, 20).replace("%", "").strip()
    try:
        value = Decimal(raw or "0")
    except InvalidOperation:
        errors.add(name, f"{label}: enter a percentage from 0 to 100")
        return None
    if not value.is_finite() or not 0 <= value <= 100:
        errors.add(name, f"{label}: enter a percentage from 0 to 100")
        return None
    return value / 100


def _amounts(name: str, label: str, errors: FormErrors) -> list[str]:
    raw = _text(name, 2000)
    amounts = []
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        cleaned = part.replace(",", "").replace("£", "").strip()
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            errors.add(name, f"{label}: amounts by year from year 0, separated by semicolons")
            return []
        if not value.is_finite() or abs(value) > 10**13:
            errors.add(name, f"{label}: amounts must be numbers within ±£10 trillion")
            return []
        amounts.append(str(value))
    if len(amounts) > service.MAX_OPTION_YEARS + 1:
        errors.add(name, f"{label}: at most {service.MAX_OPTION_YEARS + 1} years")
    return amounts


def _read_case_form(errors: FormErrors) -> tuple[dict[str, Any], dict[str, Any], list]:
    values: dict[str, Any] = {
        "title": _text("title", 300),
        "base_year": _text("base_year", 10),
        "appraisal_years": _text("appraisal_years", 10),
        "edition": _text("edition", 200),
        "capital_project_type": _text("capital_project_type", 60),
        "operating_project_type": _text("operating_project_type", 60),
        "mitigation_share": _text("mitigation_share", 20),
        "parallel_running": request.form.get("parallel_running") == "1",
        "join_at": _text("join_at", 20) or "end_date",
        "do_minimum_saving_share": _text("do_minimum_saving_share", 20),
        "generate": request.form.get("generate") == "1",
        **{name: _text(name, 40) for name, _, _ in RULE_FIELDS},
        **{f"outline_{k}": _text(f"outline_{k}", 20000) for k in OUTLINE_LABELS},
    }
    data: dict[str, Any] = {"title": values["title"]}
    base_year = _whole_field("base_year", "Base year", errors)
    if base_year is not None and not 2000 <= base_year <= 2100:
        errors.add("base_year", "Base year: enter a year such as 2026")
    data["base_year"] = base_year
    years = _whole_field("appraisal_years", "Appraisal period", errors)
    if years is None or not 1 <= years <= service.MAX_OPTION_YEARS:
        errors.add("appraisal_years", f"Appraisal period: 1 to {service.MAX_OPTION_YEARS} years")
    data["appraisal_years"] = years
    if values["edition"] not in EDITIONS:
        errors.add("edition", "Choose the Green Book edition")
    data["edition"] = values["edition"]
    if values["capital_project_type"] not in PROJECT_TYPES:
        errors.add("capital_project_type", "Choose the project type for capital costs")
    data["capital_project_type"] = values["capital_project_type"]
    if values["operating_project_type"] and values["operating_project_type"] not in PROJECT_TYPES:
        errors.add("operating_project_type", "Choose the project type for operating costs")
    data["operating_project_type"] = values["operating_project_type"] or None
    data["mitigation_share"] = _share("mitigation_share", "Mitigation", errors)
    rules: dict[str, Any] = {}
    for name, label, _ in RULE_FIELDS:
        amount = _money_field(name, label, errors)
        rules[name] = "0" if amount is None else str(amount)
    share = _share("do_minimum_saving_share", "Do minimum saving", errors)
    rules["do_minimum_saving_share"] = "0" if share is None else str(share)
    rules["parallel_running"] = values["parallel_running"]
    if values["join_at"] not in {"end_date", "max_end_date"}:
        errors.add("join_at", "Choose when councils join")
    rules["join_at"] = values["join_at"]
    data["rules"] = rules
    data["outline"] = {k: values[f"outline_{k}"] for k in OUTLINE_LABELS}
    count = min(
        int(request.form.get("option_count", "0") or 0)
        if request.form.get("option_count", "0").isdigit()
        else 0,
        20,
    )
    options, rows = [], []
    for i in range(count):
        row = {
            "name": _text(f"option_{i}_name"),
            "description": _text(f"option_{i}_description", 2000),
            **{
                line: _text(f"option_{i}_{line}", 2000)
                for line in ("capital", "operating", "benefits")
            },
        }
        rows.append(row)
        if not row["name"]:
            continue
        options.append(
            {
                "name": row["name"],
                "description": row["description"],
                **{
                    line: _amounts(f"option_{i}_{line}", f"{row['name']} {line}", errors)
                    for line in ("capital", "operating", "benefits")
                },
            }
        )
    data["options"] = options
    if not rows or rows[-1]["name"]:
        rows.append({"name": "", "description": "", "capital": "", "operating": "", "benefits": ""})
    return data, values, rows
