"""The fleet workstream's own tables (names start with `fleet_`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class StandardSpecVersion(tk.Model):
    """One version of the collaboration's standard for a vehicle class.

    Status goes draft -> adopted -> retired and never back. The database keeps at most one
    adopted and one draft version per class (partial unique indexes), so two people adopting
    at the same moment cannot leave a class with two standards.
    """

    __tablename__ = "fleet_standard_spec"
    __table_args__ = (
        UniqueConstraint("vehicle_class", "version", name="uq_fleet_standard_spec_version"),
        CheckConstraint(
            "status IN ('draft', 'adopted', 'retired')", name="status"
        ),
        Index(
            "uq_fleet_standard_spec_one_adopted",
            "vehicle_class",
            unique=True,
            sqlite_where=text("status = 'adopted'"),
            postgresql_where=text("status = 'adopted'"),
        ),
        Index(
            "uq_fleet_standard_spec_one_draft",
            "vehicle_class",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_class: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str | None] = mapped_column(String(100))
    design_range_factor: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    racking_allowance_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    adopted_on: Mapped[date | None] = mapped_column(Date)
    retired_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)

    requirements: Mapped[list[StandardRequirement]] = relationship(
        back_populates="spec",
        order_by="StandardRequirement.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class StandardRequirement(tk.Model):
    """One requirement of a standard version (``value``: a number as text, a list, or text)."""

    __tablename__ = "fleet_standard_requirement"
    __table_args__ = (
        UniqueConstraint("spec_id", "attribute", name="uq_fleet_standard_requirement"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    spec_id: Mapped[int] = mapped_column(
        ForeignKey("fleet_standard_spec.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    attribute: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(20))
    operator: Mapped[str] = mapped_column(String(20))
    value: Mapped[Any] = mapped_column(tk.JSONType, nullable=True)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    rationale: Mapped[str] = mapped_column(Text, default="")

    spec: Mapped[StandardSpecVersion] = relationship(back_populates="requirements")


class CouncilSpec(tk.Model):
    """A council's own specification for a vehicle class: its figures keyed by the standard's
    attribute names, as the council wrote them ("1,000", "yes", "Gold"), optionally linked to
    the catalogue model it buys. Cost inputs for the whole-life cost sit apart in ``costs``."""

    __tablename__ = "fleet_council_spec"
    __table_args__ = (
        UniqueConstraint("council_id", "vehicle_class", "name", name="uq_fleet_council_spec"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    council_code: Mapped[str] = mapped_column(String(20))
    vehicle_class: Mapped[str] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(200))
    catalogue_vehicle_id: Mapped[int | None] = mapped_column(
        ForeignKey("fleet_catalogue_vehicle.id", ondelete="SET NULL")
    )
    figures: Mapped[dict[str, Any]] = mapped_column(tk.JSONType, default=dict)
    costs: Mapped[dict[str, Any]] = mapped_column(tk.JSONType, default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)

    catalogue_vehicle: Mapped[CatalogueVehicle | None] = relationship(lazy="joined")


class FleetParameter(tk.Model):
    """A dated, sourced factor of the whole-life cost (tariff, fuel price, CO2e factor...).

    A new value is a new row with a later ``valid_from``; the calculation takes the one in
    force on its date, and shows it. ``illustrative`` marks defaults that are a reasoned
    assumption rather than a published figure, for a council to replace with its own.
    """

    __tablename__ = "fleet_parameter"
    __table_args__ = (
        UniqueConstraint("name", "valid_from", name="uq_fleet_parameter_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    value: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    unit: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)


class VariationSnapshot(tk.Model):
    """The variation count of a class on a day, kept so the dashboard can show its trend.

    Written whenever council specs or the standard change (one row per class per day: the
    day's latest count)."""

    __tablename__ = "fleet_variation_snapshot"
    __table_args__ = (
        UniqueConstraint("vehicle_class", "taken_on", name="uq_fleet_variation_snapshot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_class: Mapped[str] = mapped_column(String(80))
    taken_on: Mapped[date] = mapped_column(Date)
    distinct_specs: Mapped[int] = mapped_column(Integer)
    compliant_specs: Mapped[int] = mapped_column(Integer)
    councils: Mapped[int] = mapped_column(Integer)
    standard_version: Mapped[int | None] = mapped_column(Integer)


class Vehicle(tk.Model):
    """One vehicle of a council's fleet list, as the list gave it plus what the hub worked out.

    Keyed by the council and the registration without spaces, upper case, so re-uploading the
    list updates each vehicle in place. ``category`` comes from the classifier (type text,
    make/model and GVW); ``replacement_year`` from the planned replacement when given, else
    in-service year + the council's replacement age for the class, and is recomputed when the
    council changes an age. A vehicle missing from the council's latest list is kept (never
    silently deleted) but marked ``in_latest_list = False`` and left out of the demand.
    """

    __tablename__ = "fleet_vehicle"
    __table_args__ = (
        UniqueConstraint("council_id", "registration", name="uq_fleet_vehicle_registration"),
        Index("ix_fleet_vehicle_demand", "category", "replacement_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    council_code: Mapped[str] = mapped_column(String(20))
    registration: Mapped[str] = mapped_column(String(20))
    registration_as_written: Mapped[str] = mapped_column(String(40), default="")
    vehicle_type: Mapped[str] = mapped_column(String(200), default="")
    make: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    fuel: Mapped[str] = mapped_column(String(40), default="unknown")
    fuel_as_written: Mapped[str] = mapped_column(String(100), default="")
    gvw_kg: Mapped[int | None] = mapped_column(Integer)
    gvw_as_written: Mapped[str] = mapped_column(String(60), default="")
    in_service: Mapped[date | None] = mapped_column(Date)
    in_service_year: Mapped[int | None] = mapped_column(Integer)
    planned_replacement: Mapped[date | None] = mapped_column(Date)
    planned_replacement_year: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(80))
    classified: Mapped[bool] = mapped_column(Boolean, default=True)
    replacement_year: Mapped[int | None] = mapped_column(Integer)
    in_latest_list: Mapped[bool] = mapped_column(Boolean, default=True)
    extra: Mapped[dict[str, Any]] = mapped_column(tk.JSONType, default=dict)
    upload_id: Mapped[int | None] = mapped_column(Integer)
    row_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)


class ReplacementAge(tk.Model):
    """A council's own replacement age for a vehicle class (years from entering service);
    classes without a row use the defaults (cars 5, vans 7, RCVs 7, heavy 8)."""

    __tablename__ = "fleet_replacement_age"
    __table_args__ = (
        UniqueConstraint("council_id", "category", name="uq_fleet_replacement_age"),
        CheckConstraint("years BETWEEN 1 AND 40", name="years"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    council_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(80))
    years: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=tk.utcnow, onupdate=tk.utcnow)
