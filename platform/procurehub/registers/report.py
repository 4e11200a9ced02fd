"""The counts of an import report, named once (DESIGN §4 `procurehub import contracts --json`).

Why here: the counts say what an upload did to the council's *stored* contracts (created,
updated, unchanged, missing from the file), which `registers.service` decides; `ingest` only
reads and parses a file and knows nothing of stored contracts. Why a module of its own: the
service that fills the report, the API schema that documents it, the pages that show it and the
terminal text all list the same keys, and DESIGN §4 fixes them. Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Every count of a report, in the order DESIGN §4 lists them.
REPORT_COUNTS: tuple[str, ...] = (
    "rows_read",
    "created",
    "updated",
    "unchanged",
    "rejected",
    "duplicates",
    "missing_from_file",
)
#: The counts the list of uploads shows and the audit log keeps for each upload.
SUMMARY_COUNTS: tuple[str, ...] = REPORT_COUNTS[:5]
#: Column headings of the counts on the upload pages.
COUNT_LABELS: Mapping[str, str] = {
    "rows_read": "Rows read",
    "created": "New",
    "updated": "Updated",
    "unchanged": "Unchanged",
    "rejected": "Rejected",
    "duplicates": "Duplicates",
    "missing_from_file": "Missing from file",
}


def report_counts(report: Mapping[str, Any], keys: tuple[str, ...] = REPORT_COUNTS) -> dict:
    """The counts of a stored report (None for a count an older report did not have)."""
    return {key: report.get(key) for key in keys}
