"""A council's system inventory uploaded as it keeps it (xlsx, CSV, ...), through the core import.

The table is described once (:data:`SPEC`): the headings councils use for each field, how each
cell is read, and the whole-row checks. `tk.import_records` does the rest exactly as for
contract registers (title rows, messy headings, one transaction, the report, the error
workbook); :func:`store` upserts the understood rows through the service, so an upload is
audited (before/after) exactly like the form, and it names the categories whose renewal items
changed so opportunities and the tender plan are recomputed before the response returns.

A row is identified by its system category **and** product: a council may run more than one
system in a category (a separate repairs module beside its housing system; see
`business_case.CouncilPosition`), so the category alone cannot be the key. The core's key is
one field, so the product is the key the file is checked by (a product listed twice is
rejected, naming the first row), and the store matches stored systems on (category, product).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import IO, Any

from procurehub import toolkit as tk

from . import service
from .models import COST_LINES, HOSTING_MODELS, SYSTEM_CATEGORIES

KIND = "digital.systems"
TEMPLATE_SHEET = "Systems"
GUIDANCE_SHEET = "Guidance"
TEMPLATE_ROWS = 200
MAX_MONEY = Decimal(10) ** 13

CATEGORY_LABELS = {
    "digital.fleet_management_system": "Fleet management system",
    "digital.housing_management_system": "Housing management system",
}
HOSTING_LABELS = {
    "on_premises": "On premises",
    "hosted": "Hosted by a third party",
    "saas": "Software as a service",
    "other": "Other",
}


def _words(text: Any) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower().replace("&", " and ")))


# What councils write in the category and hosting cells (compared as words only).
_CATEGORY_WORDS: dict[str, str] = {}
for _key in SYSTEM_CATEGORIES:
    _short = _key.split(".", 1)[1]  # fleet_management_system
    _area = _short.split("_", 1)[0]  # fleet / housing
    for _text in (
        _key,
        _short,
        CATEGORY_LABELS[_key],
        f"{_area} management",
        f"{_area} management system",
        f"{_area} system",
        f"{_area} management software",
        _area,
        f"{_area[0]}ms",  # FMS / HMS
    ):
        _CATEGORY_WORDS[_words(_text)] = _key
_CATEGORY_WORDS[_words("housing")] = "digital.housing_management_system"
_CATEGORY_WORDS[_words("housing management information system")] = (
    "digital.housing_management_system"
)
_CATEGORY_WORDS[_words("vehicle management")] = "digital.fleet_management_system"
_CATEGORY_WORDS[_words("transport management")] = "digital.fleet_management_system"

_HOSTING_WORDS: dict[str, str] = {_words(k): k for k in HOSTING_MODELS}
for _code, _label in HOSTING_LABELS.items():
    _HOSTING_WORDS[_words(_label)] = _code
for _text, _code in (
    ("on premise", "on_premises"),
    ("on prem", "on_premises"),
    ("onprem", "on_premises"),
    ("in house", "on_premises"),
    ("council data centre", "on_premises"),
    ("local", "on_premises"),
    ("hosted", "hosted"),
    ("supplier hosted", "hosted"),
    ("vendor hosted", "hosted"),
    ("third party hosted", "hosted"),
    ("managed service", "hosted"),
    ("private cloud", "hosted"),
    ("saas", "saas"),
    ("cloud", "saas"),
    ("cloud saas", "saas"),
    ("software as a service", "saas"),
    ("public cloud", "saas"),
):
    _HOSTING_WORDS[_words(_text)] = _code


def category_of(value: Any) -> str | None:
    """The category key a cell means ("Housing Management System", "HMS", the key), or None."""
    return _CATEGORY_WORDS.get(_words(value)) if value is not None else None


def hosting_of(value: Any) -> str | None:
    """The hosting model a cell means ("SaaS", "Cloud", "On-prem"), or None."""
    return _HOSTING_WORDS.get(_words(value)) if value is not None else None


def product_key(text: str) -> str:
    """A product as the file is checked by: case, spaces and punctuation do not matter."""
    return _words(text)


F = tk.RecordField
FIELDS: tuple[Any, ...] = (
    F(
        "category",
        "System category",
        synonyms=(
            "system category",
            "system type",
            "type of system",
            "category",
            "type",
            "system area",
            "service area",
            "function",
            "business area",
        ),
        required=True,
        max_length=200,
    ),
    F(
        "product",
        "Product",
        synonyms=(
            "product",
            "product name",
            "system",
            "system name",
            "name of system",
            "software",
            "software name",
            "application",
            "application name",
            "solution",
            "package",
            "current system",
        ),
        required=True,
        max_length=200,
    ),
    F(
        "vendor",
        "Vendor",
        synonyms=(
            "vendor",
            "supplier",
            "supplier name",
            "provider",
            "software supplier",
            "company",
            "contractor",
            "vendor name",
        ),
        max_length=200,
    ),
    F(
        "hosting_model",
        "Hosting model",
        synonyms=(
            "hosting model",
            "hosting",
            "hosted",
            "hosting type",
            "hosting arrangement",
            "deployment",
            "deployment model",
            "cloud or on premise",
            "on premise or cloud",
            "on premises or hosted",
        ),
        max_length=60,
    ),
    F(
        "licence_cost",
        "Licence or subscription (£ a year)",
        kind="money",
        synonyms=(
            "licence",
            "license",
            "licence cost",
            "license cost",
            "licence costs",
            "licence fee",
            "licence fees",
            "annual licence",
            "annual licence cost",
            "subscription",
            "annual subscription",
            "subscription cost",
            "licence subscription",
            "licence or subscription",
            "licence and subscription",
        ),
    ),
    F(
        "hosting_cost",
        "Hosting (£ a year)",
        kind="money",
        synonyms=(
            "hosting cost",
            "hosting costs",
            "annual hosting",
            "annual hosting cost",
            "hosting charge",
            "hosting fee",
            "infrastructure cost",
            "infrastructure",
        ),
    ),
    F(
        "support_cost",
        "Support and maintenance (£ a year)",
        kind="money",
        synonyms=(
            "support",
            "support cost",
            "support costs",
            "annual support",
            "maintenance",
            "maintenance cost",
            "support and maintenance",
            "support maintenance",
            "annual maintenance",
        ),
    ),
    F(
        "other_cost",
        "Other annual costs (£ a year)",
        kind="money",
        synonyms=("other", "other cost", "other costs", "other annual costs", "other annual cost"),
    ),
    F(
        "one_off_cost",
        "One-off costs (£)",
        kind="money",
        synonyms=(
            "one off",
            "one off cost",
            "one off costs",
            "one-off",
            "implementation",
            "implementation cost",
            "implementation costs",
            "capital",
            "capital cost",
            "set up cost",
            "setup cost",
            "initial cost",
        ),
    ),
    F(
        "fleet_size",
        "Fleet size (vehicles)",
        kind="integer",
        synonyms=(
            "fleet size",
            "fleet",
            "vehicles",
            "number of vehicles",
            "no of vehicles",
            "vehicle count",
            "vehicles managed",
        ),
    ),
    F(
        "housing_stock",
        "Housing stock (homes)",
        kind="integer",
        synonyms=(
            "housing stock",
            "stock",
            "homes",
            "council homes",
            "number of homes",
            "properties",
            "number of properties",
            "no of properties",
            "dwellings",
            "housing units",
        ),
    ),
    F(
        "users",
        "Users",
        kind="integer",
        synonyms=(
            "users",
            "number of users",
            "no of users",
            "user count",
            "named users",
            "concurrent users",
            "user licences",
            "user licenses",
        ),
    ),
    F(
        "contract_reference",
        "Contract reference",
        synonyms=(
            "contract reference",
            "contract ref",
            "contract id",
            "contract number",
            "contract no",
            "reference",
            "ref",
            "reference number",
        ),
        max_length=200,
    ),
    F(
        "contract_start",
        "Contract start",
        kind="date",
        synonyms=(
            "contract start",
            "contract start date",
            "start date",
            "start",
            "commenced",
            "commencement date",
        ),
    ),
    F(
        "contract_end",
        "Contract end",
        kind="end_date",
        synonyms=(
            "contract end",
            "contract end date",
            "end date",
            "end",
            "expiry",
            "expiry date",
            "contract expiry",
            "expires",
            "renewal date",
        ),
    ),
    F(
        "max_end_date",
        "Latest end with extensions",
        kind="end_date",
        synonyms=(
            "latest end date",
            "latest end",
            "final end date",
            "end date including extensions",
            "end including extensions",
            "max end date",
            "maximum end date",
        ),
    ),
    F(
        "extension_terms",
        "Extension options",
        synonyms=(
            "extension options",
            "extension option",
            "extensions",
            "extension",
            "extension terms",
            "extension period",
            "extension periods",
            "option to extend",
            "options to extend",
        ),
        max_length=500,
    ),
    F(
        "notes",
        "Notes",
        synonyms=("notes", "note", "comments", "comment", "remarks"),
        max_length=5000,
    ),
)
MONEY_FIELDS = (*COST_LINES, "one_off_cost")


def validate(values: dict[str, Any]) -> Iterable[tuple[str | None, str]]:
    """Whole-row checks: a known category and hosting model, costs of £0 or more, dates in
    order. Each problem rejects the row, named by the heading the council wrote."""
    if category_of(values.get("category")) is None:
        yield (
            "category",
            f"'{values.get('category')}' is not a system category the hub knows; write "
            f"'{CATEGORY_LABELS[SYSTEM_CATEGORIES[0]]}' or "
            f"'{CATEGORY_LABELS[SYSTEM_CATEGORIES[1]]}'.",
        )
    hosting = values.get("hosting_model")
    if hosting is not None and hosting_of(hosting) is None:
        yield (
            "hosting_model",
            f"'{hosting}' is not a hosting model the hub knows; write one of "
            f"{', '.join(HOSTING_LABELS.values())} (or leave it empty).",
        )
    for name in MONEY_FIELDS:
        amount = values.get(name)
        if amount is None:
            continue
        label = next(f.label for f in FIELDS if f.name == name)
        if amount < 0:
            yield name, f"{label}: a cost cannot be negative (got {amount:,})."
        elif amount >= MAX_MONEY:
            yield name, f"{label}: £{amount:,} is not a plausible cost; check the figure."
    for name in ("fleet_size", "housing_stock", "users"):
        count = values.get(name)
        if count is not None and not 0 <= count <= 100_000_000:
            yield name, f"{count:,} is not a plausible count; enter a whole number, 0 or more."
    start, end = values.get("contract_start"), values.get("contract_end")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        yield (
            "contract_end",
            f"The contract ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y}).",
        )
    latest = values.get("max_end_date")
    if isinstance(latest, date) and isinstance(end, date) and latest < end:
        yield (
            "max_end_date",
            f"The latest end ({latest:%d/%m/%Y}) is before the contract end ({end:%d/%m/%Y}); "
            "leave it empty to work it out from the extension options.",
        )


SPEC = tk.RecordSpec(
    kind=KIND,
    noun="system inventory",
    item="system",
    key="product",
    normalise_key=product_key,
    fields=FIELDS,
    validate=validate,
)


def _data(values: dict[str, Any]) -> dict[str, Any]:
    """A parsed row as the service's system data (codes for the category and hosting)."""
    data = {name: values.get(name) for name in service.SYSTEM_FIELDS if name in values}
    data["category"] = category_of(values.get("category"))
    data["hosting_model"] = (
        hosting_of(values.get("hosting_model")) if values.get("hosting_model") else None
    )
    for name in MONEY_FIELDS:
        if data.get(name) is not None:
            data[name] = Decimal(data[name]).quantize(Decimal("0.01"))
    # The periods follow from the terms as written (as for contracts); the latest end from
    # the periods unless the file gives it.
    data["extension_periods_months"] = []
    return data


