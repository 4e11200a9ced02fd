"""Deciding alerts: what is worth telling, once, and to whom.

Every alert has a dedup key (unique in the database): deciding again — a second run, a
second scheduler, a retry after a crash — inserts nothing new. An alert and its deliveries
are written in one transaction, so a crash leaves either both or neither.

People read councils by name (DESIGN §3): alert texts name them ("Fife Council"), and every
payload keeps the GSS codes with the names beside them (`council_name` beside `council_code`,
`council_names` {code: name} beside a `councils` list). The names are read once per run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from procurehub.accounts.models import Council, User
from procurehub.accounts.service import council_names
from procurehub.alerts.models import Alert, Delivery, Subscription
from procurehub.alignment.models import CLOSED_STATUSES, Opportunity, OpportunityMember
from procurehub.contracts.fields import UNCLASSIFIED
from procurehub.contracts.models import Contract
from procurehub.extensions import db, utcnow
from procurehub.registers.models import Upload
from procurehub.renewal_dates import add_months
from procurehub.workstreams.models import Category

DEFAULT_THRESHOLDS = (24, 12, 6, 3)
STALE_REGISTER_MONTHS = 6
PLANNED_STATUSES = ("tender_planned", "tender_launched")


@dataclass
class Candidate:
    dedup_key: str
    kind: str
    subject: str
    body: str
    workstream: str | None = None
    category: str | None = None
    councils: list[str] = field(default_factory=list)
    opportunity_id: int | None = None
    contract_id: int | None = None
    due_date: date | None = None
    payload: dict[str, Any] = field(default_factory=dict)


def _insert(table: Any) -> Any:
    return (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(table)


def _money(value: Decimal | None) -> str:
    return f"£{value:,.0f}" if value else "value not given"


def _label(category: str) -> str:
    return db.session.scalar(select(Category.label).where(Category.key == category)) or category


def name_of(code: str, names: Mapping[str, str]) -> str:
    """A council's name for people to read; the code only when the hub has no such council."""
    return names.get(code) or code


def names_of(codes: list[str], names: Mapping[str, str]) -> str:
    """The councils' names in a sentence: "Fife Council, Glasgow City Council and X"."""
    shown = [name_of(code, names) for code in codes]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def named(codes: list[str], names: Mapping[str, str]) -> dict[str, str]:
    """{code: name} for a list of council codes (the `council_names` beside `councils`)."""
    return {code: name_of(code, names) for code in codes}


# ---------------------------------------------------------------------- candidates
def opportunity_candidates(
    as_of: date, thresholds: tuple[int, ...], names: Mapping[str, str] | None = None
) -> Iterator[Candidate]:
    names = council_names() if names is None else names
    stmt = select(Opportunity).where(
        Opportunity.active.is_(True), Opportunity.status.not_in(CLOSED_STATUSES)
    )
    for opp in db.session.scalars(stmt.execution_options(yield_per=500)):
        label = _label(opp.category)
        councils = list(opp.councils or [])
        common = {
            "workstream": opp.category.split(".", 1)[0],
            "category": opp.category,
            "councils": councils,
            "opportunity_id": opp.id,
            "due_date": opp.decision_deadline,
        }
        facts = (
            f"{label}: {len(councils)} councils ({names_of(councils, names)}) could tender together.\n"
            f"Joint start {opp.joint_start:%d %B %Y}; the tender must start by {opp.decision_deadline:%d %B %Y}.\n"
            f"Combined value: {_money(opp.total_value)}."
        )
        payload = {
            "opportunity_id": opp.id,
            "category": opp.category,
            "councils": councils,
            "council_names": named(councils, names),
            "joint_start": opp.joint_start.isoformat(),
            "decision_deadline": opp.decision_deadline.isoformat(),
            "total_value": float(opp.total_value or 0),
        }
        yield Candidate(
            f"opportunity:{opp.id}:{opp.key}",
            "opportunity",
            f"Joint tender opportunity: {label} ({len(councils)} councils)",
            facts,
            payload=payload,
            **common,
        )
        if opp.decision_deadline < as_of:
            yield Candidate(
                f"deadline:{opp.id}:{opp.decision_deadline.isoformat()}:overdue",
                "deadline",
                f"Decision deadline passed: {label}",
                "The decision deadline has passed.\n" + facts,
                payload=payload | {"threshold_months": 0},
                **common,
            )
            continue
        crossed = [t for t in sorted(thresholds) if opp.decision_deadline <= add_months(as_of, t)]
        if crossed:
            t = crossed[0]
            yield Candidate(
                f"deadline:{opp.id}:{opp.decision_deadline.isoformat()}:{t}",
                "deadline",
                f"Decision due within {t} months: {label}",
                facts,
                payload=payload | {"threshold_months": t},
                **common,
            )


