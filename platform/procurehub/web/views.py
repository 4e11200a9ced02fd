"""The front page and the error pages every other page shares."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, url_for

bp = Blueprint("core", __name__)


@bp.route("/")
def index() -> Any:
    return redirect(url_for("contract_pages.contracts"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
