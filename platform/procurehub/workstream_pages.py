"""The landing page and overview API every workstream plugin gets from the core.

A plugin calls `workstream_blueprints(key, title)` from its routes/views modules, so the
three first-party plugins (and a fourth) share one implementation of the side-by-side view.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, render_template
from flask.views import MethodView
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import fields

from .overview import workstream_overview


class OverviewSchema(ma.Schema):
    workstream = fields.Str()
    councils = fields.List(fields.Str())
    categories = fields.List(fields.Dict())


def api_blueprint(key: str, title: str) -> ApiBlueprint:
    blp = ApiBlueprint(
        f"{key}_api",
        f"plugins.{key}",
        url_prefix=f"/api/v1/{key}",
        description=f"{title} workstream",
    )

    @blp.route("/overview")
    class Overview(MethodView):
        @blp.response(200, OverviewSchema)
        def get(self) -> dict[str, Any]:
            """Every council's contracts in this workstream, by category."""
            return workstream_overview(key)

    return blp


def web_blueprint(key: str, title: str) -> Blueprint:
    bp = Blueprint(key, f"plugins.{key}", url_prefix=f"/{key}")

    @bp.route("/")
    def overview() -> Any:
        return render_template(
            "workstream/overview.html", title=title, overview=workstream_overview(key)
        )

    return bp
