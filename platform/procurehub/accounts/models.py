"""Councils, users and their API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from procurehub.extensions import JSONType, db, utcnow

ROLES = ("officer", "network_manager", "coordinator", "digital_lead", "admin")
#: Each role in the users' words (pages never show the keys above).
ROLE_LABELS = {
    "officer": "Procurement officer",
    "network_manager": "Fleet / network manager",
    "coordinator": "Coordinator",
    "digital_lead": "Digital lead",
    "admin": "Administrator",
}


class Council(db.Model):
    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Council {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: Bumped when the password changes: browser sessions signed in before then stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    council: Mapped[Council] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # flask-login
        return bool(self.active)

    def get_id(self) -> str:
        """What the session cookie holds: the user's id and session version ("12.3")."""
        return f"{self.id}.{self.session_version or 0}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt by default

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])

    @property
    def is_admin(self) -> bool:
        return self.has_role("admin")

    @property
    def is_coordinator(self) -> bool:
        return self.has_role("coordinator")


class ApiToken(db.Model):
    """A bearer token. Only a SHA-256 digest is stored; the token is shown once.

    Tokens are 256-bit random strings, so a fast digest is enough (a slow KDF protects
    low-entropy passwords, not random keys) and keeps every API request cheap.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SignInAttempt(db.Model):
    """One try at signing in with a password, kept for a day to rate-limit and lock out.

    In the database (not in a worker's memory) so every gunicorn worker sees the same count.
    `email` is what was typed (lower-cased), whether or not such an account exists.
    """

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_email_at", "email", "at"),
        Index("ix_sign_in_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    #: "success", "failure" (wrong password or unknown account) or "locked" (refused unchecked)
    outcome: Mapped[str] = mapped_column(String(10))
