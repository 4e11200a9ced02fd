"""The fleet services' own errors, and the check that an id can name a stored row.

`FleetError` itself (422: a value a person must correct) is defined in the pure `measures`
module, so the pure modules can raise it too; the two subclasses here say which HTTP status
the pages and API give: :class:`FleetNotFound` (404) and :class:`FleetConflict` (409: the
change clashes with the state of the data, e.g. editing an adopted standard). Authorisation
checks raise werkzeug's ``Forbidden`` (403) instead (see `permissions`).
"""

from __future__ import annotations

from .measures import FleetError


class FleetNotFound(FleetError):
    """No such standard version, spec, vehicle or parameter (404)."""


class FleetConflict(FleetError):
    """The change clashes with the state of the data, e.g. an adopted standard (409)."""


MAX_ID = 2**31 - 1  # the largest id a table can hold (PostgreSQL integer)


def id_in_range(object_id: int) -> bool:
    return isinstance(object_id, int) and 1 <= object_id <= MAX_ID
