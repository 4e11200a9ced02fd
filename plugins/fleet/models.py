"""The fleet workstream's own tables (names start with `fleet_`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from procurehub import toolkit as tk


class CatalogueVehicle(tk.Model):
    """A real vehicle model variant, with its figures as published and its compliance.

    Re-importing the catalogue updates a variant in place (keyed by make, model and variant),
    so a council's spec linked to it keeps its link.
    """

    __tablename__ = "fleet_catalogue_vehicle"
    __table_args__ = (
        UniqueConstraint("make", "model", "variant", name="uq_fleet_catalogue_vehicle"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    make: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))
    variant: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(String(200), default="")
    gvw_kg: Mapped[int | None] = mapped_column(Integer)
    figures: Mapped[dict[str, Any]] = mapped_column(tk.JSONType, default=dict)
    sources: Mapped[list[str]] = mapped_column(tk.JSONType, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    compliant: Mapped[bool | None] = mapped_column(Boolean)
    failures: Mapped[list[Any]] = mapped_column(tk.JSONType, default=list)
    standard_version: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)