def make_store(user: Any):
    """The `store` of `tk.import_records`: upsert by (category, product), report the rest."""

    def store(council_code: str, records: list[Any], upload_id: int | None) -> Any:
        counts = tk.StoreCounts()
        stored = {
            (s.category, product_key(s.product)): s
            for s in service.all_systems()
            if s.council_code == council_code
        }
        for record in records:
            data = _data(record.values)
            key = (data["category"], product_key(data["product"]))
            system = stored.pop(key, None)
            if system is None:
                service.create_system(council_code, data, user=user, upload_id=upload_id)
                counts.created += 1
                counts.categories.add(data["category"])
            else:
                before = service.system_values(system)
                service.update_system(system, data, user=user, upload_id=upload_id)
                if tk.audit_diff(before, service.system_values(system)):
                    counts.updated += 1
                    counts.categories.update({before["category"], system.category})
                else:
                    counts.unchanged += 1
        counts.missing_from_file = len(stored)
        return counts

    return store


EXAMPLE_HEADINGS = (
    "'System category', 'Product', 'Vendor', 'Contract end' (or download the inventory "
    "template from the Digital systems page)"
)
_CORE_EXPECTED = re.compile(r"expected headings such as .*?\. Make sure", re.S)


def own_headings_named(report: dict[str, Any]) -> dict[str, Any]:
    """Work-around: the core's "no header row" refusal names a contract register's headings
    ('Contract reference', 'Title'...) whatever the table; name the inventory's instead."""
    message = report.get("message") or ""
    if "'Contract reference'" not in message:
        return report
    fixed = _CORE_EXPECTED.sub(f"expected headings such as {EXAMPLE_HEADINGS}. Make sure", message)
    report["message"] = fixed
    for problem in report.get("errors") or []:
        if problem.get("message") == message:
            problem["message"] = fixed
    return report


