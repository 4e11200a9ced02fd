"""`/api/v1/waste/…`: bulky waste profiles, the benchmark and joint service models."""

from __future__ import annotations

from typing import Any, NoReturn

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from procurehub import toolkit as tk

from . import service
from .bulky_benchmark import QUARTILE_METHOD, BenchmarkError
from .models import BulkyProfile, JointModel
from .profile_import import import_uploaded_profiles
from .schemas import (
    PROFILE_UPLOAD_BODY,
    BenchmarkQuerySchema,
    BenchmarkSchema,
    JointModelChangeSchema,
    JointModelInSchema,
    JointModelPageSchema,
    JointModelSchema,
    JointResultSchema,
    PageQuerySchema,
    PreviewInSchema,
    ProfileInSchema,
    ProfilePageSchema,
    ProfileQuerySchema,
    ProfileSchema,
)


def _refuse(exc: service.ProfileRefused) -> NoReturn:
    count = len(exc.errors)
    abort(
        exc.status,
        message=f"The profile was not saved: {count} problem{'s' if count != 1 else ''}; "
        "see errors for each field.",
        errors=service.issues_by_field(exc.errors),
        extra={"warnings": service.issues_json(exc.warnings)},
    )


def _refuse_model(exc: service.JointModelRefused) -> NoReturn:
    abort(422, message=str(exc), errors=exc.errors)


def _profile_or_404(profile_id: int) -> BulkyProfile:
    row = tk.session.get(BulkyProfile, profile_id)
    if row is None:
        abort(404, message=f"No bulky waste profile {profile_id}.")
    return row


def _model_or_404(model_id: int) -> JointModel:
    model = tk.session.get(JointModel, model_id)
    if model is None:
        abort(404, message=f"No joint service model {model_id}.")
    return model


