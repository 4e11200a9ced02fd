"""Demo data for the Digital workstream: the councils' systems and both business cases.

`load_demo()` is called by the core's `procurehub demo` through `plugin.demo`, after the core
has added its councils and users, inside the same app context; it adds to the session and
leaves the commit to the caller, except North Lanarkshire's inventory, which is loaded as the
CSV file the council would upload, through the core import (which commits what is in the
session so far, as any upload does). It uses whichever councils are in the database: the figures
below are for the six demo councils (illustrative, of the right size for Scottish councils: the
housing stock is each council's own stock, so Glasgow and Dumfries and Galloway, whose homes
were transferred to housing associations, run no housing management system), and any other
council gets a plausible fleet system scaled from its position in the list.

The products are real products used by Scottish councils; which council runs which, and the
costs, are made up for the demo.
"""

from __future__ import annotations

import csv
import os
import tempfile
from datetime import date
from decimal import Decimal
from typing import Any

from procurehub import toolkit as tk

from . import service

HOUSING = "digital.housing_management_system"
FLEET = "digital.fleet_management_system"

# code: (product, vendor, hosting, licence, hosting, support, other, one-off, homes, users,
#        end as months from the start of next April, extension terms)
_HOUSING = {
    "S12000050": (
        "NEC Housing",
        "NEC Software Solutions UK Ltd",
        "hosted",
        310_000,
        85_000,
        95_000,
        40_000,
        450_000,
        36_500,
        620,
        14,
        "1+1",
    ),
    "S12000036": (
        "Civica Cx Housing",
        "Civica UK Ltd",
        "saas",
        265_000,
        0,
        70_000,
        25_000,
        380_000,
        20_100,
        480,
        26,
        "2 x 12 months",
    ),
    "S12000047": (
        "Capita OpenHousing",
        "Capita Business Services Ltd",
        "on_premises",
        240_000,
        95_000,
        88_000,
        35_000,
        300_000,
        31_000,
        560,
        8,
        "Up to 24 months",
    ),
    "S12000008": (
        "MRI Housing",
        "MRI Software Ltd",
        "saas",
        120_000,
        0,
        32_000,
        12_000,
        160_000,
        12_200,
        190,
        38,
        "None",
    ),
}
# code: (product, vendor, hosting, licence, hosting, support, other, one-off, vehicles, users,
#        end months, extension terms)
_FLEET = {
    "S12000050": (
        "Tranman",
        "Civica UK Ltd",
        "hosted",
        62_000,
        14_000,
        18_000,
        6_000,
        45_000,
        1_050,
        85,
        20,
        "1+1",
    ),
    "S12000049": (
        "FleetWave",
        "Chevin Fleet Solutions Ltd",
        "saas",
        98_000,
        0,
        22_000,
        9_000,
        70_000,
        2_100,
        140,
        11,
        "1 x 12 months",
    ),
    "S12000036": (
        "Tranman",
        "Civica UK Ltd",
        "on_premises",
        58_000,
        21_000,
        16_000,
        5_000,
        40_000,
        1_150,
        90,
        32,
        "2+1+1",
    ),
    "S12000047": (
        "FleetWave",
        "Chevin Fleet Solutions Ltd",
        "saas",
        74_000,
        0,
        17_000,
        8_000,
        55_000,
        1_500,
        110,
        17,
        "None",
    ),
    "S12000006": (
        "Jaama Key2",
        "Jaama Ltd",
        "saas",
        41_000,
        0,
        9_000,
        3_000,
        25_000,
        720,
        50,
        27,
        "1+1",
    ),
    "S12000008": (
        "Tranman",
        "Civica UK Ltd",
        "hosted",
        33_000,
        8_000,
        7_000,
        2_000,
        20_000,
        480,
        35,
        5,
        "Up to 12 months",
    ),
}

_OUTLINE = {
    "strategic": (
        "Every council in the collaboration buys, hosts and supports its own system for the "
        "same statutory service. The sub-group believes one national system, managed "
        "centrally, would cut what councils spend and free them from separate upgrades and "
        "re-procurements.\n"
        "Councils join as their current contracts end, so nobody pays to leave a contract early."
    ),
    "commercial": (
        "A single national contract through a collaborative framework, let by a lead council on "
        "behalf of the others, with a call-off per council; per-unit pricing so each council "
        "pays for its size."
    ),
    "financial": (
        "Each council keeps its current budget until it joins; from then it pays its per-unit "
        "charge and its share of the central costs. Implementation and migration are one-off "
        "costs in the joining year."
    ),
    "management": (
        "A national programme board with a senior responsible owner from the lead council; "
        "each council names a migration lead. Benefits are tracked against this case."
    ),
}


def _end(months: int, today: date) -> date:
    start = date(today.year if today.month < 4 else today.year + 1, 3, 31)
    return tk.add_months(start, months)


def _reference(code: str, category: str, end: date) -> str:
    return f"{code[-3:]}-{category.split('.')[1][:3].upper()}-{end.year - 5}"


