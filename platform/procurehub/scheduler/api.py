"""The job-run log API (admins): what the scheduler did and when."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from procurehub.api.schemas import Id, page_schema
from procurehub.extensions import db
from procurehub.scheduler.models import JobRun

jobs = Blueprint(
    "job_runs", __name__, url_prefix="/api/v1/job-runs", description="Scheduled job runs (admins)"
)


class JobRunSchema(ma.Schema):
    id = Id()
    job_id = fields.Str()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    status = fields.Str()
    message = fields.Str(allow_none=True)


@jobs.route("")
class JobRuns(MethodView):
    @jobs.response(200, page_schema(JobRunSchema, "JobRunPage"))
    def get(self) -> dict[str, Any]:
        """The latest 200 runs of scheduled jobs (admins)."""
        if not current_user.is_admin:
            raise Forbidden("Only an administrator can read the job-run log.")
        rows = db.session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(200))
        return {"items": list(rows), "next": None}