def api_blueprint() -> Blueprint:
    blp = Blueprint(
        "waste_bulky_api",
        __name__,
        url_prefix="/api/v1/waste",
        description="Bulky waste: service profiles, benchmark and joint service models",
    )

    @blp.route("/bulky-profile-uploads")
    class ProfileUploads(MethodView):
        @blp.doc(requestBody=PROFILE_UPLOAD_BODY)
        @blp.response(201, tk.RecordImportReportSchema)
        @blp.alt_response(
            200, schema=tk.RecordImportReportSchema, description="Dry run: what would happen"
        )
        @blp.alt_response(403, description="Not your council's profiles")
        @blp.alt_response(
            422,
            description="Nothing stored: the file was refused or rows have errors (the "
            "report is in `report`)",
        )
        def post(self) -> Any:
            """Upload a council's filled-in bulky waste template (multipart field `file`), one
            row per financial year: the report of `procurehub waste import-profiles --json`.
            The rejected rows' workbook is `/api/v1/uploads/<upload_id>/errors.xlsx`."""
            return tk.answer_record_upload(import_uploaded_profiles, what="the template")

    @blp.route("/bulky-profiles")
    class Profiles(MethodView):
        @blp.arguments(ProfileQuerySchema, location="query")
        @blp.response(200, ProfilePageSchema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Every council's bulky waste profiles (filter by `council` code and `year`)."""
            page = tk.keyset_page(
                service.profiles_query(args.get("council"), args.get("year")),
                BulkyProfile.id,
                args.get("cursor"),
                args["limit"],
            )
            return {
                "items": [service.profile_json(row) for row in page["items"]],
                "next": page["next"],
            }

        @blp.arguments(ProfileInSchema)
        @blp.response(201, ProfileSchema)
        def post(self, data: dict[str, Any]) -> dict[str, Any]:
            """Record a council's bulky waste service for a financial year.

            Every problem is reported at once (422, `errors` by field); warnings do not stop
            it and come back in `warnings`. A year already recorded is 409.
            """
            if data.get("council_code") in (None, ""):
                data["council_code"] = tk.council_code_of(tk.current_user)
            try:
                row, _warnings = service.create_profile(data, user=tk.current_user)
            except service.ProfileRefused as exc:
                _refuse(exc)
            tk.session.commit()
            return service.profile_json(row)

    @blp.route("/bulky-profiles/<id:profile_id>")
    class Profile(MethodView):
        @blp.response(200, ProfileSchema)
        def get(self, profile_id: int) -> dict[str, Any]:
            return service.profile_json(_profile_or_404(profile_id))

        @blp.arguments(ProfileInSchema)
        @blp.response(200, ProfileSchema)
        def patch(self, data: dict[str, Any], profile_id: int) -> dict[str, Any]:
            """Change some fields (those not sent stay as they are)."""
            return _update(data, profile_id)

        @blp.arguments(ProfileInSchema)
        @blp.response(200, ProfileSchema)
        def put(self, data: dict[str, Any], profile_id: int) -> dict[str, Any]:
            """Same as PATCH: fields not sent stay as they are."""
            return _update(data, profile_id)

        @blp.response(204)
        def delete(self, profile_id: int) -> None:
            service.delete_profile(_profile_or_404(profile_id), user=tk.current_user)
            tk.session.commit()

    def _update(data: dict[str, Any], profile_id: int) -> dict[str, Any]:
        row = _profile_or_404(profile_id)
        try:
            service.update_profile(row, data, user=tk.current_user)
        except service.ProfileRefused as exc:
            tk.session.rollback()
            _refuse(exc)
        tk.session.commit()
        return service.profile_json(row)

    @blp.route("/bulky-benchmark")
    class BulkyBenchmark(MethodView):
        @blp.arguments(BenchmarkQuerySchema, location="query")
        @blp.response(200, BenchmarkSchema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Each measure across councils for one year: quartiles and each council against
            the median (households for per-1,000 figures from the seed, marked approximate)."""
            year = args.get("year") or service.latest_year()
            if year is None:
                return {
                    "financial_year": None,
                    "financial_years": [],
                    "councils": [],
                    "households_source": None,
                    "quartile_method": QUARTILE_METHOD,
                    "measures": [],
                }
            try:
                view = service.benchmark_for(year)
            except BenchmarkError as exc:
                abort(422, message=str(exc), errors={"year": [str(exc)]})
            return service.benchmark_json(view)

    @blp.route("/joint-models")
    class JointModels(MethodView):
        @blp.arguments(PageQuerySchema, location="query")
        @blp.response(200, JointModelPageSchema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Every saved joint service model (shared with every signed-in user)."""
            from sqlalchemy import select

            page = tk.keyset_page(
                select(JointModel), JointModel.id, args.get("cursor"), args["limit"]
            )
            return {
                "items": [service.model_json(m, tk.current_user) for m in page["items"]],
                "next": page["next"],
            }

        @blp.arguments(JointModelInSchema)
        @blp.response(201, JointModelSchema)
        def post(self, data: dict[str, Any]) -> dict[str, Any]:
            """Save a named model for a group of councils (it must work out to be saved)."""
            try:
                model = service.save_joint_model(data, user=tk.current_user)
            except service.JointModelRefused as exc:
                tk.session.rollback()
                _refuse_model(exc)
            tk.session.commit()
            return service.model_json(model, tk.current_user)

    @blp.route("/joint-models/preview")
    class JointModelPreview(MethodView):
        @blp.arguments(PreviewInSchema)
        @blp.response(200, JointResultSchema)
        def post(self, data: dict[str, Any]) -> dict[str, Any]:
            """Work out a joint service without saving it."""
            try:
                request = service.read_joint_request(
                    data["councils"], data["financial_year"], data["assumptions"]
                )
                return service.result_json(service.work_out(request))
            except service.JointModelRefused as exc:
                _refuse_model(exc)

    @blp.route("/joint-models/<id:model_id>")
    class JointModelItem(MethodView):
        @blp.response(200, JointModelSchema)
        def get(self, model_id: int) -> dict[str, Any]:
            return service.model_json(_model_or_404(model_id), tk.current_user)

        @blp.arguments(JointModelChangeSchema(partial=True))
        @blp.response(200, JointModelSchema)
        def patch(self, data: dict[str, Any], model_id: int) -> dict[str, Any]:
            """Change a model (its author, coordinators and administrators)."""
            return _update_model(data, model_id)

        @blp.arguments(JointModelChangeSchema(partial=True))
        @blp.response(200, JointModelSchema)
        def put(self, data: dict[str, Any], model_id: int) -> dict[str, Any]:
            """Same as PATCH."""
            return _update_model(data, model_id)

        @blp.response(204)
        def delete(self, model_id: int) -> None:
            service.delete_joint_model(_model_or_404(model_id), user=tk.current_user)
            tk.session.commit()

    def _update_model(data: dict[str, Any], model_id: int) -> dict[str, Any]:
        model = _model_or_404(model_id)
        try:
            service.save_joint_model(data, user=tk.current_user, model=model)
        except service.JointModelRefused as exc:
            tk.session.rollback()
            _refuse_model(exc)
        tk.session.commit()
        return service.model_json(model, tk.current_user)

    return blp
