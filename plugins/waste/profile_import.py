"""The filled-in bulky waste template (or a council's own sheet) imported through the core import.

The template's table is described as a `tk.RecordSpec` keyed by the financial year (one upload
is one council's, so the year identifies a row); `tk.import_records` reads it exactly as it
reads registers (title rows, headings in any order and the council's own words, the upload
checks, one transaction, the standard report, the error workbook). The profile's own rules
(`bulky_profile.validate_profile` and the storage rules) are the spec's whole-row check, so a
figure refused on the form is refused in the file with the same words; rows naming another
council are refused. Warnings (tonnes by destination short of tonnes collected, ...) are added
to the report the caller gets, with the row and heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from procurehub import toolkit as tk

from . import service
from .bulky_profile import DELIVERY_MODEL_LABELS, DELIVERY_MODELS, PROFILE_FIELDS
from .workbooks import heading

KIND = "waste.bulky_profiles"
FIELD_NAMES = tuple(f.name for f in PROFILE_FIELDS)

#: How each kind of profile field is read from a cell. Counts are read as numbers so the
#: profile's own rule words a fraction or a negative count ("must be a whole number").
_CELL_KINDS = {
    "text": "text",
    "financial_year": "text",
    "choice": "text",
    "references": "text",
    "count": "decimal",
    "tonnes": "decimal",
    "days": "decimal",
    "money": "money",
}
_SYNONYMS = {
    "council_code": ("council", "council code", "gss code", "local authority"),
    "financial_year": ("financial year", "year", "fy", "reporting year"),
    "delivery_model": ("delivery model", "service model", "delivered by", "delivery"),
    "collections": ("collections", "number of collections", "uplifts", "collections made"),
    "items": ("items", "items collected", "number of items"),
    "tonnes_collected": ("tonnes collected", "total tonnes", "tonnage collected", "tonnage"),
    "tonnes_reuse": ("tonnes to reuse", "reuse tonnes", "reuse", "reused"),
    "tonnes_recycling": ("tonnes to recycling", "recycling tonnes", "recycling", "recycled"),
    "tonnes_energy_recovery": (
        "tonnes to energy recovery",
        "energy recovery tonnes",
        "energy recovery",
        "efw",
    ),
    "tonnes_landfill": ("tonnes to landfill", "landfill tonnes", "landfill", "landfilled"),
    "charge_price": ("charge per collection", "charge", "price", "price per collection", "fee"),
    "charge_items_covered": ("items covered by the charge", "items covered", "items per charge"),
    "concessions": ("concessions", "concession", "discounts"),
    "operating_cost": ("annual operating cost", "operating cost", "annual cost", "service cost"),
    "days_to_collection": (
        "days from request to collection",
        "days to collection",
        "waiting time days",
        "days to uplift",
    ),
    "contract_references": ("bulky waste contracts", "contract references", "contracts"),
}
FIELDS = tuple(
    tk.RecordField(
        f.name,
        f.label,
        kind=_CELL_KINDS[f.kind],
        synonyms=(heading(f), *_SYNONYMS.get(f.name, ())),
        required=f.name in ("financial_year", "delivery_model"),
        max_length=4000 if f.kind in ("text", "references") else 200,
    )
    for f in PROFILE_FIELDS
)


def _words(text: Any) -> str:
    return " ".join(str(text).strip().lower().replace("_", " ").replace("-", " ").split())


_MODEL_WORDS = {_words(label): code for code, label in DELIVERY_MODEL_LABELS.items()} | {
    _words(code): code for code in DELIVERY_MODELS
}


def _plain(value: Any) -> Any:
    """A number as the officer typed it: spreadsheets hand 2100 over as 2100.0."""
    if isinstance(value, Decimal) and value.is_finite():
        return (
            value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
        )
    return value


def profile_values(values: dict[str, Any], council_code: str) -> dict[str, Any]:
    """A parsed row as the raw values `validate_profile` takes: the delivery model as its code
    ("Reuse partner" → reuse_partner), a blank council as the uploading council's."""
    raw = {name: _plain(values.get(name)) for name in FIELD_NAMES}
    code = raw.get("council_code")
    if code is None or (isinstance(code, str) and not code.strip()):
        raw["council_code"] = council_code
    model = raw.get("delivery_model")
    if isinstance(model, str):
        raw["delivery_model"] = _MODEL_WORDS.get(_words(model), model)
    return raw


