"""Opportunities, subscriptions, the alert inbox, calendar feeds and the job-run log."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from typing import Any

import marshmallow as ma
from flask import Response, url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import and_, or_, select
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, UnprocessableEntity

from ..alerts import feed
from ..alerts.models import ALERT_KINDS, CHANNELS, FREQUENCIES, Delivery, JobRun, Subscription
from ..alerts.subscriptions import SubscriptionError, create_subscription, delete_subscription
from ..alignment.models import OPPORTUNITY_STATUSES, Opportunity, OpportunityEvent
from ..alignment.workflow import change_opportunity
from ..authz import require_write
from ..extensions import db
from .schemas import Money, page_schema

opportunities = Blueprint(
    "opportunities",
    __name__,
    url_prefix="/api/v1/opportunities",
    description="Renewal-alignment opportunities: councils that could tender together",
)
subscriptions = Blueprint(
    "subscriptions",
    __name__,
    url_prefix="/api/v1/subscriptions",
    description="Your alert subscriptions",
)
alerts = Blueprint(
    "alerts", __name__, url_prefix="/api/v1", description="Your alert inbox and calendar feed"
)
jobs = Blueprint(
    "job_runs", __name__, url_prefix="/api/v1/job-runs", description="Scheduled job runs (admins)"
)


class MemberSchema(ma.Schema):
    source = fields.Str()
    source_id = fields.Int()
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
    id = fields.Int()
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
    total_value = Money(allow_none=True)
    lead_time_months = fields.Int()
    tolerance_months = fields.Int()
    active = fields.Bool()
    first_seen_at = fields.DateTime()
    last_seen_at = fields.DateTime()
    contracts = fields.Method("_contracts")

    def _overdue(self, obj: Opportunity) -> bool:
        return obj.decision_deadline < date.today()

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


def _cursor(deadline: date, ident: int) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps([deadline.isoformat(), ident]).encode())
        .decode()
        .rstrip("=")
    )


def _decode(cursor: str) -> tuple[date, int]:
    try:
        deadline, ident = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return date.fromisoformat(deadline), int(ident)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadRequest(
            "The cursor is not one this API gave out; start again without ?cursor=."
        ) from exc


def opportunity_query(args: dict[str, Any]) -> Any:
    """Most urgent decision deadline first (shared by the API and the web list)."""
    stmt = select(Opportunity)
    if not args.get("include_inactive"):
        stmt = stmt.where(Opportunity.active.is_(True))
    if args.get("category"):
        stmt = stmt.where(Opportunity.category == args["category"])
    if args.get("status"):
        stmt = stmt.where(Opportunity.status == args["status"])
    if args.get("overdue") is not None:
        today = date.today()
        stmt = stmt.where(
            Opportunity.decision_deadline < today
            if args["overdue"]
            else Opportunity.decision_deadline >= today
        )
    if args.get("council"):
        # JSON containment differs per database; members carry the council code in a plain column.
        from ..alignment.models import OpportunityMember

        stmt = stmt.where(
            Opportunity.id.in_(
                select(OpportunityMember.opportunity_id).where(
                    OpportunityMember.council_code == args["council"]
                )
            )
        )
    return stmt.order_by(Opportunity.decision_deadline, Opportunity.id)


@opportunities.route("")
class OpportunityList(MethodView):
    @opportunities.arguments(OpportunityQuerySchema, location="query")
    @opportunities.response(200, page_schema(OpportunitySchema, "OpportunityPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Opportunities, most urgent decision deadline first."""
        stmt = opportunity_query(args)
        if args.get("cursor"):
            deadline, ident = _decode(args["cursor"])
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


@opportunities.route("/<int:opportunity_id>")
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


