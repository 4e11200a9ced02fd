"""Bulky waste pages: profiles (form, template download and upload), the benchmark, and
joint service models. Thin: every decision is the service's."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from markupsafe import Markup

from procurehub import toolkit as tk

from . import service
from .bulky_benchmark import HIGHER_IS_BETTER, LOWER_IS_BETTER, BenchmarkError
from .bulky_chart import Bar, bar_chart_svg
from .bulky_profile import DELIVERY_MODEL_LABELS, DELIVERY_MODELS, PROFILE_FIELDS
from .joint_service import PER_TONNE
from .models import BulkyProfile, JointModel
from .present import (
    BASIS_LABELS,
    DESTINATION_LABELS,
    field_text,
    measure_text,
    money,
    number,
    percent,
    signed,
)
from .profile_import import import_uploaded_profiles
from .workbooks import write_benchmark, write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_TEXT = 4000


HELPERS = {
    "money": money,
    "number": number,
    "percent": percent,
    "measure_text": measure_text,
    "signed": signed,
    "field_text": field_text,
    "delivery_labels": DELIVERY_MODEL_LABELS,
    "destination_labels": DESTINATION_LABELS,
    "basis_labels": BASIS_LABELS,
}


def _render(template: str, status: int = 200, **context: Any) -> Any:
    return render_template(template, **HELPERS, **context), status


def _text(name: str) -> str:
    return request.form.get(name, "").replace("\x00", "")[:MAX_TEXT]


# ------------------------------------------------------------------------------ profiles
def _may_choose_council() -> bool:
    """Administrators record a profile for any council; everyone else for their own."""
    return bool(getattr(tk.current_user, "is_admin", False))


def _form_values() -> dict[str, Any]:
    """The form as raw values: blank means not given (None)."""
    values: dict[str, Any] = {}
    for f in PROFILE_FIELDS:
        text = _text(f.name).strip()
        values[f.name] = text or None
    if not _may_choose_council():
        values["council_code"] = tk.council_code_of(tk.current_user)
    return values


def _shown(values: Mapping[str, Any]) -> dict[str, str]:
    shown = {}
    for f in PROFILE_FIELDS:
        value = values.get(f.name)
        if value is None:
            shown[f.name] = ""
        elif f.name == "contract_references" and isinstance(value, list | tuple):
            shown[f.name] = "; ".join(value)
        else:
            shown[f.name] = str(value)
    return shown


def _form_page(
    *,
    values: Mapping[str, Any],
    profile: BulkyProfile | None,
    errors: tuple = (),
    warnings: tuple = (),
    status: int = 200,
) -> Any:
    council_code = values.get("council_code") or tk.council_code_of(tk.current_user)
    names = tk.council_names()
    error_list = [(e.field or "council_code", e.message) for e in errors]
    messages: dict[str, list[str]] = {}
    for field_name, message in error_list:
        messages.setdefault(field_name, []).append(message)
    return _render(
        "waste/profile_form.html",
        status,
        profile=profile,
        fields=PROFILE_FIELDS,
        values=_shown(values),
        errors=error_list,
        error_messages=messages,
        warnings=warnings,
        delivery_models=DELIVERY_MODELS,
        council_name=names.get(council_code or "", council_code),
        councils=sorted(names.items(), key=lambda kv: kv[1]),
        may_choose_council=_may_choose_council() and profile is None,
        bulky_contracts=service.bulky_contracts(council_code) if council_code else [],
    )


def _profile_or_404(profile_id: int) -> BulkyProfile:
    row = tk.session.get(BulkyProfile, profile_id)
    if row is None:
        abort(404, description=f"There is no bulky waste profile {profile_id}.")
    return row


def _this_year() -> str:
    today = date.today()
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _may_edit(row: BulkyProfile) -> bool:
    return tk.can_write(tk.current_user, row.council_id)


def web_blueprint() -> Blueprint:
    bp = Blueprint(
        "waste_bulky", __name__, url_prefix="/waste/bulky", template_folder="templates"
    )

    @bp.route("/")
    def index() -> Any:
        names = tk.council_names()
        own = tk.council_code_of(tk.current_user)
        rows = service.all_profiles()
        return _render(
            "waste/index.html",
            rows=rows,
            names=names,
            own=own,
            own_name=names.get(own or "", own),
            has_own=any(r.council_code == own for r in rows),
        )

    @bp.route("/profiles/new", methods=["GET", "POST"])
    def new_profile() -> Any:
        if request.method == "GET":
            values = {
                "council_code": tk.council_code_of(tk.current_user),
                "financial_year": _this_year(),
            }
            return _form_page(values=values, profile=None)
        values = _form_values()
        try:
            row, warnings = service.create_profile(values, user=tk.current_user)
        except service.ProfileRefused as exc:
            tk.session.rollback()
            return _form_page(
                values=values,
                profile=None,
                errors=exc.errors,
                warnings=exc.warnings,
                status=422 if exc.status == 422 else 409,
            )
        tk.session.commit()
        flash(f"Saved the bulky waste profile for {row.financial_year}.", "info")
        return redirect(url_for("waste_bulky.profile", profile_id=row.id), 303)

    @bp.route("/profiles/<id:profile_id>")
    def profile(profile_id: int) -> Any:
        row = _profile_or_404(profile_id)
        return _render(
            "waste/profile.html",
            row=row,
            fields=PROFILE_FIELDS,
            council_name=tk.council_names().get(row.council_code, row.council_code),
            warnings=service.profile_warnings(row),
            links=service.contract_links(row),
            may_edit=_may_edit(row),
        )

    @bp.route("/profiles/<id:profile_id>/edit", methods=["GET", "POST"])
    def edit_profile(profile_id: int) -> Any:
        row = _profile_or_404(profile_id)
        tk.require_write(tk.current_user, row.council_id, what="bulky waste profiles")
        if request.method == "GET":
            return _form_page(values=service.profile_values(row), profile=row)
        values = _form_values()
        values["council_code"] = row.council_code
        try:
            diff, _warnings = service.update_profile(row, values, user=tk.current_user)
        except service.ProfileRefused as exc:
            tk.session.rollback()
            return _form_page(
                values=values, profile=row, errors=exc.errors, warnings=exc.warnings, status=422
            )
        tk.session.commit()
        flash("Saved." if diff else "Nothing was changed, so nothing was saved.", "info")
        return redirect(url_for("waste_bulky.profile", profile_id=row.id), 303)

    @bp.route("/profiles/<id:profile_id>/delete", methods=["POST"])
    def delete_profile(profile_id: int) -> Any:
        row = _profile_or_404(profile_id)
        year = row.financial_year
        service.delete_profile(row, user=tk.current_user)
        tk.session.commit()
        flash(f"Deleted the bulky waste profile for {year}.", "info")
        return redirect(url_for("waste_bulky.index"), 303)

    @bp.route("/template.xlsx")
    def template() -> Any:
        code = request.args.get("council") or tk.council_code_of(tk.current_user)
        names = tk.council_names()
        if code not in names:
            abort(404, description="There is no council with that code.")
        rows = [service.profile_values(r) for r in service.all_profiles(council=code)]
        rows.sort(key=lambda r: r["financial_year"])
        buffer = io.BytesIO()
        write_template(buffer, code, names[code], rows, new_year=_this_year())
        buffer.seek(0)
        return send_file(
            buffer,
            mimetype=XLSX,
            as_attachment=True,
            download_name=f"bulky-waste-profile-{code}.xlsx",
        )

    @bp.route("/upload", methods=["GET", "POST"])
    def upload() -> Any:
        names = tk.council_names()
        own = tk.council_code_of(tk.current_user)
        context = {"own_name": names.get(own or "", own), "report": None, "errors": []}
        if request.method == "GET":
            return _render("waste/upload.html", **context)
        tk.require_write(
            tk.current_user, tk.council_id(own) if own else None, what="bulky waste profiles"
        )
        file = request.files.get("file")
        if file is None or not file.filename:
            context["errors"] = [("file", "Choose the filled-in template to upload.")]
            return _render("waste/upload.html", 422, **context)
        report = import_uploaded_profiles(
            file,
            own,
            user=tk.current_user,
            folder=os.path.join(current_app.instance_path, "uploads"),
            accept_valid=request.form.get("accept_valid") == "1",
            dry_run=request.form.get("dry_run") == "1",
            max_bytes=current_app.config.get("MAX_CONTENT_LENGTH") or 50 * 1024 * 1024,
        )
        context["report"] = report
        if report["status"] == "refused":
            context["errors"] = [("file", _refused_text(report))]
            return _render("waste/upload.html", 422, **context)
        return _render("waste/upload.html", **context)

    # ---------------------------------------------------------------------- benchmark
    @bp.route("/benchmark")
    def benchmark() -> Any:
        years = service.financial_years()
        year = request.args.get("year") or (years[0] if years else None)
        if year is not None and year not in years:
            year = years[0] if years else None
        if year is None:
            return _render("waste/benchmark.html", view=None, years=years, year=None)
        try:
            view = service.benchmark_for(year)
        except BenchmarkError as exc:
            abort(400, description=str(exc))
        charts = {}
        for m in view.benchmark.measures:
            key = m.measure.key
            charts[key] = Markup(
                bar_chart_svg(
                    title=f"{m.measure.label}, {view.benchmark.financial_year}",
                    bars=[
                        Bar(
                            view.names.get(s.council_code, s.council_code),
                            None if s.value is None else float(s.value),
                            s.verdict,
                        )
                        for s in m.councils
                    ],
                    median=None if m.median is None else float(m.median),
                    lower_quartile=None if m.lower_quartile is None else float(m.lower_quartile),
                    upper_quartile=None if m.upper_quartile is None else float(m.upper_quartile),
                    show=lambda v, key=key: measure_text(key, v),
                    described_by=f"table-{key}",
                )
            )
        return _render(
            "waste/benchmark.html",
            view=view,
            years=years,
            year=year,
            charts=charts,
            own=tk.council_code_of(tk.current_user),
            better_words={LOWER_IS_BETTER: "lower", HIGHER_IS_BETTER: "higher"},
        )

    @bp.route("/benchmark.xlsx")
    def benchmark_export() -> Any:
        years = service.financial_years()
        year = request.args.get("year") or (years[0] if years else None)
        if year is None or year not in years:
            abort(404, description="There are no bulky waste profiles for that year.")
        buffer = io.BytesIO()
        write_benchmark(buffer, service.benchmark_for(year))
        buffer.seek(0)
        return send_file(
            buffer,
            mimetype=XLSX,
            as_attachment=True,
            download_name=f"bulky-waste-benchmark-{year}.xlsx",
        )

    # ---------------------------------------------------------------------- joint models
    @bp.route("/joint-models")
    def joint_models() -> Any:
        models = service.joint_models()
        return _render(
            "waste/joint_models.html",
            models=models,
            names=tk.council_names(),
            own=tk.council_code_of(tk.current_user),
        )

    @bp.route("/joint-models/new")
    def new_joint_model() -> Any:
        return _joint_page(None, request.args)

    @bp.route("/joint-models", methods=["POST"])
    def save_joint_model() -> Any:
        return _save(None)

    @bp.route("/joint-models/<id:model_id>")
    def joint_model(model_id: int) -> Any:
        model = _model_or_404(model_id)
        result, problem = service.model_outcome(model)
        return _render(
            "waste/joint_model.html",
            model=model,
            result=result,
            problem=problem,
            names=tk.council_names(),
            may_edit=service.may_change_model(tk.current_user, model),
            share_url=url_for("waste_bulky.joint_model", model_id=model.id, _external=True),
            assumptions=model.assumptions or {},
        )

    @bp.route("/joint-models/<id:model_id>/edit", methods=["GET", "POST"])
    def edit_joint_model(model_id: int) -> Any:
        model = _model_or_404(model_id)
        if not service.may_change_model(tk.current_user, model):
            abort(403, description="Only the model's author, a coordinator or an administrator "
                  "can change it.")
        if request.method == "POST":
            return _save(model)
        if not request.args:
            stored = model.assumptions or {}
            args = {
                "year": model.financial_year,
                "councils": list(model.councils),
                "pricing_basis": stored.get("pricing_basis"),
                "joint_price": stored.get("joint_price"),
                "reuse_target": _as_percent(stored.get("reuse_share_target")),
                "recycling_target": _as_percent(stored.get("recycling_share_target")),
                "source": model.source or "",
                "run": "1",
            }
            return _joint_page(model, _Args(args))
        return _joint_page(model, request.args)

    @bp.route("/joint-models/<id:model_id>/delete", methods=["POST"])
    def delete_joint_model(model_id: int) -> Any:
        model = _model_or_404(model_id)
        name = model.name
        service.delete_joint_model(model, user=tk.current_user)
        tk.session.commit()
        flash(f"Deleted the joint service model '{name}'.", "info")
        return redirect(url_for("waste_bulky.joint_models"), 303)

    return bp


def _refused_text(report: Mapping[str, Any]) -> str:
    if not report.get("rejected"):  # the file itself was refused: the reason says why
        return f"Nothing was saved: {report.get('message') or 'the file could not be read.'}"
    count = len(report["errors"])
    return (
        f"Nothing was saved: the file has {count} problem{'s' if count != 1 else ''} "
        "(listed below). Correct them in the file and upload it again, or tick \"Save the "
        "valid rows\" to keep the others."
    )


def _model_or_404(model_id: int) -> JointModel:
    model = tk.session.get(JointModel, model_id)
    if model is None:
        abort(404, description=f"There is no joint service model {model_id}.")
    return model


class _Args(dict):
    """Saved model values in the shape of request.args (getlist for the councils)."""

    def getlist(self, key: str) -> list[str]:
        value = self.get(key)
        return list(value) if isinstance(value, list) else ([value] if value else [])


def _as_percent(share: Any) -> str:
    if share in (None, ""):
        return ""
    return format((Decimal(str(share)) * 100).normalize(), "f")


def _percent_share(text: str) -> str | None:
    """The form's percentage (30) as the share the model takes (0.3); text kept if not a
    number so the model's own message names it."""
    text = (text or "").strip().rstrip("%").strip()
    if not text:
        return None
    from .bulky_profile import read_number

    value = read_number(text)
    return f"{text}%" if value is None else str(value / 100)