def wave_candidates(as_of: date, names: Mapping[str, str] | None = None) -> Iterator[Candidate]:
    """A new or changed wave of the tender plan: one alert per wave id.

    A wave's id is the key of its members (like an opportunity's), so a wave whose members
    change is a new id and a new alert, while the same wave found again, day after day, is
    the same dedup key: its dates move with the as-of date (a joint start waiting on the lead
    time) without anything having changed for the councils. Waves a coordinator dismissed or
    launched are not announced.
    """
    from procurehub.alignment.tender_plan import current_plan, wave_opportunities, wave_states

    names = council_names() if names is None else names
    waves = list(current_plan(as_of).waves)
    states = wave_states(waves)
    links = wave_opportunities(waves)
    for wave in waves:
        if states[wave.id].status in CLOSED_STATUSES:
            continue
        label = _label(wave.category)
        councils = list(wave.councils)
        yield Candidate(
            f"wave:{wave.id}",
            "wave",
            f"Tender plan: joint tender for {label} ({len(councils)} councils)",
            f"{label}: the tender plan puts {len(wave.items)} contracts of {len(councils)} "
            f"councils ({names_of(councils, names)}) in one joint tender.\n"
            f"It must start by {wave.decision_deadline:%d %B %Y} for a joint start on "
            f"{wave.joint_start:%d %B %Y} (possible until {wave.window_end:%d %B %Y}).\n"
            f"Combined value: {_money(wave.total_value)}.",
            workstream=wave.category.split(".", 1)[0],
            category=wave.category,
            councils=councils,
            due_date=wave.decision_deadline,
            payload={
                "wave_id": wave.id,
                "opportunity_id": links.get(wave.id),
                "category": wave.category,
                "councils": councils,
                "council_names": named(councils, names),
                "items": [
                    {"council_code": i.council_code, "reference": i.reference} for i in wave.items
                ],
                "joint_start": wave.joint_start.isoformat(),
                "decision_deadline": wave.decision_deadline.isoformat(),
                "window_end": wave.window_end.isoformat(),
                "total_value": float(wave.total_value or 0),
            },
        )


def contract_end_candidates(as_of: date) -> Iterator[Candidate]:
    """A council's own contract nearing its end (within its category's lead time) with no plan.

    "A plan" is the contract being part of an opportunity whose tender is planned or launched.
    """
    lead = dict(db.session.execute(select(Category.key, Category.lead_time_months)).all())
    horizon = add_months(as_of, max(lead.values(), default=12))
    planned = (
        select(OpportunityMember.source_id)
        .join(Opportunity, OpportunityMember.opportunity_id == Opportunity.id)
        .where(OpportunityMember.source == "contract", Opportunity.status.in_(PLANNED_STATUSES))
    )
    stmt = (
        select(
            Contract.id,
            Contract.reference,
            Contract.title,
            Contract.category,
            Contract.workstream,
            Contract.end_date,
            Contract.max_end_date,
            Council.code,
            Council.name,
        )
        .join(Council, Contract.council_id == Council.id)
        .where(
            Contract.end_date >= as_of,
            Contract.end_date <= horizon,
            Contract.workstream != UNCLASSIFIED,
            Contract.record_type == "contract",
            Contract.status == "active",
            Contract.id.not_in(planned),
        )
        .execution_options(yield_per=1000)
    )
    rows = db.session.execute(stmt)
    for cid, ref, title, category, workstream, end, max_end, code, council_name in rows:
        if end > add_months(as_of, lead.get(category, 12)):
            continue
        later = f" (extensions possible to {max_end:%d %B %Y})" if max_end and max_end > end else ""
        yield Candidate(
            f"contract_end:{cid}:{end.isoformat()}",
            "contract_end",
            f"Contract ending {end:%d %b %Y} with no renewal plan: {ref or title} ({council_name})",
            f"{council_name}'s contract {f'{ref} ' if ref else ''}'{title}' ends on {end:%d %B %Y}{later}, within the "
            f"{lead.get(category, 12)}-month lead time for {_label(category)}, and no joint tender is planned.",
            workstream=workstream,
            category=category,
            councils=[code],
            contract_id=cid,
            due_date=end,
            payload={
                "contract_id": cid,
                "reference": ref,
                "end_date": end.isoformat(),
                "council_code": code,
                "council_name": council_name,
            },
        )


def stale_register_candidates(as_of: date) -> Iterator[Candidate]:
    cutoff = add_months(as_of, -STALE_REGISTER_MONTHS)
    last_upload = dict(
        db.session.execute(
            select(Upload.council_id, func.max(Upload.created_at))
            .where(Upload.status == "stored", Upload.kind == "contracts")
            .group_by(Upload.council_id)
        ).all()
    )
    first_contract = dict(
        db.session.execute(
            select(Contract.council_id, func.min(Contract.created_at)).group_by(Contract.council_id)
        ).all()
    )
    for council in db.session.scalars(select(Council)):
        last = last_upload.get(council.id) or first_contract.get(council.id)
        if last is None or last.date() >= cutoff:
            continue
        yield Candidate(
            f"register_stale:{council.code}:{last.date().isoformat()}",
            "register_stale",
            f"{council.name}'s contract register has not been refreshed since {last:%d %B %Y}",
            f"The hub last received {council.name}'s register on {last:%d %B %Y}. Upload the current "
            "register so renewals are aligned on up-to-date dates.",
            councils=[council.code],
            payload={
                "council_code": council.code,
                "council_name": council.name,
                "last_upload": last.date().isoformat(),
            },
        )


