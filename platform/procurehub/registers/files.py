"""Workbooks handed back to officers: an upload's rejected rows, and the blank register template."""

from __future__ import annotations

import re
from datetime import date
from typing import IO, Any

from sqlalchemy import select

from procurehub.contracts.fields import COLLABORATION_INTEREST, CONTRACT_STATUSES
from procurehub.extensions import db
from procurehub.ingest.workbooks import (
    CellProblem,
    RejectedRow,
    write_contract_template,
    write_error_workbook,
)
from procurehub.registers.models import Upload
from procurehub.workstreams.models import Category
from procurehub.workstreams.registry import enabled_plugins

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _restore(value: Any) -> Any:
    """Stored rejected rows are JSON: give dates back their type so Excel shows them as dates."""
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def upload_error_workbook(upload: Upload, target: IO[bytes]) -> int:
    rows = [
        RejectedRow(
            row_number=item["row"],
            values=[_restore(v) for v in item["values"]],
            problems=[CellProblem(p["column"], p["value"], p["message"]) for p in item["problems"]],
        )
        for item in upload.rejected_rows or []
    ]
    return write_error_workbook(
        target,
        display_name=upload.filename,
        headings=list(upload.headings or []),
        header_row=int((upload.report or {}).get("header_row") or 1),
        rows=rows,
    )


def contract_template(target: IO[bytes]) -> None:
    categories = db.session.execute(
        select(Category.key, Category.label)
        .where(Category.workstream.in_(list(enabled_plugins())))
        .order_by(Category.key)
    ).all()
    write_contract_template(
        target,
        categories=[(key, label) for key, label in categories],
        statuses=CONTRACT_STATUSES,
        collaboration_values=COLLABORATION_INTEREST,
    )