#: The council whose inventory the demo loads as an uploaded file (a CSV in its own words),
#: so `procurehub demo` exercises the upload path too.
UPLOADED_COUNCIL = "S12000050"
_UPLOAD_HEADINGS = [
    "System Type",
    "Software",
    "Supplier",
    "Hosted?",
    "Annual Licence (£)",
    "Hosting Costs",
    "Support & Maintenance",
    "Other Costs",
    "One-off Implementation",
    "No. of Properties",
    "No. of Vehicles",
    "Named Users",
    "Contract Ref",
    "Start Date",
    "Contract Expiry",
    "Extension Options",
]


def _upload_systems(
    code: str, rows: list[tuple[str, tuple[Any, ...]]], today: date, admin: Any
) -> dict[str, Any]:
    """Load a council's systems as the inventory file it would upload (CSV, its headings)."""
    from .inventory_import import CATEGORY_LABELS, HOSTING_LABELS, import_inventory

    lines = [_UPLOAD_HEADINGS]
    for category, row in rows:
        product, vendor, hosting, licence, hosting_cost, support, other, one_off = row[:8]
        scale, users, months, terms = row[8:]
        end = _end(months, today)
        lines.append(
            [
                CATEGORY_LABELS[category],
                product,
                vendor,
                HOSTING_LABELS[hosting],
                f"£{licence:,}",
                f"£{hosting_cost:,}",
                f"£{support:,}",
                f"£{other:,}",
                f"£{one_off:,}",
                str(scale) if category == HOUSING else "",
                str(scale) if category == FLEET else "",
                str(users),
                _reference(code, category, end),
                f"{tk.add_months(end, -60):%d/%m/%Y}",
                f"{end:%d/%m/%Y}",
                terms,
            ]
        )
    handle, path = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(lines)
        report = import_inventory(path, code, user=admin, filename="ict-systems.csv")
    finally:
        os.unlink(path)
    if report.get("status") != "stored":
        raise RuntimeError(f"the demo inventory of {code} was refused: {report.get('message')}")
    return report


def _system(code: str, category: str, row: tuple[Any, ...], today: date, admin: Any) -> None:
    (
        product,
        vendor,
        hosting,
        licence,
        hosting_cost,
        support,
        other,
        one_off,
        scale,
        users,
        months,
        terms,
    ) = row
    end = _end(months, today)
    scale_field = "housing_stock" if category == HOUSING else "fleet_size"
    service.create_system(
        code,
        {
            "category": category,
            "product": product,
            "vendor": vendor,
            "hosting_model": hosting,
            "licence_cost": Decimal(licence),
            "hosting_cost": Decimal(hosting_cost),
            "support_cost": Decimal(support),
            "other_cost": Decimal(other),
            "one_off_cost": Decimal(one_off),
            scale_field: scale,
            "users": users,
            "contract_reference": _reference(code, category, end),
            "contract_start": tk.add_months(end, -60),
            "contract_end": end,
            "extension_terms": terms,
        },
        user=admin,
    )


class _DemoBuilder:
    """Stands in for a signed-in digital lead and administrator while the demo is loaded."""

    is_authenticated = True
    is_admin = True
    is_coordinator = False
    roles = ("admin", "digital_lead")
    id = None
    email = None
    council_id = None


def load_demo(today: date | None = None) -> None:
    """Systems for the councils in the database, then both business cases."""
    today = today or date.today()
    builder = _DemoBuilder()
    codes = sorted(tk.council_names())
    for index, code in enumerate(codes):
        if code == UPLOADED_COUNCIL and (code in _HOUSING or code in _FLEET):
            rows = [(HOUSING, _HOUSING[code])] if code in _HOUSING else []
            rows += [(FLEET, _FLEET[code])] if code in _FLEET else []
            _upload_systems(code, rows, today, builder)
            continue
        if code in _HOUSING:
            _system(code, HOUSING, _HOUSING[code], today, builder)
        if code in _FLEET:
            _system(code, FLEET, _FLEET[code], today, builder)
        elif code not in _HOUSING:
            size = 400 + 150 * (index % 6)
            _system(
                code,
                FLEET,
                (
                    "Tranman",
                    "Civica UK Ltd",
                    "hosted",
                    30_000 + 40 * size,
                    6_000,
                    7_000,
                    2_000,
                    20_000,
                    size,
                    30,
                    6 + 7 * (index % 5),
                    "1+1",
                ),
                today,
                builder,
            )
    mitigation = {HOUSING: Decimal("0.8"), FLEET: Decimal("0.8")}
    for category in (HOUSING, FLEET):
        if not service.inventory_lines(category):
            continue
        service.save_case(
            category,
            {
                "mitigation_share": mitigation[category],
                "base_year": service.current_base_year(today),
                "outline": _OUTLINE,
            },
            user=builder,
            generate=True,
        )
    tk.session.flush()
