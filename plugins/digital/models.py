"""The Digital workstream's own tables (names start with `digital_`).

`digital_system` is a council's system inventory: one row per system a council runs today in a
system category (fleet or housing management), with its costs, scale and contract dates.
`digital_business_case` is the business case for one system category: its parameters, scaling
rules, options (cost and benefit lines by year) and the five-case outline text.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from procurehub import toolkit as tk

SYSTEM_CATEGORIES = ("digital.fleet_management_system", "digital.housing_management_system")
HOSTING_MODELS = ("on_premises", "hosted", "saas", "other")
COST_LINES = ("licence_cost", "hosting_cost", "support_cost", "other_cost")


class DigitalSystem(tk.Model):
    """A system a council runs today, what it costs and when its contract can end.

    `max_end_date` means what it means for a contract: the end date plus every extension
    option (worked out from `extension_periods_months` unless given).
    """

    __tablename__ = "digital_system"
    __table_args__ = (Index("ix_digital_system_category_council", "category", "council_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    council_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(80))
    product: Mapped[str] = mapped_column(String(200))
    vendor: Mapped[str | None] = mapped_column(String(200))
    hosting_model: Mapped[str | None] = mapped_column(String(20))
    licence_cost: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    hosting_cost: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    support_cost: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    other_cost: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    one_off_cost: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    fleet_size: Mapped[int | None] = mapped_column(Integer)
    housing_stock: Mapped[int | None] = mapped_column(Integer)
    users: Mapped[int | None] = mapped_column(Integer)
    contract_reference: Mapped[str | None] = mapped_column(String(200))
    contract_start: Mapped[date | None] = mapped_column(Date)
    contract_end: Mapped[date | None] = mapped_column(Date)
    extension_terms: Mapped[str | None] = mapped_column(Text)
    extension_periods_months: Mapped[list[int]] = mapped_column(tk.JSONType, default=list)
    max_end_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)

    @property
    def annual_cost(self) -> Decimal:
        """Licence, hosting, support and other costs a year (a missing line counts as 0)."""
        return sum((getattr(self, line) or Decimal(0) for line in COST_LINES), Decimal(0))


class DigitalBusinessCase(tk.Model):
    """The business case for a single national system in one system category.

    `rules` are the scaling rules that generate the standard options from the inventory;
    `options` the cost and benefit lines by year (generated or entered); `joining` a snapshot
    of the joining schedule the generated options came from; `outline` the text of the
    strategic, commercial, financial and management cases.
    """

    __tablename__ = "digital_business_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    base_year: Mapped[int] = mapped_column(Integer)
    appraisal_years: Mapped[int] = mapped_column(Integer, default=10)
    edition: Mapped[str] = mapped_column(String(200))
    discount_schedule: Mapped[list[Any] | None] = mapped_column(tk.JSONType)
    capital_project_type: Mapped[str] = mapped_column(String(60))
    operating_project_type: Mapped[str | None] = mapped_column(String(60))
    mitigation_share: Mapped[Decimal] = mapped_column(Numeric(6, 4), default=Decimal(0))
    rules: Mapped[dict[str, Any]] = mapped_column(tk.JSONType, default=dict)
    options: Mapped[list[dict[str, Any]]] = mapped_column(tk.JSONType, default=list)
    joining: Mapped[dict[str, Any]] = mapped_column(tk.JSONType, default=dict)
    outline: Mapped[dict[str, str]] = mapped_column(tk.JSONType, default=dict)
    generated_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)
