"""Screenshots of the main pages, for each role, at desktop and phone width.

    PYTHONPATH=platform:. python scripts/screenshots.py [--out docs/screenshots]

Builds the demo (a fresh SQLite database in a temporary folder: the demo councils, users,
plugin records and the alignment's opportunities), serves it on a loopback port, and drives
Debian's Chromium (/usr/bin/chromium, or PROCUREHUB_CHROMIUM; never `playwright install`) to
sign in as each demo user and save `<name>-desktop.png` (1280 px) and `<name>-phone.png`
(390 px) of what fits on the first screen. The phone menu is also shown open once. Nothing is
fetched from the internet. Run it after a visible change and look at the pictures; README.md
shows a selection.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PROCUREHUB_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

#: (file name prefix, demo user or None, path[, element to scroll to the top, e.g. a chart]);
#: "{home}" is where signing in lands.
SHOTS = [
    ("sign-in", None, "/sign-in"),
    ("officer-home", "officer.nlc@procurehub.example", "{home}"),
    ("contracts", "officer.nlc@procurehub.example", "/contracts"),
    ("contract", "officer.nlc@procurehub.example", "/contracts/1"),
    ("upload", "officer.nlc@procurehub.example", "/registers/upload"),
    ("coordinator-home", "coordinator@procurehub.example", "{home}"),
    ("opportunities", "coordinator@procurehub.example", "/opportunities"),
    ("opportunity", "coordinator@procurehub.example", "/opportunities/1"),
    ("tender-plan", "coordinator@procurehub.example", "/tender-plan"),
    ("waste-overview", "coordinator@procurehub.example", "/waste/"),
    ("waste-ending-chart", "coordinator@procurehub.example", "/waste/", "#ending"),
    ("tender-plan-chart", "coordinator@procurehub.example", "/tender-plan", "svg.ph-plan"),
    (
        "opportunity-timeline",
        "coordinator@procurehub.example",
        "/opportunities/1",
        "svg.ph-timeline",
    ),
    ("bulky-waste-benchmark", "coordinator@procurehub.example", "/waste/bulky/benchmark"),
    ("fleet-dashboard", "fleet.manager@procurehub.example", "/fleet/dashboard"),
    ("fleet-compare", "fleet.manager@procurehub.example", "/fleet/compare?specs=1&specs=2&specs=3"),
    ("business-cases", "digital.lead@procurehub.example", "/digital/business-cases"),
    (
        "business-case",
        "digital.lead@procurehub.example",
        "/digital/business-cases/housing-management-system",
    ),
    (
        "business-case-chart",
        "digital.lead@procurehub.example",
        "/digital/business-cases/housing-management-system",
        "#cumulative-chart",
    ),
    ("bulky-waste-chart", "coordinator@procurehub.example", "/waste/bulky/benchmark", ".ph_chart"),
    ("administration", "admin@procurehub.example", "/admin/"),
    ("fleet-list-upload", "officer.nlc@procurehub.example", "/fleet/vehicles/upload"),
    ("system-inventory-upload", "officer.nlc@procurehub.example", "/digital/systems/upload"),
    ("bulky-waste-upload", "officer.nlc@procurehub.example", "/waste/bulky/upload"),
]


def build_demo(folder: Path):  # noqa: ANN201 - a Flask app
    from procurehub import create_app, demo
    from procurehub.alignment.store import run_alignment
    from procurehub.cli import upgrade_database
    from procurehub.extensions import db

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
            "SECRET_KEY": "screenshots",
            "INSTANCE_PATH": str(folder / "instance"),
        }
    )
    with app.app_context():
        upgrade_database()
        demo.load()
        run_alignment(date.today())
        db.session.commit()
    return app


def take(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from procurehub.demo import DEMO_PASSWORD

    saved: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        contexts: dict[str | None, tuple[object, str]] = {}

        def page_for(email: str | None):  # noqa: ANN202
            if email not in contexts:
                context = browser.new_context(viewport=DESKTOP, locale="en-GB")
                page = context.new_page()
                home = base + "/sign-in"
                if email:
                    page.goto(base + "/sign-in")
                    page.get_by_label("E-mail address").fill(email)
                    page.get_by_label("Password").fill(DEMO_PASSWORD)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_load_state()
                    home = page.url
                contexts[email] = (page, home)
            return contexts[email]

        for name, email, path, *element in SHOTS:
            page, home = page_for(email)
            url = home if path == "{home}" else base + path
            for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(viewport)
                page.goto(url)
                page.wait_for_load_state("networkidle")
                if element:
                    # "instant": the design system scrolls smoothly, which a screenshot
                    # would catch half way.
                    page.locator(element[0]).first.evaluate(
                        "e => window.scrollTo({top: e.getBoundingClientRect().top"
                        " + window.scrollY - 16, behavior: 'instant'})"
                    )
                target = out / f"{name}-{width}.png"
                page.screenshot(path=str(target))
                saved.append(target)
        page, _ = page_for("coordinator@procurehub.example")
        page.set_viewport_size(PHONE)
        page.goto(base + "/opportunities")
        page.get_by_role("button", name="Menu").click()
        target = out / "menu-open-phone.png"
        page.screenshot(path=str(target))
        saved.append(target)
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="docs/screenshots", help="folder for the PNG files")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="procurehub-shots-") as tmp:
        app = build_demo(Path(tmp))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            saved = take(f"http://127.0.0.1:{server.server_port}", out)
        finally:
            server.shutdown()
            thread.join(timeout=5)
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