def _joint_inputs(args: Any) -> dict[str, Any]:
    return {
        "year": (args.get("year") or "").strip(),
        "councils": [c for c in args.getlist("councils") if c],
        "pricing_basis": args.get("pricing_basis") or PER_TONNE,
        "joint_price": (args.get("joint_price") or "").strip(),
        "reuse_target": (args.get("reuse_target") or "").strip(),
        "recycling_target": (args.get("recycling_target") or "").strip(),
        "source": (args.get("source") or "").strip()[:500],
        "name": (args.get("name") or "").strip(),
        "description": (args.get("description") or "").strip(),
    }


def _request_from(inputs: Mapping[str, Any]) -> service.JointModelRequest:
    return service.read_joint_request(
        inputs["councils"],
        inputs["year"],
        {
            "pricing_basis": inputs["pricing_basis"],
            "joint_price": inputs["joint_price"] or None,
            "reuse_share_target": _percent_share(inputs["reuse_target"]),
            "recycling_share_target": _percent_share(inputs["recycling_target"]),
        },
    )


FIELD_IDS = {
    "councils": "councils",
    "financial_year": "year",
    "pricing_basis": "pricing_basis",
    "joint_price": "joint_price",
    "reuse_share_target": "reuse_target",
    "recycling_share_target": "recycling_target",
    "name": "name",
    "description": "description",
    "source": "source",
}


