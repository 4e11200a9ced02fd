"""Putting a user's dashboard together from every panel provider (the core's and the plugins').

A provider is a callable `(user) -> Iterable[Panel]`: the core registers its own with
`add_panels`, each enabled plugin gives one as `Plugin.dashboard_panels`. The dashboard shows
one section per role the user has (in the order of `ROLES`), each panel under the first of the
user's roles it is for, so a user with several roles sees each role's panels once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from procurehub.accounts.models import ROLE_LABELS, ROLES
from procurehub.plugins import Panel
from procurehub.workstreams.registry import enabled_plugins

PROVIDERS_KEY = "procurehub.dashboard_panels"
Provider = Callable[[Any], Iterable[Panel]]


def add_panels(app: Flask, provider: Provider) -> None:
    """Register a core panel provider (plugins use `Plugin.dashboard_panels` instead)."""
    app.extensions.setdefault(PROVIDERS_KEY, []).append(provider)


def providers() -> list[Provider]:
    """The core's providers, then each enabled plugin's, in the plugins' order."""
    found = list(current_app.extensions.get(PROVIDERS_KEY, []))
    found += [p.dashboard_panels for p in enabled_plugins().values() if p.dashboard_panels]
    return found


@dataclass
class Section:
    """The panels of one of the user's roles (`role` None: panels for everyone)."""

    role: str | None
    title: str
    panels: list[Panel] = field(default_factory=list)


def user_roles(user: Any) -> list[str]:
    held = set(getattr(user, "roles", None) or ())
    return [role for role in ROLES if role in held]


def dashboard_for(user: Any) -> list[Section]:
    """The user's sections, each with its panels sorted; sections without panels left out."""
    roles = user_roles(user)
    sections = {role: Section(role, ROLE_LABELS.get(role, role)) for role in roles}
    everyone = Section(None, "For everyone")
    seen: set[tuple[str, str | None]] = set()
    for provider in providers():
        for panel in provider(user) or ():
            if not panel.roles:
                target = everyone
            else:
                role = next((r for r in roles if r in panel.roles), None)
                if role is None:
                    continue  # a provider gave a panel for a role this user does not have
                target = sections[role]
            if (panel.title, target.role) in seen:
                continue
            seen.add((panel.title, target.role))
            target.panels.append(panel)
    ordered = [sections[r] for r in roles] + [everyone]
    for section in ordered:
        section.panels.sort(key=lambda p: (p.order, p.title))
    return [s for s in ordered if s.panels]
