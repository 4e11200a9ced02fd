"""The fleet API's fleet-list routes under `/api/v1/fleet`: uploads, vehicles, replacement
demand and replacement ages. Thin: each route calls `vehicles` and maps its errors (a value to
correct 422, not allowed 403, not found 404)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from werkzeug.exceptions import NotFound, UnprocessableEntity

from procurehub import toolkit as tk

from . import vehicles
from .measures import FleetError
from .models import Vehicle
from .schemas import (
    VEHICLE_UPLOAD_BODY,
    FleetDemandQuerySchema,
    FleetDemandSchema,
    FleetListVehiclePage,
    FleetListVehicleQuerySchema,
    FleetListVehicleSchema,
    ReplacementAgesSchema,
    ReplacementAgesUpdateSchema,
)


def _council_or_422(code: str) -> str:
    if tk.council_id(code) is None:
        raise UnprocessableEntity(f"There is no council with the code {code!r}.")
    return code


def add_vehicle_routes(blp: Any) -> None:
    """Register the fleet-list routes on the fleet API blueprint."""

    @blp.route("/vehicle-uploads")
    class VehicleUploads(MethodView):
        @blp.doc(requestBody=VEHICLE_UPLOAD_BODY)
        @blp.response(201, tk.RecordImportReportSchema)
        @blp.alt_response(
            200, schema=tk.RecordImportReportSchema, description="Dry run: what would happen"
        )
        @blp.alt_response(403, description="Not your council's fleet list")
        @blp.alt_response(
            422,
            description="Nothing stored: the file was refused or rows have "
            "errors (the report is in `report`)",
        )
        def post(self) -> Any:
            """Upload a council's fleet list as it is (multipart field `file`): the same
            report as `procurehub fleet import-vehicles --json`. The rejected rows' workbook is
            at `/api/v1/uploads/<upload_id>/errors.xlsx`."""
            return tk.answer_record_upload(
                vehicles.import_uploaded_fleet_list, what="the fleet list", refusals=(FleetError,)
            )

    @blp.route("/vehicles")
    class VehicleList(MethodView):
        @blp.arguments(FleetListVehicleQuerySchema, location="query")
        @blp.response(200, FleetListVehiclePage)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Vehicles from councils' fleet lists (filters `council`, `category`, `fuel`,
            `replacement_year`; `listed=all` includes vehicles missing from their council's
            latest list)."""
            page = tk.keyset_page(
                vehicles.vehicle_query(args), Vehicle.id, args.get("cursor"), args["limit"]
            )
            names = tk.council_names()
            return {
                "items": [vehicles.vehicle_json(v, names) for v in page["items"]],
                "next": page["next"],
            }

    @blp.route("/vehicles/<id:vehicle_id>")
    class VehicleItem(MethodView):
        @blp.response(200, FleetListVehicleSchema)
        def get(self, vehicle_id: int) -> dict[str, Any]:
            """One vehicle, with its class, replacement year and the columns kept as given."""
            try:
                return vehicles.vehicle_json(vehicles.get_vehicle(vehicle_id))
            except vehicles.VehicleNotFound as exc:
                raise NotFound(str(exc)) from exc

    @blp.route("/demand")
    class Demand(MethodView):
        @blp.arguments(FleetDemandQuerySchema, location="query")
        @blp.response(200, FleetDemandSchema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Replacement demand: vehicles by replacement year x class x council x fuel, one
            row per combination that has vehicles (as `procurehub fleet demand --json`)."""
            return {"demand": vehicles.demand(args)}

    @blp.route("/replacement-ages/<council_code>")
    class ReplacementAges(MethodView):
        @blp.response(200, ReplacementAgesSchema)
        def get(self, council_code: str) -> dict[str, Any]:
            """A council's replacement age per vehicle class (its own, or the default)."""
            code = _council_or_422(council_code[:20])
            return {"council_code": code, "ages": vehicles.replacement_ages(code)}

        @blp.arguments(ReplacementAgesUpdateSchema)
        @blp.response(200, ReplacementAgesSchema)
        @blp.alt_response(403, description="Not your council")
        def put(self, data: dict[str, Any], council_code: str) -> dict[str, Any]:
            """Set the council's own ages (`{"ages": {"fleet.vans_lt_3_5t": 6}}`; null: back to
            the default). Its vehicles' replacement years, the demand and the joint purchases
            follow."""
            code = _council_or_422(council_code[:20])
            try:
                vehicles.set_replacement_ages(code, data["ages"], tk.current_user)
            except FleetError as exc:
                tk.session.rollback()
                raise UnprocessableEntity(str(exc)) from exc
            tk.session.commit()
            return {"council_code": code, "ages": vehicles.replacement_ages(code)}
