"""Web pages for uploading a council's contract register (DESIGN §1, §3 "Register ingest").

Upload form, the report of an upload (with the column mapping the officer can correct and save),
the list of recent uploads, and the contracts still waiting for a category. The work itself is
done by `register_import` (through `registers.service.import_upload`, which also keeps the temporary file
private); these views only check who may do what and turn results into pages.

Reports quote cells of the uploaded file (officers' names, e-mail addresses): they are shown to
signed-in users only and never written to the log.
"""

from __future__ import annotations

import logging
import os
import traceback
from typing import Any

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from procurehub.accounts.authz import can_write, require_write
from procurehub.accounts.models import Council, User
from procurehub.accounts.service import AccountError, get_council
from procurehub.api import handle_http_exception
from procurehub.contracts.fields import LABELS, UNCLASSIFIED
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.ingest.synonyms import FIELDS
from procurehub.pagination import keyset_page
from procurehub.registers import service as register_import
from procurehub.registers.models import Upload
from procurehub.registers.report import COUNT_LABELS, REPORT_COUNTS, SUMMARY_COUNTS
from procurehub.workstreams.registry import all_categories

log = logging.getLogger(__name__)

bp = Blueprint("registers", __name__, template_folder="templates")

ACCEPTED_EXTENSIONS = ".xlsx,.xlsm,.xls,.ods,.csv,.json"
SHOWN_PROBLEMS = 200
UPLOADS_PER_PAGE = 25
UNCLASSIFIED_PER_PAGE = 50
KEEP_AS_EXTRA = "extra"

# Field names stay verbatim (they are the API's and the exports' column names); the label says
# what they mean for someone who knows the register rather than the database. Contract fields are
# labelled by the field registry; these few exist only to help read a register.
FIELD_LABELS: dict[str, str] = {
    **LABELS,
    "contract_duration": "Contract duration",
    "council_name": "Council name (the buyer)",
    "buyer_id": "Buyer's identifier (e.g. GSS code)",
    "joint_buyers": "Joint buyers (other councils buying together)",
    "contact": "Contact officer (name, e-mail, phone)",
}
MAPPING_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (name, f"{FIELD_LABELS.get(name, name.replace('_', ' ').capitalize())} ({name})")
    for name in FIELDS
    if name != KEEP_AS_EXTRA
) + ((KEEP_AS_EXTRA, "Keep as extra column"),)
HOW_DECIDED = {
    "saved": "Saved by your council",
    "synonym": "Recognised heading",
    "pattern": "Guessed from the words in the heading",
    "extra": "Not recognised: kept as an extra column",
}


# ---------------------------------------------------------------------------- helpers
def writable_councils() -> list[Council]:
    """Councils whose contracts the signed-in user may upload: their own, or all for admins."""
    councils = db.session.scalars(select(Council).order_by(Council.name))
    return [c for c in councils if can_write(current_user, c.id)]


def may_assign_any() -> bool:
    return can_write(current_user, None, scope="coordination")


def may_assign(contract: Contract) -> bool:
    return may_assign_any() or can_write(current_user, contract.council_id)


def _upload_or_404(upload_id: int) -> Upload:
    upload = db.session.get(Upload, upload_id)
    if upload is None:
        raise NotFound("There is no upload with this number. It may have been typed wrongly.")
    return upload


def _report_of(upload: Upload) -> dict[str, Any]:
    return {**(upload.report or {}), "upload_id": upload.id, "status": upload.status}


