"""Councils, users and API tokens: the admin operations shared by the CLI, API and demo."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from procurehub.accounts import lockout, passwords
from procurehub.accounts.models import ROLES, ApiToken, Council, User
from procurehub.audit import service as audit
from procurehub.extensions import db, utcnow

TOKEN_PREFIX = "phub_"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COUNCIL_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


class AccountError(ValueError):
    """A request about councils, users or tokens that cannot be carried out as asked."""


def get_council(code: str) -> Council:
    council = (
        None if "\x00" in code else db.session.scalar(select(Council).where(Council.code == code))
    )
    if council is None:
        raise AccountError(f"No council with code {code!r}. Add it with `procurehub councils add`.")
    return council


def add_council(code: str, name: str, region: str | None = None, *, actor: Any = None) -> Council:
    code = code.strip()
    if not COUNCIL_CODE_RE.match(code):
        raise AccountError(
            "A council code is 1-20 letters, digits, '-' or '_' (e.g. the GSS code S12000050)."
        )
    if not name.strip():
        raise AccountError("A council needs a name.")
    if len(name.strip()) > 200 or len((region or "").strip()) > 100:
        raise AccountError("A council's name is at most 200 characters, its region 100.")
    if db.session.scalar(select(Council).where(Council.code == code)):
        raise AccountError(f"A council with code {code!r} already exists.")
    council = Council(code=code, name=name.strip(), region=(region or "").strip() or None)
    db.session.add(council)
    db.session.flush()
    audit.record(
        "create",
        "council",
        council.code,
        user=actor,
        council_code=code,
        changes={"name": [None, council.name], "region": [None, council.region]},
    )
    return council


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"{email!r} is not an e-mail address.")
    return email


def add_user(
    email: str,
    council_code: str,
    roles: Iterable[str],
    *,
    name: str = "",
    password: str | None = None,
    actor: Any = None,
) -> User:
    email = normalise_email(email)
    roles = sorted(set(roles))
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise AccountError(
            f"Unknown role {', '.join(bad) or '(none)'}; choose from {', '.join(ROLES)}."
        )
    if len(email) > 254 or len(name) > 200:
        raise AccountError("The e-mail address or name is too long.")
    if db.session.scalar(select(User).where(User.email == email)):
        raise AccountError(f"A user with e-mail {email} already exists.")
    council = get_council(council_code)
    user = User(email=email, name=name, council=council, roles=roles, active=True)
    if password is not None:
        check_password_strength(password, email)
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "create",
        "user",
        user.id,
        user=actor,
        council_code=council.code,
        changes={
            "email": [None, email],
            "name": [None, name],
            "council": [None, council.code],
            "roles": [None, roles],
        },
    )
    return user


def check_password_strength(password: str, email: str = "") -> None:
    """The password policy (accounts/passwords.py) as an AccountError."""
    problem = passwords.password_problem(password, email)
    if problem:
        raise AccountError(problem)


def set_password(user: User, password: str, *, actor: Any = None) -> None:
    """Set a new password after the policy check, and end the user's other sessions.

    Bumping `session_version` changes what `User.get_id` puts in session cookies, so every
    browser signed in with the old version is signed out at its next request. API tokens are
    separate credentials and stay valid (revoke them with `procurehub tokens revoke`).
    """
    check_password_strength(password, user.email)
    user.set_password(password)
    user.session_version = (user.session_version or 0) + 1
    user.password_changed_at = utcnow()
    audit.record(
        "password_change",
        "user",
        user.id,
        user=actor,  # None (the CLI) is recorded as "system"
        council_code=user.council.code,
    )  # no password material: only that it changed, who changed it and when


def change_own_password(user: User, current: str, new: str, new_again: str) -> None:
    """The self-service change: the current password, then the new one twice."""
    if not user.check_password(current):
        raise AccountError("Your current password is not right.")
    if new != new_again:
        raise AccountError("The two new passwords are not the same. Type the new password twice.")
    if new == current:
        raise AccountError("The new password must be different from your current one.")
    set_password(user, new, actor=user)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password of anyone's")


def sign_in_with_password(
    email: str, password: str, address: str, policy: lockout.LockoutPolicy
) -> tuple[User | None, str | None]:
    """(user, None) when the password is right; (None, message) otherwise.

    Every outcome is counted for the lockout and written to the audit log (the account, the
    client address and whether it worked, never the password). An unknown e-mail address is
    answered exactly like a wrong password, and costs the same hashing time, so the page does
    not tell who has an account.
    """
    email = email.strip().lower()[:254]
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    known = user if user is not None and user.is_active else None
    lock = lockout.current_lock(email, address, policy)
    if lock is not None:
        lockout.record_attempt(email, address, lockout.LOCKED)
        _audit_sign_in("sign_in_locked", known, address, lock=lock.reason)
        return None, lock.message(utcnow())
    if known is not None and known.check_password(password):
        lockout.record_attempt(email, address, lockout.SUCCESS)
        _audit_sign_in("sign_in", known, address)
        return known, None
    if known is None:
        check_password_hash(_dummy_hash(), password)
    lockout.record_attempt(email, address, lockout.FAILURE)
    _audit_sign_in("sign_in_failed", known, address)
    lock = lockout.current_lock(email, address, policy)
    if lock is not None:
        return None, lock.message(utcnow())
    return None, "The e-mail address or password is not right."


def _audit_sign_in(action: str, user: User | None, address: str, **extra: str) -> None:
    """Sign-in events name the account only when it exists (a typed address may be a typo
    of someone else's, or a password pasted into the wrong box)."""
    audit.record(
        action,
        "user",
        None if user is None else user.id,
        user=user,
        council_code=None if user is None else user.council.code,
        changes={"address": address, **extra},
    )


def get_user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AccountError(f"No user with e-mail {email.strip()}.")
    return user


def create_token(user: User, name: str = "", *, actor: Any = None) -> str:
    """Issue a token; the caller shows it once. Only its digest is stored."""
    name = name.strip()
    if len(name) > 100:
        raise AccountError("Say what the token is for in 100 characters or fewer.")
    if not user.is_active:
        raise AccountError(f"{user.email} is deactivated: reactivate them before issuing a token.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user=user, name=name, token_hash=ApiToken.digest(token))
    db.session.add(record)
    db.session.flush()
    audit.record(
        "create",
        "api_token",
        record.id,
        user=actor,
        council_code=user.council.code,
        changes={"user": [None, user.email], "name": [None, name]},
    )
    return token


def revoke_token(token_id: int, *, actor: Any = None) -> None:
    record = db.session.get(ApiToken, token_id)
    if record is None:
        raise AccountError(f"No API token {token_id}.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        audit.record(
            "revoke",
            "api_token",
            record.id,
            user=actor,
            council_code=record.user.council.code,
            changes={"user": [record.user.email, record.user.email], "revoked": [False, True]},
        )


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked or inactive)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    record = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == ApiToken.digest(token))
    )
    if record is None or record.revoked_at is not None or not record.user.is_active:
        return None
    return record.user


