"""Who may change the fleet workstream's shared settings: the standard specifications and
the whole-life cost parameters are edited by coordinators and network managers (and admins);
everyone else reads them. Councils' own specs are checked by the core's `tk.require_write`.
"""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import Forbidden

from procurehub import toolkit as tk

#: Who may edit draft standards and the cost parameters (everyone else reads).
STANDARD_EDITORS = ("coordinator", "network_manager", "admin")


def can_edit_standards(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and tk.has_role(user, *STANDARD_EDITORS)


def require_editor(user: Any, what: str = "the standard specifications") -> None:
    if not can_edit_standards(user):
        raise Forbidden(f"Only coordinators and network managers can change {what}.")
