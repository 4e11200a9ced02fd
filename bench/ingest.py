#!/usr/bin/env python
"""Ingest benchmark (DESIGN §7): a register end to end against the raw baseline, in one run.

    python bench/ingest.py [--rows 100000] [--database-url URL] [--mode xlsx|csv|both]
                           [--csv-rows 1000000] [--no-reimport] [--profile FILE]

xlsx mode (default)
    Builds a realistic, messy `--rows`-row .xlsx register once (outside every timing), then
    times in the same run, each on its own fresh, migrated database:
      (a) baseline: ``pandas.read_excel(path, engine="calamine")`` plus a bulk
          ``insert(Contract)`` of the same rows (dicts built straight from the DataFrame with
          minimal conversion), committed;
      (b) ``import_contracts`` of the same file into a fresh council (every row created);
      (c) a re-import of the same file (every row unchanged): reported, not in the ratio.
    Last line: ``ingest ratio: X.XX (target <= 2.0)`` where ratio = (b) / (a).

csv mode
    Writes a `--csv-rows`-row CSV of the same shape and imports it in a child process, so the
    peak RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss``) is the import's alone.
    Last line: ``csv peak RSS: N MB (target < 2048 MB)``.

both
    xlsx then csv; the last two lines are the csv RSS line and then the ratio line.

Databases: SQLite files in a temporary directory by default. With ``--database-url`` (a
PostgreSQL server, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) a fresh
database is created on that server for each measured step and dropped afterwards.
Every generated file lives in a temporary directory that is removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
PLATFORM = os.path.join(os.path.dirname(HERE), "platform")
if PLATFORM not in sys.path:
    sys.path.insert(0, PLATFORM)

# Imported up front so no timed step pays for module loading (no JIT involved anywhere).
import pandas as pd  # noqa: E402
import python_calamine  # noqa: E402,F401
from bench_support import Databases, make_app, quiet_alembic  # noqa: E402
from sqlalchemy import insert  # noqa: E402

HEADINGS = [
    "Contract Ref",
    "Title of Agreement",
    "Contractor",
    "Company Number",
    "Commencement Date",
    "Expiry Date",
    "Extension Options",
    "Total Contract Value",
    "Annual Value",
    "CPV Code",
    "Department",
    "Status",
    "Collaborative opportunity",
    "Contract Manager",
    "Notes",
]
TITLE_ROW = (
    "North Lanarkshire Council - Contracts Register (published quarterly, as at 1 April 2025)"
)
HEADER_INDEX = 2  # 0-based row of the header: title row, blank row, header
CSV_MAX_BYTES = 8 * 1024**3  # the 50 MB cap is for web uploads; a 1M-row CSV is ~250 MB
EPOCH = date(1899, 12, 30)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# ------------------------------------------------------------------------------ the register

BASE_TITLES = {
    "waste": [
        "Residual waste treatment",
        "Energy from waste",
        "Dry mixed recycling processing",
        "Food waste collection and treatment",
        "Garden waste composting",
        "Bulky waste collection",
        "Clinical waste collection and disposal",
        "Hazardous waste disposal",
        "Haulage of waste",
        "Landfill disposal",
        "Street cleansing equipment",
        "Wheeled bins and containers",
        "Glass recycling",
        "Paper and card recycling",
        "WEEE recycling",
        "Household waste recycling centres",
        "Commercial waste collection",
        "Trade waste sacks",
        "Litter bins",
        "Waste transfer station",
        "Mattress recycling",
        "Wood waste recycling",
        "Road sweepings treatment",
    ],
    "fleet": [
        "Light commercial vehicles under 3.5t",
        "Electric cars",
        "Refuse collection vehicles",
        "Heavy goods vehicles",
        "Fleet maintenance and repair",
        "Vehicle leasing",
        "Fleet management system",
        "Tyres supply and fitting",
        "Vehicle telematics",
        "Fuel cards",
        "Gritters",
        "Minibuses",
        "Short term vehicle hire",
        "EV charging infrastructure",
        "Vehicle body repairs",
        "Tachograph analysis",
    ],
    "digital": [
        "Housing management system",
        "Revenues and benefits system",
        "Social care case management system",
        "Microsoft licensing",
        "Wide area network",
        "Mobile telephony",
        "Library management system",
        "Planning portal software",
        "Payroll and HR system",
        "Cyber security services",
        "Website content management system",
        "Unified communications",
        "Data centre hosting",
        "Multi-functional devices",
        "Asset management software",
        "Education management information system",
    ],
    "other": [
        "Catering supplies",
        "School transport",
        "Janitorial supplies",
        "Legal services",
        "Electrical maintenance",
        "Carriageway resurfacing",
        "Street lighting maintenance",
        "Agency staff",
        "Insurance services",
        "Grounds maintenance machinery",
        "Office furniture",
        "PPE",
        "Security services",
        "Electricity supply",
        "Care at home services",
        "Occupational health services",
        "Temporary accommodation",
        "Bus shelter maintenance",
        "External audit",
        "Translation and interpretation",
        "Play equipment",
        "Road salt",
    ],
}
TITLE_PREFIXES = ["", "", "", "Provision of ", "Supply of ", "Contract for ", "Framework - ",
                  "Call-off: ", "Supply and delivery of "]  # fmt: skip
TITLE_SUFFIXES = ["", "", "", " - Lot 1", " - Lot 2", " (Scotland Excel framework)",
                  " 2021-2025", " - extension", " (collaborative)", " - North area",
                  " call-off", " (interim)", " - Phase 2"]  # fmt: skip
SUPPLIER_NAMES = [
    "Biffa Waste Services",
    "Veolia ES",
    "Suez Recycling and Recovery",
    "FCC Environment",
    "Viridor Waste Management",
    "Enva Scotland",
    "Renewi",
    "William Tracey",
    "Dennis Eagle",
    "Arnold Clark Finance",
    "Northgate Vehicle Hire",
    "Ford Motor Company",
    "Terberg Matec",
    "Microsoft",
    "Civica UK",
    "NEC Software Solutions UK",
    "Capita Business Services",
    "CGI IT UK",
    "Softcat",
    "Computacenter (UK)",
    "Specialist Computer Centres",
    "BT",
    "Vodafone",
    "Business Stream",
    "SSE Energy Supply",
    "ISS Facility Services",
    "Mitie",
    "Brodies",
    "Harper Macleod",
    "Bell Decorating Group",
    "Lanarkshire Skip Hire",
    "Clyde Valley Tyres",
    "Scotia Fleet Services",
    "Highland Grit Supplies",
    "Caledonian Catering",
    "McGill Facilities Management",
    "Forth Valley Plant",
    "Taylor Wimpey",
    "Kier Group",
    "Amey Community",
    "Idox Software",
    "Northgate Public Services",
    "Access UK",
    "Netcall Technology",
    "Brightly Software",
    "Tranman Solutions",
    "Jacobs UK",
    "WSP UK",
    "Stantec UK",
    "Reconomy",
    "Binn Group",
    "Levenseat",
    "Avondale Environmental",
    "Shanks Waste Management",
    "Grundon Waste Management",
    "Croft Transport",
]
SUPPLIER_FORMS = [" Ltd", " Limited", " UK Ltd", " plc", " (Scotland) Ltd", ""]
CPV_BY_STREAM = {
    "waste": ["90500000-2", "90513000-6", "90511000-2", "90514000-3", "90524000-6", "90533000-2"],
    "fleet": ["34144512-0", "34136000-9", "34100000-8", "50110000-9", "34110000-1", "34121400-5"],
    "digital": ["48000000-8", "72000000-5", "48311000-1", "64212000-5", "72212000-4"],
    "other": ["55520000-1", "60130000-8", "79110000-8", "45233141-9", "50232100-1", "66510000-8"],
}
DEPARTMENTS = ["Environmental Services", "Waste Services", "Fleet Services", "Roads & Fleet",
               "Digital Services", "ICT", "Housing", "Education", "Corporate Procurement",
               "Social Work", "Facilities Management"]  # fmt: skip
STATUSES = ["Active", "Active", "Live", "Current", "Expired", "", "Ongoing"]
COLLABORATION = ["Yes", "No", "Maybe", "", "", "Possibly", "Unknown", "Y", "N"]
EXTENSIONS = ["2+1+1", "2+1+1", "Up to 24 months", "None", "", "", "1 x 12 months",
              "2 separate one year extension options", "Option to extend for up to 2 years",
              "N/A", "3+2", "2 x 12 months"]  # fmt: skip
FIRST = ["J.", "A.", "M.", "S.", "K.", "R.", "L.", "D.", "C.", "P."]
LAST = ["Smith", "Brown", "Wilson", "Campbell", "Stewart", "Thomson", "Robertson", "Anderson",
        "MacDonald", "Scott", "Reid", "Murray"]  # fmt: skip
NOTES = ["Extension 1 taken", "Awaiting renewal decision", "Scotland Excel framework call-off",
         "Price review annually in April", "Direct award - see committee report 12/03/2021",
         "TUPE applies", "Spend to be reviewed", "Collaborative with South Lanarkshire",
         "Community benefits clause included", "Fair work first applies"]  # fmt: skip
REF_STYLES = ["NLC-{y}-{i:07d}", "C/{y}/{i:07d}", "ENV{i:07d}", "FLT-{i:07d}", "ICT/{y}/{i:07d}",
              "CPU-{i:07d}-{y}"]  # fmt: skip


def _title_pool(rng: random.Random, size: int = 400) -> list[tuple[str, str]]:
    """A few hundred council-style titles (workstream, title) from the base subjects."""
    pool: dict[str, str] = {}
    streams = list(BASE_TITLES)
    while len(pool) < size:
        stream = rng.choice(streams)
        title = rng.choice(TITLE_PREFIXES) + rng.choice(BASE_TITLES[stream])
        title += rng.choice(TITLE_SUFFIXES)
        shape = rng.random()
        if shape < 0.05:
            title = title.upper()
        elif shape < 0.10:
            title = title.lower()
        elif shape < 0.15:
            title = "  " + title + " "
        pool.setdefault(title, stream)
    return [(stream, title) for title, stream in pool.items()]


def _render_date(rng: random.Random, d: date) -> Any:
    """A date as registers write it: a date cell, 31/03/2027, Mar-27, an Excel serial."""
    r = rng.random()
    if r < 0.55:
        return d
    if r < 0.75:
        return d.strftime("%d/%m/%Y")
    if r < 0.85:
        return f"{MONTHS[d.month - 1]}-{d.year % 100:02d}"
    if r < 0.95:
        return (d - EPOCH).days
    return None


def _render_money(rng: random.Random, amount: float) -> Any:
    r = rng.random()
    if r < 0.35:
        return round(amount, 2)
    if r < 0.45:
        return int(amount)
    if r < 0.70:
        return f"£{amount:,.2f}"
    if r < 0.80:
        return f"£{amount / 1e6:.1f}m" if amount >= 1e6 else f"£{amount / 1e3:.0f}k"
    if r < 0.85:
        return f"({int(amount) % 10000 + 1})"  # accounting brackets: a credit
    if r < 0.90:
        return f"{amount:,.0f}"
    return None


MESSY_EXTENSIONS = ["2+1+1", "2+1+1", "Up to 24 months", "2 x 12 months", "None", "", "3+2",
                    "2 separate one year extension options", "1+1", "Up to 12 months",
                    "Option to extend for up to 2 years", "1 x 12 months", "N/A",
                    "Two further periods of 12 months", "None", "2 x 24 months"]  # fmt: skip


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _render_date_messy(rng: random.Random, d: date) -> Any:
    """Issue 8.8's register: date cells mixed with five ways of writing a date as text."""
    r = rng.random()
    if r < 0.40:
        return d  # a real date cell (an Excel serial with a date format)
    if r < 0.55:
        return d.strftime("%d/%m/%Y")
    if r < 0.65:
        return f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year}"
    if r < 0.75:
        return f"{_ordinal(d.day)} {d.strftime('%B')} {d.year}"
    if r < 0.82:
        return f"{MONTHS[d.month - 1]}-{d.year % 100:02d}"
    if r < 0.92:
        return d.isoformat()
    if r < 0.97:
        return (d - EPOCH).days  # a bare serial number cell
    return None


