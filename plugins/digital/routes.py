"""The Digital API under `/api/v1/digital/...` (flask-smorest: documented in the OpenAPI file).

- `systems`: every council's system inventory (list with `category`, `council`; get, create,
  update, delete). Writes follow the core rule: your own council's systems only.
- `system-uploads`: POST a council's inventory file (multipart `file`), imported through the
  core pipeline; the report of `procurehub digital import-systems --json`.
- `business-cases`: one per system category (list, get, create, update, delete), its
  `appraisal` (the economic case) and `workbook.xlsx` (live formulas). Built by digital leads,
  coordinators and administrators; everyone signed in reads them.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import Conflict, NotFound, UnprocessableEntity

from procurehub import toolkit as tk

from . import service
from .green_book import AppraisalError
from .inventory_import import import_uploaded_inventory
from .models import DigitalBusinessCase, DigitalSystem
from .schemas import (
    SYSTEM_UPLOAD_BODY,
    AppraisalSchema,
    BusinessCaseSchema,
    BusinessCaseUpdateSchema,
    InventoryReportSchema,
    SystemPage,
    SystemQuerySchema,
    SystemSchema,
    SystemUpdateSchema,
)


def _system_or_404(system_id: int) -> DigitalSystem:
    system = service.get_system(system_id)
    if system is None:
        raise NotFound(f"No system {system_id}.")
    return system


def _case_or_404(case_id: int) -> DigitalBusinessCase:
    case = service.get_case(case_id)
    if case is None:
        raise NotFound(f"No business case {case_id}.")
    return case


def _refused(exc: Exception) -> UnprocessableEntity:
    return UnprocessableEntity(str(exc)[:1].upper() + str(exc)[1:])


def api_blueprint() -> Blueprint:
    blp = Blueprint(
        "digital_api",
        __name__,
        url_prefix="/api/v1/digital",
        description="Digital: system inventory and Green Book business cases",
    )

    @blp.route("/systems")
    class Systems(MethodView):
        @blp.arguments(SystemQuerySchema, location="query")
        @blp.response(200, SystemPage)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Every council's fleet and housing management systems."""
            stmt = service.system_query(args.get("category"), args.get("council"))
            return tk.keyset_page(stmt, DigitalSystem.id, args.get("cursor"), args["limit"])

        @blp.arguments(SystemSchema)
        @blp.response(201, SystemSchema)
        def post(self, data: dict[str, Any]) -> DigitalSystem:
            """Record a system your council runs (your own council's only)."""
            code = data.pop("council_code", None) or tk.council_code_of(tk.current_user)
            try:
                system = service.create_system(code, data, user=tk.current_user)
            except service.InventoryError as exc:
                raise _refused(exc) from exc
            tk.session.commit()
            return system

    @blp.route("/systems/<id:system_id>")
    class SystemItem(MethodView):
        @blp.response(200, SystemSchema)
        def get(self, system_id: int) -> DigitalSystem:
            return _system_or_404(system_id)

        @blp.arguments(SystemUpdateSchema(partial=True))
        @blp.response(200, SystemSchema)
        def patch(self, data: dict[str, Any], system_id: int) -> DigitalSystem:
            """Change some fields of a system (fields not sent are left as they are)."""
            return _update_system(data, system_id)

        @blp.arguments(SystemUpdateSchema(partial=True))
        @blp.response(200, SystemSchema)
        def put(self, data: dict[str, Any], system_id: int) -> DigitalSystem:
            """Same as PATCH."""
            return _update_system(data, system_id)

        @blp.response(204)
        def delete(self, system_id: int) -> None:
            service.delete_system(_system_or_404(system_id), user=tk.current_user)
            tk.session.commit()

    @blp.route("/system-uploads")
    class SystemUploads(MethodView):
        @blp.doc(requestBody=SYSTEM_UPLOAD_BODY)
        @blp.response(201, InventoryReportSchema)
        @blp.alt_response(
            200, schema=InventoryReportSchema, description="Dry run: what would happen"
        )
        @blp.alt_response(403, description="Not your council's systems")
        @blp.alt_response(
            422,
            description="Nothing stored: the file was refused or rows have errors (the "
            "report is in `report`)",
        )
        def post(self) -> Any:
            """Upload a council's system inventory as it keeps it (multipart field `file`;
            .xlsx .xlsm .xls .ods .csv). Systems are matched on category and product, so the
            same file again changes nothing; systems missing from the file are reported, never
            deleted. The rejected rows' workbook is `/api/v1/uploads/<upload_id>/errors.xlsx`."""
            return tk.answer_record_upload(import_uploaded_inventory, what="the system inventory")

    @blp.route("/business-cases")
    class BusinessCases(MethodView):
        @blp.response(200, BusinessCaseSchema(many=True))
        def get(self) -> list[DigitalBusinessCase]:
            """The business cases (one per system category)."""
            return service.all_cases()

        @blp.arguments(BusinessCaseSchema)
        @blp.response(201, BusinessCaseSchema)
        def post(self, data: dict[str, Any]) -> DigitalBusinessCase:
            """Build the business case of a system category.

            Without `options`, business as usual, do minimum and the single national system
            are generated from the inventory and the scaling `rules` (defaults are filled in).
            """
            service.require_case_builder(tk.current_user)
            category = data.pop("category")
            if service.case_for(category) is not None:
                raise Conflict(
                    f"There is already a business case for {category}; change it with PATCH."
                )
            generate = data.pop("generate", None)
            try:
                case = service.save_case(category, data, user=tk.current_user, generate=generate)
            except (AppraisalError, ValueError) as exc:
                raise _refused(exc) from exc
            tk.session.commit()
            return case

    @blp.route("/business-cases/<id:case_id>")
    class BusinessCaseItem(MethodView):
        @blp.response(200, BusinessCaseSchema)
        def get(self, case_id: int) -> DigitalBusinessCase:
            return _case_or_404(case_id)

        @blp.arguments(BusinessCaseUpdateSchema(partial=True))
        @blp.response(200, BusinessCaseSchema)
        def patch(self, data: dict[str, Any], case_id: int) -> DigitalBusinessCase:
            """Change parameters, rules, entered options or outline; `generate` works the
            standard options out from the inventory again."""
            return _update_case(data, case_id)

        @blp.arguments(BusinessCaseUpdateSchema(partial=True))
        @blp.response(200, BusinessCaseSchema)
        def put(self, data: dict[str, Any], case_id: int) -> DigitalBusinessCase:
            """Same as PATCH."""
            return _update_case(data, case_id)

        @blp.response(204)
        def delete(self, case_id: int) -> None:
            service.delete_case(_case_or_404(case_id), user=tk.current_user)
            tk.session.commit()

    @blp.route("/business-cases/<id:case_id>/appraisal")
    class CaseAppraisal(MethodView):
        @blp.response(200, AppraisalSchema)
        def get(self, case_id: int) -> dict[str, Any]:
            """The economic case: PVs, NPSV, BCR, value for money, payback, switching values,
            sensitivity, joining schedule and savings per council (Green Book)."""
            case = _case_or_404(case_id)
            try:
                result = service.appraise_stored(case)
            except AppraisalError as exc:
                raise _refused(exc) from exc
            return service.appraisal_document(case, result)

    @blp.route("/business-cases/<id:case_id>/workbook.xlsx")
    class CaseWorkbook(MethodView):
        @blp.response(
            200,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            description="The appraisal workbook: discount factors, PVs, NPSV and BCR as live "
            "Excel formulas",
        )
        def get(self, case_id: int) -> Response:
            case = _case_or_404(case_id)
            try:
                body = service.workbook_bytes(case)
            except AppraisalError as exc:
                raise _refused(exc) from exc
            return Response(
                body,
                mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={
                    "Content-Disposition": (
                        f'attachment; filename="{service.workbook_filename(case)}"'
                    )
                },
            )

    return blp


def _update_system(data: dict[str, Any], system_id: int) -> DigitalSystem:
    system = _system_or_404(system_id)
    try:
        service.update_system(system, data, user=tk.current_user)
    except service.InventoryError as exc:
        raise _refused(exc) from exc
    tk.session.commit()
    return system


def _update_case(data: dict[str, Any], case_id: int) -> DigitalBusinessCase:
    case = _case_or_404(case_id)
    service.require_case_builder(tk.current_user)
    generate = data.pop("generate", None)
    try:
        service.save_case(case.category, data, user=tk.current_user, generate=bool(generate))
    except (AppraisalError, ValueError) as exc:
        raise _refused(exc) from exc
    tk.session.commit()
    return case
