"""Subscriptions, alerts, their deliveries, calendar tokens."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procurehub.accounts.models import User
from procurehub.extensions import JSONType, db, utcnow

ALERT_KINDS = ("opportunity", "wave", "deadline", "contract_end", "register_stale")
CHANNELS = ("email", "webhook", "inbox")
FREQUENCIES = ("immediate", "daily", "weekly")


class Subscription(db.Model):
    """What a user wants to hear about, and how. Empty lists mean "all"."""

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    workstream: Mapped[str] = mapped_column(String(40))
    categories: Mapped[list[str]] = mapped_column(JSONType, default=list)
    councils: Mapped[list[str]] = mapped_column(JSONType, default=list)
    region: Mapped[str | None] = mapped_column(String(100))
    kinds: Mapped[list[str]] = mapped_column(JSONType, default=list)
    channel: Mapped[str] = mapped_column(String(10))
    frequency: Mapped[str] = mapped_column(String(10), default="immediate")
    webhook_url: Mapped[str | None] = mapped_column(Text)
    # The HMAC signing key must be readable to sign each delivery; it is shown to the user once.
    webhook_secret: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Alert(db.Model):
    """Something worth telling; `dedup_key` makes deciding it twice impossible."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    workstream: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(80))
    councils: Mapped[list[str]] = mapped_column(JSONType, default=list)
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunity.id", ondelete="SET NULL")
    )
    contract_id: Mapped[int | None] = mapped_column(Integer)
    due_date: Mapped[date | None] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Delivery(db.Model):
    """One alert to one subscription. Status: pending → sending → sent (or failed).

    `sending` is a claim: a run takes a delivery with a compare-and-set from pending, so two
    runs at once never both send it; a claim older than the timeout is retried.
    """

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("alert_id", "subscription_id", name="uq_delivery_alert_subscription"),
        Index("ix_delivery_status_due", "status", "next_attempt_at"),
        Index("ix_delivery_user_channel", "user_id", "channel", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    alert: Mapped[Alert] = relationship()
    subscription: Mapped[Subscription] = relationship()


class CalendarToken(db.Model):
    """The secret in a user's iCalendar feed URL (stored as a SHA-256 digest)."""

    __tablename__ = "calendar_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

