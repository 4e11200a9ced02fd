"""The waste workstream's own tables (names start with `waste_`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from procurehub import toolkit as tk

#: Column precision per kind of profile figure: (digits, decimal places). The service refuses
#: a figure with more places or a larger magnitude, so nothing is silently rounded or overflows.
TONNES = (14, 3)
MONEY = (14, 2)
DAYS = (8, 2)


class BulkyProfile(tk.Model):
    """One council's bulky waste service in one financial year (DESIGN §3, Waste phase 2).

    One row per council and year: recording a year again updates it. Figures left empty are
    unknown (NULL), never zero.
    """

    __tablename__ = "waste_bulky_profile"
    __table_args__ = (
        UniqueConstraint("council_id", "financial_year", name="uq_waste_bulky_profile_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    council_code: Mapped[str] = mapped_column(String(20))
    financial_year: Mapped[str] = mapped_column(String(7), index=True)
    delivery_model: Mapped[str] = mapped_column(String(20))
    collections: Mapped[int | None] = mapped_column(Integer)
    items: Mapped[int | None] = mapped_column(Integer)
    tonnes_collected: Mapped[Decimal | None] = mapped_column(Numeric(*TONNES))
    tonnes_reuse: Mapped[Decimal | None] = mapped_column(Numeric(*TONNES))
    tonnes_recycling: Mapped[Decimal | None] = mapped_column(Numeric(*TONNES))
    tonnes_energy_recovery: Mapped[Decimal | None] = mapped_column(Numeric(*TONNES))
    tonnes_landfill: Mapped[Decimal | None] = mapped_column(Numeric(*TONNES))
    charge_price: Mapped[Decimal | None] = mapped_column(Numeric(*MONEY))
    charge_items_covered: Mapped[int | None] = mapped_column(Integer)
    concessions: Mapped[str | None] = mapped_column(Text)
    operating_cost: Mapped[Decimal | None] = mapped_column(Numeric(*MONEY))
    days_to_collection: Mapped[Decimal | None] = mapped_column(Numeric(*DAYS))
    contract_references: Mapped[list[str]] = mapped_column(tk.JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)


class JointModel(tk.Model):
    """A saved joint bulky waste service model: a named group, a year and the assumptions.

    The figures are worked out again from the councils' profiles whenever it is shown, so a
    corrected profile corrects every model built on it. Every signed-in user can see it;
    its author and coordinators can change it.
    """

    __tablename__ = "waste_joint_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    financial_year: Mapped[str] = mapped_column(String(7))
    councils: Mapped[list[str]] = mapped_column(tk.JSONType, default=list)
    assumptions: Mapped[dict[str, Any]] = mapped_column(tk.JSONType, default=dict)
    source: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    author_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)
