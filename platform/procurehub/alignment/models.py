"""Stored opportunities, their members and history, and the alignment runs that found them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procurehub.extensions import JSONType, db, utcnow

OPPORTUNITY_STATUSES = ("new", "under_review", "tender_planned", "tender_launched", "dismissed")
CLOSED_STATUSES = ("tender_launched", "dismissed")
#: A wave of the tender plan moves along like an opportunity, without the review step: the
#: plan already chose it.
WAVE_STATUSES = ("new", "tender_planned", "tender_launched", "dismissed")


class Opportunity(db.Model):
    """A set of councils' renewals that could be tendered together; tracked across runs.

    `key` identifies the current member set. When members join or leave, the same opportunity
    (same id, status, notes) carries on with a new key, and the change is in its history.
    """

    __tablename__ = "opportunity"
    __table_args__ = (Index("ix_opportunity_active_deadline", "active", "decision_deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    category: Mapped[str] = mapped_column(String(80), index=True)
    categories: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(20), default="new")
    notes: Mapped[str | None] = mapped_column(Text)
    councils: Mapped[list[str]] = mapped_column(JSONType, default=list)
    unconfirmed_councils: Mapped[list[str]] = mapped_column(JSONType, default=list)
    joint_start: Mapped[date] = mapped_column(Date)
    decision_deadline: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    total_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    lead_time_months: Mapped[int] = mapped_column(Integer)
    tolerance_months: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_run_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    #: What the alignment wrote into `members`, one token per member row in member order:
    #: ``source:source_id:FACTS`` (FACTS: 8 hex digits hashing the row's details). It lets a
    #: run tell an unchanged opportunity, and the member rows that differ, without reading the
    #: member rows back. NULL for rows stored before it existed (the next run rewrites those).
    member_index: Mapped[str | None] = mapped_column(Text)

    members: Mapped[list[OpportunityMember]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", order_by="OpportunityMember.id"
    )


class OpportunityMember(db.Model):
    __tablename__ = "opportunity_member"
    __table_args__ = (
        UniqueConstraint(
            "opportunity_id", "source", "source_id", name="uq_opportunity_member_item"
        ),
        Index("ix_opportunity_member_item", "source", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int] = mapped_column(Integer)
    council_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(80))
    reference: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    end_date: Mapped[date | None] = mapped_column(Date)
    max_end_date: Mapped[date | None] = mapped_column(Date)
    value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    interest: Mapped[str] = mapped_column(String(10), default="unknown")

    opportunity: Mapped[Opportunity] = relationship(back_populates="members")


class OpportunityEvent(db.Model):
    """The history of an opportunity: found, members changed, dates moved, status, notes."""

    __tablename__ = "opportunity_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunity.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(254), default="alignment")
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class AlignmentRun(db.Model):
    __tablename__ = "alignment_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    found: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    gaps: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # A run after an upload or an edit covers only the affected category groups: `partial`,
    # with the categories it covered. Its gaps are those groups' only.
    partial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    categories: Mapped[list[str] | None] = mapped_column(JSONType)


class TenderWave(db.Model):
    """What coordinators decided about a wave of the tender plan, by its id.

    The plan itself is computed on demand (it is fast); only the people's part is stored: the
    status, the notes, and the members when it was last changed, so a wave whose members move
    (an upload, an extension) carries its status on like an opportunity does.
    """

    __tablename__ = "tender_wave"

    wave_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    notes: Mapped[str | None] = mapped_column(Text)
    members: Mapped[list[str]] = mapped_column(JSONType, default=list)
    councils: Mapped[list[str]] = mapped_column(JSONType, default=list)
    replaced_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TenderWaveEvent(db.Model):
    """The history of a wave: status and notes changes, and continuation under a new id."""

    __tablename__ = "tender_wave_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[str] = mapped_column(
        ForeignKey("tender_wave.wave_id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(254), default="alignment")
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
