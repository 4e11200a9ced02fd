"""The one facade plugins import (as CKAN's toolkit): `from procurehub import toolkit as tk`.

Plugins reach the core only through these names, so the core can change behind them. It
gives the model base and session for a plugin's *own* tables, and services for core data:
councils and their names, the signed-in user and the authorisation check, audit, exports
(`write_sheets` with `Marked` cells and `DropDown` lists), the `Id` field of API schemas, the upload safety checks a plugin
runs before it opens a file (`check_upload`) and renewal items. It never hands out a core ORM
model.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user, login_required

from procurehub.accounts.authz import can_write, require_write
from procurehub.accounts.service import council_names
from procurehub.api.ids import Id
from procurehub.audit.service import diff as audit_diff
from procurehub.audit.service import record as record_audit
from procurehub.exports import (
    MONEY_FORMAT,
    DropDown,
    Marked,
    SheetSpec,
    neutralise_csv,
    write_csv,
    write_sheets,
    write_xlsx,
)
from procurehub.extensions import JSONType, db, utcnow
from procurehub.ingest.safety import RegisterFileError, check_upload, ensure_openpyxl_is_defused
from procurehub.plugins import (
    CategorySpec,
    JobSpec,
    NavEntry,
    Parameter,
    Plugin,
    RenewalItem,
    categories_from_csv,
)

#: Base class of a plugin's own tables (name them `<plugin key>_<thing>`).
Model: Any = db.Model
#: The database session: a plugin's writes join the request's one transaction.
session: Any = db.session


def council_id(code: str) -> int | None:
    """The internal id of the council with this code (for a plugin's foreign keys)."""
    from sqlalchemy import select

    from procurehub.accounts.models import Council

    return session.scalar(select(Council.id).where(Council.code == code))


def council_code_of(user: Any) -> str | None:
    """The code of the user's own council (None for anonymous users)."""
    council = getattr(user, "council", None)
    return getattr(council, "code", None)


def has_role(user: Any, *roles: str) -> bool:
    return any(role in (getattr(user, "roles", None) or ()) for role in roles)


__all__ = [
    "CategorySpec",
    "DropDown",
    "Id",
    "JSONType",
    "Marked",
    "RegisterFileError",
    "check_upload",
    "ensure_openpyxl_is_defused",
    "MONEY_FORMAT",
    "JobSpec",
    "Model",
    "NavEntry",
    "Parameter",
    "Plugin",
    "RenewalItem",
    "audit_diff",
    "can_write",
    "categories_from_csv",
    "council_code_of",
    "council_id",
    "council_names",
    "current_user",
    "has_role",
    "login_required",
    "neutralise_csv",
    "SheetSpec",
    "write_sheets",
    "record_audit",
    "require_write",
    "session",
    "utcnow",
    "write_csv",
    "write_xlsx",
]