def _render_money_messy(rng: random.Random, amount: float) -> Any:
    """Issue 8.8's register: plain numbers, £1,234.00, £1.2m, (3728), TBC, £450 per item."""
    r = rng.random()
    if r < 0.30:
        return round(amount, 2)
    if r < 0.50:
        return f"£{amount:,.2f}"
    if r < 0.62:
        return f"£{amount / 1e6:.1f}m" if amount >= 1e6 else f"£{amount / 1e3:.0f}k"
    if r < 0.67:
        return f"({int(amount) % 10000 + 1})"
    if r < 0.75:
        return "TBC"
    if r < 0.82:
        return f"£{int(amount) % 1000 + 1} per item"
    if r < 0.92:
        return f"{amount:,.0f}"
    return None


def register_rows(n: int, seed: int = 20250401, messy: bool = False) -> Iterator[list[Any]]:
    """`n` data rows (15 cells each, native types; None is a blank cell). Deterministic.

    ``messy`` writes the register of issue 8 item 8: more text dates and amounts (TBC, unit
    prices, ordinals, ISO, dd-Mon-yyyy) and more free-text extension terms.
    """
    rng = random.Random(seed)
    render_date = _render_date_messy if messy else _render_date
    render_money = _render_money_messy if messy else _render_money
    extensions = MESSY_EXTENSIONS if messy else EXTENSIONS
    titles = _title_pool(rng)
    suppliers = []
    for name in SUPPLIER_NAMES:
        for form in rng.sample(SUPPLIER_FORMS, 3):
            number = rng.randrange(10_000, 999_999)
            kind = rng.random()
            if kind < 0.35:
                company: Any = f"SC{number:06d}"
            elif kind < 0.55:
                company = f"gb/{number:08d}"
            elif kind < 0.70:
                company = number  # a number cell: leading zeros lost
            elif kind < 0.85:
                company = f"{number:08d}"
            else:
                company = None
            suppliers.append((name + form, company))
    managers = [f"{f} {s}" for f in FIRST for s in LAST]
    day0 = date(2012, 1, 1).toordinal()
    span = date(2026, 12, 31).toordinal() - day0
    for i in range(1, n + 1):
        stream, title = rng.choice(titles)
        supplier, company = rng.choice(suppliers)
        start = date.fromordinal(day0 + rng.randrange(span))
        months = rng.choice((12, 24, 36, 36, 48, 60, 60, 84, 120))
        y, m = divmod(start.month - 1 + months, 12)
        end = date(start.year + y, m + 1, min(start.day, 28)) - timedelta(days=1)
        total = 10 ** rng.uniform(3, 7.5)
        cpv_r = rng.random()
        codes = CPV_BY_STREAM[stream]
        if cpv_r < 0.45:
            cpv: Any = rng.choice(codes)
        elif cpv_r < 0.65:
            cpv = "; ".join(rng.sample(codes, 2))
        elif cpv_r < 0.75:
            cpv = int(rng.choice(codes)[:8])
        else:
            cpv = None
        yield [
            rng.choice(REF_STYLES).format(y=start.year, i=i),
            title,
            supplier,
            company,
            render_date(rng, start),
            render_date(rng, end),
            rng.choice(extensions) or None,
            render_money(rng, total),
            render_money(rng, total * 12 / months) if rng.random() < 0.7 else None,
            cpv,
            rng.choice(DEPARTMENTS),
            rng.choice(STATUSES) or None,
            rng.choice(COLLABORATION) or None,
            rng.choice(managers) if rng.random() < 0.8 else None,
            rng.choice(NOTES) if rng.random() < 0.3 else None,
        ]