class SubscriptionSchema(ma.Schema):
    id = fields.Int(dump_only=True)
    workstream = fields.Str(required=True)
    channel = fields.Str(required=True, validate=validate.OneOf(CHANNELS))
    frequency = fields.Str(load_default="immediate", validate=validate.OneOf(FREQUENCIES))
    categories = fields.List(fields.Str(), load_default=list)
    councils = fields.List(fields.Str(), load_default=list)
    region = fields.Str(allow_none=True)
    kinds = fields.List(
        fields.Str(validate=validate.OneOf(ALERT_KINDS)),
        load_default=list,
        metadata={"description": "Empty: every kind"},
    )
    webhook_url = fields.Str(allow_none=True, validate=validate.Length(max=2000))
    webhook_secret = fields.Str(
        dump_only=True, metadata={"description": "Only in the answer to the create"}
    )
    active = fields.Bool(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class PublicSubscriptionSchema(SubscriptionSchema):
    class Meta:
        exclude = ("webhook_secret",)


@subscriptions.route("")
class SubscriptionList(MethodView):
    @subscriptions.response(200, page_schema(PublicSubscriptionSchema, "SubscriptionPage"))
    def get(self) -> dict[str, Any]:
        items = db.session.scalars(
            select(Subscription)
            .where(Subscription.user_id == current_user.id)
            .order_by(Subscription.id)
        )
        return {"items": list(items), "next": None}

    @subscriptions.arguments(SubscriptionSchema)
    @subscriptions.response(201, SubscriptionSchema)
    def post(self, data: dict[str, Any]) -> Subscription:
        """Subscribe to alerts; for a webhook the answer carries its signing secret, shown once."""
        try:
            sub, _secret = create_subscription(current_user, data)
        except SubscriptionError as exc:
            raise UnprocessableEntity(str(exc)) from exc
        db.session.commit()
        return sub


def _own_subscription(subscription_id: int) -> Subscription:
    sub = db.session.get(Subscription, subscription_id)
    if sub is None or sub.user_id != current_user.id:
        raise NotFound(f"No subscription {subscription_id} of yours.")
    return sub


@subscriptions.route("/<int:subscription_id>")
class SubscriptionItem(MethodView):
    @subscriptions.response(200, PublicSubscriptionSchema)
    def get(self, subscription_id: int) -> Subscription:
        return _own_subscription(subscription_id)

    @subscriptions.response(204)
    def delete(self, subscription_id: int) -> None:
        delete_subscription(_own_subscription(subscription_id), user=current_user)
        db.session.commit()


class InboxItemSchema(ma.Schema):
    id = fields.Int()
    kind = fields.Function(lambda d: d.alert.kind)
    subject = fields.Function(lambda d: d.alert.subject)
    body = fields.Function(lambda d: d.alert.body)
    opportunity_id = fields.Function(lambda d: d.alert.opportunity_id)
    due_date = fields.Function(lambda d: d.alert.due_date.isoformat() if d.alert.due_date else None)
    created_at = fields.DateTime()
    read = fields.Function(lambda d: d.read_at is not None)


class InboxSchema(ma.Schema):
    items = fields.List(fields.Nested(InboxItemSchema))
    next = fields.Str(allow_none=True)
    unread = fields.Int()


class InboxQuerySchema(ma.Schema):
    unread = fields.Bool(load_default=False)
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.Str()


class ReadSchema(ma.Schema):
    ids = fields.List(fields.Int(), metadata={"description": "Omit to mark everything read"})


@alerts.route("/alerts")
class Inbox(MethodView):
    @alerts.arguments(InboxQuerySchema, location="query")
    @alerts.response(200, InboxSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Your in-app inbox, newest first."""
        stmt = select(Delivery).where(
            Delivery.user_id == current_user.id, Delivery.channel == "inbox"
        )
        if args["unread"]:
            stmt = stmt.where(Delivery.read_at.is_(None))
        if args.get("cursor"):
            try:
                stmt = stmt.where(Delivery.id < int(args["cursor"]))
            except ValueError as exc:
                raise BadRequest("The cursor is not one this API gave out.") from exc
        rows = list(db.session.scalars(stmt.order_by(Delivery.id.desc()).limit(args["limit"] + 1)))
        more = len(rows) > args["limit"]
        rows = rows[: args["limit"]]
        return {
            "items": rows,
            "next": str(rows[-1].id) if more else None,
            "unread": feed.unread_count(current_user),
        }


@alerts.route("/alerts/read")
class InboxRead(MethodView):
    @alerts.arguments(ReadSchema)
    @alerts.response(200, InboxSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        feed.mark_read(current_user, data.get("ids"))
        db.session.commit()
        return {"items": [], "next": None, "unread": feed.unread_count(current_user)}


class CalendarLinkSchema(ma.Schema):
    url = fields.Str()


@alerts.route("/calendar.ics")
class Calendar(MethodView):
    @alerts.response(
        200, description="iCalendar feed of decision deadlines and your council's contract ends"
    )
    def get(self) -> Response:
        return Response(feed.calendar_for(current_user), mimetype="text/calendar")


@alerts.route("/calendar/link")
class CalendarLink(MethodView):
    @alerts.response(201, CalendarLinkSchema)
    def post(self) -> dict[str, str]:
        """A new secret feed URL for calendar apps (shown once; any previous URL stops working)."""
        token = feed.new_calendar_token(current_user)
        db.session.commit()
        return {"url": url_for("calendar_feed", token=token, _external=True)}


class JobRunSchema(ma.Schema):
    id = fields.Int()
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


def calendar_feed(token: str) -> Response:
    """The secret-URL feed for calendar apps, which cannot sign in."""
    user = feed.user_for_calendar_token(token)
    if user is None:
        raise NotFound("This calendar link is not valid any more; create a new one in ProcureHub.")
    return Response(feed.calendar_for(user), mimetype="text/calendar")


ALERTING_BLUEPRINTS = (opportunities, subscriptions, alerts, jobs)


def init_app(app: Any) -> None:
    app.add_url_rule("/calendar/<token>.ics", "calendar_feed", calendar_feed)