def _log_failure(exc: BaseException) -> None:
    """Log where an import failed, never what the file said (messages can quote its cells)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("Register upload failed with %s\n%s", type(exc).__name__, frames)


def _form_values() -> dict[str, Any]:
    return {
        "council": request.form.get("council", "").strip(),
        "sheet": request.form.get("sheet", "").strip()[:255],
        "accept_valid": request.form.get("accept_valid") == "1",
        "dry_run": request.form.get("dry_run") == "1",
        "all_buyers": request.form.get("all_buyers") == "1",
    }


def _upload_form(
    errors: list[tuple[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    councils = writable_councils()
    values = values or {}
    if not values.get("council"):
        values["council"] = current_user.council.code
    return (
        render_template(
            "registers/upload.html",
            councils=councils,
            values=values,
            errors=errors or [],
            error_fields={field for field, _ in errors or []},
            accept=ACCEPTED_EXTENSIONS,
            max_size=_max_size(),
            may_import_all_buyers=register_import.may_import_all_buyers(current_user),
        ),
        status,
    )


def _max_size() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.0f} MB"
    return f"{max(limit // 1024, 1)} KB"


def _results(report: dict[str, Any], upload: Upload | None) -> Any:
    mapping_editable = upload is not None and can_write(current_user, upload.council_id)
    uploader = db.session.get(User, upload.user_id) if upload and upload.user_id else None
    return render_template(
        "registers/results.html",
        report=report,
        upload=upload,
        uploader=uploader,
        council=db.session.scalar(
            select(Council).where(Council.code == report.get("council_code"))
        ),
        mapping_editable=mapping_editable,
        choices=MAPPING_CHOICES,
        how_decided=HOW_DECIDED,
        field_labels=FIELD_LABELS,
        shown=SHOWN_PROBLEMS,
        counts=REPORT_COUNTS,
        count_labels=COUNT_LABELS,
    )


# ---------------------------------------------------------------------------- upload
@bp.route("/registers/upload", methods=["GET", "POST"])
def upload() -> Any:
    if request.method == "GET":
        return _upload_form()
    values = _form_values()
    file = request.files.get("file")
    if file is None or not (file.filename or "").strip():
        return _upload_form([("file", "Choose the register file to upload")], values, 400)
    code = values["council"] or current_user.council.code
    try:
        council = get_council(code)
    except AccountError:
        return _upload_form([("council", "Choose a council from the list")], values, 400)
    if values["all_buyers"] and not register_import.may_import_all_buyers(current_user):
        return _upload_form(
            [
                (
                    "file",
                    "Only a coordinator or an administrator can file a public file's rows under "
                    "each buyer's council. Upload it for your own council instead.",
                )
            ],
            values,
            403,
        )
    if not values["all_buyers"] and not can_write(current_user, council.id):
        return _upload_form(
            [
                (
                    "council",
                    f"You can only upload registers for your own council, not {council.name}",
                )
            ],
            values,
            403,
        )
    values["council"] = council.code
    try:
        report = register_import.import_upload(
            file,
            council=council,
            user=current_user,
            options=register_import.upload_options(values, current_app.config["MAX_CONTENT_LENGTH"]),
            folder=os.path.join(current_app.instance_path, "uploads"),
        )
    except RequestEntityTooLarge as exc:
        db.session.rollback()
        return too_large(exc)
    except HTTPException as exc:  # the import's own refusals
        db.session.rollback()
        return _upload_form([("file", exc.description or exc.name)], values, exc.code or 400)
    except Exception as exc:  # noqa: BLE001 - the officer gets a message, never a 500
        db.session.rollback()
        _log_failure(exc)
        return _upload_form(
            [
                (
                    "file",
                    "Something went wrong while reading this file and nothing was stored. "
                    "Check it opens in Excel and try again; if it still fails, send it to the "
                    "hub's administrator.",
                )
            ],
            values,
            422,
        )
    if report.get("upload_id"):
        return redirect(url_for("registers.upload_report", upload_id=report["upload_id"]), 303)
    return _results(report, None)  # a dry run: nothing stored, so nothing to link to


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge) -> Any:
    if request.endpoint != "registers.upload":
        return render_template("error.html", error=exc), 413
    return _upload_form(
        [
            (
                "file",
                f"The file is too big: the largest register the hub accepts is "
                f"{_max_size()}. Delete empty rows and sheets you do not need, or save "
                f"it as .xlsx or .csv, and upload it again.",
            )
        ],
        None,
        413,
    )


@bp.errorhandler(CSRFError)
def form_expired(exc: CSRFError) -> Any:
    if request.endpoint != "registers.upload":
        return handle_http_exception(exc)
    return _upload_form(
        [
            (
                "file",
                "The page had expired, so nothing was uploaded. Choose the file and upload it again.",
            )
        ],
        None,
        400,
    )


# ---------------------------------------------------------------------------- results
@bp.route("/registers/uploads/<id:upload_id>")
def upload_report(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    return _results(_report_of(upload), upload)


@bp.route("/registers/uploads/<id:upload_id>/mapping", methods=["POST"])
def save_mapping(upload_id: int) -> Any:
    upload = _upload_or_404(upload_id)
    require_write(current_user, upload.council_id, what="the column mapping")
    back = redirect(url_for("registers.upload_report", upload_id=upload.id) + "#mapping", 303)
    allowed = {key for key, _ in MAPPING_CHOICES}
    changed: dict[str, str] = {}
    for index, column in enumerate((upload.report or {}).get("mapping") or []):
        chosen = request.form.get(f"field_{index}")
        if chosen is None:
            continue
        if chosen not in allowed:
            flash(f"“{chosen}” is not a field a column can be mapped to.", "error")
            return back
        if chosen != (column.get("field") or KEEP_AS_EXTRA):
            changed[column["heading"]] = chosen
    if not changed:
        flash("No column was changed, so nothing was saved.", "info")
        return back
    try:
        register_import.save_column_mapping(upload.council, changed, user=current_user)
        db.session.commit()
    except ValueError as exc:
        db.session.rollback()
        flash(f"The mapping was not saved: {exc}.", "error")
        return back
    flash(
        f"Saved {len(changed)} column choice{'s' if len(changed) != 1 else ''} for "
        f"{upload.council.name}. They will be used the next time a register is uploaded: "
        f"upload the file again to apply them.",
        "info",
    )
    return back


@bp.route("/registers/uploads")
def uploads() -> Any:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    council_code = request.args.get("council", "").strip()
    stmt = (
        select(Upload, User)
        .outerjoin(User, User.id == Upload.user_id)
        .where(Upload.kind == "contracts")
        .order_by(Upload.created_at.desc(), Upload.id.desc())
    )
    count_stmt = select(func.count(Upload.id)).where(Upload.kind == "contracts")
    if council_code:
        stmt = stmt.join(Council, Council.id == Upload.council_id).where(
            Council.code == council_code
        )
        count_stmt = count_stmt.join(Council, Council.id == Upload.council_id).where(
            Council.code == council_code
        )
    total = db.session.scalar(count_stmt) or 0
    pages = max((total + UPLOADS_PER_PAGE - 1) // UPLOADS_PER_PAGE, 1)
    page = min(page, pages)
    rows = db.session.execute(stmt.offset((page - 1) * UPLOADS_PER_PAGE).limit(UPLOADS_PER_PAGE))
    return render_template(
        "registers/uploads.html",
        rows=list(rows),
        page=page,
        pages=pages,
        total=total,
        council_code=council_code,
        councils=list(db.session.scalars(select(Council).order_by(Council.name))),
        counts=SUMMARY_COUNTS,
        count_labels=COUNT_LABELS,
    )


# ---------------------------------------------------------------------------- classification
@bp.route("/contracts/unclassified", methods=["GET", "POST"])
def unclassified() -> Any:
    if request.method == "POST":
        return _assign()
    council_code = request.args.get("council", "").strip()
    stmt = select(Contract).where(Contract.category == UNCLASSIFIED)
    if council_code:
        stmt = stmt.join(Council, Council.id == Contract.council_id).where(
            Council.code == council_code
        )
    page = keyset_page(stmt, Contract.id, request.args.get("cursor"), UNCLASSIFIED_PER_PAGE)
    categories = all_categories()
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, (plugin, spec) in sorted(categories.items()):
        groups.setdefault(plugin.title, []).append((key, spec.label))
    return render_template(
        "registers/unclassified.html",
        page=page,
        next_url=(
            url_for("registers.unclassified", council=council_code or None, cursor=page["next"])
            if page["next"]
            else None
        ),
        council_code=council_code,
        councils=list(db.session.scalars(select(Council).order_by(Council.name))),
        category_groups=groups,
        may_assign=may_assign,
        may_assign_any=may_assign_any(),
    )


def _assign() -> Any:
    council_code = request.form.get("council", "").strip()
    back = redirect(url_for("registers.unclassified", council=council_code or None), 303)
    contract_id = request.form.get("contract_id", type=int)
    contract = db.session.get(Contract, contract_id) if contract_id else None
    if contract is None:
        flash("That contract no longer exists.", "error")
        return back
    if not may_assign(contract):
        require_write(current_user, contract.council_id, what="contract categories")
    category = request.form.get("category", "").strip()
    categories = all_categories()
    if category not in categories:
        flash("Choose a category for the contract before pressing Assign.", "error")
        return back
    label = contract.category_label
    changed = register_import.assign_category([contract], category, user=current_user, teach=True)
    db.session.commit()
    name = categories[category][1].label
    what = f"{changed} contract{'s' if changed != 1 else ''} changed"
    message = f"{contract.reference or contract.title} is now in “{name}”: {what}."
    if label and changed > 1:
        message += f" Other contracts of {contract.council.name} labelled “{label}” were put in the same category."
    if label:
        message += f" {contract.council.name}'s label “{label}” will be put in this category on its next uploads."
    flash(message, "info")
    return back


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
