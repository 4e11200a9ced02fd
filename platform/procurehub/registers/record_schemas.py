"""The API shapes of a plugin table's upload: its form, its request body, its report.

One definition for every plugin that imports a table through `registers.records`, so a fleet
list, a system inventory and a bulky waste return answer with the same report keys as
`procurehub import contracts --json` (DESIGN §4), documented once in the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from procurehub.api.schemas import Id


class RecordProblemSchema(ma.Schema):
    row = fields.Int(allow_none=True, metadata={"description": "Row number as in the file"})
    column = fields.Str(allow_none=True, metadata={"description": "The heading as written"})
    value = fields.Raw(allow_none=True, metadata={"description": "The cell as written"})
    message = fields.Str()


class RecordImportReportSchema(ma.Schema):
    """The report of an upload of a plugin's table: the keys of `import contracts --json`,
    then status, message and how each heading was read. The rejected rows' workbook is
    `/api/v1/uploads/<upload_id>/errors.xlsx`."""

    class Meta:
        unknown = ma.INCLUDE

    upload_id = Id(allow_none=True)
    council_code = fields.Str()
    rows_read = fields.Int()
    created = fields.Int()
    updated = fields.Int()
    unchanged = fields.Int()
    rejected = fields.Int()
    duplicates = fields.Int()
    missing_from_file = fields.Int()
    errors = fields.List(fields.Nested(RecordProblemSchema))
    warnings = fields.List(fields.Nested(RecordProblemSchema))
    status = fields.Str(metadata={"description": "stored, dry_run or refused"})
    message = fields.Str()
    file = fields.Str()
    sheet = fields.Str(allow_none=True)
    header_row = fields.Int(allow_none=True)
    mapping = fields.List(
        fields.Dict(), metadata={"description": "Each heading and the field it was read as"}
    )


class RecordUploadFormSchema(ma.Schema):
    """The form fields beside the file of an upload (multipart)."""

    council = fields.Str(validate=validate.Length(1, 20))
    sheet = fields.Str(validate=validate.Length(0, 255))
    accept_valid = fields.Bool(load_default=False)
    dry_run = fields.Bool(load_default=False)


def record_upload_body(
    what: str, extra_properties: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The OpenAPI request body of an upload of `what` ("The fleet list"): the file, council,
    sheet and options every upload takes, and any `extra_properties` of its own."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": f"{what} (.xlsx .xlsm .xls .ods .csv)",
                        },
                        "council": {
                            "type": "string",
                            "description": "Council code (default: your own council)",
                        },
                        "sheet": {
                            "type": "string",
                            "description": "Sheet to read (default: the one that looks most "
                            "like it)",
                        },
                        "accept_valid": {
                            "type": "boolean",
                            "description": "Store valid rows even if some are rejected",
                        },
                        "dry_run": {
                            "type": "boolean",
                            "description": "Report only; store nothing",
                        },
                        **(extra_properties or {}),
                    },
                }
            }
        },
    }
