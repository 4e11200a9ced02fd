"""Every page each role can reach, at desktop and phone width: no server error, no serious or
critical accessibility problem (axe-core), nothing wider than the screen, a title, a heading
and a way back.

The data is the demo's (six councils, a user of every role, the plugins' demo records and the
alignment's opportunities), so the pages have what people really see. For each role the crawl
starts at the pages of the site navigation, then follows the links on every page it visits
(same origin, GET only) breadth first, in the order the links appear. It skips what is not a
page: downloads and exports, the API and its documentation (Swagger UI is a vendored third
party page), static files and signing out.

Bounded and deterministic: a kind of page (its path with numbers replaced, plus the names of
its query parameters) is visited at most ``PER_SHAPE`` times per role, so 72 contract pages
count as two; kinds no earlier role showed come first; at most ``PAGE_BUDGET`` pages per role,
of which ``REVISIT_BUDGET`` of kinds already seen. axe runs once per kind (the slow part). The
order comes from the pages themselves, which the fixed demo seed makes the same on every run.

Runs on SQLite only: the pages and their links are the same on PostgreSQL, whose behaviour
the journey tests cover (they run on both). Measured when it was written: the same 160 pages
and 50 kinds on both, all passing, 213 s on SQLite and 250 s on PostgreSQL, so both would
double the time and find nothing more. `CRAWL_DB=postgres` runs it on PostgreSQL instead.
"""

from __future__ import annotations

import os
import re
import time
from collections import deque
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest

from procurehub import demo
from procurehub.extensions import db

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize(
        "database_url", [os.environ.get("CRAWL_DB", "sqlite")], indirect=True, scope="session"
    ),
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGE_BUDGET = 60
PER_SHAPE = 2
REVISIT_BUDGET = 15  # pages of kinds an earlier role already showed

#: (role, demo user e-mail or None for a visitor who is not signed in)
ROLES = [
    ("anonymous", None),
    ("officer", "officer.nlc@procurehub.example"),
    ("coordinator", "coordinator@procurehub.example"),
    ("network manager", "fleet.manager@procurehub.example"),
    ("digital lead", "digital.lead@procurehub.example"),
    ("admin", "admin@procurehub.example"),
]

#: Paths that are not pages to check: files, the API, sign-out.
SKIP_PATH = re.compile(
    r"^/(api|static)(/|$)|/(sign-out|logout)$|export|download|calendar|feed|\.(csv|xlsx|ics|json|"
    r"ods|xls|zip|svg|png|ico)$|/template$|/errors?$",
    re.IGNORECASE,
)
SKIP_QUERY = re.compile(r"(^|&)(format|download)=", re.IGNORECASE)


@pytest.fixture
def demo_hub(app: Any) -> Any:
    from procurehub.alignment.store import run_alignment

    with app.app_context():
        demo.load()
        run_alignment(date.today())
        db.session.commit()
    return app


