"""The fleet pages: dashboard (variation count first), standards, council specs, comparison,
cost parameters. Thin: each page calls the service; a service error becomes a flash message
on the form (or a 404/409 page) and nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import BytesIO
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from procurehub import toolkit as tk

from .catalogue_store import catalogue_vehicles, vehicle_name
from .council_spec_edits import (
    DESCRIPTIVE_ATTRIBUTES,
    allowed_attributes,
    create_council_spec,
    delete_council_spec,
    update_council_spec,
)
from .council_specs import council_specs, get_council_spec, spec_compliance, spec_display_name
from .errors import FleetConflict, FleetNotFound
from .measures import FleetError
from .parameters import add_parameter_value, parameter_rows
from .permissions import can_edit_standards
from .spec_comparison import comparison, comparison_workbook
from .spec_costs import COST_FIELDS
from .spec_template import spec_template as template_workbook
from .spec_template import store_spec_upload
from .standard_drafts import (
    adopt_draft,
    discard_draft,
    edit_draft_settings,
    remove_draft_requirement,
    set_draft_requirement,
    start_draft,
)
from .standard_spec import OPERATORS
from .standards import (
    DEFAULT_CLASS,
    adopted_record,
    adopted_standard,
    draft_record,
    find_version,
    requirement_in_words,
    standard_json,
    standard_versions,
)
from .variation import trend_chart, variation_counts, variation_trend
from .vehicle_views import add_vehicle_pages, demand_context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPERATOR_WORDS = {
    "min": "at least",
    "max": "at most",
    "equals": "equal to",
    "one_of": "one of",
    "required": "fitted",
}
STATUS_LABELS = {"pass": "Meets", "fail": "Deviates", "unknown": "Not stated",
                 "not-required": "No requirement"}


def _text(name: str, limit: int = 4000) -> str:
    return (request.form.get(name) or "").replace("\x00", "").strip()[:limit]


def _arg(name: str, limit: int = 100) -> str:
    return (request.args.get(name) or "").replace("\x00", "").strip()[:limit]


@contextmanager
def page_errors() -> Iterator[None]:
    """Not found -> 404 page; the rest are raised for the caller to show on its form."""
    try:
        yield
    except FleetNotFound as exc:
        abort(404, description=str(exc))


def _class_title(vehicle_class: str) -> str:
    record = adopted_record(vehicle_class)
    return record.title if record and record.title else vehicle_class.replace("_", " ")


def web_blueprint() -> Blueprint:
    bp = Blueprint(
        "fleet_pages",
        __name__,
        url_prefix="/fleet",
        template_folder="templates",
        static_folder="static",
        static_url_path="/fleet-static",
    )

    @bp.context_processor
    def fleet_context() -> dict[str, Any]:
        return {
            "can_edit_standards": can_edit_standards(tk.current_user),
            "status_labels": STATUS_LABELS,
            "operator_words": OPERATOR_WORDS,
        }

    # -- dashboard -----------------------------------------------------------------------------

    @bp.route("/dashboard")
    def dashboard() -> Any:
        counts = variation_counts()
        trends = {}
        for vehicle_class in counts:
            snapshots = variation_trend(vehicle_class)
            trends[vehicle_class] = {
                "rows": snapshots,
                "chart": trend_chart(
                    (s.taken_on, s.distinct_specs, s.compliant_specs) for s in snapshots
                ),
            }
        names = tk.council_names()
        specs = council_specs()
        return render_template(
            "fleet/dashboard.html",
            counts=counts,
            trends=trends,
            specs=specs,
            council_names=names,
            compliance={s.id: spec_compliance(s) for s in specs},
            standards=standard_versions(status="adopted"),
            vehicles=len(catalogue_vehicles()),
            **demand_context(),
        )

    # -- standards -----------------------------------------------------------------------------

    @bp.route("/standards")
    def standards() -> Any:
        versions = standard_versions()
        classes: dict[str, list[Any]] = {}
        for record in versions:
            classes.setdefault(record.vehicle_class, []).append(record)
        return render_template("fleet/standards.html", classes=classes)

    @bp.route("/standards/<vehicle_class>")
    def standard(vehicle_class: str) -> Any:
        with page_errors():
            record = adopted_record(vehicle_class)
            if record is None:
                versions = standard_versions(vehicle_class[:80])
                if not versions:
                    raise FleetNotFound(f"There is no standard for {vehicle_class!r}.")
                record = versions[0]
        return _standard_page(record)

    @bp.route("/standards/<vehicle_class>/v<id:version>")
    def standard_version(vehicle_class: str, version: int) -> Any:
        with page_errors():
            record = find_version(vehicle_class[:80], version)
        return _standard_page(record)

    def _standard_page(record: Any) -> Any:
        return render_template(
            "fleet/standard.html",
            record=record,
            standard=standard_json(record),
            draft=draft_record(record.vehicle_class),
            adopted=adopted_record(record.vehicle_class),
        )

    @bp.route("/standards/<vehicle_class>/history")
    def history(vehicle_class: str) -> Any:
        versions = standard_versions(vehicle_class[:80])
        if not versions:
            abort(404, description=f"There is no standard for {vehicle_class!r}.")
        summaries = []
        for i, record in enumerate(versions):
            older = versions[i + 1] if i + 1 < len(versions) else None
            summaries.append((record, _changes(older, record)))
        return render_template(
            "fleet/history.html", vehicle_class=vehicle_class, versions=summaries,
            title=_class_title(vehicle_class),
        )

    def _changes(older: Any, newer: Any) -> list[str]:
        """What changed from one version to the next, in words."""
        if older is None:
            return ["First version."]
        old = {r["attribute"]: r for r in standard_json(older)["requirements"]}
        new = {r["attribute"]: r for r in standard_json(newer)["requirements"]}
        out = []
        for attribute, r in new.items():
            if attribute not in old:
                out.append(f"Added: {r['in_words']}")
            elif (old[attribute]["requirement"], old[attribute]["mandatory"]) != (
                r["requirement"], r["mandatory"]
            ):
                out.append(f"Changed: {r['in_words']} (was: {old[attribute]['in_words']})")
        out += [f"Removed: {r['in_words']}" for a, r in old.items() if a not in new]
        return out or ["No change to the requirements."]

    @bp.route("/standards/<vehicle_class>/draft", methods=["GET", "POST"])
    def draft(vehicle_class: str) -> Any:
        vehicle_class = vehicle_class[:80]
        record = draft_record(vehicle_class)
        if request.method == "POST":
            action = _text("action", 40)
            try:
                with page_errors():
                    message = _draft_action(action, vehicle_class, record)
            except FleetConflict as exc:
                tk.session.rollback()
                return _draft_page(vehicle_class, error=str(exc), status=409)
            except FleetError as exc:
                tk.session.rollback()
                return _draft_page(vehicle_class, error=str(exc), status=422,
                                   form=request.form)
            tk.session.commit()
            flash(message)
            if action in ("adopt", "discard"):
                return redirect(url_for(".standard", vehicle_class=vehicle_class))
            return redirect(url_for(".draft", vehicle_class=vehicle_class))
        return _draft_page(vehicle_class)

    def _draft_action(action: str, vehicle_class: str, record: Any) -> str:
        user = tk.current_user
        if action == "start":
            new = start_draft(vehicle_class, user)
            return f"Draft version {new.version} started from the adopted standard."
        if record is None:
            if not can_edit_standards(user):
                abort(403, description="Only coordinators and network managers can change the "
                      "standard specifications.")
            raise FleetConflict(
                "There is no draft to change; start a draft from the adopted standard first."
            )
        if action == "requirement":
            requirement = set_draft_requirement(
                record.id,
                {
                    "attribute": _text("attribute", 80),
                    "label": _text("label", 200),
                    "unit": _text("unit", 20),
                    "operator": _text("operator", 20),
                    "value": _text("value", 500),
                    "mandatory": _text("mandatory", 20) == "mandatory",
                    "rationale": _text("rationale"),
                },
                user,
            )
            return f"Saved: {requirement_in_words(requirement)}"
        if action == "remove":
            attribute = _text("attribute", 80)
            remove_draft_requirement(record.id, attribute, user)
            return f"Removed the requirement for {attribute}."
        if action == "settings":
            edit_draft_settings(
                record.id,
                {
                    "title": _text("title", 300),
                    "design_range_factor": _text("design_range_factor", 20) or None,
                    "racking_allowance_kg": _text("racking_allowance_kg", 20) or None,
                },
                user,
            )
            return "Saved the draft's settings."
        if action == "adopt":
            adopted = adopt_draft(record.id, user)
            return (f"Version {adopted.version} is now the adopted standard; the previous "
                    "version is retired.")
        if action == "discard":
            discard_draft(record.id, user)
            return f"Draft version {record.version} discarded."
        raise FleetError(f"Unknown action {action!r}.")

    def _draft_page(vehicle_class: str, error: str | None = None, status: int = 200,
                    form: Any = None) -> Any:
        record = draft_record(vehicle_class)
        adopted = adopted_record(vehicle_class)
        if record is None and adopted is None and not standard_versions(vehicle_class):
            abort(404, description=f"There is no standard for {vehicle_class!r}.")
        edit = _arg("edit", 80)
        standard = standard_json(record) if record else None
        editing = None
        if standard and edit:
            editing = next((r for r in standard["requirements"] if r["attribute"] == edit), None)
        return render_template(
            "fleet/draft.html",
            vehicle_class=vehicle_class,
            record=record,
            standard=standard,
            adopted=adopted,
            error=error,
            editing=editing,
            form=form or {},
            operators=OPERATORS,
        ), status

    # -- council specs -------------------------------------------------------------------------

    @bp.route("/specs")
    def specs() -> Any:
        council = _arg("council", 20) or None
        names = tk.council_names()
        rows = council_specs(council)
        return render_template(
            "fleet/specs.html",
            specs=rows,
            compliance={s.id: spec_compliance(s) for s in rows},
            council_names=names,
            council=council,
            own_code=tk.council_code_of(tk.current_user),
        )

    def _spec_form(spec: Any = None, error: str | None = None, status: int = 200,
                   values: Any = None) -> Any:
        vehicle_class = spec.vehicle_class if spec else DEFAULT_CLASS
        with page_errors():
            standard = adopted_standard(vehicle_class)
        if values is None:
            values = {}
            if spec is not None:
                values = {**(spec.figures or {}), **{f"cost_{k}": v for k, v in
                                                     (spec.costs or {}).items()}}
                values.update(name=spec.name, notes=spec.notes or "",
                              catalogue_vehicle_id=str(spec.catalogue_vehicle_id or ""))
        return render_template(
            "fleet/spec_form.html",
            spec=spec,
            standard=standard,
            descriptive=DESCRIPTIVE_ATTRIBUTES,
            cost_fields=COST_FIELDS,
            vehicles=catalogue_vehicles(),
            vehicle_name=vehicle_name,
            values=values,
            error=error,
        ), status

    def _form_data(standard: Any) -> dict[str, Any]:
        attributes = allowed_attributes(standard)
        return {
            "name": _text("name", 200),
            "notes": _text("notes"),
            "catalogue_vehicle_id": _text("catalogue_vehicle_id", 12) or None,
            "figures": {a: _text(f"fig_{a}", 200) for a in attributes},
            "costs": {k: _text(f"cost_{k}", 30) for k in COST_FIELDS},
        }

    def _values_from_form() -> dict[str, Any]:
        values = {k[4:]: v for k, v in request.form.items() if k.startswith("fig_")}
        values.update({k: v for k, v in request.form.items() if k.startswith("cost_")})
        values.update(name=_text("name", 200), notes=_text("notes"),
                      catalogue_vehicle_id=_text("catalogue_vehicle_id", 12))
        return values

    @bp.route("/specs/new", methods=["GET", "POST"])
    def new_spec() -> Any:
        code = tk.council_code_of(tk.current_user)
        if request.method == "POST":
            standard = adopted_standard(DEFAULT_CLASS)
            try:
                spec = create_council_spec(code or "", _form_data(standard), tk.current_user)
            except FleetError as exc:
                tk.session.rollback()
                return _spec_form(error=str(exc), status=422, values=_values_from_form())
            tk.session.commit()
            flash(f"Saved {spec.name}.")
            return redirect(url_for(".spec", spec_id=spec.id))
        return _spec_form()

    def _spec_or_404(spec_id: int) -> Any:
        with page_errors():
            return get_council_spec(spec_id)

    @bp.route("/specs/<id:spec_id>")
    def spec(spec_id: int) -> Any:
        record = _spec_or_404(spec_id)
        standard = adopted_standard(record.vehicle_class)
        return render_template(
            "fleet/spec.html",
            spec=record,
            standard=standard,
            compliance=spec_compliance(record, standard),
            council_names=tk.council_names(),
            can_edit=tk.can_write(tk.current_user, record.council_id),
            vehicle_name=vehicle_name,
            cost_fields=COST_FIELDS,
            descriptive=DESCRIPTIVE_ATTRIBUTES,
        )

    @bp.route("/specs/<id:spec_id>/edit", methods=["GET", "POST"])
    def edit_spec(spec_id: int) -> Any:
        record = _spec_or_404(spec_id)
        tk.require_write(tk.current_user, record.council_id, what="vehicle specifications")
        if request.method == "POST":
            standard = adopted_standard(record.vehicle_class)
            try:
                update_council_spec(record, _form_data(standard), tk.current_user)
            except FleetError as exc:
                tk.session.rollback()
                return _spec_form(_spec_or_404(spec_id), error=str(exc), status=422,
                                  values=_values_from_form())
            tk.session.commit()
            flash(f"Saved {record.name}.")
            return redirect(url_for(".spec", spec_id=record.id))
        return _spec_form(record)

    @bp.route("/specs/<id:spec_id>/delete", methods=["POST"])
    def delete_spec(spec_id: int) -> Any:
        record = _spec_or_404(spec_id)
        name = record.name
        delete_council_spec(record, tk.current_user)
        tk.session.commit()
        flash(f"Deleted {name}.")
        return redirect(url_for(".specs"))

    @bp.route("/specs/template.xlsx")
    def spec_template() -> Any:
        with page_errors():
            data = template_workbook(_arg("vehicle_class", 80) or DEFAULT_CLASS)
        return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name="vehicle_spec_template.xlsx")

    @bp.route("/specs/upload", methods=["POST"])
    def upload_spec() -> Any:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash("Choose the filled template to upload.", "error")
            return redirect(url_for(".specs"))
        try:
            record, created = store_spec_upload(
                upload, tk.council_code_of(tk.current_user) or "", tk.current_user
            )
        except FleetError as exc:
            tk.session.rollback()
            flash(f"Nothing was stored: {exc}", "error")
            return redirect(url_for(".specs"))
        tk.session.commit()
        flash(f"{'Added' if created else 'Updated'} {record.name} from the template.")
        return redirect(url_for(".spec", spec_id=record.id))

    # -- comparison ----------------------------------------------------------------------------

    def _selection() -> tuple[list[str], list[str]]:
        specs = [v[:12] for v in request.args.getlist("specs")][:50]
        vehicles = [v[:12] for v in request.args.getlist("vehicles")][:50]
        return specs, vehicles

    @bp.route("/compare")
    def compare() -> Any:
        specs, vehicles = _selection()
        result, error = None, None
        if specs or vehicles:
            try:
                with page_errors():
                    result = comparison(specs, vehicles)
            except FleetError as exc:
                error = str(exc)
        names = tk.council_names()
        all_specs = council_specs()
        return render_template(
            "fleet/compare.html",
            result=result,
            error=error,
            all_specs=all_specs,
            spec_name=lambda s: spec_display_name(s, names),
            vehicles=catalogue_vehicles(),
            vehicle_name=vehicle_name,
            selected_specs={str(i) for v in specs for i in v.split(",")},
            selected_vehicles={str(i) for v in vehicles for i in v.split(",")},
            export_query=request.query_string.decode("ascii", "replace"),
            counts=variation_counts(),
        ), (422 if error else 200)

    @bp.route("/compare.xlsx")
    def compare_xlsx() -> Any:
        specs, vehicles = _selection()
        try:
            with page_errors():
                data = comparison_workbook(comparison(specs, vehicles))
        except FleetError as exc:
            abort(422, description=str(exc))
        return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name=f"fleet_comparison_{date.today().isoformat()}.xlsx")

    # -- parameters ----------------------------------------------------------------------------

    @bp.route("/parameters", methods=["GET", "POST"])
    def parameters() -> Any:
        error = None
        if request.method == "POST":
            try:
                add_parameter_value(
                    {
                        "name": _text("name", 80),
                        "value": _text("value", 30),
                        "valid_from": _text("valid_from", 10),
                        "source": _text("source", 2000),
                        "illustrative": _text("illustrative", 5) == "yes",
                    },
                    tk.current_user,
                )
            except FleetError as exc:
                tk.session.rollback()
                error = str(exc)
            else:
                tk.session.commit()
                flash(f"Saved the new value of {_text('name', 80)}.")
                return redirect(url_for(".parameters"))
        rows = parameter_rows()
        today = date.today()
        in_force = {}
        for row in rows:
            if row.valid_from <= today and (row.valid_to is None or today <= row.valid_to):
                current = in_force.get(row.name)
                if current is None or row.valid_from > current.valid_from:
                    in_force[row.name] = row
        return render_template(
            "fleet/parameters.html", rows=rows, in_force={r.id for r in in_force.values()},
            names=sorted({r.name for r in rows}), error=error, today=today,
        ), (422 if error else 200)

    add_vehicle_pages(bp)
    return bp
