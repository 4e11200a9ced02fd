"""The dashboard page: where signing in lands; the contract list stays at /contracts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from procurehub.dashboard.panels import dashboard_for

bp = Blueprint(
    "dashboard",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/dashboard/static",
)

INDEX_ENDPOINT = "dashboard.index"


@bp.route("/dashboard")
def index() -> Any:
    return render_template("dashboard/index.html", sections=dashboard_for(current_user))
