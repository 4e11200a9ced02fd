"""Keeping opportunities fresh: whatever changes renewals says so, and only its groups are redone.

DESIGN §3: an upload, a contract edit, a fleet list or system change, or a category settings
change recomputes the opportunities (and the plan) of the affected category groups before the
response returns, never the whole hub; the scheduled job stays as the safety net. The plan is
computed on demand from the renewals themselves (`alignment.tender_plan`), so it is fresh by
construction; what must be redone is the stored opportunities (and their alerts' inputs).

Two ways in, both cheap for the caller:

* :func:`renewals_changed` — *the* hook. A service that changed renewal items (a contract
  edit, a category's settings, a plugin's vehicles or systems) names the categories it
  touched. Nothing runs then: the categories wait for the transaction to commit (a rollback
  forgets them), and the request's end (`after_request`, before the response is sent) aligns
  their groups once, however many changes the request made. Outside a request (a CLI command,
  a job) call :func:`refresh_changed_renewals` when done, or leave it to the scheduled run.
* :func:`refresh_after_upload` — a register upload commits by itself and is a whole unit of
  work (also from the CLI), so it refreshes at once: the categories its created and updated
  contracts are in now, plus those they were in before (from the stored opportunities that
  hold them), are aligned.

A refresh that fails is logged and rolled back, never turned into a failed upload or edit:
what the user saved stays saved, and the next scheduled run repairs the opportunities.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from procurehub.alignment.models import OpportunityMember
from procurehub.alignment.store import RunResult, run_alignment
from procurehub.contracts.models import Contract
from procurehub.extensions import db

log = logging.getLogger(__name__)

#: session.info keys: categories changed in the open transaction / in committed ones.
PENDING = "procurehub.renewals_changed.pending"
COMMITTED = "procurehub.renewals_changed.committed"


def renewals_changed(categories: Iterable[str | None]) -> None:
    """Say that renewal items of these categories changed (added, edited, removed, moved).

    Give both the old and the new category of an item that moved. Their groups' opportunities
    are recomputed when the request ends, if the change was committed.
    """
    keys = {c for c in categories if c and c != "unclassified"}
    if keys:
        db.session.info.setdefault(PENDING, set()).update(keys)


def refresh_changed_renewals(as_of: date | None = None) -> RunResult | None:
    """Align now the groups of every committed change named to :func:`renewals_changed`."""
    categories = db.session.info.pop(COMMITTED, None)
    if not categories:
        return None
    return refresh_categories(categories, as_of)


def refresh_categories(categories: Iterable[str], as_of: date | None = None) -> RunResult | None:
    """Recompute the opportunities of these categories' groups, now; None if that failed."""
    categories = sorted(set(categories))
    if not categories:
        return None
    try:
        return run_alignment(as_of or date.today(), categories=categories)
    except Exception:  # noqa: BLE001 - the user's change is saved; the scheduled run repairs
        db.session.rollback()
        log.exception("Refreshing the opportunities of %s failed", ", ".join(categories))
        return None


def upload_categories(upload_id: int) -> set[str]:
    """Categories an upload touched: where its created and updated contracts are now, and
    where the stored opportunities holding them had them before (a contract moved category)."""
    touched = select(Contract.id).where(Contract.upload_id == upload_id)
    now = set(
        db.session.scalars(
            select(Contract.category).where(Contract.upload_id == upload_id).distinct()
        )
    )
    before = set(
        db.session.scalars(
            select(OpportunityMember.category)
            .where(OpportunityMember.source == "contract", OpportunityMember.source_id.in_(touched))
            .distinct()
        )
    )
    return {c for c in now | before if c and c != "unclassified"}


def refresh_after_upload(upload_id: int | None, as_of: date | None = None) -> RunResult | None:
    """After a stored upload: align the groups it touched (call it once the upload committed)."""
    if upload_id is None:
        return None
    return refresh_categories(upload_categories(upload_id), as_of)


# ------------------------------------------------------------------------------ transactions


def _committed(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        session.info.setdefault(COMMITTED, set()).update(pending)


def _rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


def _refresh_at_request_end(response: Any) -> Any:
    if db.session.info.get(COMMITTED):
        refresh_changed_renewals()
    return response


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _rolled_back)
    app.after_request(_refresh_at_request_end)
