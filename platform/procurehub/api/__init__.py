"""The REST API (`/api/v1`): flask-smorest, one error format, plugin routes alongside."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_smorest import Api
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException


def error_payload(error: HTTPException) -> dict[str, Any]:
    """`{"code", "status", "message", "errors"}` for every API error (DESIGN §4)."""
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    if (
        isinstance(errors, dict)
        and set(errors) <= {"json", "query", "form", "files"}
        and len(errors) == 1
    ):
        errors = next(iter(errors.values()))  # webargs nests by location; one location is noise
    message = data.get("message") or error.description or error.name
    if error.code == 422 and errors and message == error.description:
        message = "Some values are not valid; see errors for each field."
    payload = {"code": error.code, "status": error.name, "message": message, "errors": errors}
    payload.update(data.get("extra") or {})  # e.g. the import report of a refused upload
    return payload


def handle_http_exception(error: HTTPException) -> Any:
    if request.path.startswith("/api/"):
        headers = (getattr(error, "data", None) or {}).get("headers", {})
        return error_payload(error), error.code, headers
    if isinstance(error, CSRFError):  # a form left open too long, or a forged one
        error = BadRequest(
            "The page had expired, so nothing was changed. Go back, reload the page and try again."
        )
    return render_template("error.html", error=error), error.code


class ProcureHubApi(Api):
    """flask-smorest's Api with our error format for API paths and HTML pages elsewhere."""

    def handle_http_exception(self, error: HTTPException) -> Any:
        return handle_http_exception(error)


def init_app(app: Flask) -> None:
    """Create the app's Api; capabilities and plugins then add their blueprints to it."""
    # One Api per app: the OpenAPI document depends on which plugins this app enables.
    api_ext = ProcureHubApi(app)
    app.extensions["procurehub.api"] = api_ext
    api_ext.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api_ext.spec.options["security"] = [{"bearerAuth": []}]


def register_api(app: Flask, *blueprints: Any) -> None:
    """Add flask-smorest blueprints to the API (and so to the OpenAPI document)."""
    for blueprint in blueprints:
        app.extensions["procurehub.api"].register_blueprint(blueprint)