def write_xlsx(path: str, n: int, seed: int = 20250401, messy: bool = False) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Contracts Register")
    ws.append([TITLE_ROW])
    ws.append([])
    ws.append(HEADINGS)
    for row in register_rows(n, seed, messy):
        ws.append(row)
    wb.save(path)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value


def write_csv(path: str, n: int, seed: int = 20250401) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([TITLE_ROW])
        out.writerow([])
        out.writerow(HEADINGS)
        for row in register_rows(n, seed):
            out.writerow([_csv_cell(v) for v in row])


# ------------------------------------------------------------------------------ databases


def new_council(code: str, name: str) -> Any:
    from procurehub.accounts import service as accounts
    from procurehub.extensions import db

    council = accounts.add_council(code, name, "Bench")
    db.session.commit()
    return council


# ------------------------------------------------------------------------------ baseline


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT


def _text(v: Any) -> str | None:
    return None if _blank(v) else str(v)


def _date(v: Any) -> date | None:
    if _blank(v):
        return None
    if isinstance(v, datetime):  # pd.Timestamp is a datetime
        return v.date()
    return v if isinstance(v, date) else None


def _number(v: Any) -> float | None:
    if _blank(v) or isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def baseline_rows(df: pd.DataFrame, council_id: int, source_file: str) -> list[dict[str, Any]]:
    """Dicts for `insert(Contract)` straight from the DataFrame: type checks only, no parsing.

    Cells of the wrong type for a typed column (a '31/03/2027' string in a date column, '£1.2m'
    in a money column) are simply dropped to NULL: that is the raw floor the importer is held to.
    """
    c = {h: df[h].tolist() for h in HEADINGS}
    first_row = HEADER_INDEX + 2  # spreadsheet row number of the first data row
    return [
        {
            "council_id": council_id,
            "reference": _text(ref),
            "title": _text(title) or "",
            "supplier_name": _text(supplier),
            "supplier_company_number": _text(company),
            "start_date": _date(start),
            "end_date": _date(end),
            "extension_terms": _text(ext),
            "value_total": _number(total),
            "value_annual": _number(annual),
            "cpv_codes": [] if _blank(cpv) else [str(cpv)],
            "category_label": _text(dept),
            "status": _text(status) or "active",
            "collaboration_interest": _text(collab) or "unknown",
            "notes": _text(notes),
            "extra": {} if _blank(manager) else {"Contract Manager": str(manager)},
            "source_file": source_file,
            "source_row": first_row + i,
        }
        for i, (
            ref,
            title,
            supplier,
            company,
            start,
            end,
            ext,
            total,
            annual,
            cpv,
            dept,
            status,
            collab,
            manager,
            notes,
        ) in enumerate(zip(*(c[h] for h in HEADINGS), strict=True))  # fmt: skip
    ]