def import_inventory(path: Any, council_code: str, *, user: Any, **options: Any) -> dict[str, Any]:
    """Import a file of a council's systems; the caller checked the council exists. Refused
    (werkzeug Forbidden) when the user may not change that council's systems."""
    service.require_inventory_write(user, council_code)
    return own_headings_named(
        tk.import_records(
            path,
            spec=SPEC,
            council_code=council_code,
            store=make_store(user),
            user=user,
            **options,
        )
    )


def import_uploaded_inventory(
    file_storage: Any, council_code: str, *, user: Any, folder: str, **options: Any
) -> dict[str, Any]:
    """:func:`import_inventory` for a file posted to the page or the API."""
    service.require_inventory_write(user, council_code)
    return own_headings_named(
        tk.import_uploaded_records(
            file_storage,
            folder=folder,
            spec=SPEC,
            council_code=council_code,
            store=make_store(user),
            user=user,
            **options,
        )
    )


# ------------------------------------------------------------------------------ template
def _cell(system: Any, name: str) -> Any:
    value = getattr(system, name)
    if name == "category":
        return CATEGORY_LABELS.get(value, value)
    if name == "hosting_model":
        return HOSTING_LABELS.get(value, value) if value else None
    if name == "max_end_date":
        return None  # worked out from the extension options unless the council gives it
    return value


