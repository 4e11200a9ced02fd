"""The site navigation: core capabilities and plugins add their links through one seam.

Each link has a position so the order is stated where the link is added, not implied by the
order of `init_app` calls: contracts 10, uploads 20, opportunities 30, alerts 40, workstream
plugins 50+, administration 90.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from procurehub.plugins import NavEntry

NAV_KEY = "procurehub.nav"


def add_nav(app: Flask, entry: NavEntry, position: int) -> None:
    app.extensions.setdefault(NAV_KEY, []).append((position, entry))


def visible_entries() -> list[NavEntry]:
    """The links this user may follow, in order, with their badges (e.g. "Alerts (3)")."""
    roles = set(getattr(current_user, "roles", None) or ())
    entries = []
    for _, entry in sorted(current_app.extensions.get(NAV_KEY, []), key=lambda pair: pair[0]):
        if entry.roles and not roles & set(entry.roles):
            continue
        badge = entry.badge() if entry.badge and current_user.is_authenticated else None
        entries.append(NavEntry(f"{entry.label} ({badge})", entry.endpoint) if badge else entry)
    return entries


def current_href(hrefs: list[str], path: str) -> str | None:
    """The link the page belongs to: the longest one its path starts with.

    So on /fleet/dashboard "Fleet dashboard" is the current page, not "Fleet" as well.
    """
    matching = [href for href in hrefs if path == href or path.startswith(href.rstrip("/") + "/")]
    return max(matching, key=len, default=None)


def navigation_context() -> dict[str, Any]:
    entries = visible_entries()
    hrefs = [url_for(entry.endpoint) for entry in entries]
    return {
        "nav_entries": entries,
        "nav_links": list(zip(entries, hrefs, strict=True)),
        "nav_current": current_href(hrefs, request.path),
        "current_user": current_user,
    }


def init_app(app: Flask) -> None:
    app.context_processor(navigation_context)
