"""The alerts API: subscriptions, the signed-in user's inbox and calendar feed."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, NotFound, UnprocessableEntity

from procurehub.alerts import feed
from procurehub.alerts.models import ALERT_KINDS, CHANNELS, FREQUENCIES, Delivery, Subscription
from procurehub.alerts.subscriptions import (
    SubscriptionError,
    create_subscription,
    delete_subscription,
)
from procurehub.api.ids import MAX_ID, MAX_ID_DIGITS
from procurehub.api.schemas import Id, page_schema
from procurehub.extensions import db

subscriptions = Blueprint(
    "subscriptions",
    __name__,
    url_prefix="/api/v1/subscriptions",
    description="Your alert subscriptions",
)


alerts = Blueprint(
    "alerts", __name__, url_prefix="/api/v1", description="Your alert inbox and calendar feed"
)


class SubscriptionSchema(ma.Schema):
    id = Id(dump_only=True)
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


@subscriptions.route("/<id:subscription_id>")
class SubscriptionItem(MethodView):
    @subscriptions.response(200, PublicSubscriptionSchema)
    def get(self, subscription_id: int) -> Subscription:
        return _own_subscription(subscription_id)

    @subscriptions.response(204)
    def delete(self, subscription_id: int) -> None:
        delete_subscription(_own_subscription(subscription_id), user=current_user)
        db.session.commit()


class InboxItemSchema(ma.Schema):
    id = Id()
    kind = fields.Function(lambda d: d.alert.kind)
    subject = fields.Function(lambda d: d.alert.subject)
    body = fields.Function(lambda d: d.alert.body)
    opportunity_id = Id(attribute="alert.opportunity_id", allow_none=True)
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
    ids = fields.List(Id(), metadata={"description": "Omit to mark everything read"})


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
            cursor = args["cursor"]
            # An id we gave out: a few ASCII digits, never 0, never beyond the largest id.
            digits = cursor.isascii() and cursor.isdigit() and len(cursor) <= MAX_ID_DIGITS
            if not digits or not 0 < int(cursor) <= MAX_ID:
                raise BadRequest("The cursor is not one this API gave out.")
            stmt = stmt.where(Delivery.id < int(cursor))
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


def calendar_feed(token: str) -> Response:
    """The secret-URL feed for calendar apps, which cannot sign in."""
    user = feed.user_for_calendar_token(token)
    if user is None:
        raise NotFound("This calendar link is not valid any more; create a new one in ProcureHub.")
    return Response(feed.calendar_for(user), mimetype="text/calendar")


def init_app(app: Any) -> None:
    app.add_url_rule("/calendar/<token>.ics", "calendar_feed", calendar_feed)
