"""Register uploads, their reports and error workbooks; the register template; saved mappings;
classification of unclassified contracts."""

from __future__ import annotations

import io
import os
from typing import Any

import marshmallow as ma
from flask import current_app, request, send_file
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound, UnprocessableEntity

from procurehub.accounts.authz import can_write, require_write
from procurehub.accounts.models import Council
from procurehub.accounts.service import AccountError, get_council
from procurehub.api.schemas import Id, page_schema
from procurehub.contracts.fields import UNCLASSIFIED
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.ingest.synonyms import FIELDS
from procurehub.pagination import keyset_page
from procurehub.registers import service as register_import
from procurehub.registers.files import contract_template, upload_error_workbook
from procurehub.registers.models import Upload
from procurehub.registers.record_schemas import record_upload_body
from procurehub.registers.report import REPORT_COUNTS, report_counts
from procurehub.workstreams.registry import all_categories

uploads = Blueprint(
    "uploads",
    __name__,
    url_prefix="/api/v1/uploads",
    description="Upload a council's contract register and read the report",
)
templates = Blueprint(
    "templates", __name__, url_prefix="/api/v1/templates", description="Blank templates"
)
mappings = Blueprint(
    "column_mappings",
    __name__,
    url_prefix="/api/v1/councils",
    description="A council's saved heading → field mapping",
)
classification = Blueprint(
    "classification",
    __name__,
    url_prefix="/api/v1/classification",
    description="Assign categories to unclassified contracts",
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadFormSchema(ma.Schema):
    council = fields.Str(metadata={"description": "Council code (default: your own council)"})
    sheet = fields.Str(
        metadata={"description": "Sheet to read (default: the one that looks like a register)"}
    )
    accept_valid = fields.Bool(
        load_default=False, metadata={"description": "Store valid rows even if some are rejected"}
    )
    dry_run = fields.Bool(
        load_default=False, metadata={"description": "Report only; store nothing"}
    )
    all_buyers = fields.Bool(
        load_default=False,
        metadata={
            "description": "Coordinators and admins: a public file naming many buyers; file each "
            "row under the council its buyer is (rows naming no buyer go to `council`)"
        },
    )


UPLOAD_REQUEST_BODY = record_upload_body(
    "The register",
    {
        "all_buyers": {
            "type": "boolean",
            "description": "Coordinators and admins: file each row of a public "
            "multi-buyer file under the council its buyer is",
        }
    },
)


_REPORT_FIELDS: dict[str, fields.Field] = {
    "id": fields.Function(
        lambda report: report.get("upload_id"), metadata={"description": "Same as upload_id"}
    ),
    "upload_id": Id(allow_none=True),
    "council_code": fields.Str(),
    **{key: fields.Int() for key in REPORT_COUNTS},
    "errors": fields.List(fields.Dict()),
    "warnings": fields.List(fields.Dict()),
    "status": fields.Str(),
    "message": fields.Str(),
    "file": fields.Str(),
    "format": fields.Str(allow_none=True),
    "sheets": fields.List(fields.Str()),
    "sheet": fields.Str(allow_none=True),
    "header_row": fields.Int(allow_none=True),
    "mapping": fields.List(fields.Dict()),
    "missing": fields.List(fields.Dict()),
}


class ReportSchema(ma.Schema.from_dict(_REPORT_FIELDS, name="ReportFields")):  # type: ignore[misc]
    """The import report; the first keys are those of `procurehub import contracts --json`."""

    class Meta:
        unknown = ma.INCLUDE

    other_buyers = fields.List(
        fields.Dict(),
        metadata={"description": "Rows refused because the file names another buyer, by buyer"},
    )
    councils = fields.List(
        fields.Dict(), metadata={"description": "All-buyers imports: rows filed per council"}
    )
    unmatched_buyers = fields.List(
        fields.Dict(),
        metadata={"description": "All-buyers imports: buyers that are no council in the hub"},
    )



class UploadSummarySchema(ma.Schema):
    id = Id()
    council_code = fields.Function(lambda u: u.council.code)
    kind = fields.Str(metadata={"description": "contracts, or a plugin's table (fleet.vehicles…)"})
    filename = fields.Str()
    sheet = fields.Str(allow_none=True)
    status = fields.Str()
    created_at = fields.DateTime()
    counts = fields.Function(lambda u: report_counts(u.report or {}))


class UploadQuerySchema(ma.Schema):
    council = fields.Str()
    kind = fields.Str(metadata={"description": "Only uploads of this kind (e.g. contracts)"})
    cursor = fields.Str()
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))