def run_baseline(path: str, council: Any, *, batched: bool = True) -> tuple[float, float, int]:
    """read_excel(calamine) then one bulk insert + commit; returns (read s, insert s, rows).

    ``batched`` (the baseline of the ratio) adds ``render_nulls=True``: the ORM's bulk INSERT
    otherwise leaves None values out of each row's parameters, so rows with different blank
    cells get different column lists and are sent one statement per row instead of in
    insertmanyvalues batches (about 98,000 statements for 100,000 rows of this register).
    """
    from procurehub.contracts.models import Contract
    from procurehub.extensions import db

    council_id = council.id
    statement = insert(Contract)
    if batched:
        statement = statement.execution_options(render_nulls=True)
    t0 = time.perf_counter()
    df = pd.read_excel(path, engine="calamine", header=HEADER_INDEX)
    t1 = time.perf_counter()
    rows = baseline_rows(df, council_id, os.path.basename(path))
    db.session.execute(statement, rows)
    db.session.commit()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(rows)


# ------------------------------------------------------------------------------ the import


def run_import(path: str, council: Any, display_name: str, **options: Any) -> tuple[float, dict]:
    from procurehub.registers.service import ImportOptions, import_contracts

    t0 = time.perf_counter()
    report = import_contracts(
        path,
        display_name=display_name,
        council=council,
        user=None,
        options=ImportOptions(**options),
    )
    return time.perf_counter() - t0, report


