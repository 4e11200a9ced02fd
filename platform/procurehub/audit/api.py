"""The audit log for administrators: who changed what, when (DESIGN §6)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from procurehub.api.schemas import Id, page_schema
from procurehub.audit.models import AuditEvent
from procurehub.pagination import keyset_page

audit_events = Blueprint(
    "audit_events",
    __name__,
    url_prefix="/api/v1/audit-events",
    description="The audit log (administrators)",
)


class AuditEventSchema(ma.Schema):
    id = Id()
    at = fields.DateTime()
    actor = fields.Str()
    action = fields.Str()
    object_type = fields.Str()
    object_id = fields.Str(allow_none=True)
    council_code = fields.Str(allow_none=True)
    upload_id = Id(allow_none=True)
    changes = fields.Dict()


class AuditQuerySchema(ma.Schema):
    object_type = fields.Str(
        metadata={"description": "contract, user, api_token, council, opportunity, …"}
    )
    object_id = fields.Str()
    council = fields.Str()
    cursor = fields.Str()
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


@audit_events.route("")
class AuditEvents(MethodView):
    @audit_events.arguments(AuditQuerySchema, location="query")
    @audit_events.response(200, page_schema(AuditEventSchema, "AuditEventPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every recorded change, oldest first, with before/after values."""
        if not current_user.is_admin:
            raise Forbidden("Only an administrator can read the audit log.")
        stmt = select(AuditEvent)
        for name, column in (
            ("object_type", AuditEvent.object_type),
            ("object_id", AuditEvent.object_id),
            ("council", AuditEvent.council_code),
        ):
            if args.get(name):
                stmt = stmt.where(column == args[name].replace("\x00", ""))
        return keyset_page(stmt, AuditEvent.id, args.get("cursor"), args["limit"])
