"""What each register upload did, and what each council taught the importer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procurehub.accounts.models import Council
from procurehub.extensions import JSONType, db, utcnow


class Upload(db.Model):
    """One register upload: what was read, what happened, and the full report."""

    __tablename__ = "upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # What was uploaded: "contracts" (a register) or a plugin's table ("fleet.vehicles", ...).
    kind: Mapped[str] = mapped_column(
        String(40), default="contracts", server_default="contracts", index=True
    )
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