def _check(report: dict, expect: str, rows: int) -> None:
    if report.get("status") != "stored" or report.get(expect) != rows:
        summary = {k: report.get(k) for k in ("status", "message", "rows_read", "created",
                                              "updated", "unchanged", "rejected", "duplicates")}  # fmt: skip
        summary["first_errors"] = report.get("errors", [])[:5]
        raise SystemExit(
            f"import did not {expect} all {rows} rows: {json.dumps(summary, default=str)}"
        )


def bench_xlsx(args: argparse.Namespace, workdir: str, dbs: Databases) -> dict[str, Any]:
    from procurehub.extensions import db

    xlsx = os.path.join(workdir, "contract-register.xlsx")
    warm = os.path.join(workdir, "warm-up.xlsx")
    t = time.perf_counter()
    write_xlsx(xlsx, args.rows, messy=args.messy)
    write_xlsx(warm, 300, seed=7, messy=args.messy)
    kind = "messy register" if args.messy else "register"
    print(f"built {args.rows:,}-row {kind} ({os.path.getsize(xlsx) / 1e6:.1f} MB) "
          f"in {time.perf_counter() - t:.1f} s", flush=True)  # fmt: skip

    out: dict[str, Any] = {"rows": args.rows, "dialect": dbs.dialect, "messy": args.messy}
    variants = [("batched", True)] + ([] if args.skip_orm_baseline else [("orm", False)])
    with quiet_alembic():
        base_urls = {label: dbs.fresh("baseline_" + label) for label, _ in variants}
        import_url = dbs.fresh("import")

    for label, batched in variants:
        base_app = make_app(base_urls[label], workdir)
        with base_app.app_context():
            run_baseline(warm, new_council("WARM", "Warm-up council"), batched=batched)
            read_s, insert_s, n = run_baseline(
                xlsx, new_council("BASE", "Baseline council"), batched=batched
            )
            assert n == args.rows, f"baseline read {n} rows, expected {args.rows}"
            suffix = "" if batched else "_orm"
            out.update({f"baseline_read{suffix}": read_s, f"baseline_insert{suffix}": insert_s})
            db.session.remove()
            db.engine.dispose()

    import_app = make_app(import_url, workdir)
    with import_app.app_context():
        _, report = run_import(warm, new_council("WARM", "Warm-up council"), "warm-up.xlsx")
        _check(report, "created", 300)
        council = new_council("S12000050", "North Lanarkshire Council")
        seconds, report = run_import(xlsx, council, "contract-register.xlsx")
        _check(report, "created", args.rows)
        out.update(import_s=seconds, warnings=report.get("warning_count"))
        if not args.no_reimport:
            seconds, report = run_import(xlsx, council, "contract-register.xlsx")
            _check(report, "unchanged", args.rows)
            out["reimport_s"] = seconds
        if args.profile:
            out["profile"] = profile_import(xlsx, args.profile)
        db.session.remove()
        db.engine.dispose()
    out["parent_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def profile_import(path: str, dump: str) -> str:
    """One more all-creates import under cProfile, into another fresh council."""
    import cProfile
    import io
    import pstats

    council = new_council("PROFILE", "Profiled council")
    profiler = cProfile.Profile()
    profiler.enable()
    _, report = run_import(path, council, "contract-register.xlsx")
    profiler.disable()
    _check(report, "created", report.get("rows_read", 0))
    profiler.dump_stats(dump)
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return buf.getvalue()


# ------------------------------------------------------------------------------ csv / memory


def child_import(csv_path: str, url: str, workdir: str) -> None:
    """Runs in the child process: import the CSV, print a JSON line with time and counts."""
    app = make_app(url, workdir)
    with app.app_context():
        council = new_council("S12000050", "North Lanarkshire Council")
        seconds, report = run_import(
            csv_path, council, "contract-register.csv", max_bytes=CSV_MAX_BYTES
        )
        summary = {k: report.get(k) for k in ("status", "message", "rows_read", "created",
                                              "rejected", "duplicates", "warning_count")}  # fmt: skip
        summary["first_errors"] = report.get("errors", [])[:3]
        summary["seconds"] = seconds
        summary["self_maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(summary, default=str), flush=True)


def bench_csv(args: argparse.Namespace, workdir: str, dbs: Databases) -> dict[str, Any]:
    path = os.path.join(workdir, "contract-register.csv")
    t = time.perf_counter()
    write_csv(path, args.csv_rows)
    size = os.path.getsize(path)
    print(f"built {args.csv_rows:,}-row CSV ({size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - t:.1f} s", flush=True)  # fmt: skip
    with quiet_alembic():
        url = dbs.fresh("csv")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--child-import",
            path,
            "--database-url",
            url,
            "--workdir",
            workdir,
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        raise SystemExit(f"CSV import child failed ({proc.returncode}):\n{proc.stdout}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    if summary.get("status") != "stored" or summary.get("created") != args.csv_rows:
        raise SystemExit(f"CSV import did not store every row: {summary}")
    if before > peak_kib:
        peak_kib = before  # cannot happen (max is monotonic); keeps the arithmetic honest
    return {
        "csv_rows": args.csv_rows,
        "csv_mb": size / 1e6,
        "csv_import_s": summary["seconds"],
        "csv_child_wall_s": wall,
        "csv_peak_rss_mb": peak_kib / 1024,
        "csv_warnings": summary.get("warning_count"),
    }


# ------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the .xlsx register")
    parser.add_argument("--csv-rows", type=int, default=1_000_000, help="rows in the CSV")
    parser.add_argument("--mode", choices=("xlsx", "csv", "both"), default="xlsx")
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite files)")
    parser.add_argument("--no-reimport", action="store_true", help="skip the re-import step")
    parser.add_argument(
        "--messy",
        action="store_true",
        help="the messier register of issue 8.8 (TBC, per-item prices, ordinal/ISO dates...)",
    )
    parser.add_argument(
        "--skip-orm-baseline",
        action="store_true",
        help="skip the informative second baseline (ORM bulk insert without render_nulls)",
    )
    parser.add_argument("--profile", metavar="FILE", help="also cProfile one import; dump here")
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_import:
        child_import(args.child_import, args.database_url, args.workdir)
        return

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="procurehub-bench-") as workdir:
        dbs = Databases(args.database_url, workdir)
        try:
            if args.mode in ("xlsx", "both"):
                results.update(bench_xlsx(args, workdir, dbs))
            if args.mode in ("csv", "both"):
                results.update(bench_csv(args, workdir, dbs))
        finally:
            dbs.drop_all()

    if "profile" in results:
        print(results["profile"])
    print()
    print(f"ProcureHub ingest benchmark on {dbs.dialect} ({os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]})")  # fmt: skip
    if "import_s" in results:
        n = results["rows"]
        base = results["baseline_read"] + results["baseline_insert"]
        lines = [
            ("baseline: read_excel(calamine)", results["baseline_read"], n),
            ("baseline: bulk insert (batched) + commit", results["baseline_insert"], n),
            ("baseline total (the ratio's denominator)", base, n),
            ("import_contracts (all created)", results["import_s"], n),
        ]
        if "reimport_s" in results:
            lines.append(("re-import (all unchanged; not in ratio)", results["reimport_s"], n))
        if "baseline_read_orm" in results:
            orm = results["baseline_read_orm"] + results["baseline_insert_orm"]
            lines += [
                ("info: read_excel again (2nd baseline)", results["baseline_read_orm"], n),
                ("info: ORM insert, no render_nulls + commit", results["baseline_insert_orm"], n),
                ("info: that baseline's total", orm, n),
            ]
        print(f"  {n:,}-row {'messy ' if results['messy'] else ''}.xlsx")
        print(f"  {'step':<46}{'seconds':>9}{'rows/s':>10}")
        for label, seconds, rows in lines:
            print(f"  {label:<46}{seconds:>9.2f}{rows / seconds:>10,.0f}")
        print(f"  warnings reported by the import: {results['warnings']:,}; "
              f"parent peak RSS {results['parent_rss_mb']:.0f} MB")  # fmt: skip
        if "baseline_read_orm" in results:
            print(f"  info: import / per-row ORM-insert baseline = {results['import_s'] / orm:.2f} "
                  "(not the target: that baseline sends one INSERT per row)")  # fmt: skip
    if "csv_import_s" in results:
        n = results["csv_rows"]
        print(f"  {n:,}-row CSV ({results['csv_mb']:.0f} MB), imported in a child process: "
              f"{results['csv_import_s']:.1f} s import ({n / results['csv_import_s']:,.0f} rows/s), "
              f"{results['csv_child_wall_s']:.1f} s child wall time, "
              f"{results['csv_warnings']:,} warnings")  # fmt: skip
        print(f"csv peak RSS: {results['csv_peak_rss_mb']:.0f} MB (target < 2048 MB)")
    if "import_s" in results:
        ratio = results["import_s"] / (results["baseline_read"] + results["baseline_insert"])
        if "reimport_s" in results:
            base = results["baseline_read"] + results["baseline_insert"]
            print(f"re-import ratio: {results['reimport_s'] / base:.2f} (target <= 2.0)")
        print(f"ingest ratio: {ratio:.2f} (target <= 2.0)")


if __name__ == "__main__":
    main()
