"""The demo councils' fleet lists, written the way fleet teams keep them and loaded through the
fleet list import (so the demo exercises the same path a council's upload takes).

Each council's file has its own shape: Fife's workbook has title rows, "Reg No", "Make/Model",
"Date Registered", "GVW (kg)" and a "Total vehicles" row; Glasgow's CSV says "VRM",
"Vehicle Description", "GVW t" and "Planned Replacement Year"; North Lanarkshire's workbook
says "Registration Number", "Power Source", "Gross Vehicle Weight" in tonnes and "Lease End";
Edinburgh's lists its refuse fleet. The years are set from today so that, whenever the demo
runs, vans of Fife, Glasgow and North Lanarkshire fall due in the same year (a joint purchase
in the tender plan) and Glasgow's and Edinburgh's refuse vehicles a year later.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

# (type text, make, model, fuel, GVW in kg)
VANS = (
    ("Panel van 3.5t", "Ford", "Transit Custom", "Diesel", 3200),
    ("Small van", "Vauxhall", "Combo Cargo", "Diesel", 2300),
    ("LCV crew cab tipper", "Ford", "Transit", "Diesel", 3500),
    ("Panel van", "Renault", "Kangoo E-Tech", "Electric", 2260),
    ("Panel Van (LWB)", "Peugeot", "e-Expert", "BEV", 3100),
)
CARS = (
    ("Pool car", "Nissan", "Leaf", "Electric", None),
    ("Pool car", "Toyota", "Corolla", "Hybrid", None),
    ("Car", "Skoda", "Octavia Estate", "Petrol", None),
)
HEAVY = (
    ("Tipper 7.5t", "Isuzu", "Grafter", "Diesel", 7500),
    ("HGV hook loader", "DAF", "CF 320", "Diesel", 26000),
)
RCVS = (
    ("RCV 26t", "Dennis Eagle", "Elite 6", "Diesel", 26000),
    ("Refuse collection vehicle", "Mercedes-Benz", "Econic", "Diesel", 26000),
    ("RCV (electric)", "Dennis Eagle", "eCollect", "Electric", 27000),
)
SPECIALIST = (
    ("Gritter", "Volvo", "FE", "Diesel", 18000),
    ("Minibus", "Ford", "Transit 17-seat", "Diesel", 4600),
)


LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


class _Council(random.Random):
    """One council's generator: seeded, and numbering its vehicles."""

    serial = -1

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial


