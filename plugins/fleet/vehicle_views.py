"""The fleet-list pages: upload a fleet list as the council keeps it, the vehicles (filtered,
paged, exported), each council's replacement ages, and the replacement demand section of the
fleet dashboard. Thin: each page calls `vehicles`."""

from __future__ import annotations

import logging
import os
import traceback
from datetime import date
from io import BytesIO
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.exceptions import Forbidden, HTTPException

from procurehub import toolkit as tk

from . import vehicles
from .measures import FleetError

log = logging.getLogger(__name__)
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
def _arg(name: str, limit: int = 80) -> str:
    return (request.args.get(name) or "").replace("\x00", "").strip()[:limit]


def _filters() -> dict[str, Any]:
    year = _arg("replacement_year", 4)
    return {
        "council": _arg("council", 20) or None,
        "category": _arg("category") or None,
        "fuel": _arg("fuel", 40) or None,
        "replacement_year": int(year) if year.isdigit() else None,
        "listed": "all" if _arg("listed", 10) == "all" else "latest",
    }


def _writable_councils() -> list[tuple[str, str]]:
    """Councils whose fleet list the signed-in user may upload, by name (their own; every
    council for administrators), checked with the hub's one authorisation rule."""
    names = tk.council_names()
    own = tk.council_code_of(tk.current_user)
    candidates = names if tk.has_role(tk.current_user, "admin") else [own] if own else []
    return sorted(
        (
            (code, names[code])
            for code in candidates
            if code in names and vehicles.may_import(tk.current_user, code)
        ),
        key=lambda pair: pair[1],
    )


def demand_context() -> dict[str, Any]:
    """What the dashboard's replacement demand section needs (`?demand_by=class` stacks the
    chart by vehicle class instead of council)."""
    by = "category" if request.args.get("demand_by") == "class" else "council"
    return {"demand": vehicles.demand_section(by)}


def add_vehicle_pages(bp: Blueprint) -> None:
    """Register the fleet-list pages on the fleet blueprint."""

    @bp.route("/vehicles")
    def vehicles_list() -> Any:
        filters = _filters()
        page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
        rows, more = vehicles.vehicle_page(filters, page, PER_PAGE)
        kept = {k: v for k, v in request.args.items() if k != "page" and v}
        return render_template(
            "fleet/vehicles.html",
            rows=rows,
            filters=filters,
            page=page,
            more=more,
            kept=kept,
            total=vehicles.vehicle_count(filters),
            council_names=tk.council_names(),
            labels=vehicles.category_labels(),
            classes=vehicles.VEHICLE_CLASSES,
            fuels=vehicles.fuels(),
            years=vehicles.replacement_years(),
            own_code=tk.council_code_of(tk.current_user),
            may_upload=bool(_writable_councils()),
        )

    @bp.route("/vehicles.<any(csv, xlsx):fmt>")
    def vehicles_export(fmt: str) -> Any:
        data = vehicles.export_vehicles(_filters(), fmt)
        name = f"fleet_vehicles_{date.today().isoformat()}.{fmt}"
        mimetype = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
        return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)

    def _upload_form(
        errors: list[tuple[str, str]] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Any:
        values = values or {}
        values.setdefault("council", tk.council_code_of(tk.current_user) or "")
        return render_template(
            "fleet/vehicle_upload.html",
            councils=_writable_councils(),
            values=values,
            errors=errors or [],
        ), status

    @bp.route("/vehicles/upload", methods=["GET", "POST"])
    def vehicles_upload() -> Any:
        if request.method == "GET":
            return _upload_form()
        values = {
            "council": (request.form.get("council") or "").strip()[:20],
            "sheet": (request.form.get("sheet") or "").replace("\x00", "").strip()[:255],
            "accept_valid": request.form.get("accept_valid") == "1",
            "dry_run": request.form.get("dry_run") == "1",
        }
        file = request.files.get("file")
        if file is None or not (file.filename or "").strip():
            return _upload_form([("file", "Choose the fleet list file to upload")], values, 400)
        code = values["council"] or tk.council_code_of(tk.current_user) or ""
        names = tk.council_names()
        if code not in names:
            return _upload_form([("council", "Choose a council from the list")], values, 400)
        try:
            report = vehicles.import_uploaded_fleet_list(
                file,
                code,
                user=tk.current_user,
                folder=os.path.join(current_app.instance_path, "uploads"),
                sheet=values["sheet"],
                accept_valid=values["accept_valid"],
                dry_run=values["dry_run"],
                max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"),
            )
        except Forbidden:
            tk.session.rollback()
            return _upload_form(
                [
                    (
                        "council",
                        "You can only upload the fleet list of your own council, not "
                        f"{names.get(code, code)}",
                    )
                ],
                values,
                403,
            )
        except FleetError as exc:
            tk.session.rollback()
            return _upload_form([("file", str(exc))], values, 422)
        except HTTPException as exc:
            tk.session.rollback()
            return _upload_form([("file", exc.description or exc.name)], values, exc.code or 400)
        except Exception as exc:  # noqa: BLE001 - the officer gets a message, never a 500
            tk.session.rollback()
            log.error(
                "Fleet list upload failed with %s\n%s",
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            return _upload_form(
                [
                    (
                        "file",
                        "Something went wrong while reading this file and nothing was "
                        "stored. Check it opens in Excel and try again; if it still fails, "
                        "send it to the hub's administrator.",
                    )
                ],
                values,
                422,
            )
        status = 422 if report.get("status") == "refused" else 200
        return render_template(
            "fleet/vehicle_results.html",
            report=report,
            council_name=names.get(code, code),
            labels=vehicles.category_labels(),
        ), status

    @bp.route("/replacement-ages", methods=["GET", "POST"])
    def replacement_ages() -> Any:
        names = tk.council_names()
        own = tk.council_code_of(tk.current_user)
        code = (request.values.get("council") or own or "").strip()[:20]
        if code not in names:
            code = own or next(iter(sorted(names)), "")
        error = None
        if request.method == "POST":
            ages = {c: (request.form.get(c) or "").strip()[:3] for c in vehicles.VEHICLE_CLASSES}
            try:
                changed = vehicles.set_replacement_ages(code, ages, tk.current_user)
            except FleetError as exc:
                tk.session.rollback()
                error = str(exc)
            else:
                tk.session.commit()
                flash(
                    "Saved. Replacement years, the demand and the joint purchases now use "
                    "these ages."
                    if changed
                    else "Nothing changed."
                )
                return redirect(url_for(".replacement_ages", council=code))
        return render_template(
            "fleet/replacement_ages.html",
            council_code=code,
            council_name=names.get(code, code),
            council_names=names,
            ages=vehicles.replacement_ages(code),
            can_edit=vehicles.may_import(tk.current_user, code),
            error=error,
            form=request.form if error else {},
        ), (422 if error else 200)
