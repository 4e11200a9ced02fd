"""A user's inbox and calendar feed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from procurehub.accounts.models import User
from procurehub.accounts.service import council_names
from procurehub.alerts.calendar import CalendarEvent, build_calendar
from procurehub.alerts.models import CalendarToken, Delivery, Subscription
from procurehub.alignment.models import CLOSED_STATUSES, Opportunity
from procurehub.contracts.models import Contract
from procurehub.extensions import db, utcnow
from procurehub.workstreams.models import Category

CALENDAR_PREFIX = "cal_"


def unread_count(user: Any) -> int:
    return (
        db.session.scalar(
            select(func.count(Delivery.id)).where(
                Delivery.user_id == user.id, Delivery.channel == "inbox", Delivery.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(user: Any, delivery_ids: list[int] | None = None) -> int:
    stmt = select(Delivery).where(
        Delivery.user_id == user.id, Delivery.channel == "inbox", Delivery.read_at.is_(None)
    )
    if delivery_ids is not None:
        stmt = stmt.where(Delivery.id.in_(delivery_ids))
    count = 0
    for delivery in db.session.scalars(stmt):
        delivery.read_at = utcnow()
        count += 1
    return count


def new_calendar_token(user: Any) -> str:
    """A fresh secret for the user's feed URL (the old URL stops working)."""
    token = CALENDAR_PREFIX + secrets.token_urlsafe(24)
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = db.session.scalar(select(CalendarToken).where(CalendarToken.user_id == user.id))
    if row is None:
        row = CalendarToken(user_id=user.id, token_hash=digest)
        db.session.add(row)
    row.token_hash, row.created_at = digest, utcnow()
    return token


def user_for_calendar_token(token: str) -> User | None:
    if not token.startswith(CALENDAR_PREFIX) or len(token) > 100:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = db.session.scalar(select(CalendarToken).where(CalendarToken.token_hash == digest))
    user = db.session.get(User, row.user_id) if row else None
    return user if user is not None and user.is_active else None


def calendar_for(user: Any, *, today: date | None = None) -> bytes:
    """Decision deadlines of opportunities the user follows or their council is in, and their
    council's contract ends, as an iCalendar feed. Councils are named, never shown by code."""
    today = today or date.today()
    subs = list(db.session.scalars(select(Subscription).where(Subscription.user_id == user.id)))
    labels = dict(db.session.execute(select(Category.key, Category.label)).all())
    names = council_names()
    events: list[CalendarEvent] = []
    code = user.council.code
    for opp in db.session.scalars(
        select(Opportunity).where(
            Opportunity.active.is_(True), Opportunity.status.not_in(CLOSED_STATUSES)
        )
    ):
        mine = code in (opp.councils or [])
        followed = any(
            s.workstream == opp.category.split(".", 1)[0]
            and (not s.categories or opp.category in s.categories)
            and (not s.councils or set(s.councils) & set(opp.councils or []))
            for s in subs
        )
        if not (mine or followed):
            continue
        label = labels.get(opp.category, opp.category)
        councils = [names.get(c) or c for c in opp.councils or []]
        events.append(
            CalendarEvent(
                uid=f"opportunity-{opp.id}-deadline",
                summary=f"Decide on joint tender: {label}",
                day=opp.decision_deadline,
                categories=("decision deadline",),
                description=(
                    f"{len(councils)} councils ({', '.join(councils)}) could start a joint contract "
                    f"on {opp.joint_start:%d %B %Y}. The tender must start by this date."
                ),
            )
        )
    horizon = today + timedelta(days=5 * 366)
    for contract in db.session.scalars(
        select(Contract)
        .where(
            Contract.council_id == user.council_id,
            Contract.end_date >= today - timedelta(days=31),
            Contract.end_date <= horizon,
            or_(Contract.record_type == "contract", Contract.record_type.is_(None)),
        )
        .order_by(Contract.end_date)
        .limit(2000)
    ):
        events.append(
            CalendarEvent(
                uid=f"contract-{contract.id}-end",
                summary=f"Contract ends: {contract.reference or ''} {contract.title}".strip(),
                day=contract.end_date,
                categories=("contract end",),
                description=f"{user.council.name}'s contract. "
                f"Supplier: {contract.supplier_name or 'not given'}."
                + (
                    f" Latest possible end with extensions: {contract.max_end_date:%d %B %Y}."
                    if contract.max_end_date
                    else ""
                ),
            )
        )
    return build_calendar(events, name=f"ProcureHub – {user.council.name}", now=utcnow())
