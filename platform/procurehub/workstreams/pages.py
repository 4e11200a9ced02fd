"""What every workstream gets from the core: an overview page and an overview API.

The core registers them for each enabled plugin (Datasette's dogfooding: the three
first-party plugins and a fourth get the same), so a plugin adds only its own pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask import Blueprint, Flask, render_template, url_for
from flask.views import MethodView
from flask_smorest import Blueprint as ApiBlueprint
from markupsafe import Markup
from marshmallow import fields

from procurehub.api import register_api
from procurehub.plugins import NavEntry, Plugin
from procurehub.web.navigation import add_nav
from procurehub.workstreams.ending_chart import ending_by_quarter, ending_chart_svg
from procurehub.workstreams.overview import ending_dates, workstream_overview
from procurehub.workstreams.registry import enabled_plugins

#: Navigation positions of the workstreams (after the core's own links, before admin).
FIRST_WORKSTREAM_POSITION = 50


class OverviewSchema(ma.Schema):
    workstream = fields.Str()
    councils = fields.List(fields.Str())
    council_names = fields.Dict(keys=fields.Str(), values=fields.Str())
    categories = fields.List(fields.Dict())


def api_blueprint(key: str, title: str) -> ApiBlueprint:
    blp = ApiBlueprint(
        f"{key}_overview_api",
        __name__,
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
    bp = Blueprint(key, __name__, url_prefix=f"/{key}", template_folder="templates")

    @bp.route("/")
    def overview() -> Any:
        ending = ending_by_quarter(ending_dates(key), today=date.today())
        return render_template(
            "workstream/overview.html",
            title=title,
            overview=workstream_overview(key),
            plan_url=url_for("alignment_pages.tender_plan", workstream=key),
            ending=ending,
            ending_svg=Markup(
                ending_chart_svg(
                    ending,
                    title=f"{title} contracts ending by quarter, per council",
                    described_by="ending-table",
                )
            ),
        )

    return bp


def register_plugin(app: Flask, plugin: Plugin, position: int) -> None:
    """The core's pages for one workstream, then the plugin's own blueprints and links."""
    app.register_blueprint(web_blueprint(plugin.key, plugin.title))
    register_api(app, api_blueprint(plugin.key, plugin.title))
    add_nav(app, NavEntry(plugin.title, f"{plugin.key}.overview"), position)
    for factory in plugin.blueprints:
        blueprint = factory()
        if hasattr(blueprint, "arguments"):  # a flask-smorest blueprint: part of the API
            register_api(app, blueprint)
        else:
            app.register_blueprint(blueprint)
    for offset, entry in enumerate(plugin.nav, start=1):
        add_nav(app, entry, position + offset)


def init_app(app: Flask) -> None:
    for index, plugin in enumerate(enabled_plugins(app).values()):
        register_plugin(app, plugin, FIRST_WORKSTREAM_POSITION + 10 * index)