def _registration(rng: random.Random, year: int, n: int) -> str:
    """A UK-style registration whose age identifier matches the year (e.g. SK19 ABC); the
    last three letters count up, so no two demo vehicles share one."""
    tail = "".join(LETTERS[(n // 23**k) % 23] for k in (2, 1, 0))
    age = year % 100 if rng.random() < 0.5 else (year % 100) + 50
    area = rng.choice(("SK", "SA", "SB", "SC", "SF", "SG", "SJ", "SL", "SN", "SV", "SX", "SY"))
    return f"{area}{age:02d} {tail}"


def _vehicles(
    rng: _Council, kinds: tuple[tuple[Any, ...], ...], count: int, in_service_year: int
) -> Iterator[tuple[Any, ...]]:
    """`count` vehicles of these kinds; registrations unique within one council's list."""
    for i in range(count):
        n = rng.next_serial()
        kind = kinds[i % len(kinds)]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        yield (_registration(rng, in_service_year, n), date(in_service_year, month, day), *kind)


def fife_workbook(folder: Path, today: date) -> Path:
    """Fife: title rows, "Reg No", "Make/Model", "Date Registered", "GVW (kg)", totals row."""
    from openpyxl import Workbook

    rng = _Council(47)
    base = today.year
    rows = [
        *_vehicles(rng, VANS, 14, base - 5),  # vans due base + 2 (7 years)
        *_vehicles(rng, CARS, 6, base - 3),  # cars due base + 2 (5 years)
        *_vehicles(rng, HEAVY, 3, base - 6),  # heavy due base + 2 (8 years)
        *_vehicles(rng, SPECIALIST, 2, base - 4),
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "Fleet"
    ws.append(["Fife Council - Fleet Services"])
    ws.append([f"Vehicle list as at {today.strftime('%d/%m/%Y')}"])
    ws.append([])
    ws.append(
        [
            "Fleet No",
            "Reg No",
            "Vehicle Type",
            "Make/Model",
            "Fuel Type",
            "Date Registered",
            "GVW (kg)",
            "Department",
            "Replacement Due",
        ]
    )
    departments = ("Property Services", "Roads", "Parks", "Social Work", "Housing")
    for i, (reg, registered, vtype, make, model, fuel, gvw) in enumerate(rows, start=1):
        ws.append(
            [
                f"F{i:04d}",
                reg,
                vtype,
                f"{make} {model}",
                fuel,
                registered,
                f"{gvw:,}" if gvw else None,
                rng.choice(departments),
                None,
            ]
        )
    ws.append([])
    ws.append([f"Total vehicles: {len(rows)}"])
    path = folder / "Fife fleet list.xlsx"
    wb.save(path)
    return path


def glasgow_csv(folder: Path, today: date) -> Path:
    """Glasgow: "VRM", "Vehicle Description", "GVW t", a planned replacement year column."""
    rng = _Council(49)
    base = today.year
    rows = [
        *_vehicles(rng, VANS, 18, base - 5),  # vans due base + 2
        *_vehicles(rng, RCVS, 8, base - 4),  # RCVs due base + 3
        *_vehicles(rng, CARS, 4, base - 2),
    ]
    path = folder / "GCC_vehicles.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle)
        out.writerow(["Glasgow City Council", "", "", "", "", "", "", ""])
        out.writerow(
            [
                "VRM",
                "Vehicle Description",
                "Make",
                "Model",
                "Fuel",
                "In Service",
                "GVW t",
                "Planned Replacement Year",
            ]
        )
        for reg, start, vtype, make, model, fuel, gvw in rows:
            planned = base + 3 if "RCV" in vtype or "Refuse" in vtype else ""
            out.writerow(
                [
                    reg,
                    vtype,
                    make,
                    model,
                    fuel,
                    start.strftime("%d/%m/%Y"),
                    f"{gvw / 1000:g}" if gvw else "",
                    planned,
                ]
            )
        out.writerow(["Total", "", "", "", "", "", "", ""])
    return path


def north_lanarkshire_workbook(folder: Path, today: date) -> Path:
    """North Lanarkshire: "Registration Number", "Power Source", GVW in tonnes, "Lease End"."""
    from openpyxl import Workbook

    rng = _Council(50)
    base = today.year
    rows = [*_vehicles(rng, VANS, 12, base - 4), *_vehicles(rng, HEAVY, 4, base - 5)]
    wb = Workbook()
    ws = wb.active
    ws.title = "Leased vehicles"
    ws.append(["NLC Fleet - leased and owned vehicles"])
    ws.append(
        [
            "Registration Number",
            "Type",
            "Manufacturer",
            "Model",
            "Power Source",
            "First Registered",
            "Gross Vehicle Weight",
            "Lease End",
        ]
    )
    for reg, start, vtype, make, model, fuel, gvw in rows:
        lease_end = f"31/03/{base + 2}" if "van" in vtype.lower() or "LCV" in vtype else None
        ws.append(
            [
                reg,
                vtype,
                make,
                model,
                fuel,
                start.year,
                f"{gvw / 1000:g} t" if gvw else None,
                lease_end,
            ]
        )
    path = folder / "NLC fleet.xlsx"
    wb.save(path)
    return path


def edinburgh_workbook(folder: Path, today: date) -> Path:
    """Edinburgh: its refuse and specialist fleet, "Registration", "Vehicle Class", "GVW"."""
    from openpyxl import Workbook

    rng = _Council(36)
    base = today.year
    rows = [*_vehicles(rng, RCVS, 10, base - 4), *_vehicles(rng, SPECIALIST, 3, base - 5)]
    wb = Workbook()
    ws = wb.active
    ws.title = "Waste fleet"
    ws.append(
        [
            "Registration",
            "Vehicle Class",
            "Make",
            "Model",
            "Fuel",
            "In Service Date",
            "GVW",
            "Depot",
        ]
    )
    for reg, start, vtype, make, model, fuel, gvw in rows:
        ws.append(
            [
                reg,
                vtype,
                make,
                model,
                fuel,
                start,
                f"{gvw} kg" if gvw else None,
                rng.choice(("Seafield", "Bankhead")),
            ]
        )
    ws.append(["TOTAL", len(rows)])
    path = folder / "Edinburgh waste fleet.xlsx"
    wb.save(path)
    return path


#: (council code, writer) in the order the demo loads them.
DEMO_FLEET_LISTS = (
    ("S12000047", fife_workbook),
    ("S12000049", glasgow_csv),
    ("S12000050", north_lanarkshire_workbook),
    ("S12000036", edinburgh_workbook),
)
