"""Fleet lists as councils keep them, written for the tests (title rows, own headings, totals)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

MESSY_HEADINGS = (
    "Fleet No",
    "Reg No",
    "Vehicle Type",
    "Make/Model",
    "Fuel Type",
    "Date Registered",
    "GVW (kg)",
    "Department",
    "Replacement Due",
)


def write_xlsx(
    path: Path,
    rows: list[list[Any]],
    *,
    title_rows: int = 2,
    headings: tuple[str, ...] = MESSY_HEADINGS,
    total: bool = True,
    sheet: str = "Fleet",
) -> Path:
    """A workbook with `title_rows` lines of title above the headings and a totals row."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for i in range(title_rows):
        ws.append(["Fife Council - Fleet Services" if i == 0 else "Vehicle list at 31/10/2026"])
    if title_rows:
        ws.append([])
    ws.append(list(headings))
    for row in rows:
        ws.append(row)
    if total:
        ws.append([])
        ws.append([f"Total vehicles: {len(rows)}"])
    wb.save(path)
    return path


def fife_rows() -> list[list[Any]]:
    """Six vehicles of Fife's list, as its fleet team writes them."""
    return [
        [
            "F0001",
            "SK19 ABC",
            "Panel van 3.5t",
            "Ford Transit Custom",
            "Diesel",
            date(2019, 3, 14),
            "3,200",
            "Property",
            None,
        ],
        [
            "F0002",
            "sk19abd",
            "LCV",
            "Vauxhall Combo Cargo",
            "DIESEL",
            "01/09/2019",
            "2300 kg",
            "Roads",
            None,
        ],
        [
            "F0003",
            "SN21 XYZ",
            "Pool car",
            "Nissan Leaf",
            "BEV",
            date(2021, 5, 1),
            None,
            "Social Work",
            None,
        ],
        [
            "F0004",
            "SF18 RCV",
            "RCV 26t",
            "Dennis Eagle Elite 6",
            "Diesel",
            date(2018, 7, 1),
            "26,000",
            "Waste",
            2027,
        ],
        ["F0005", "SJ20 TIP", "Tipper", "Isuzu Grafter", "Diesel", "2020", "7.5t", "Parks", None],
        [
            "F0006",
            "SV22 EVN",
            "Panel Van (LWB)",
            "Peugeot e-Expert",
            "Electric",
            date(2022, 2, 1),
            "3.1 t",
            "Housing",
            "31/03/2028",
        ],
    ]
