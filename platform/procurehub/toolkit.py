"""The stable facade plugins import (as CKAN's toolkit): `from procurehub import toolkit as tk`.

Plugins reach the core only through these names, so the core can change behind them.
"""

from __future__ import annotations

from flask_login import current_user, login_required

from . import audit, exports
from .alignment.store import contract_renewal_items
from .authz import can_write, require_write
from .extensions import db
from .models import Category, Contract, Council, User
from .overview import workstream_overview
from .plugins import CategorySpec, JobSpec, NavEntry, Plugin, RenewalItem, categories_from_csv
from .workstream_pages import api_blueprint as workstream_api_blueprint
from .workstream_pages import web_blueprint as workstream_web_blueprint

__all__ = [
    "Category",
    "CategorySpec",
    "Contract",
    "Council",
    "JobSpec",
    "NavEntry",
    "Plugin",
    "RenewalItem",
    "User",
    "audit",
    "can_write",
    "categories_from_csv",
    "contract_renewal_items",
    "current_user",
    "db",
    "exports",
    "login_required",
    "require_write",
    "workstream_api_blueprint",
    "workstream_overview",
    "workstream_web_blueprint",
]
