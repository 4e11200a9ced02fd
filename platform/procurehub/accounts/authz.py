"""The one authorisation check (DESIGN §3).

Everything signed-in users see is shared across councils; writes are limited to one's own
council's data, except admins (everything) and coordinators (cross-council coordination
objects such as opportunities and standard specs, named by `scope="coordination"`).
"""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import Forbidden


def can_write(user: Any, council_id: int | None, *, scope: str = "council") -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    if scope == "coordination":
        return user.is_coordinator
    if scope == "admin":
        return False
    return council_id is not None and council_id == user.council_id


def require_write(
    user: Any, council_id: int | None, *, scope: str = "council", what: str = "this"
) -> None:
    if not can_write(user, council_id, scope=scope):
        if scope == "admin":
            raise Forbidden(f"Only an administrator can change {what}.")
        if scope == "coordination":
            raise Forbidden(f"Only a coordinator or administrator can change {what}.")
        raise Forbidden(f"You can only change {what} for your own council.")
