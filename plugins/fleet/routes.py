"""The fleet API under `/api/v1/fleet`: standards, council specs, comparison, variation count,
cost parameters and the catalogue. Thin: each route calls the service and maps its errors
(not found 404, conflict 409, a value to correct 422, not allowed 403)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import BytesIO
from typing import Any

from flask import request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import Conflict, NotFound, UnprocessableEntity

from procurehub import toolkit as tk

from . import (
    catalogue_store,
    council_spec_edits,
    council_specs,
    errors,
    parameters,
    spec_comparison,
    spec_template,
    standard_drafts,
    standards,
    variation,
)
from .measures import FleetError
from .schemas import (
    CompareQuerySchema,
    CouncilSpecPage,
    CouncilSpecQuerySchema,
    CouncilSpecSchema,
    CouncilSpecUpdateSchema,
    DraftCreateSchema,
    DraftSettingsSchema,
    ParameterPage,
    ParameterSchema,
    RequirementBodySchema,
    SpecComparisonSchema,
    SpecUploadResultSchema,
    StandardPage,
    StandardQuerySchema,
    StandardSchema,
    TemplateQuerySchema,
    VariationsSchema,
    VehiclePage,
    VehicleSchema,
)
from .vehicle_routes import add_vehicle_routes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@contextmanager
def fleet_errors() -> Iterator[None]:
    """The service's errors as HTTP errors with the service's own message."""
    try:
        yield
    except errors.FleetNotFound as exc:
        raise NotFound(str(exc)) from exc
    except errors.FleetConflict as exc:
        raise Conflict(str(exc)) from exc
    except FleetError as exc:
        raise UnprocessableEntity(str(exc)) from exc


def _page(items: list[Any]) -> dict[str, Any]:
    return {"items": items, "next": None}


def _vehicle_json(vehicle: Any) -> dict[str, Any]:
    return {
        "id": vehicle.id,
        "make": vehicle.make,
        "model": vehicle.model,
        "variant": vehicle.variant,
        "name": catalogue_store.vehicle_name(vehicle),
        "body": vehicle.body,
        "gvw_kg": vehicle.gvw_kg,
        "compliant": vehicle.compliant,
        "failures": vehicle.failures or [],
        "sources": vehicle.sources or [],
    }


def api_blueprint() -> Blueprint:
    blp = Blueprint(
        "fleet_api",
        __name__,
        url_prefix="/api/v1/fleet",
        description="Fleet: standard vehicle specifications, council specs, comparison, "
        "variation count",
    )

    # -- standards -----------------------------------------------------------------------------

    @blp.route("/standards")
    class Standards(MethodView):
        @blp.arguments(StandardQuerySchema, location="query")
        @blp.response(200, StandardPage)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Every version of every standard (filter by `vehicle_class`, `status`)."""
            records = standards.standard_versions(args.get("vehicle_class"), args.get("status"))
            return _page([standards.standard_json(r) for r in records])

    @blp.route("/standards/drafts")
    class Drafts(MethodView):
        @blp.arguments(DraftCreateSchema)
        @blp.response(201, StandardSchema)
        @blp.alt_response(409, description="A draft of this class already exists")
        def post(self, data: dict[str, Any]) -> dict[str, Any]:
            """Start a draft from the adopted version (coordinators and network managers)."""
            with fleet_errors():
                record = standard_drafts.start_draft(data["vehicle_class"], tk.current_user)
            tk.session.commit()
            return standards.standard_json(record)

    @blp.route("/standards/<id:spec_id>")
    class StandardItem(MethodView):
        @blp.response(200, StandardSchema)
        def get(self, spec_id: int) -> dict[str, Any]:
            """One version of a standard, with its requirements and their rationale."""
            with fleet_errors():
                return standards.standard_json(standards.get_standard_version(spec_id))

        @blp.arguments(DraftSettingsSchema)
        @blp.response(200, StandardSchema)
        @blp.alt_response(409, description="The version is adopted or retired")
        def patch(self, data: dict[str, Any], spec_id: int) -> dict[str, Any]:
            """Change a draft's title or derating settings; adopted versions are never edited."""
            with fleet_errors():
                record = standard_drafts.edit_draft_settings(spec_id, data, tk.current_user)
            tk.session.commit()
            return standards.standard_json(record)

        @blp.response(204)
        @blp.alt_response(409, description="Only a draft can be discarded")
        def delete(self, spec_id: int) -> None:
            """Discard a draft."""
            with fleet_errors():
                standard_drafts.discard_draft(spec_id, tk.current_user)
            tk.session.commit()

    @blp.route("/standards/<id:spec_id>/requirements/<attribute>")
    class RequirementItem(MethodView):
        @blp.arguments(RequirementBodySchema)
        @blp.response(200, StandardSchema)
        @blp.alt_response(409, description="The version is adopted or retired")
        def put(self, data: dict[str, Any], spec_id: int, attribute: str) -> dict[str, Any]:
            """Add or replace one requirement of a draft."""
            if data.get("attribute") not in (None, attribute):
                raise UnprocessableEntity(
                    f"The body names {data['attribute']!r} but the path names {attribute!r}."
                )
            data["attribute"] = attribute
            with fleet_errors():
                standard_drafts.set_draft_requirement(spec_id, data, tk.current_user)
            tk.session.commit()
            return standards.standard_json(standards.get_standard_version(spec_id))

        @blp.response(200, StandardSchema)
        @blp.alt_response(409, description="The version is adopted or retired")
        def delete(self, spec_id: int, attribute: str) -> dict[str, Any]:
            """Remove one requirement from a draft."""
            with fleet_errors():
                standard_drafts.remove_draft_requirement(spec_id, attribute, tk.current_user)
            tk.session.commit()
            return standards.standard_json(standards.get_standard_version(spec_id))

    @blp.route("/standards/<id:spec_id>/adopt")
    class Adopt(MethodView):
        @blp.response(200, StandardSchema)
        @blp.alt_response(409, description="Only a draft can be adopted")
        def post(self, spec_id: int) -> dict[str, Any]:
            """Adopt a draft: it becomes the class's standard and the previous one retires."""
            with fleet_errors():
                record = standard_drafts.adopt_draft(spec_id, tk.current_user)
            tk.session.commit()
            return standards.standard_json(record)

    # -- council specs -------------------------------------------------------------------------

    @blp.route("/specs")
    class Specs(MethodView):
        @blp.arguments(CouncilSpecQuerySchema, location="query")
        @blp.response(200, CouncilSpecPage)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Every council's vehicle specifications (filter by `council`, `vehicle_class`)."""
            names = tk.council_names()
            specs = council_specs.council_specs(args.get("council"), args.get("vehicle_class"))
            return _page([council_specs.council_spec_json(s, names) for s in specs])

        @blp.arguments(CouncilSpecSchema)
        @blp.response(201, CouncilSpecSchema)
        def post(self, data: dict[str, Any]) -> dict[str, Any]:
            """Add a spec for your council (officers and network managers, own council only)."""
            code = data.pop("council_code", None) or tk.council_code_of(tk.current_user)
            with fleet_errors():
                spec = council_spec_edits.create_council_spec(code, data, tk.current_user)
            tk.session.commit()
            return council_specs.council_spec_json(spec)

    @blp.route("/specs/template.xlsx")
    class SpecTemplate(MethodView):
        @blp.arguments(TemplateQuerySchema, location="query")
        @blp.response(200, description="An xlsx listing the standard's attributes to fill in")
        def get(self, args: dict[str, Any]) -> Any:
            """The spec template for a vehicle class."""
            with fleet_errors():
                data = spec_template.spec_template(args["vehicle_class"])
            return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True,
                             download_name=f"{args['vehicle_class']}_spec_template.xlsx")

    @blp.route("/specs/upload")
    class SpecUpload(MethodView):
        @blp.doc(
            requestBody={
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "format": "binary",
                                         "description": "The filled template (.xlsx)"},
                                "council": {"type": "string",
                                            "description": "Council code (default: yours)"},
                            },
                        }
                    }
                },
            }
        )
        @blp.response(201, SpecUploadResultSchema)
        @blp.alt_response(200, schema=SpecUploadResultSchema,
                          description="The council's spec of that name was updated")
        def post(self) -> Any:
            """Upload a filled spec template: creates the spec, or updates the one with its
            name (re-uploading the same file changes nothing)."""
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                raise UnprocessableEntity("Send the filled template as the multipart field 'file'.")
            code = (request.form.get("council") or "").replace("\x00", "") or tk.council_code_of(
                tk.current_user
            )
            with fleet_errors():
                spec, created = spec_template.store_spec_upload(upload, code or "", tk.current_user)
            tk.session.commit()
            return {"created": created, "spec": council_specs.council_spec_json(spec)}, (
                201 if created else 200
            )

    @blp.route("/specs/<id:spec_id>")
    class SpecItem(MethodView):
        @blp.response(200, CouncilSpecSchema)
        def get(self, spec_id: int) -> dict[str, Any]:
            with fleet_errors():
                return council_specs.council_spec_json(council_specs.get_council_spec(spec_id))

        @blp.arguments(CouncilSpecUpdateSchema(partial=True))
        @blp.response(200, CouncilSpecSchema)
        def patch(self, data: dict[str, Any], spec_id: int) -> dict[str, Any]:
            """Change some fields of your council's spec."""
            with fleet_errors():
                spec = council_spec_edits.update_council_spec(
                    council_specs.get_council_spec(spec_id), data, tk.current_user
                )
            tk.session.commit()
            return council_specs.council_spec_json(spec)

        @blp.response(204)
        def delete(self, spec_id: int) -> None:
            with fleet_errors():
                council_spec_edits.delete_council_spec(
                    council_specs.get_council_spec(spec_id), tk.current_user
                )
            tk.session.commit()

    # -- comparison and variation count --------------------------------------------------------

    @blp.route("/compare")
    class Compare(MethodView):
        @blp.arguments(CompareQuerySchema, location="query")
        @blp.response(200, SpecComparisonSchema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Council specs (`specs=1,2`) and catalogue models (`vehicles=3,4`) side by side
            against the adopted standard: every cell judged and explained, a compliance score
            per spec, and the whole-life cost and CO2e against a diesel baseline."""
            with fleet_errors():
                return spec_comparison.comparison(args["specs"], args["vehicles"])

    @blp.route("/compare.xlsx")
    class CompareWorkbook(MethodView):
        @blp.arguments(CompareQuerySchema, location="query")
        @blp.response(200, description="The comparison table as an xlsx workbook")
        def get(self, args: dict[str, Any]) -> Any:
            """The same comparison as an Excel workbook."""
            with fleet_errors():
                data = spec_comparison.comparison_workbook(
                    spec_comparison.comparison(args["specs"], args["vehicles"])
                )
            return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True,
                             download_name=f"fleet_comparison_{date.today().isoformat()}.xlsx")

    @blp.route("/variations")
    class Variations(MethodView):
        @blp.response(200, VariationsSchema)
        def get(self) -> dict[str, Any]:
            """Per vehicle class: distinct specifications in use across councils, how many
            comply, and the count's trend (one point per day it changed)."""
            out = []
            for vehicle_class, count in variation.variation_counts().items():
                trend = [
                    {"date": s.taken_on.isoformat(), "distinct": s.distinct_specs,
                     "compliant": s.compliant_specs, "councils": s.councils}
                    for s in variation.variation_trend(vehicle_class)
                ]
                out.append({**count, "trend": trend})
            return {"variations": out}

    # -- parameters and catalogue --------------------------------------------------------------

    @blp.route("/parameters")
    class Parameters(MethodView):
        @blp.response(200, ParameterPage)
        def get(self) -> dict[str, Any]:
            """Every dated value of the whole-life cost parameters, with its source."""
            return _page(parameters.parameter_rows())

        @blp.arguments(ParameterSchema)
        @blp.response(201, ParameterSchema)
        def post(self, data: dict[str, Any]) -> Any:
            """A new dated value of a parameter (coordinators and network managers)."""
            with fleet_errors():
                row = parameters.add_parameter_value(data, tk.current_user)
            tk.session.commit()
            return row

    @blp.route("/catalogue")
    class Catalogue(MethodView):
        @blp.response(200, VehiclePage)
        def get(self) -> dict[str, Any]:
            """The vehicle catalogue: real models with their compliance."""
            return _page([_vehicle_json(v) for v in catalogue_store.catalogue_vehicles()])

    @blp.route("/catalogue/<id:vehicle_id>")
    class CatalogueItem(MethodView):
        @blp.response(200, VehicleSchema)
        def get(self, vehicle_id: int) -> dict[str, Any]:
            with fleet_errors():
                return _vehicle_json(catalogue_store.get_vehicle(vehicle_id))

    add_vehicle_routes(blp)
    return blp