def _joint_page(
    model: JointModel | None,
    args: Any,
    *,
    save_errors: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> Any:
    names = tk.council_names()
    years = service.financial_years()
    inputs = _joint_inputs(args)
    waves = []
    try:
        waves = service.bulky_waves()
    except Exception:  # noqa: BLE001 - the plan is an offer; the page works without it
        current_app.logger.exception("tender plan for waste.bulky could not be built")
    chosen_wave = args.get("wave")
    wave = next((w for w in waves if str(w.id) == chosen_wave), None)
    if wave is not None and not inputs["councils"]:
        inputs["councils"] = list(wave.councils)
        inputs["source"] = f"Tender plan wave: {wave.describe(names)}"
    if not inputs["year"] and years:
        inputs["year"] = years[0]
    with_profile = {
        year: {r.council_code for r in service.all_profiles(year=year)} for year in years
    }
    errors: list[tuple[str, str]] = []
    result = None
    if args.get("run"):
        try:
            result = service.work_out(_request_from(inputs))
        except service.JointModelRefused as exc:
            if exc.errors:
                errors = [
                    (FIELD_IDS.get(k, k), m) for k, messages in exc.errors.items() for m in messages
                ]
            else:
                errors = [("councils", str(exc))]
    if save_errors:
        errors = errors + save_errors
    if not inputs["name"] and result is not None:
        group = ", ".join(names.get(c, c) for c in inputs["councils"])
        inputs["name"] = (model.name if model else f"Joint bulky waste service: {group}")[:200]
        if model is not None:
            inputs["description"] = model.description or ""
    messages: dict[str, list[str]] = {}
    for field_name, message in errors:
        messages.setdefault(field_name, []).append(message)
    return _render(
        "waste/joint_form.html",
        status if not errors or status != 200 else 422,
        model=model,
        inputs=inputs,
        years=years,
        waves=waves,
        wave=wave,
        names=names,
        councils=sorted(names.items(), key=lambda kv: kv[1]),
        with_profile=with_profile.get(inputs["year"], set()),
        errors=errors,
        error_messages=messages,
        result=result,
        may_save=service.may_save_model(tk.current_user, inputs["councils"])
        if model is None
        else True,
    )


def _save(model: JointModel | None) -> Any:
    inputs = _joint_inputs(request.form)
    try:
        request_data = _request_from(inputs)
    except service.JointModelRefused as exc:
        return _joint_page(model, _args_of(inputs), status=422, save_errors=[
            (FIELD_IDS.get(k, k), m) for k, ms in exc.errors.items() for m in ms
        ])
    data = {
        "name": inputs["name"],
        "description": inputs["description"] or None,
        "source": inputs["source"] or None,
        "financial_year": request_data.financial_year,
        "councils": list(request_data.councils),
        "assumptions": request_data.stored,
    }
    try:
        saved = service.save_joint_model(data, user=tk.current_user, model=model)
    except service.JointModelRefused as exc:
        tk.session.rollback()
        errors = [(FIELD_IDS.get(k, k), m) for k, ms in exc.errors.items() for m in ms] or [
            ("name", str(exc))
        ]
        return _joint_page(model, _args_of(inputs), status=422, save_errors=errors)
    tk.session.commit()
    flash(f"Saved '{saved.name}'. Everyone signed in to the hub can see it.", "info")
    return redirect(url_for("waste_bulky.joint_model", model_id=saved.id), 303)


def _args_of(inputs: Mapping[str, Any]) -> _Args:
    args = _Args({k: v for k, v in inputs.items()})
    args["run"] = "1"
    return args
