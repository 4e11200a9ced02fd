"""The audit log: every change to contracts, specs, cases, users and roles, before and after."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from procurehub.api import register_api
    from procurehub.audit import (
        api,
        models,  # noqa: F401 - its tables join the shared metadata
    )

    register_api(app, api.audit_events)
