"""Answering an API upload of a plugin's table: one request handling for every plugin.

A fleet list, a system inventory and a bulky waste return are posted the same way (multipart
`file` plus `council`, `sheet`, `accept_valid`, `dry_run`) and answered the same way as a
register upload: 201 with the report, 200 for a dry run, 422 with the report when nothing was
stored. Who may import for the council is the plugin importer's check (it raises 403).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import current_app, request
from flask_login import current_user
from flask_smorest import abort
from sqlalchemy import select

from procurehub.accounts.models import Council
from procurehub.extensions import db
from procurehub.registers.record_schemas import RecordUploadFormSchema

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def answer_record_upload(
    import_uploaded: Callable[..., dict[str, Any]],
    *,
    what: str,
    refusals: tuple[type[Exception], ...] = (),
) -> tuple[dict[str, Any], int]:
    """Import the posted file with `import_uploaded(file, council_code, user=, folder=, sheet=,
    accept_valid=, dry_run=, max_bytes=)` and answer as the uploads API does.

    `what` names the file in messages ("the fleet list"); `refusals` are the importer's own
    errors that mean "this request cannot be done" (answered 422 with their message).
    """
    try:
        form = RecordUploadFormSchema().load(request.form.to_dict())
    except ma.ValidationError as exc:
        abort(422, message="Some values are not valid; see errors for each field.",
              errors=exc.messages)  # fmt: skip
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(
            422,
            message=f"Send {what} as the multipart field 'file'.",
            errors={"file": ["Missing data for required field."]},
        )
    code = form.get("council") or getattr(getattr(current_user, "council", None), "code", "")
    if db.session.scalar(select(Council.id).where(Council.code == code)) is None:
        abort(422, message=f"There is no council with the code {code!r}.")
    try:
        report = import_uploaded(
            upload,
            code,
            user=current_user,
            folder=os.path.join(current_app.instance_path, "uploads"),
            sheet=form.get("sheet") or None,
            accept_valid=form["accept_valid"],
            dry_run=form["dry_run"],
            max_bytes=current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_BYTES,
        )
    except refusals as exc:
        abort(422, message=str(exc))
    if report.get("status") == "refused":
        abort(
            422,
            message=report.get("message", "Nothing was stored."),
            errors={"rows": report.get("errors", [])},
            extra={"report": report},
        )
    return report, (200 if report.get("status") == "dry_run" else 201)
