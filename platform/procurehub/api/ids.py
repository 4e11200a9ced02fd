"""Object ids, bounded once: the `<id:…>` URL converter and the `Id` schema field.

Every table's primary key is an `Integer` column: 32-bit on PostgreSQL (INTEGER), so no object
can have an id outside 1..2**31-1 on either database. A larger number must never reach the
database: PostgreSQL answers "integer out of range" and SQLite's driver raises OverflowError
beyond 64 bits, each a 500 for a mistaken id.

- In a URL, `<id:contract_id>` accepts only 1..MAX_ID in ASCII digits; anything else does not
  match the route, so it is a 404 ("no such contract"), as a non-numeric id already was.
- In a JSON body, `Id()` accepts only an integer in that range; anything else (a string, a
  fraction, 2**64, 0, -1) is a 422 naming the field.

Should the keys become BIGINT one day, raise MAX_ID to 2**63-1 (a test compares it with the
columns).
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1
"""The largest id an `Integer` primary key can hold on both databases (PostgreSQL INTEGER)."""

MAX_ID_DIGITS = len(str(MAX_ID))

ID_RANGE_MESSAGE = f"Not a valid id: an id is a whole number from 1 to {MAX_ID}."


class IdConverter(IntegerConverter):
    """`<id:name>`: an object id in a URL, 1..MAX_ID, else the route does not match (404)."""

    # ASCII digits only (`\d` would also match other scripts' digits), and no more of them than
    # MAX_ID has: a bound length also keeps int() off huge strings (ValueError beyond 4300).
    regex = rf"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError("The id converter takes no arguments: write <id:name>.")
        super().__init__(map, min=1, max=MAX_ID)


def id_param_schema(converter: IdConverter) -> dict[str, Any]:
    """How the OpenAPI document describes an `<id:…>` path parameter."""
    return {"type": "integer", "format": "int32", "minimum": 1, "maximum": MAX_ID}


class Id(fields.Integer):
    """An object id in a request or response body: a JSON integer from 1 to MAX_ID.

    Strict: "12" or 1.5 is refused, not coerced. Pass `strict=False` for a query-string
    parameter, where every value arrives as text.
    """

    def __init__(self, *, strict: bool = True, **kwargs: Any) -> None:
        bound = validate.Range(min=1, max=MAX_ID, error=ID_RANGE_MESSAGE)
        extra = kwargs.pop("validate", None)
        if extra is None:
            validators: list[Any] = [bound]
        elif callable(extra):
            validators = [bound, extra]
        else:
            validators = [bound, *extra]
        metadata = {"format": "int32", **(kwargs.pop("metadata", None) or {})}
        super().__init__(strict=strict, validate=validators, metadata=metadata, **kwargs)
