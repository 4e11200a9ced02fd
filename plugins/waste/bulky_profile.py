"""A council's bulky waste service for one financial year, and the checks it must pass.

Pure Python: the same rules serve the web form, the API and (later) the xlsx template, so a
figure refused in one place is refused everywhere with the same words. `PROFILE_FIELDS` is the
one list of fields, labels and units those three build from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

DELIVERY_MODELS: tuple[str, ...] = ("in_house", "contractor", "reuse_partner", "mixed")
DELIVERY_MODEL_LABELS: dict[str, str] = {
    "in_house": "In-house",
    "contractor": "Contractor",
    "reuse_partner": "Reuse partner",
    "mixed": "Mixed",
}
DESTINATIONS: tuple[str, ...] = ("reuse", "recycling", "energy_recovery", "landfill")
"""Where collected bulky waste ends up, best first in the waste hierarchy."""

DESTINATION_FIELDS: dict[str, str] = {d: f"tonnes_{d}" for d in DESTINATIONS}

MAX_TEXT_LENGTH = 2000


class BulkyProfileError(ValueError):
    """A bulky waste profile cannot be used: the message says which figures to correct."""


class ProfileField(NamedTuple):
    """One field of the profile as forms, the API and templates present it."""

    name: str
    label: str
    unit: str  # "" when the field has no unit
    kind: str  # text, financial_year, choice, count, tonnes, money, days, references
    required: bool
    help: str


PROFILE_FIELDS: tuple[ProfileField, ...] = (
    ProfileField(
        "council_code",
        "Council",
        "",
        "text",
        True,
        "The council's GSS code, e.g. S12000050 for North Lanarkshire.",
    ),
    ProfileField(
        "financial_year",
        "Financial year",
        "",
        "financial_year",
        True,
        "April to March, written like 2024-25.",
    ),
    ProfileField(
        "delivery_model",
        "Delivery model",
        "",
        "choice",
        True,
        "Who collects: in-house, contractor, reuse partner or mixed.",
    ),
    ProfileField(
        "collections",
        "Collections made",
        "collections",
        "count",
        False,
        "Bulky uplifts completed in the year (one visit to one address is one).",
    ),
    ProfileField(
        "items",
        "Items collected",
        "items",
        "count",
        False,
        "Individual items taken away in the year.",
    ),
    ProfileField(
        "tonnes_collected",
        "Tonnes collected",
        "tonnes",
        "tonnes",
        False,
        "All bulky waste collected in the year.",
    ),
    ProfileField(
        "tonnes_reuse",
        "Tonnes to reuse",
        "tonnes",
        "tonnes",
        False,
        "Prepared for reuse or passed to a reuse organisation.",
    ),
    ProfileField(
        "tonnes_recycling",
        "Tonnes to recycling",
        "tonnes",
        "tonnes",
        False,
        "Sent for recycling (including WEEE and metals).",
    ),
    ProfileField(
        "tonnes_energy_recovery",
        "Tonnes to energy recovery",
        "tonnes",
        "tonnes",
        False,
        "Sent to energy from waste or refuse-derived fuel.",
    ),
    ProfileField(
        "tonnes_landfill", "Tonnes to landfill", "tonnes", "tonnes", False, "Sent to landfill."
    ),
    ProfileField(
        "charge_price",
        "Charge per collection",
        "£",
        "money",
        False,
        "Standard price a resident pays for one collection; 0 for a free service.",
    ),
    ProfileField(
        "charge_items_covered",
        "Items covered by the charge",
        "items",
        "count",
        False,
        "How many items the standard charge covers.",
    ),
    ProfileField(
        "concessions",
        "Concessions",
        "",
        "text",
        False,
        "Reduced or free collections and who qualifies, in plain words.",
    ),
    ProfileField(
        "operating_cost",
        "Annual operating cost",
        "£",
        "money",
        False,
        "Full cost of the service in the year (staff, vehicles, disposal, contracts).",
    ),
    ProfileField(
        "days_to_collection",
        "Days from request to collection",
        "days",
        "days",
        False,
        "Average days a resident waits from asking for a collection to the uplift.",
    ),
    ProfileField(
        "contract_references",
        "Bulky waste contracts",
        "",
        "references",
        False,
        "References of the council's bulky waste contracts in the hub.",
    ),
)
FIELDS_BY_NAME: dict[str, ProfileField] = {f.name: f for f in PROFILE_FIELDS}


@dataclass(frozen=True)
class BulkyServiceProfile:
    """One council's bulky waste service in one financial year; None means not known."""

    council_code: str
    financial_year: str
    delivery_model: str
    collections: int | None = None
    items: int | None = None
    tonnes_collected: Decimal | None = None
    tonnes_reuse: Decimal | None = None
    tonnes_recycling: Decimal | None = None
    tonnes_energy_recovery: Decimal | None = None
    tonnes_landfill: Decimal | None = None
    charge_price: Decimal | None = None
    charge_items_covered: int | None = None
    concessions: str | None = None
    operating_cost: Decimal | None = None
    days_to_collection: Decimal | None = None
    contract_references: tuple[str, ...] = ()

    def tonnes_to(self, destination: str) -> Decimal | None:
        """Tonnes sent to one destination (`reuse`, `recycling`, ...)."""
        return getattr(self, DESTINATION_FIELDS[destination])


