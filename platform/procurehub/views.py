"""Core web pages: the contracts list (more pages come from the plugins)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from . import admin_views, alignment_views, contract_views, register_views
from .api.core import filtered_contracts
from .api.pagination import keyset_page
from .extensions import db
from .models import Category, Contract, Council
from .plugins import NavEntry, enabled_plugins

bp = Blueprint("core", __name__)

CORE_NAV = (
    NavEntry("Contracts", "core.contracts"),
    NavEntry("Upload a register", "registers.upload"),
    NavEntry("Opportunities", "alignment_pages.opportunities"),
    NavEntry("Alerts", alignment_views.INBOX_ENDPOINT),
)


def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/")
def index() -> Any:
    return redirect(url_for("core.contracts"))


@bp.route("/contracts")
def contracts() -> Any:
    args = {
        "council": request.args.get("council", "").strip() or None,
        "workstream": request.args.get("workstream", "").strip() or None,
        "category": request.args.get("category", "").strip() or None,
        "ends_after": _date_arg("ends_after"),
        "ends_before": _date_arg("ends_before"),
        "q": request.args.get("q", "").strip()[:200] or None,
    }
    page = keyset_page(filtered_contracts(args), Contract.id, request.args.get("cursor"), 50)
    kept = {k: v for k, v in request.args.items() if k != "cursor"}
    categories = list(
        db.session.scalars(
            select(Category)
            .where(Category.workstream.in_(list(enabled_plugins())))
            .order_by(Category.key)
        )
    )
    return render_template(
        "core/contracts.html",
        page=page,
        next_url=url_for("core.contracts", **kept, cursor=page["next"]) if page["next"] else None,
        args=args,
        councils=list(db.session.scalars(select(Council).order_by(Council.name))),
        category_labels={c.key: c.label for c in categories},
        categories=categories,
        workstreams=enabled_plugins(),
    )


def navigation() -> dict[str, Any]:
    entries = list(CORE_NAV)
    for plugin in enabled_plugins().values():
        entries.extend(plugin.nav)
    if getattr(current_user, "is_admin", False):  # the admin pages are for admins only
        entries.append(NavEntry("Administration", admin_views.INDEX_ENDPOINT))
    return {"nav_entries": entries, "current_user": current_user}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_views.init_app(app)
    contract_views.init_app(app)
    admin_views.init_app(app)
    app.context_processor(navigation)
    # After `navigation`: its context processor adds the unread count to "Alerts".
    alignment_views.init_app(app)
