"""Small helpers every page uses to read query and form text safely."""

from __future__ import annotations

from flask import request


# ---------------------------------------------------------------------------- opportunities
def without_nul(value: str) -> str:
    """Form and query text without NUL bytes (PostgreSQL refuses them in text columns)."""
    return value.replace("\x00", "")


def query_arg(name: str) -> str | None:
    return without_nul(request.args.get(name, "")).strip()[:100] or None