class ProfileIssue(NamedTuple):
    """One problem with one field; `message` is written for the officer who typed the value."""

    field: str
    value: Any
    message: str


class ProfileCheck(NamedTuple):
    """Errors stop a profile being saved; warnings are shown but let it through."""

    errors: tuple[ProfileIssue, ...]
    warnings: tuple[ProfileIssue, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


_FINANCIAL_YEAR = re.compile(r"(\d{4})-(\d{2})")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _quote(value: Any) -> str:
    """The value as the officer typed it, short enough for a message."""
    try:
        text = str(value) if isinstance(value, str | int | float | Decimal) else repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not break validation
        text = f"<{type(value).__name__}>"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"


def _label(name: str) -> str:
    field = FIELDS_BY_NAME.get(name)
    return field.label if field else name


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_financial_year(value: Any) -> str | None:
    """The year as `2024-25`, or None when it is not written that way (e.g. `2024/25`)."""
    if not isinstance(value, str):
        return None
    match = _FINANCIAL_YEAR.fullmatch(value.strip())
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    if (start + 1) % 100 != end:
        return None
    return value.strip()


def read_number(value: Any) -> Decimal | None:
    """A finite number from what a form, a JSON body or a spreadsheet gives; None if not one.

    Thousands separators and a leading £ are accepted because officers paste figures from
    finance reports; booleans are refused because `True` is not a tonnage.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace(" ", "")
        if text.startswith("£"):
            text = text[1:]
        elif text.startswith("-£"):
            text = "-" + text[2:]
        if not _NUMBER.fullmatch(text):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern already guards this
            return None
    return None


def _references(value: Any) -> tuple[str, ...] | None:
    """Contract references from a list or a `;`-separated text (the export format)."""
    if isinstance(value, str):
        parts = value.split(";")
    elif isinstance(value, list | tuple):
        if not all(isinstance(part, str) for part in value):
            return None
        parts = list(value)
    else:
        return None
    return tuple(p.strip() for p in parts if p.strip())


class _Reader:
    """Reads one mapping of raw values field by field, collecting every problem at once."""

    def __init__(self, values: Mapping[Any, Any]) -> None:
        self.values = values
        self.errors: list[ProfileIssue] = []
        self.warnings: list[ProfileIssue] = []

    def error(self, name: str, value: Any, message: str) -> None:
        self.errors.append(ProfileIssue(name, value, message))

    def warn(self, name: str, value: Any, message: str) -> None:
        self.warnings.append(ProfileIssue(name, value, message))

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        if _is_blank(value):
            if FIELDS_BY_NAME[name].required:
                self.error(name, value, f"{_label(name)} is required.")
            return None
        if not isinstance(value, str):
            self.error(name, value, f"{_label(name)} must be text; got {_quote(value)}.")
            return None
        if len(value) > MAX_TEXT_LENGTH:
            self.error(
                name,
                value,
                f"{_label(name)} is {len(value)} characters long; keep it to {MAX_TEXT_LENGTH}.",
            )
            return None
        return value.strip()

    def number(self, name: str, *, whole: bool = False) -> Decimal | None:
        value = self.raw(name)
        if _is_blank(value):
            return None
        label, unit = _label(name), FIELDS_BY_NAME[name].unit
        number = read_number(value)
        if number is None:
            self.error(name, value, f"{label} must be a number; got {_quote(value)}.")
            return None
        if number < 0:
            self.error(name, value, f"{label} cannot be negative; got {_quote(value)}.")
            return None
        if whole and number != number.to_integral_value():
            self.error(
                name,
                value,
                f"{label} must be a whole number of {unit or 'units'}; got {_quote(value)}.",
            )
            return None
        return number


def _read(values: Mapping[Any, Any]) -> tuple[dict[str, Any], _Reader]:
    """Every field read and checked on its own, then the rules that tie fields together."""
    reader = _Reader(values)
    out: dict[str, Any] = {}
    try:
        keys = list(values.keys())
    except Exception:  # noqa: BLE001 - a mapping that cannot list its keys is a bad input
        reader.error("", None, "The profile could not be read as a set of named fields.")
        return out, reader
    for key in keys:
        if key not in FIELDS_BY_NAME:
            reader.warn(
                str(key) if isinstance(key, str) else _quote(key),
                values.get(key),
                f"{_quote(key)} is not a bulky waste profile field; it was ignored.",
            )

    out["council_code"] = reader.text("council_code")
    if out["council_code"] is not None and len(out["council_code"]) > 20:
        reader.error(
            "council_code",
            reader.raw("council_code"),
            f"Council {_quote(out['council_code'])} is not a council code "
            "(a GSS code such as S12000050).",
        )
        out["council_code"] = None

    raw_year = reader.raw("financial_year")
    if _is_blank(raw_year):
        reader.error("financial_year", raw_year, "Financial year is required (like 2024-25).")
        out["financial_year"] = None
    else:
        out["financial_year"] = check_financial_year(raw_year)
        if out["financial_year"] is None:
            reader.error(
                "financial_year",
                raw_year,
                f"Financial year must be written like 2024-25 (the start year, a dash, the "
                f"last two digits of the next year); got {_quote(raw_year)}.",
            )

    raw_model = reader.raw("delivery_model")
    if _is_blank(raw_model):
        reader.error("delivery_model", raw_model, "Delivery model is required.")
        out["delivery_model"] = None
    elif isinstance(raw_model, str) and raw_model.strip() in DELIVERY_MODELS:
        out["delivery_model"] = raw_model.strip()
    else:
        choices = ", ".join(DELIVERY_MODELS)
        reader.error(
            "delivery_model",
            raw_model,
            f"Delivery model must be one of {choices}; got {_quote(raw_model)}.",
        )
        out["delivery_model"] = None

    for field in PROFILE_FIELDS:
        if field.kind == "count":
            number = reader.number(field.name, whole=True)
            out[field.name] = int(number) if number is not None else None
        elif field.kind in {"tonnes", "money", "days"}:
            out[field.name] = reader.number(field.name)

    out["concessions"] = reader.text("concessions")

    raw_refs = reader.raw("contract_references")
    if _is_blank(raw_refs) or raw_refs == [] or raw_refs == ():
        out["contract_references"] = ()
    else:
        refs = _references(raw_refs)
        if refs is None:
            reader.error(
                "contract_references",
                raw_refs,
                "Bulky waste contracts must be a list of contract references or text "
                f"separated by ';'; got {_quote(raw_refs)}.",
            )
            refs = ()
        out["contract_references"] = refs

    _check_tonnes_add_up(out, reader)
    _check_plausible(out, reader)
    return out, reader


def _check_tonnes_add_up(out: dict[str, Any], reader: _Reader) -> None:
    """Tonnes by destination are part of tonnes collected: more is impossible, less is a gap."""
    collected = out.get("tonnes_collected")
    given = {d: out[f] for d, f in DESTINATION_FIELDS.items() if out.get(f) is not None}
    if not given:
        if collected is not None and collected > 0:
            reader.warn(
                "tonnes_collected",
                collected,
                "No tonnes by destination are given, so reuse and recycling shares will show "
                "as unknown.",
            )
        return
    total = sum(given.values(), Decimal(0))
    if collected is None:
        reader.warn(
            "tonnes_collected",
            None,
            f"Tonnes by destination add up to {total} but tonnes collected is not given, so "
            "shares cannot be worked out.",
        )
        return
    if total > collected:
        reader.error(
            "tonnes_collected",
            collected,
            f"Tonnes by destination add up to {total}, more than the {collected} tonnes "
            "collected; correct the destination figures or tonnes collected.",
        )
    elif total < collected:
        missing = [_label(DESTINATION_FIELDS[d]).lower() for d in DESTINATIONS if d not in given]
        gap = f" ({', '.join(missing)} not given)" if missing else ""
        reader.warn(
            "tonnes_collected",
            collected,
            f"Tonnes by destination add up to {total}, {collected - total} short of the "
            f"{collected} tonnes collected{gap}.",
        )


def _check_plausible(out: dict[str, Any], reader: _Reader) -> None:
    """Figures that can be right but usually mean a typing slip."""
    collections, items = out.get("collections"), out.get("items")
    if collections is not None and items is not None and items < collections:
        reader.warn(
            "items",
            items,
            f"Items collected ({items}) is fewer than collections made ({collections}); "
            "each collection takes at least one item.",
        )


def validate_profile(values: Mapping[Any, Any]) -> ProfileCheck:
    """Every problem with a submitted profile at once, so the officer fixes them in one go.

    Never raises: whatever arrives (a form, JSON, a spreadsheet row) gets an answer.
    """
    try:
        _, reader = _read(values)
    except Exception as exc:  # noqa: BLE001 - the promise is an answer, never a crash
        return ProfileCheck(
            (ProfileIssue("", None, f"The profile could not be checked: {type(exc).__name__}."),),
            (),
        )
    return ProfileCheck(tuple(reader.errors), tuple(reader.warnings))


def profile_from_values(values: Mapping[Any, Any]) -> BulkyServiceProfile:
    """A profile from raw values, or BulkyProfileError listing every error."""
    out, reader = _read(values)
    if reader.errors:
        raise BulkyProfileError(" ".join(issue.message for issue in reader.errors))
    return BulkyServiceProfile(**{f.name: out[f.name] for f in PROFILE_FIELDS})
