"""Demo data: real councils (GSS codes), users of every role, and realistic contracts.

Dates are relative to today so the demo always shows upcoming renewals; the data is
generated from a fixed seed so every demo looks the same.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from procurehub.accounts import service as accounts
from procurehub.contracts.service import create_contract
from procurehub.extensions import db
from procurehub.renewal_dates import add_months

DEMO_PASSWORD = "demo-password-2026"

COUNCILS = (
    ("S12000050", "North Lanarkshire Council", "West of Scotland"),
    ("S12000049", "Glasgow City Council", "West of Scotland"),
    ("S12000036", "City of Edinburgh Council", "East of Scotland"),
    ("S12000047", "Fife Council", "East of Scotland"),
    ("S12000006", "Dumfries and Galloway Council", "South of Scotland"),
    ("S12000008", "East Ayrshire Council", "West of Scotland"),
)

DEMO_USERS = (
    ("admin@procurehub.example", "admin", "S12000050"),
    ("coordinator@procurehub.example", "coordinator", "S12000049"),
    ("officer.nlc@procurehub.example", "officer", "S12000050"),
    ("officer.glasgow@procurehub.example", "officer", "S12000049"),
    ("officer.edinburgh@procurehub.example", "officer", "S12000036"),
    ("officer.fife@procurehub.example", "officer", "S12000047"),
    ("officer.dg@procurehub.example", "officer", "S12000006"),
    ("officer.eastayrshire@procurehub.example", "officer", "S12000008"),
    ("fleet.manager@procurehub.example", "network_manager", "S12000047"),
)

# (category, title, suppliers, annual value range £k, term years, extension text)
TEMPLATES = (
    (
        "waste.residual_treatment",
        "Residual waste treatment and energy recovery",
        (
            "Viridor Waste Management Ltd",
            "FCC Environment (UK) Ltd",
            "Suez Recycling and Recovery UK Ltd",
        ),
        (4000, 12000),
        10,
        "5+5",
    ),
    (
        "waste.collection",
        "Trade and commercial waste collection service",
        ("Biffa Waste Services Ltd", "Enva Scotland Ltd"),
        (300, 900),
        5,
        "3+1+1",
    ),
    (
        "waste.food",
        "Food waste anaerobic digestion",
        ("Scottish Water Horizons Ltd", "Keenan Recycling Ltd"),
        (200, 700),
        4,
        "2 x 12 months",
    ),
    (
        "waste.garden",
        "Garden waste composting",
        ("Barr Environmental Ltd", "Levenseat Ltd"),
        (150, 450),
        3,
        "Option to extend for up to 2 years",
    ),
    (
        "waste.bulky",
        "Bulky waste uplift and reuse",
        ("Blythswood Care", "Enva Scotland Ltd"),
        (80, 250),
        3,
        "2 separate one year extension options",
    ),
    (
        "waste.recycling_dmr",
        "Dry mixed recycling processing (MRF gate fee)",
        ("Biffa Waste Services Ltd", "Viridor Waste Management Ltd"),
        (900, 2500),
        5,
        "2+1+1",
    ),
    (
        "waste.haulage",
        "Haulage of waste from transfer stations",
        ("Barr Environmental Ltd", "WH Malcolm Ltd"),
        (200, 600),
        3,
        "1 x 12 months",
    ),
    (
        "fleet.vans_lt_3_5t",
        "Supply of electric light commercial vans",
        ("Ford Motor Company Ltd", "Vauxhall Motors Ltd"),
        (300, 1200),
        4,
        "None",
    ),
    (
        "fleet.rcv",
        "Supply of refuse collection vehicles",
        ("Dennis Eagle Ltd", "Terberg Matec UK Ltd"),
        (900, 3000),
        4,
        "Up to 24 months",
    ),
    (
        "fleet.maintenance",
        "Fleet tyre supply and maintenance",
        ("Bush Tyres Ltd", "Kwik Fit (GB) Ltd"),
        (100, 400),
        3,
        "1+1",
    ),
    (
        "digital.housing_management_system",
        "Housing management system licences and support",
        ("NEC Software Solutions UK Ltd", "Civica UK Ltd", "Capita Business Services Ltd"),
        (150, 600),
        5,
        "2 x 12 months",
    ),
    (
        "digital.fleet_management_system",
        "Fleet management system (software as a service)",
        ("Civica UK Ltd (Tranman)", "Chevin Fleet Solutions Ltd (FleetWave)"),
        (30, 120),
        3,
        "1+1",
    ),
    (
        "unclassified",
        "Care at home framework",
        ("Allied Healthcare", "Carers Direct"),
        (2000, 6000),
        4,
        "2 x 12 months",
    ),
)


def load(seed: int = 2026, today: date | None = None) -> None:
    """Councils, users and a dozen contracts per council, in one transaction."""
    rng = random.Random(seed)
    today = today or date.today()
    councils = {code: accounts.add_council(code, name, region) for code, name, region in COUNCILS}
    for email, role, code in DEMO_USERS:
        name = email.split("@")[0].replace(".", " ").title()
        accounts.add_user(email, code, [role], name=name, password=DEMO_PASSWORD)
    for index, council in enumerate(councils.values()):
        prefix = "".join(word[0] for word in council.name.split() if word[0].isupper())
        for number, (category, title, suppliers, (low, high), term, extension) in enumerate(
            TEMPLATES, start=1
        ):
            # End dates fall 6 months to 5 years ahead, close enough across councils to align.
            # Month ends (31 Jan + n months clamps to each month's last day).
            end = add_months(date(today.year, 1, 31), 6 + ((number * 7 + index * 5) % 54))
            start = add_months(end, -12 * term)
            annual = Decimal(rng.randrange(low, high)) * 1000
            create_contract(
                council,
                {
                    "reference": f"{prefix}-{today.year - term}-{number:03d}",
                    "title": title,
                    "description": f"{title} for {council.name}.",
                    "category": category,
                    "supplier_name": suppliers[(index + number) % len(suppliers)],
                    "award_date": add_months(start, -2),
                    "start_date": start,
                    "end_date": end,
                    "extension_terms": extension,
                    "extension_periods_months": _periods(extension),
                    "value_annual": annual,
                    "value_total": annual * term,
                    "value_is_estimate": False,
                    "procurement_route": "Open procedure"
                    if number % 3
                    else "Framework (Scotland Excel)",
                    "status": "active",
                    "collaboration_interest": ("yes", "maybe", "unknown", "no")[
                        (index + number) % 4
                    ],
                },
                user=None,
            )
    db.session.commit()
    from procurehub.workstreams.registry import enabled_plugins

    for plugin in enabled_plugins(current_app).values():
        if plugin.demo is not None:
            plugin.demo()
            db.session.commit()


def _periods(extension: str) -> list[int]:
    from procurehub.ingest.extension_terms import parse_extension_terms

    return parse_extension_terms(extension).value or []


def sign_in_table(names: dict[str, str]) -> list[str]:
    """The demo users as lines of e-mail, role and council, the council by name (never a code)."""
    known = {code: name for code, name, _region in COUNCILS} | names
    rows = [(email, role, known.get(code) or code) for email, role, code in DEMO_USERS]
    email_width = max(len(email) for email, _, _ in rows)
    role_width = max(len(role) for _, role, _ in rows)
    return [
        f"  {email:{email_width}}  {role:{role_width}}  {council}" for email, role, council in rows
    ]


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo data and stop.")
@click.option("--no-scheduler", is_flag=True, help="Do not run the alert job in the background.")
@with_appcontext
def demo(host: str, port: int, no_serve: bool, no_scheduler: bool) -> None:
    """Create the database, load demo councils, users and contracts, and serve the hub.

    The alert job runs in the background every minute (set PROCUREHUB_SMTP_HOST to also get
    e-mail), so a coordinator who subscribes sees alerts arrive in their inbox.
    """
    from procurehub.accounts.models import Council
    from procurehub.cli import upgrade_database
    from procurehub.web.cli import run_server

    upgrade_database()
    if db.session.scalar(select(func.count(Council.id))) == 0:
        from datetime import date

        from procurehub.alignment.store import run_alignment

        load()
        found = run_alignment(date.today()).found
        click.echo(f"Loaded the demo data; the alignment found {found} joint-tender opportunities.")
    else:
        click.echo("The database already has councils; demo data not loaded again.")
    click.echo("")
    click.echo(f"Sign in with any of these (password for all: {DEMO_PASSWORD}):")
    for line in sign_in_table(accounts.council_names()):
        click.echo(line)
    click.echo("")
    if no_serve:
        return
    if not no_scheduler:
        from procurehub.scheduler.runner import build_scheduler

        current_app.config["ALERT_INTERVAL_MINUTES"] = 1
        build_scheduler(current_app._get_current_object(), blocking=False).start()
        click.echo("Alert job running every minute in the background.")
    run_server(host, port)


def init_app(app: Flask) -> None:
    app.cli.add_command(demo)
