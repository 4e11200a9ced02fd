"""Rate limiting and lockout of password sign-in, counted in the database.

An account is locked after `per_account` failed sign-ins within `window` (counting only
failures since its last successful sign-in); a client address is locked after `per_address`
failures within `window`, whatever accounts it tried. A lock lifts by itself when the oldest of
those failures leaves the window, so the message can say exactly when to try again. While
locked, even the right password is refused (and recorded as "locked", which does not extend
the lock). Counts live in the `sign_in_attempt` table so every gunicorn worker sees them; the
table is pruned of rows older than a day as failures are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from procurehub.accounts.models import SignInAttempt
from procurehub.extensions import db, utcnow

KEEP_ATTEMPTS = timedelta(days=1)
SUCCESS, FAILURE, LOCKED = "success", "failure", "locked"


@dataclass(frozen=True)
class LockoutPolicy:
    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: Any) -> LockoutPolicy:
        return cls(
            per_account=int(config.get("SIGN_IN_MAX_FAILURES_PER_ACCOUNT", 5)),
            per_address=int(config.get("SIGN_IN_MAX_FAILURES_PER_ADDRESS", 20)),
            window=timedelta(minutes=int(config.get("SIGN_IN_LOCKOUT_MINUTES", 15))),
        )


@dataclass(frozen=True)
class Lock:
    until: datetime  # naive UTC
    reason: str  # "account" or "address"

    def message(self, now: datetime) -> str:
        minutes = max(1, -(-int((self.until - now).total_seconds()) // 60))  # round up
        what = "this account" if self.reason == "account" else "this network address"
        return (
            f"Too many failed sign-ins for {what}. Try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''} (after {self.until:%H:%M} UTC), or ask your "
            "collaboration's administrator to check your account."
        )


def _lock_from(failures: list[datetime], limit: int, window: timedelta, reason: str) -> Lock | None:
    """`failures` newest first, at most `limit` of them, all inside the window."""
    if limit <= 0 or len(failures) < limit:
        return None
    return Lock(until=failures[limit - 1] + window, reason=reason)


def current_lock(
    email: str, address: str, policy: LockoutPolicy, now: datetime | None = None
) -> Lock | None:
    """The lock on this e-mail address or client address now, or None."""
    now = now or utcnow()
    since = now - policy.window
    last_success = db.session.scalar(
        select(func.max(SignInAttempt.at)).where(
            SignInAttempt.email == email, SignInAttempt.outcome == SUCCESS
        )
    )
    account_since = max(since, last_success) if last_success else since
    account_failures = list(
        db.session.scalars(
            select(SignInAttempt.at)
            .where(
                SignInAttempt.email == email,
                SignInAttempt.outcome == FAILURE,
                SignInAttempt.at > account_since,
            )
            .order_by(SignInAttempt.at.desc())
            .limit(policy.per_account)
        )
    )
    address_failures = list(
        db.session.scalars(
            select(SignInAttempt.at)
            .where(
                SignInAttempt.address == address,
                SignInAttempt.outcome == FAILURE,
                SignInAttempt.at > since,
            )
            .order_by(SignInAttempt.at.desc())
            .limit(policy.per_address)
        )
    )
    locks = [
        lock
        for lock in (
            _lock_from(account_failures, policy.per_account, policy.window, "account"),
            _lock_from(address_failures, policy.per_address, policy.window, "address"),
        )
        if lock is not None and lock.until > now
    ]
    return max(locks, key=lambda lock: lock.until) if locks else None


def record_attempt(email: str, address: str, outcome: str, now: datetime | None = None) -> None:
    """Add the attempt to the current transaction; prune day-old attempts on a failure."""
    now = now or utcnow()
    if outcome == FAILURE:
        db.session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - KEEP_ATTEMPTS))
    db.session.add(SignInAttempt(at=now, email=email[:254], address=address[:64], outcome=outcome))