# ---------------------------------------------------------------------- matching
def _regions() -> dict[str, str | None]:
    return dict(db.session.execute(select(Council.code, Council.region)).all())


def matches(sub: Subscription, alert: Candidate, regions: dict[str, str | None]) -> bool:
    if alert.workstream is not None and sub.workstream != alert.workstream:
        return False
    if sub.kinds and alert.kind not in sub.kinds:
        return False
    if sub.categories and alert.category not in sub.categories:
        return False
    if sub.councils and not set(sub.councils) & set(alert.councils):
        return False
    return not (sub.region and sub.region not in {regions.get(c) for c in alert.councils})


def decide_alerts(as_of: date, names: Mapping[str, str] | None = None) -> int:
    """Insert the alerts due as of a date, and their deliveries; returns how many alerts are new.

    Deliveries are made for every alert that is *currently* true (this run's candidates), not only
    new ones, so a coordinator who subscribes today is told about what is already open. Those
    earlier alerts reach a new e-mail or webhook subscriber as one catch-up digest, not a flood.
    The unique (alert, subscription) pair means nobody is told the same thing twice.
    `names` ({code: name}, `council_names()`) is read here when the caller has not read it.
    """
    names = council_names() if names is None else names
    thresholds = tuple(current_app.config.get("ALERT_DEADLINE_THRESHOLDS", DEFAULT_THRESHOLDS))
    subscriptions = list(
        db.session.scalars(
            select(Subscription)
            .join(User, Subscription.user_id == User.id)
            .where(Subscription.active.is_(True), User.active.is_(True))
        )
    )
    regions = _regions()
    known = dict(db.session.execute(select(Alert.dedup_key, Alert.id)).all())
    created_at = dict(db.session.execute(select(Alert.id, Alert.created_at)).all())
    delivered: set[tuple[int, int]] = set()
    targets: set[tuple[int, int, str, str | None]] = set()
    for alert_id, sub_id, user_id, channel, url in db.session.execute(
        select(
            Delivery.alert_id,
            Delivery.subscription_id,
            Delivery.user_id,
            Delivery.channel,
            Subscription.webhook_url,
        ).join(Subscription, Delivery.subscription_id == Subscription.id)
    ):
        delivered.add((alert_id, sub_id))
        targets.add((alert_id, user_id, channel, url if channel == "webhook" else None))
    created = 0
    now = utcnow()
    for source in (
        opportunity_candidates(as_of, thresholds, names),
        wave_candidates(as_of, names),
        contract_end_candidates(as_of),
        stale_register_candidates(as_of),
    ):
        for cand in list(source):
            alert_id = known.get(cand.dedup_key)
            if alert_id is None:
                alert_id = db.session.scalar(
                    _insert(Alert)
                    .values(
                        dedup_key=cand.dedup_key,
                        kind=cand.kind,
                        workstream=cand.workstream,
                        category=cand.category,
                        councils=cand.councils,
                        opportunity_id=cand.opportunity_id,
                        contract_id=cand.contract_id,
                        due_date=cand.due_date,
                        subject=cand.subject,
                        body=cand.body,
                        payload=cand.payload,
                        created_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["dedup_key"])
                    .returning(Alert.id)
                )
                if alert_id is None:  # another run decided it first
                    alert_id = db.session.scalar(
                        select(Alert.id).where(Alert.dedup_key == cand.dedup_key)
                    )
                else:
                    created += 1
                    created_at[alert_id] = now
                known[cand.dedup_key] = alert_id
            for sub in subscriptions:
                target = (
                    alert_id,
                    sub.user_id,
                    sub.channel,
                    sub.webhook_url if sub.channel == "webhook" else None,
                )
                if (
                    (alert_id, sub.id) in delivered
                    or target in targets
                    or not matches(sub, cand, regions)
                ):
                    continue
                targets.add(target)
                delivered.add((alert_id, sub.id))
                catch_up = created_at.get(alert_id, now) < sub.created_at
                if sub.channel == "inbox":
                    status = "sent"
                elif sub.frequency == "immediate" and not catch_up:
                    status = "pending"
                else:
                    status = "digest"
                db.session.execute(
                    _insert(Delivery)
                    .values(
                        alert_id=alert_id,
                        subscription_id=sub.id,
                        user_id=sub.user_id,
                        channel=sub.channel,
                        status=status,
                        sent_at=now if status == "sent" else None,
                    )
                    .on_conflict_do_nothing(index_elements=["alert_id", "subscription_id"])
                )
    db.session.commit()
    return created