@uploads.route("")
class UploadCollection(MethodView):
    @uploads.arguments(UploadQuerySchema, location="query")
    @uploads.response(200, page_schema(UploadSummarySchema, "UploadPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Uploads, oldest first (keyset pagination)."""
        stmt = select(Upload)
        if args.get("kind"):
            stmt = stmt.where(Upload.kind == args["kind"].replace("\x00", ""))
        if args.get("council"):
            stmt = stmt.join(Upload.council).where(
                Council.code == args["council"].replace("\x00", "")
            )
        return keyset_page(stmt, Upload.id, args.get("cursor"), args["limit"])

    @uploads.doc(requestBody=UPLOAD_REQUEST_BODY)
    @uploads.response(201, ReportSchema)
    @uploads.alt_response(200, schema=ReportSchema, description="Dry run: what would happen")
    @uploads.alt_response(
        422, description="Nothing stored: the file was refused or rows have errors"
    )
    def post(self) -> Any:
        """Upload a register (.xlsx .xlsm .xls .ods .csv or OCDS .json) as multipart field `file`."""
        # Parsed here rather than with @arguments: OpenAPI 3 describes a file and form fields as
        # one multipart request body, which flask-smorest cannot generate from two locations.
        try:
            form = UploadFormSchema().load(request.form.to_dict())
        except ma.ValidationError as exc:
            abort(
                422,
                message="Some values are not valid; see errors for each field.",
                errors=exc.messages,
            )
        if "file" not in request.files or not request.files["file"].filename:
            abort(
                422,
                message="Send the register as the multipart field 'file'.",
                errors={"file": ["Missing data for required field."]},
            )
        try:
            council = get_council(form.get("council") or current_user.council.code)
        except AccountError as exc:
            raise UnprocessableEntity(str(exc)) from exc
        if not form["all_buyers"]:
            require_write(current_user, council.id, what="contracts")
        try:
            report = register_import.import_upload(
                request.files["file"],
                council=council,
                user=current_user,
                options=register_import.upload_options(
                    form, current_app.config["MAX_CONTENT_LENGTH"]
                ),
                folder=os.path.join(current_app.instance_path, "uploads"),
            )
        except register_import.ImportNotAllowed as exc:
            raise Forbidden(str(exc)) from exc
        if report["status"] == "refused":
            abort(
                422,
                message=report["message"],
                errors={"rows": report["errors"]},
                extra={"report": report},
            )
        return report, (200 if report["status"] == "dry_run" else 201)


def _upload_or_404(upload_id: int) -> Upload:
    upload = db.session.get(Upload, upload_id)
    if upload is None:
        raise NotFound(f"No upload {upload_id}.")
    return upload


@uploads.route("/<id:upload_id>")
class UploadItem(MethodView):
    @uploads.response(200, ReportSchema)
    def get(self, upload_id: int) -> dict[str, Any]:
        """The report of an upload."""
        upload = _upload_or_404(upload_id)
        return {**(upload.report or {}), "upload_id": upload.id, "status": upload.status}


@uploads.route("/<id:upload_id>/errors.xlsx")
class UploadErrors(MethodView):
    @uploads.response(
        200, description="The rejected rows as uploaded, bad cells highlighted with comments"
    )
    def get(self, upload_id: int) -> Any:
        upload = _upload_or_404(upload_id)
        buffer = io.BytesIO()
        upload_error_workbook(upload, buffer)
        buffer.seek(0)
        stem = os.path.splitext(upload.filename)[0] or "upload"
        return send_file(
            buffer, mimetype=XLSX, as_attachment=True, download_name=f"{stem} - rejected rows.xlsx"
        )


@templates.route("/contracts.xlsx")
class ContractTemplate(MethodView):
    @templates.response(
        200, description="A blank register with every canonical column and drop-downs"
    )
    def get(self) -> Any:
        buffer = io.BytesIO()
        contract_template(buffer)
        buffer.seek(0)
        return send_file(
            buffer,
            mimetype=XLSX,
            as_attachment=True,
            download_name="contract-register-template.xlsx",
        )


class MappingSchema(ma.Schema):
    mapping = fields.Dict(
        keys=fields.Str(validate=validate.Length(min=1, max=300)),
        values=fields.Str(validate=validate.OneOf(("", "extra", *FIELDS))),
        required=True,
        metadata={
            "description": "Heading as written in your register → field ('' or 'extra' keeps it in extra)"
        },
    )


@mappings.route("/<code>/column-mapping")
class CouncilMapping(MethodView):
    @mappings.response(200, MappingSchema)
    def get(self, code: str) -> dict[str, Any]:
        try:
            council = get_council(code)
        except AccountError as exc:
            raise NotFound(str(exc)) from exc
        return {"mapping": register_import.saved_column_mapping(council)}

    @mappings.arguments(MappingSchema)
    @mappings.response(200, MappingSchema)
    def put(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Save headings → fields; merged with what is saved already and used on the next upload."""
        try:
            council = get_council(code)
        except AccountError as exc:
            raise NotFound(str(exc)) from exc
        require_write(current_user, council.id, what="the column mapping")
        try:
            register_import.save_column_mapping(council, data["mapping"], user=current_user)
        except ValueError as exc:
            raise UnprocessableEntity(str(exc)) from exc
        db.session.commit()
        return {"mapping": register_import.saved_column_mapping(council)}


class AssignSchema(ma.Schema):
    contract_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=1000))
    category = fields.Str(required=True)
    teach = fields.Bool(
        load_default=True, metadata={"description": "Remember the council's label for next uploads"}
    )


class AssignResultSchema(ma.Schema):
    changed = fields.Int()


@classification.route("/assign")
class Assign(MethodView):
    @classification.arguments(AssignSchema)
    @classification.response(200, AssignResultSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Put contracts in a category (coordinators: any council; officers: their own)."""
        category = data["category"]
        if category != UNCLASSIFIED and category not in all_categories():
            raise UnprocessableEntity(f"Unknown category {category!r}.")
        contracts = list(
            db.session.scalars(select(Contract).where(Contract.id.in_(data["contract_ids"])))
        )
        missing = set(data["contract_ids"]) - {c.id for c in contracts}
        if missing:
            raise NotFound(f"No contract {', '.join(str(i) for i in sorted(missing))}.")
        for contract in contracts:
            if not (
                can_write(current_user, contract.council_id)
                or can_write(current_user, None, scope="coordination")
            ):
                require_write(current_user, contract.council_id, what="contract categories")
        changed = register_import.assign_category(
            contracts, category, user=current_user, teach=data["teach"]
        )
        db.session.commit()
        return {"changed": changed}
