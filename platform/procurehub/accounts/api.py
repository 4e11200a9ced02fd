"""The councils API."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from procurehub.accounts.models import Council
from procurehub.accounts.schemas import CouncilSchema
from procurehub.accounts.service import AccountError, get_council
from procurehub.api.schemas import page_schema
from procurehub.extensions import db

councils = Blueprint(
    "councils", __name__, url_prefix="/api/v1/councils", description="Councils in the collaboration"
)


CouncilPage = page_schema(CouncilSchema, "CouncilPage")


@councils.route("")
class CouncilList(MethodView):
    @councils.response(200, CouncilPage)
    def get(self) -> dict[str, Any]:
        items = list(db.session.scalars(select(Council).order_by(Council.code)))
        return {"items": items, "next": None}


@councils.route("/<code>")
class CouncilItem(MethodView):
    @councils.response(200, CouncilSchema)
    def get(self, code: str) -> Council:
        try:
            return get_council(code)
        except AccountError as exc:
            raise NotFound(str(exc)) from exc