EXAMPLE_HEADINGS = (
    "'Financial year', 'Delivery model', 'Tonnes collected (tonnes)' (the bulky waste "
    "template's headings; download it from the bulky waste page)"
)
_CORE_EXPECTED = re.compile(r"expected headings such as .*?\. Make sure", re.S)


def own_headings_named(report: dict[str, Any], examples: str) -> dict[str, Any]:
    """Work-around: the core's "no header row" refusal names a contract register's headings
    ('Contract reference', 'Title'...) whatever the table; name this table's instead."""
    message = report.get("message") or ""
    if "'Contract reference'" not in message:
        return report
    fixed = _CORE_EXPECTED.sub(f"expected headings such as {examples}. Make sure", message)
    report["message"] = fixed
    for problem in report.get("errors") or []:
        if problem.get("message") == message:
            problem["message"] = fixed
    return report


class ProfileUpload:
    """One upload of one council's profiles: the spec (its whole-row check knows the council)
    and the store, keeping the profile warnings for the report."""

    def __init__(self, council_code: str, user: Any) -> None:
        self.council_code = council_code
        self.user = user
        self.names = tk.council_names()
        # financial year → [(field, value, message)]; row numbers come from the store.
        self.warnings: dict[str, list[tuple[str, Any, str]]] = {}
        self.rows: dict[str, int] = {}
        self.spec = tk.RecordSpec(
            kind=KIND,
            noun="bulky waste profile",
            item="year",
            key="financial_year",
            normalise_key=lambda text: text.strip(),
            fields=FIELDS,
            validate=self.validate,
        )

    def validate(self, values: dict[str, Any]) -> Iterable[tuple[str | None, str]]:
        given = values.get("council_code")
        if isinstance(given, str) and given.strip() and given.strip() != self.council_code:
            other = self.names.get(given.strip(), given.strip())
            own = self.names.get(self.council_code, self.council_code)
            return [
                (
                    "council_code",
                    f"This row is for {other}; this upload is for {own}. Each council "
                    "uploads its own.",
                )
            ]
        raw = profile_values(values, self.council_code)
        errors, warnings = service.check_profile(raw)
        year = str(values.get("financial_year") or "").strip()
        self.warnings[year] = [(w.field, w.value, w.message) for w in warnings]
        return [(e.field if e.field in FIELD_NAMES else None, e.message) for e in errors]

    def store(self, council_code: str, records: list[Any], upload_id: int | None) -> Any:
        counts = tk.StoreCounts()
        years = set()
        for record in records:
            raw = profile_values(record.values, council_code)
            year = raw["financial_year"].strip()
            years.add(year)
            self.rows[year] = record.row
            outcome = service.upsert_profile(raw, user=self.user, upload_id=upload_id)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
        counts.missing_from_file = sum(
            1 for p in service.all_profiles(council=council_code) if p.financial_year not in years
        )
        return counts

    def finish(self, report: dict[str, Any]) -> dict[str, Any]:
        """The report with the profile warnings of the rows read, by row and heading."""
        headings = {m["field"]: m["heading"] for m in report.get("mapping") or [] if m["field"]}
        extra = []
        for year, found in self.warnings.items():
            row = self.rows.get(year)
            for name, value, message in found:
                if not isinstance(value, int | float | str | type(None)):
                    value = str(value)
                extra.append(
                    {
                        "row": row,
                        "column": headings.get(name),
                        "value": value,
                        "message": message if row else f"{year}: {message}",
                    }
                )
        report["warnings"] = list(report.get("warnings") or []) + extra
        return own_headings_named(report, EXAMPLE_HEADINGS)


def import_profiles(path: Any, council_code: str, *, user: Any, **options: Any) -> dict[str, Any]:
    """Import a council's filled-in template (or its own sheet); the standard report. Refused
    (werkzeug Forbidden) when the user may not change that council's profiles; `user=None` is
    the command line."""
    service.authorise_profiles(user, council_code)
    upload = ProfileUpload(council_code, user)
    report = tk.import_records(
        path,
        spec=upload.spec,
        council_code=council_code,
        store=upload.store,
        user=user,
        **options,
    )
    return upload.finish(report)


def import_uploaded_profiles(
    file_storage: Any, council_code: str, *, user: Any, folder: str, **options: Any
) -> dict[str, Any]:
    """:func:`import_profiles` for a file posted to the page or the API."""
    service.authorise_profiles(user, council_code)
    upload = ProfileUpload(council_code, user)
    report = tk.import_uploaded_records(
        file_storage,
        folder=folder,
        spec=upload.spec,
        council_code=council_code,
        store=upload.store,
        user=user,
        **options,
    )
    return upload.finish(report)
