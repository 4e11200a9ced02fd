"""Opportunities, subscriptions, the alert inbox, calendar feeds and the job-run log."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import and_, or_, select
from werkzeug.exceptions import BadRequest, NotFound

from procurehub.accounts.authz import require_write
from procurehub.accounts.service import council_names
from procurehub.alignment.models import (
    OPPORTUNITY_STATUSES,
    WAVE_STATUSES,
    Opportunity,
    OpportunityEvent,
    TenderWaveEvent,
)
from procurehub.alignment.plan import Wave
from procurehub.alignment.queries import InvalidCursor, opportunity_query
from procurehub.alignment.queries import decode_cursor as _decode
from procurehub.alignment.queries import encode_cursor as _cursor
from procurehub.alignment.tender_plan import (
    find_wave,
    plan_document,
    still_possible,
    wave_opportunities,
    wave_states,
)
from procurehub.alignment.workflow import WaveChangeError, change_opportunity, change_wave
from procurehub.api.schemas import Id, Money, page_schema
from procurehub.extensions import db

WAVE_ID = re.compile(r"[0-9a-f]{16}")

opportunities = Blueprint(
    "opportunities",
    __name__,
    url_prefix="/api/v1/opportunities",
    description="Renewal-alignment opportunities: councils that could tender together",
)


class MemberSchema(ma.Schema):
    source = fields.Str()
    source_id = Id()
    council_code = fields.Str()
    category = fields.Str()
    reference = fields.Str(allow_none=True)
    title = fields.Str(allow_none=True)
    end_date = fields.Date(allow_none=True)
    max_end_date = fields.Date(allow_none=True)
    value = Money(allow_none=True)
    interest = fields.Str()


class EventSchema(ma.Schema):
    at = fields.DateTime()
    actor = fields.Str()
    kind = fields.Str()
    detail = fields.Dict()


class OpportunitySchema(ma.Schema):
    id = Id()
    key = fields.Str()
    category = fields.Str()
    categories = fields.List(fields.Str())
    status = fields.Str()
    notes = fields.Str(allow_none=True)
    councils = fields.List(fields.Str())
    unconfirmed_councils = fields.List(fields.Str())
    joint_start = fields.Date()
    decision_deadline = fields.Date()
    window_end = fields.Date()
    overdue = fields.Method("_overdue")
    still_possible = fields.Method(
        "_still_possible",
        metadata={
            "description": "Only when the decision deadline has passed: the earliest joint "
            "start still possible for the same councils (a tender started today), or "
            "window_closed"
        },
    )
    total_value = Money(allow_none=True)
    lead_time_months = fields.Int()
    tolerance_months = fields.Int()
    active = fields.Bool()
    first_seen_at = fields.DateTime()
    last_seen_at = fields.DateTime()
    contracts = fields.Method("_contracts")

    def _overdue(self, obj: Opportunity) -> bool:
        return obj.decision_deadline < date.today()

    def _still_possible(self, obj: Opportunity) -> dict[str, Any] | None:
        found = still_possible(obj, date.today())
        return None if found is None else found.as_json()

    def _contracts(self, obj: Opportunity) -> list[dict[str, Any]]:
        return [{"council_code": m.council_code, "reference": m.reference} for m in obj.members]


class OpportunityDetailSchema(OpportunitySchema):
    members = fields.List(fields.Nested(MemberSchema))
    history = fields.Method("_history")

    def _history(self, obj: Opportunity) -> list[dict[str, Any]]:
        events = db.session.scalars(
            select(OpportunityEvent)
            .where(OpportunityEvent.opportunity_id == obj.id)
            .order_by(OpportunityEvent.at, OpportunityEvent.id)
        )
        return EventSchema(many=True).dump(events)


class OpportunityQuerySchema(ma.Schema):
    category = fields.Str()
    council = fields.Str()
    status = fields.Str(validate=validate.OneOf(OPPORTUNITY_STATUSES))
    include_inactive = fields.Bool(
        load_default=False, metadata={"description": "Also those no longer found"}
    )
    overdue = fields.Bool()
    cursor = fields.Str()
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))


class OpportunityPatchSchema(ma.Schema):
    status = fields.Str(validate=validate.OneOf(OPPORTUNITY_STATUSES))
    notes = fields.Str(validate=validate.Length(max=10_000))


@opportunities.route("")
class OpportunityList(MethodView):
    @opportunities.arguments(OpportunityQuerySchema, location="query")
    @opportunities.response(200, page_schema(OpportunitySchema, "OpportunityPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Opportunities, most urgent decision deadline first."""
        stmt = opportunity_query(args)
        if args.get("cursor"):
            try:
                deadline, ident = _decode(args["cursor"])
            except InvalidCursor as exc:
                raise BadRequest(str(exc)) from exc
            stmt = stmt.where(
                or_(
                    Opportunity.decision_deadline > deadline,
                    and_(Opportunity.decision_deadline == deadline, Opportunity.id > ident),
                )
            )
        limit = args["limit"]
        rows = list(db.session.scalars(stmt.limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "items": rows,
            "next": _cursor(rows[-1].decision_deadline, rows[-1].id) if more else None,
        }


def _opportunity_or_404(opportunity_id: int) -> Opportunity:
    opp = db.session.get(Opportunity, opportunity_id)
    if opp is None:
        raise NotFound(f"No opportunity {opportunity_id}.")
    return opp


@opportunities.route("/<id:opportunity_id>")
class OpportunityItem(MethodView):
    @opportunities.response(200, OpportunityDetailSchema)
    def get(self, opportunity_id: int) -> Opportunity:
        return _opportunity_or_404(opportunity_id)

    @opportunities.arguments(OpportunityPatchSchema)
    @opportunities.response(200, OpportunityDetailSchema)
    def patch(self, data: dict[str, Any], opportunity_id: int) -> Opportunity:
        """Move an opportunity along (coordinators and admins)."""
        opp = _opportunity_or_404(opportunity_id)
        require_write(current_user, None, scope="coordination", what="opportunities")
        change_opportunity(
            opp, user=current_user, status=data.get("status"), notes=data.get("notes")
        )
        db.session.commit()
        return opp


tender_plan = Blueprint(
    "tender_plan",
    __name__,
    url_prefix="/api/v1/tender-plan",
    description="The tender plan: which joint tenders to run, and by when each must start",
)


class PlanQuerySchema(ma.Schema):
    category = fields.Str(validate=validate.Length(max=80))
    as_of = fields.Date()


class PlanItemSchema(ma.Schema):
    source = fields.Str()
    council_code = fields.Str()
    reference = fields.Str(allow_none=True)


class WaveSchema(ma.Schema):
    id = fields.Str()
    category = fields.Str()
    councils = fields.List(fields.Str())
    items = fields.List(fields.Nested(PlanItemSchema))
    joint_start = fields.Str()
    decision_deadline = fields.Str()
    window_end = fields.Str()
    total_value = fields.Float(allow_none=True)


class AloneSchema(PlanItemSchema):
    category = fields.Str()
    reason = fields.Str()
    advice = fields.Str(allow_none=True)


class PlannedWaveSchema(WaveSchema):
    status = fields.Str(metadata={"description": "new, tender_planned, tender_launched, dismissed"})
    opportunity_id = Id(allow_none=True, metadata={"description": "The opportunity it comes from"})
    council_names = fields.Dict(keys=fields.Str(), values=fields.Str())


class TenderPlanSchema(ma.Schema):
    as_of = fields.Str()
    waves = fields.List(fields.Nested(PlannedWaveSchema))
    alone = fields.List(fields.Nested(AloneSchema))


class WaveDetailSchema(PlannedWaveSchema):
    notes = fields.Str(allow_none=True)
    continued_from = fields.Str(allow_none=True)
    history = fields.List(fields.Nested(EventSchema))


class WavePatchSchema(ma.Schema):
    status = fields.Str(validate=validate.OneOf(WAVE_STATUSES))
    notes = fields.Str(validate=validate.Length(max=10_000))


@tender_plan.route("")
class TenderPlan(MethodView):
    @tender_plan.arguments(PlanQuerySchema, location="query")
    @tender_plan.response(200, TenderPlanSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The plan (DESIGN §3): every renewal in at most one wave, or alone with the reason.

        Beside DESIGN's fields each wave carries its `status`, the `opportunity_id` it comes
        from and `council_names`.
        """
        return plan_document(
            args.get("as_of") or date.today(), args.get("category"), with_status=True
        )


def _wave_or_404(wave_id: str) -> Wave:
    wave = find_wave(wave_id, date.today()) if WAVE_ID.fullmatch(wave_id) else None
    if wave is None:
        raise NotFound(
            f"No wave {wave_id} in today's tender plan: its contracts may have changed; "
            "read /api/v1/tender-plan for the current waves."
        )
    return wave


def _wave_detail(wave: Wave) -> dict[str, Any]:
    from procurehub.alignment.plan import TenderPlan as Plan
    from procurehub.alignment.plan import plan_json

    [doc] = plan_json(Plan(date.today(), (wave,), (), ()))["waves"]
    state = wave_states([wave])[wave.id]
    names = council_names()
    history = db.session.scalars(
        select(TenderWaveEvent)
        .where(TenderWaveEvent.wave_id.in_([wave.id, state.continued_from or wave.id]))
        .order_by(TenderWaveEvent.at, TenderWaveEvent.id)
    )
    return doc | {
        "status": state.status,
        "notes": state.notes,
        "continued_from": state.continued_from,
        "opportunity_id": wave_opportunities([wave]).get(wave.id),
        "council_names": {c: names.get(c) or c for c in wave.councils},
        "history": list(history),
    }


@tender_plan.route("/waves/<wave_key>")
class TenderPlanWave(MethodView):
    @tender_plan.response(200, WaveDetailSchema)
    def get(self, wave_key: str) -> dict[str, Any]:
        """One wave of today's plan, with its status, notes and history."""
        return _wave_detail(_wave_or_404(wave_key))

    @tender_plan.arguments(WavePatchSchema)
    @tender_plan.response(200, WaveDetailSchema)
    def patch(self, data: dict[str, Any], wave_key: str) -> dict[str, Any]:
        """Move a wave along: new → tender_planned → tender_launched, or dismissed
        (coordinators and admins)."""
        wave = _wave_or_404(wave_key)
        require_write(current_user, None, scope="coordination", what="the tender plan")
        try:
            change_wave(
                wave,
                wave_states([wave])[wave.id],
                user=current_user,
                status=data.get("status"),
                notes=data.get("notes"),
            )
        except WaveChangeError as exc:
            db.session.rollback()
            raise BadRequest(str(exc)) from exc
        db.session.commit()
        return _wave_detail(wave)
