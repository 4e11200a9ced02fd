"""The plugin interface: what a workstream plugin gives the core, and how plugins are found.

A plugin is one `Plugin` object exposed through the `procurehub.plugins` entry-point group.
The core only ever talks to plugins through the fields below; it never imports a plugin
by name. Fields are optional so a small plugin states only what it contributes.
See docs/plugins.md for a worked example of a fourth plugin.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib.metadata import entry_points
from typing import Any

ENTRY_POINT_GROUP = "procurehub.plugins"


@dataclass(frozen=True)
class CategorySpec:
    """A category a plugin owns, e.g. `waste.bulky`.

    `key` is the short key inside the plugin (`bulky`); the full key is `<plugin>.<key>`.
    `lead_time_months` is the default time needed to run a joint tender; coordinators can
    change it per category in the hub without touching code. `compatible` lists full keys of
    other categories (possibly another plugin's) whose renewals may be tendered together.
    """

    key: str
    label: str
    cpv_codes: tuple[str, ...] = ()
    ewc_codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    lead_time_months: int = 12
    compatible: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavEntry:
    """A link in the site navigation: `endpoint` is a Flask endpoint name.

    `roles`: shown only to users with one of these roles (empty: everyone signed in).
    `badge`: called per page for the signed-in user; a non-empty result is shown beside the
    label, e.g. the number of unread alerts.
    """

    label: str
    endpoint: str
    roles: tuple[str, ...] = ()
    badge: Callable[[], Any] | None = None


@dataclass(frozen=True)
class PanelItem:
    """One line of a dashboard panel: `text` (a link when `url` is given), an optional
    `detail` under it and an optional `tag` (a short status word in a coloured label)."""

    text: str
    url: str | None = None
    detail: str | None = None
    tag: str | None = None
    tag_colour: str = "grey"


@dataclass(frozen=True)
class PanelFigure:
    """A headline number of a dashboard panel, e.g. `PanelFigure(12, "vehicle variations")`."""

    value: Any
    label: str
    url: str | None = None


@dataclass(frozen=True)
class Panel:
    """A box on the dashboard people land on after signing in.

    `roles`: the roles it is for; the dashboard shows it, under the first of the user's roles it
    names, to users with one of them (empty: every signed-in user). `order` sorts panels within
    a role (smaller first). The body is drawn by the core from `figures` (headline numbers,
    shown first), `text` and `items`; `empty` is said when there are no items. `links` are
    (label, url) pairs under the body, e.g. the page to act on. A panel needing more than that
    names a `template` of its own, rendered with `panel` and `context`.
    """

    title: str
    roles: tuple[str, ...] = ()
    order: int = 50
    figures: Sequence[PanelFigure] = ()
    text: str | None = None
    items: Sequence[PanelItem] = ()
    empty: str | None = None
    links: Sequence[tuple[str, str]] = ()
    template: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: the scheduler registers it under the id `<plugin>.<name>`.

    `trigger` and `trigger_args` are passed to APScheduler's `add_job` (e.g. "cron",
    {"hour": 6}). `func` is called with no arguments inside an app context.
    """

    name: str
    func: Callable[[], Any]
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Parameter:
    """A dated, sourced factor a workstream's calculation uses (DESIGN §3: every result says
    which figures it used), e.g. diesel 2.57082 kgCO2e/litre from DESNZ 2025.

    `valid_to` is the last day it applies (None: still in force). `value` is kept as a Decimal
    whatever number it is given as, so sums stay exact.
    """

    name: str
    value: Decimal
    unit: str
    valid_from: date
    source: str
    valid_to: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", Decimal(str(self.value)))


@dataclass(frozen=True)
class RenewalItem:
    """Something a council must renew: a contract, a vehicle replacement, a system contract.

    The alignment engine sees only these, so any plugin can feed it.
    """

    source: str  # e.g. "contract", "vehicle", "system"
    source_id: int
    council_code: str
    category: str  # full category key
    end_date: date | None
    max_end_date: date | None
    collaboration_interest: str = "unknown"
    reference: str | None = None
    title: str | None = None
    value: Any = None


@dataclass
class Plugin:
    """Everything a workstream contributes. Only `key` and `title` are required.

    - `categories`: the categories it owns (seeded into the hub on `procurehub db upgrade`).
    - `models`: dotted module path imported so its tables join the shared metadata and
      the migration history. Table names start with the plugin key.
    - `blueprints`: callables returning Flask (web) or flask-smorest (API) blueprints;
      smorest blueprints are registered on the API under `/api/v1/<plugin>/…`.
    - `nav`: links shown in the site navigation.
    - `cli`: a click group (or a callable returning one) added as `procurehub <key> …`.
    - `jobs`: callable returning JobSpecs for the scheduler process.
    - `renewal_items`: callable(as_of) yielding RenewalItems for the alignment engine.
    - `demo`: called by `procurehub demo` after the core's councils, users and contracts are
      added (same transaction; the core commits): the plugin's own demo data.
    - `label_names`: words councils use for this workstream in their own category labels,
      besides its key and title (digital: "ICT", "IT"). A register row whose label names one
      workstream is classified into it even when its category is unclear.
    - `demo`: called by `procurehub demo` (inside the app context, after the demo councils,
      users and contracts are loaded) to add the workstream's own demo data.
    - `dashboard_panels`: callable(user) yielding the `Panel`s this workstream adds to the
      dashboard of a signed-in user (called on each visit, inside the request; return only
      the panels for the user's roles, the core shows each under its role).
    """

    key: str
    title: str
    categories: Sequence[CategorySpec] = ()
    models: str | None = None
    blueprints: Sequence[Callable[[], Any]] = ()
    nav: Sequence[NavEntry] = ()
    cli: Callable[[], Any] | None = None
    jobs: Callable[[], Iterable[JobSpec]] | None = None
    renewal_items: Callable[[date], Iterable[RenewalItem]] | None = None
    label_names: Sequence[str] = ()
    demo: Callable[[], None] | None = None
    dashboard_panels: Callable[[Any], Iterable[Panel]] | None = None

    def category_key(self, short_key: str) -> str:
        return f"{self.key}.{short_key}"

    def import_models(self) -> None:
        if self.models:
            importlib.import_module(self.models)


class PluginError(RuntimeError):
    """A plugin could not be loaded or is misconfigured."""


def discover_plugins() -> dict[str, Plugin]:
    """Every installed plugin, by key, in a stable order."""
    found: dict[str, Plugin] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        plugin = ep.load()
        if not isinstance(plugin, Plugin):
            raise PluginError(f"entry point {ep.name!r} does not give a procurehub Plugin")
        if plugin.key != ep.name:
            raise PluginError(f"entry point {ep.name!r} gives a plugin keyed {plugin.key!r}")
        found[plugin.key] = plugin
    return found


def select_plugins(
    installed: dict[str, Plugin], enabled: Sequence[str] | None
) -> dict[str, Plugin]:
    """Apply the ENABLED_PLUGINS setting (None means every installed plugin)."""
    if enabled is None:
        return dict(installed)
    unknown = [key for key in enabled if key not in installed]
    if unknown:
        raise PluginError(
            f"ENABLED_PLUGINS names {', '.join(unknown)}, which is not installed "
            f"(installed: {', '.join(installed) or 'none'}); run `pip install -e .` after adding a plugin"
        )
    return {key: installed[key] for key in enabled}


def categories_from_csv(path: str | Any) -> tuple[CategorySpec, ...]:
    """Read a plugin's categories file (key,label,cpv_codes,ewc_codes,keywords,lead_time_months,compatible).

    Codes are space-separated, keywords and compatible keys `;`-separated, so the file stays
    editable in Excel by the workstream lead.
    """
    import csv
    from pathlib import Path

    specs = []
    with Path(path).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            specs.append(
                CategorySpec(
                    key=row["key"].strip(),
                    label=row["label"].strip(),
                    cpv_codes=tuple(row["cpv_codes"].split()),
                    ewc_codes=tuple(row["ewc_codes"].split()),
                    keywords=tuple(
                        k.strip().lower() for k in row["keywords"].split(";") if k.strip()
                    ),
                    lead_time_months=int(row["lead_time_months"]),
                    compatible=tuple(k.strip() for k in row["compatible"].split(";") if k.strip()),
                )
            )
    return tuple(specs)

