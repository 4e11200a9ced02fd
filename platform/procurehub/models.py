"""Core tables: councils, users and tokens, categories, contracts, uploads and the audit log.

Plugin tables live in each plugin's own models.py and share this metadata (one migration
history). Column names of Contract are the canonical field names of DESIGN §3, so the API,
exports and import reports use one vocabulary.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
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
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

JSONType = JSON().with_variant(JSONB(), "postgresql")

ROLES = ("officer", "network_manager", "coordinator", "admin")
CONTRACT_STATUSES = ("active", "expired", "terminated", "planned")
COLLABORATION_INTEREST = ("yes", "no", "maybe", "unknown")
RECORD_TYPES = ("contract", "purchase_order", "zero_value")
UNCLASSIFIED = "unclassified"


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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

    council: Mapped[Council] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # flask-login
        return bool(self.active)

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


class Category(db.Model):
    """A category as the hub uses it: seeded from the plugins, settings editable in the hub."""

    __tablename__ = "category"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    workstream: Mapped[str] = mapped_column(String(40), index=True)
    label: Mapped[str] = mapped_column(String(200))
    cpv_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    ewc_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    compatible: Mapped[list[str]] = mapped_column(JSONType, default=list)
    lead_time_months: Mapped[int] = mapped_column(Integer)
    # Empty: the hub-wide default (ALIGNMENT_TOLERANCE_MONTHS, ALIGNMENT_MIN_COUNCILS).
    tolerance_months: Mapped[int | None] = mapped_column(Integer)
    min_councils: Mapped[int | None] = mapped_column(Integer)


class Contract(db.Model):
    __tablename__ = "contract"
    __table_args__ = (
        Index("ix_contract_council_reference", "council_id", "reference"),
        Index("ix_contract_workstream_category_end", "workstream", "category", "end_date"),
        Index("ix_contract_end_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    reference: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str | None] = mapped_column(Text)
    workstream: Mapped[str] = mapped_column(String(40), default=UNCLASSIFIED)
    category: Mapped[str] = mapped_column(String(80), default=UNCLASSIFIED)
    classified_by: Mapped[str | None] = mapped_column(String(40))
    category_label: Mapped[str | None] = mapped_column(String(300))
    cpv_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    supplier_name: Mapped[str | None] = mapped_column(Text)
    supplier_company_number: Mapped[str | None] = mapped_column(String(20))
    supplier_address: Mapped[str | None] = mapped_column(Text)
    supplier_is_sme: Mapped[bool | None] = mapped_column(Boolean)
    award_date: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    extension_terms: Mapped[str | None] = mapped_column(Text)
    extension_periods_months: Mapped[list[int]] = mapped_column(JSONType, default=list)
    max_end_date: Mapped[date | None] = mapped_column(Date)
    value_total: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    value_annual: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    value_is_estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    procurement_route: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="active")
    collaboration_interest: Mapped[str] = mapped_column(String(10), default="unknown")
    record_type: Mapped[str] = mapped_column(String(20), default="contract")
    notes: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))
    source_file: Mapped[str | None] = mapped_column(String(255))
    source_sheet: Mapped[str | None] = mapped_column(String(255))
    source_row: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    council: Mapped[Council] = relationship(lazy="joined")

    @property
    def council_code(self) -> str:
        return self.council.code


class Upload(db.Model):
    """One register upload: what was read, what happened, and the full report."""

    __tablename__ = "upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(255))
    sheet: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="stored")
    report: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # What the error workbook needs: the file's headings and its rejected rows as uploaded.
    headings: Mapped[list[str]] = mapped_column(JSONType, default=list, server_default=text("'[]'"))
    rejected_rows: Mapped[list[Any]] = mapped_column(
        JSONType, default=list, server_default=text("'[]'")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    council: Mapped[Council] = relationship()


class CouncilColumnMapping(db.Model):
    """A council's own heading → field decision, reused on its next upload."""

    __tablename__ = "council_column_mapping"
    __table_args__ = (
        UniqueConstraint("council_id", "heading", name="uq_council_column_mapping_heading"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"))
    heading: Mapped[str] = mapped_column(String(300))  # normalised heading
    field: Mapped[str] = mapped_column(String(60))  # canonical field, or "" to keep in extra


class CouncilCategoryLabel(db.Model):
    """A council's own category label → hub category, taught by assigning a contract."""

    __tablename__ = "council_category_label"
    __table_args__ = (
        UniqueConstraint("council_id", "label", name="uq_council_category_label_label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(300))  # normalised label
    category: Mapped[str] = mapped_column(String(80))


class AuditEvent(db.Model):
    """Who changed what, when: one row per change, with before/after of changed fields.

    This is also each contract's change history (object_type="contract").
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254), default="system")
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80))
    council_code: Mapped[str | None] = mapped_column(String(20))
    upload_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