# ---------------------------------------------------------------------------- helpers
def council_names() -> dict[str, str]:
    return dict(db.session.execute(select(Council.code, Council.name)).all())


# ---------------------------------------------------------------------------- administration
def update_council(
    code: str, *, name: str, region: str | None = None, actor: Any = None
) -> Council:
    """Rename a council or change its region (its code never changes: it keys every record)."""
    council = get_council(code)
    if not name.strip():
        raise AccountError("A council needs a name.")
    if len(name.strip()) > 200 or len((region or "").strip()) > 100:
        raise AccountError("A council's name is at most 200 characters, its region 100.")
    before = {"name": council.name, "region": council.region}
    council.name = name.strip()[:200]
    council.region = (region or "").strip()[:100] or None
    changes = audit.diff(before, {"name": council.name, "region": council.region})
    if changes:
        audit.record(
            "update",
            "council",
            council.code,
            user=actor,
            council_code=council.code,
            changes=changes,
        )
    return council


def get_user_by_id(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id < 2**63 else None
    if user is None:
        raise AccountError(f"No user {user_id}.")
    return user


def update_user(
    user: User,
    *,
    name: str,
    council_code: str,
    roles: Iterable[str],
    actor: Any = None,
) -> dict[str, list[Any]]:
    """Change a user's name, council and roles; returns the audited changes ({} if none).

    An administrator cannot take the administrator role away from themselves, so the hub is
    never left without someone who can give it back.
    """
    roles = sorted(set(roles))
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise AccountError(
            "Choose at least one role." if not bad else f"Unknown role {', '.join(bad)}."
        )
    if actor is not None and actor.id == user.id and "admin" not in roles:
        raise AccountError("You cannot take the administrator role away from yourself.")
    council = get_council(council_code)
    before = {"name": user.name, "council": user.council.code, "roles": list(user.roles or [])}
    user.name = name.strip()[:200]
    user.council = council
    user.roles = roles
    changes = audit.diff(before, {"name": user.name, "council": council.code, "roles": roles})
    if changes:
        audit.record(
            "update", "user", user.id, user=actor, council_code=council.code, changes=changes
        )
    return changes


def set_user_active(user: User, active: bool, *, actor: Any = None) -> bool:
    """Deactivate (or reactivate) a user; returns whether anything changed.

    A deactivated user can neither sign in nor use their API tokens. Administrators cannot
    deactivate themselves.
    """
    if actor is not None and actor.id == user.id and not active:
        raise AccountError("You cannot deactivate your own account.")
    if bool(user.active) == active:
        return False
    user.active = active
    audit.record(
        "reactivate" if active else "deactivate",
        "user",
        user.id,
        user=actor,
        council_code=user.council.code,
        changes={"active": [not active, active]},
    )
    return True


def tokens(user: User | None = None) -> list[ApiToken]:
    """API tokens, newest first (never their secret: only a digest is stored)."""
    stmt = select(ApiToken).order_by(ApiToken.id.desc())
    if user is not None:
        stmt = stmt.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(stmt))
