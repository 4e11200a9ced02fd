"""Fixtures of the fault tests (helpers in faults.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def dialect(app: Any) -> str:
    from procurehub.extensions import db

    with app.app_context():
        return db.engine.dialect.name
