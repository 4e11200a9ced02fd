"""The one facade plugins import (as CKAN's toolkit): `from procurehub import toolkit as tk`.

Plugins reach the core only through these names, so the core can change behind them. It
gives the model base and session for a plugin's *own* tables, and services for core data:
councils and their names, the signed-in user and the authorisation check, audit, exports
(`write_sheets` with `Marked` cells and `DropDown` lists), the `Id` field of API schemas, the upload safety checks a plugin
runs before it opens a file (`check_upload`), renewal items (and `renewals_changed`, so a
plugin's edit refreshes the opportunities and tender plan of its categories), and the import of
a plugin's own table the way registers are imported (`RecordSpec`, `import_records`). It never hands out a core ORM
model.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user, login_required

from procurehub.accounts.authz import can_write, require_write
from procurehub.accounts.service import council_names
from procurehub.alignment.freshness import renewals_changed
from procurehub.api.schemas import Id, Money, page_schema
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
from procurehub.ingest.extension_terms import parse_extension_terms
from procurehub.ingest.records import ImportedRecord, MissingColumns, RecordField, RecordSpec
from procurehub.ingest.safety import RegisterFileError, check_upload, ensure_openpyxl_is_defused
from procurehub.pagination import keyset_page
from procurehub.plugins import (
    CategorySpec,
    JobSpec,
    NavEntry,
    Panel,
    PanelFigure,
    PanelItem,
    Parameter,
    Plugin,
    RenewalItem,
    categories_from_csv,
)
from procurehub.registers.record_schemas import (
    RecordImportReportSchema,
    RecordUploadFormSchema,
    record_upload_body,
)
from procurehub.registers.record_uploads import answer_record_upload
from procurehub.registers.records import (
    StoreCounts,
    echo_import_report,
    import_exit_code,
    import_records,
    import_uploaded_records,
)
from procurehub.renewal_dates import add_months, max_end_date

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


def user_id(email: str) -> int | None:
    """The internal id of the user with this e-mail address (e.g. a demo author)."""
    from sqlalchemy import select

    from procurehub.accounts.models import User

    return session.scalar(select(User.id).where(User.email == email.strip().lower()))


def council_contracts(council_code: str, category: str | None = None) -> list[dict[str, Any]]:
    """A council's contracts (optionally of one category) as plain data with a page `url`."""
    from flask import has_request_context, url_for
    from sqlalchemy import select

    from procurehub.accounts.models import Council
    from procurehub.contracts.models import Contract

    stmt = select(Contract).join(Council).where(Council.code == council_code)
    if category:
        stmt = stmt.where(Contract.category == category)
    return [
        {
            "id": c.id,
            "reference": c.reference,
            "title": c.title,
            "category": c.category,
            "end_date": c.end_date,
            "url": url_for("contract_pages.detail", contract_id=c.id)
            if has_request_context()
            else None,
        }
        for c in session.scalars(stmt.order_by(Contract.reference, Contract.id))
    ]


def tender_plan(as_of: Any, category: str | None = None) -> dict[str, Any]:
    """The tender plan as of a date (DESIGN §4 JSON), optionally for one category's group."""
    from procurehub.alignment.tender_plan import plan_document

    return plan_document(as_of, category)


__all__ = [
    "CategorySpec",
    "DropDown",
    "Id",
    "ImportedRecord",
    "JSONType",
    "JobSpec",
    "MONEY_FORMAT",
    "Marked",
    "MissingColumns",
    "Model",
    "Money",
    "NavEntry",
    "Panel",
    "PanelFigure",
    "PanelItem",
    "Parameter",
    "Plugin",
    "RecordField",
    "RecordImportReportSchema",
    "RecordSpec",
    "RecordUploadFormSchema",
    "RegisterFileError",
    "RenewalItem",
    "SheetSpec",
    "StoreCounts",
    "add_months",
    "answer_record_upload",
    "audit_diff",
    "can_write",
    "categories_from_csv",
    "check_upload",
    "council_code_of",
    "council_contracts",
    "council_id",
    "council_names",
    "current_user",
    "echo_import_report",
    "ensure_openpyxl_is_defused",
    "has_role",
    "import_exit_code",
    "import_records",
    "import_uploaded_records",
    "keyset_page",
    "login_required",
    "max_end_date",
    "neutralise_csv",
    "page_schema",
    "parse_extension_terms",
    "record_audit",
    "record_upload_body",
    "renewals_changed",
    "require_write",
    "session",
    "tender_plan",
    "user_id",
    "utcnow",
    "write_csv",
    "write_sheets",
    "write_xlsx",
]
