"""Categories as the hub uses them: seeded from the plugins, settings editable in the hub."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from procurehub.extensions import JSONType, db


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
