"""Schema pieces every API resource shares: ids, money, pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields

from procurehub.api.ids import Id

__all__ = ["Id", "Money", "page_schema"]


class Money(fields.Decimal):
    """GBP with pennies: loaded as Decimal, written to JSON as a number."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, allow_nan=False, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return float(Decimal(value).quantize(Decimal("0.01")))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`{"items": [...], "next": cursor-or-null}`, the shape of every list (DESIGN §4)."""
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next": fields.Str(
                allow_none=True, metadata={"description": "Pass as ?cursor= for the next page"}
            ),
        },
        name=name,
    )