def shape(url: str) -> str:
    """The kind of page: /contracts/17?page=2 and /contracts/4?page=3 are one kind."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def normalise(base: str, here: str, href: str) -> str | None:
    """The link as an absolute URL worth visiting, or None."""
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url = urljoin(here, href)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base:
        return None
    if SKIP_PATH.search(parts.path) or SKIP_QUERY.search(parts.query):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{base}{parts.path}" + (f"?{query}" if query else "")


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/sign-in" not in page.url, f"{email} could not sign in"


#: At phone width the page is the same document laid out again, so most axe rules give what
#: they gave at desktop width. What changes: the header (the menu button and the small-screen
#: navigation replace the wide one), which the first page of each role checks with every rule
#: but colour contrast (no colour depends on the width), and tables that now scroll sideways,
#: which every page checks.
PHONE_FIRST_PAGE: dict[str, Any] = {"rules": {"color-contrast": {"enabled": False}}}
PHONE_OTHER_PAGES: dict[str, Any] = {
    "runOnly": {
        "type": "rule",
        "values": ["scrollable-region-focusable", "aria-hidden-focus", "nested-interactive"],
    }
}


def serious_violations(page: Any, options: dict[str, Any] | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    response = page.evaluate(
        "options => axe.run(document, options)",
        {"resultTypes": ["violations"], **(options or {})},
    )
    found = []
    for violation in response["violations"]:
        if violation["impact"] in {"serious", "critical"}:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(
                f"axe {violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
            )
    return found


NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

PAGE_FACTS = """() => ({
    title: document.title,
    h1: document.querySelectorAll('h1').length,
    nav: document.querySelectorAll('nav.ds_site-navigation a[href]').length,
    home: document.querySelectorAll('a.ds_site-branding__link[href]').length,
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    wide: document.documentElement.scrollWidth <= window.innerWidth ? [] :
        Array.from(document.querySelectorAll('main *')).filter(
        e => e.getBoundingClientRect().right > window.innerWidth + 1
            && getComputedStyle(e).position !== 'absolute').slice(0, 3).map(
        e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
             (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')),
})"""


def check_page(page: Any, axe: dict[str, Any] | None, width: str, signed_in: bool) -> list[str]:
    """The problems of the page as it is now; `axe`: the axe options, None to skip axe."""
    facts = page.evaluate(PAGE_FACTS)
    problems = []
    title = facts["title"].strip()
    if not title or title.startswith("–"):
        problems.append(f"no page title ({title!r})")
    if facts["h1"] < 1:
        problems.append("no h1")
    if signed_in and facts["nav"] < 1:
        problems.append("no site navigation")
    if facts["home"] < 1:
        problems.append("no link back to the start (site name)")
    if facts["scroll"] > facts["inner"]:
        problems.append(
            f"{facts['scroll']} px wide at {facts['inner']} px; too wide: {facts['wide']}"
        )
    if axe is not None:
        problems += serious_violations(page, axe)
    return [f"{width}: {problem}" for problem in problems]


def check_menu(page: Any) -> list[str]:
    """At phone width the menu button opens the navigation, and the open menu passes axe."""
    links = page.locator("nav.ds_site-navigation--mobile a")
    if links.first.is_visible():
        return ["390 px: the small-screen navigation is open before the menu button is pressed"]
    page.get_by_role("button", name="Menu").click()
    if not links.first.is_visible():
        return ["390 px: the menu button does not open the navigation"]
    problems = serious_violations(page, PHONE_FIRST_PAGE)
    page.get_by_role("button", name="Menu").click()
    return [f"390 px, menu open: {problem}" for problem in problems]


def crawl(
    browser: Any, base: str, email: str | None, axe_done: set[str]
) -> tuple[list[str], list[str]]:
    """The URLs visited in order, and every problem found as 'url: problem'.

    axe runs once per kind of page (`shape`) across all roles: `axe_done` holds the shapes
    already checked. The other checks run on every page visited.
    """
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if email:
            sign_in(page, base, email)
            start = [page.url]
            start += page.eval_on_selector_all(
                "header nav.ds_site-navigation:not(.ds_site-navigation--mobile) a[href]",
                "links => links.map(a => a.href)",
            )
        else:
            start = [base + "/sign-in"]
        # Kinds of page no earlier role showed come first, so each role's budget goes on what
        # only it can reach (the admin's pages, the fleet manager's forms) before revisits.
        fresh: deque[str] = deque()
        known: deque[str] = deque()
        seen: set[str] = set()
        per_shape: dict[str, int] = {}

        def offer(url: str | None) -> None:
            if url and url not in seen and per_shape.get(shape(url), 0) < PER_SHAPE:
                seen.add(url)
                per_shape[shape(url)] = per_shape.get(shape(url), 0) + 1
                (known if shape(url) in axe_done else fresh).append(url)

        for url in start:
            offer(normalise(base, base + "/", url))
        visited: list[str] = []
        problems: list[str] = []
        revisits = 0
        while (fresh or known) and len(visited) < PAGE_BUDGET:
            if fresh:
                url = fresh.popleft()
            elif revisits < REVISIT_BUDGET:
                url = known.popleft()
                revisits += 1
            else:
                break
            page.set_viewport_size(DESKTOP)
            response = page.goto(url)
            visited.append(url)
            where = url.removeprefix(base)
            status = response.status if response else 0
            if status >= 500 or status == 0 or status == 404:
                problems.append(
                    f"{where}: HTTP {status}" + (" (a broken link)" if status == 404 else "")
                )
                continue
            if email and "/sign-in" in page.url:
                problems.append(f"{where}: signed out (landed on {page.url})")
                break
            kind = shape(url)
            run_axe = kind not in axe_done
            axe_done.add(kind)
            found = check_page(page, {} if run_axe else None, "desktop", bool(email))
            links = page.evaluate(
                "() => Array.from(document.links).map(a => a.getAttribute('href'))"
            )
            page.set_viewport_size(PHONE)
            page.evaluate(NEXT_FRAME)  # let the page's resize handlers run
            if len(visited) == 1:  # the header at phone width: checked once per role
                found += check_page(page, PHONE_FIRST_PAGE, "390 px", bool(email))
                if email:
                    found += check_menu(page)
            else:
                found += check_page(
                    page, PHONE_OTHER_PAGES if run_axe else None, "390 px", bool(email)
                )
            problems += [f"{where}: {problem}" for problem in found]
            for href in links:
                offer(normalise(base, page.url, href))
        if fresh:
            print(f"  left unvisited (budget): {len(fresh)} new kinds, e.g. {list(fresh)[:3]}")
        return visited, problems
    finally:
        context.close()


def test_every_page_each_role_reaches_works_on_desktop_and_phone(
    demo_hub: Any, live_server: str, browser: Any
) -> None:
    axe_done: set[str] = set()
    report = []
    for role, email in ROLES:
        started, checked = time.monotonic(), len(axe_done)
        visited, problems = crawl(browser, live_server, email, axe_done)
        print(  # shown with -s
            f"{role}: {len(visited)} pages, {len(axe_done) - checked} new kinds checked by axe, "
            f"{time.monotonic() - started:.0f} s"
        )
        assert visited, f"the {role} crawl visited nothing"
        if email:
            assert len(visited) >= 5, f"the {role} reached only {visited}"
        if problems:
            report.append(f"{role}: {len(problems)} problems on {len(visited)} pages:")
            report += [f"  {problem}" for problem in problems]
    assert not report, "\n".join(report)
