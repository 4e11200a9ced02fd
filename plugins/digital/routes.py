"""Digital API routes, under /api/v1/digital/."""

from __future__ import annotations

from flask_smorest import Blueprint

from procurehub import toolkit as tk


def api_blueprint() -> Blueprint:
    return tk.workstream_api_blueprint("digital", "Digital")
