"""The contract table. Column names are the canonical field names of DESIGN §3, so the API,
exports and import reports use one vocabulary.

Text lengths and defaults come from the field registry (`contracts.fields`), so the database, the
API and the importer hold the same limits. Changing a length there changes the table: it needs a
migration (`procurehub db migrate`), and a test compares the registry with the migrated table.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procurehub.accounts.models import Council
from procurehub.contracts.fields import MAX_LENGTHS, contract_field
from procurehub.extensions import JSONType, db, utcnow


def _string(name: str) -> String:
    """A text column as long as the field registry allows (the API and importer use the same)."""
    return String(MAX_LENGTHS[name])


def _default(name: str) -> Any:
    return contract_field(name).default


class Contract(db.Model):
    __tablename__ = "contract"
    # The list filters of DESIGN §4 each have an index whose trailing columns are the list's
    # keyset order (`id`, or `end_date, id` when an end-date range is given), so a page is an
    # index range scan however big the hub is (DESIGN §7). Text search (`q`) uses full-text
    # objects created by migration 4e1be76d1820 only (SQLite FTS5 table and triggers, a
    # PostgreSQL GIN index over an expression): see contracts.service.text_match().
    __table_args__ = (
        Index("ix_contract_council_reference", "council_id", "reference"),
        Index("ix_contract_workstream_category_end", "workstream", "category", "end_date"),
        Index("ix_contract_end_date_id", "end_date", "id"),
        Index("ix_contract_council_id", "council_id", "id"),
        Index("ix_contract_council_end", "council_id", "end_date", "id"),
        Index("ix_contract_workstream_id", "workstream", "id"),
        Index("ix_contract_workstream_end", "workstream", "end_date", "id"),
        Index("ix_contract_category_id", "category", "id"),
        Index("ix_contract_category_end", "category", "end_date", "id"),
        # An upload's own contracts (the groups it touched are recomputed after it, DESIGN §3).
        Index("ix_contract_upload_id", "upload_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    reference: Mapped[str | None] = mapped_column(_string("reference"))
    title: Mapped[str] = mapped_column(Text, default=_default("title"))
    description: Mapped[str | None] = mapped_column(Text)
    workstream: Mapped[str] = mapped_column(_string("workstream"), default=_default("workstream"))
    category: Mapped[str] = mapped_column(_string("category"), default=_default("category"))
    classified_by: Mapped[str | None] = mapped_column(_string("classified_by"))
    category_label: Mapped[str | None] = mapped_column(_string("category_label"))
    cpv_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    supplier_name: Mapped[str | None] = mapped_column(Text)
    supplier_company_number: Mapped[str | None] = mapped_column(
        _string("supplier_company_number")
    )
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
    value_is_estimate: Mapped[bool] = mapped_column(
        Boolean, default=_default("value_is_estimate")
    )
    procurement_route: Mapped[str | None] = mapped_column(_string("procurement_route"))
    status: Mapped[str] = mapped_column(_string("status"), default=_default("status"))
    collaboration_interest: Mapped[str] = mapped_column(
        _string("collaboration_interest"), default=_default("collaboration_interest")
    )
    record_type: Mapped[str] = mapped_column(
        _string("record_type"), default=_default("record_type")
    )
    notes: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))
    source_file: Mapped[str | None] = mapped_column(_string("source_file"))
    source_sheet: Mapped[str | None] = mapped_column(_string("source_sheet"))
    source_row: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    council: Mapped[Council] = relationship(lazy="joined")

    @property
    def council_code(self) -> str:
        return self.council.code
