"""The REST API (`/api/v1`): flask-smorest, one error format, plugin routes alongside."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_smorest import Api, abort
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException

from procurehub.api.ids import IdConverter, id_param_schema


def _text_keys(value: Any) -> Any:
    """Error details with every mapping key as text.

    Field names come from the request: a multipart part without a name arrives as None, and
    JSON (sorted keys) cannot mix None with text, which made a bad upload a 500.
    """
    if isinstance(value, dict):
        return {("" if k is None else str(k)): _text_keys(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_text_keys(v) for v in value]
    return value


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
    payload = {
        "code": error.code,
        "status": error.name,
        "message": message,
        "errors": _text_keys(errors),
    }
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
    """Create the app's Api; capabilities and plugins then add their blueprints to it.

    Also registers the `<id:…>` URL converter, which every route with an object id uses (API
    and pages alike); the OpenAPI document describes it as a bounded integer.
    """
    app.url_map.converters["id"] = IdConverter
    # One Api per app: the OpenAPI document depends on which plugins this app enables.
    api_ext = ProcureHubApi(app)
    app.extensions["procurehub.api"] = api_ext
    api_ext.register_converter(IdConverter, id_param_schema)
    api_ext.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api_ext.spec.options["security"] = [{"bearerAuth": []}]


def register_api(app: Flask, *blueprints: Any) -> None:
    """Add flask-smorest blueprints to the API (and so to the OpenAPI document)."""
    for blueprint in blueprints:
        app.extensions["procurehub.api"].register_blueprint(blueprint)
        # After sign-in (an app-wide before_request), before any view of this blueprint.
        app.before_request_funcs.setdefault(blueprint.name, []).append(refuse_nul_characters)


NUL = "\x00"
NUL_MESSAGE = "Contains the NUL character (\\u0000), which text cannot hold; remove it."


def _nul_places(value: Any, where: str = "") -> list[str]:
    """Where a decoded JSON value holds a NUL character, in keys or text, as dotted paths."""
    if isinstance(value, str):
        return [where] if NUL in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            place = f"{where}.{key}" if where else str(key)
            found += [place] if NUL in str(key) else _nul_places(item, place)
        return found
    if isinstance(value, list):
        return [
            p
            for i, item in enumerate(value)
            for p in _nul_places(item, f"{where}.{i}" if where else str(i))
        ]
    return []


def refuse_nul_characters() -> None:
    """No API request carries a NUL character to the database.

    PostgreSQL cannot store NUL in text or JSON ("text fields cannot contain NUL"), so one in a
    path, query, form field or JSON body was a 500 there. It is refused here, once, for every
    API route: 404 in the path (it can name nothing), else 422 naming the parameter.
    """
    if any(NUL in str(value) for value in (request.view_args or {}).values()):
        abort(404, message="Nothing has that name: the address contains a NUL character.")
    errors: dict[str, dict[str, list[str]]] = {}
    for location, values in (("query", request.args), ("form", request.form)):
        bad = sorted({str(k) for k, v in values.items(multi=True) if NUL in f"{k}{v}"})
        if bad:
            errors[location] = {name: [NUL_MESSAGE] for name in bad}
    if request.is_json:
        bad = _nul_places(request.get_json(silent=True))
        if bad:
            errors["json"] = {place or "(body)": [NUL_MESSAGE] for place in bad}
    if errors:
        abort(422, errors=errors)