def write_template(target: IO[bytes], council_name: str | None, systems: list[Any]) -> None:
    """The inventory template: one column per field with guidance, drop-downs for the
    category and hosting model, and the council's recorded systems filled in (if any)."""
    intro = [
        f"System inventory{': ' + council_name if council_name else ''}",
        "One row per system your council runs today. Costs are pounds a year unless marked "
        "one-off; leave a cell empty when it is not known. The Guidance sheet explains each "
        "column; your own headings work too.",
    ]
    header_row = len(intro) + 2
    header = [tk.Marked(f.label, comment=_GUIDANCE[f.name]) for f in FIELDS]
    rows = [[_cell(s, f.name) for f in FIELDS] for s in systems]
    names = [f.name for f in FIELDS]
    date_columns = {
        names.index(n): "dd/mm/yyyy" for n in ("contract_start", "contract_end", "max_end_date")
    }
    money_columns = {names.index(n): tk.MONEY_FORMAT for n in MONEY_FIELDS}
    text_columns = {
        names.index(n): "@" for n in ("product", "vendor", "contract_reference", "extension_terms")
    }
    tk.write_sheets(
        target,
        [
            tk.SheetSpec(
                title=TEMPLATE_SHEET,
                intro=intro,
                header=header,
                rows=rows,
                column_widths=[max(14.0, min(34.0, len(f.label) + 4)) for f in FIELDS],
                column_formats={**date_columns, **money_columns, **text_columns},
                dropdowns=[
                    tk.DropDown(
                        column=names.index("category"),
                        values=list(CATEGORY_LABELS.values()),
                        first_row=header_row + 1,
                        last_row=header_row + TEMPLATE_ROWS,
                        prompt_title="System category",
                        prompt="Fleet management system or housing management system.",
                    ),
                    tk.DropDown(
                        column=names.index("hosting_model"),
                        values=list(HOSTING_LABELS.values()),
                        first_row=header_row + 1,
                        last_row=header_row + TEMPLATE_ROWS,
                        prompt_title="Hosting model",
                        prompt="Where the system runs; leave empty if not known.",
                    ),
                ],
            ),
            tk.SheetSpec(
                title=GUIDANCE_SHEET,
                intro=["How to fill in the system inventory"],
                header=["Column", "Required", "What to enter", "Other headings the hub reads"],
                rows=[
                    [
                        f.label,
                        "Required" if f.required else "Optional",
                        _GUIDANCE[f.name],
                        ", ".join(f.synonyms[:8]),
                    ]
                    for f in FIELDS
                ],
                column_widths=[34, 10, 70, 60],
                wrap_columns=(2, 3),
            ),
        ],
    )


_GUIDANCE = {
    "category": "Fleet management system or Housing management system (pick from the list).",
    "product": "The product's name, e.g. NEC Housing, Civica Cx Housing, Tranman. A system is "
    "identified by its category and product: uploading again updates it.",
    "vendor": "The company that supplies the product.",
    "hosting_model": "On premises, Hosted by a third party, Software as a service or Other.",
    "licence_cost": "Licence or subscription, pounds a year (e.g. 60,000 or £60k).",
    "hosting_cost": "Hosting, pounds a year.",
    "support_cost": "Support and maintenance, pounds a year.",
    "other_cost": "Other running costs, pounds a year.",
    "one_off_cost": "One-off costs (implementation, migration), pounds.",
    "fleet_size": "Vehicles the fleet system manages (fleet systems).",
    "housing_stock": "Homes the housing system manages (housing systems).",
    "users": "People who use the system.",
    "contract_reference": "The contract's reference. If the same contract is in your contract "
    "register, use the register's reference so the tender plan counts it once.",
    "contract_start": "The date the contract started, e.g. 01/04/2021.",
    "contract_end": "The date the contract ends without extensions, e.g. 31/03/2028.",
    "max_end_date": "Leave empty: worked out from the end date and the extension options.",
    "extension_terms": "As the contract says: 2+1+1, 2 x 12 months, None.",
    "notes": "Anything else worth knowing.",
}
