"""The `hub` fixture of the bulky waste tests (see bulky_hub.py)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from waste.bulky_hub import NAMES, NLC, USERS

from factories import bearer, contract, council, token, user


@pytest.fixture
def hub(app: Any) -> SimpleNamespace:
    with app.app_context():
        councils = {code: council(code, name) for code, name in NAMES.items()}
        for email, code, roles in USERS.values():
            user(email, code, *roles)
        bulky = contract(
            councils[NLC],
            reference="NLC-BULKY-1",
            title="Bulky waste uplift and reuse",
            category="waste.bulky",
            end_date=date(2028, 3, 31),
        )
        tokens = {who: token(email) for who, (email, _code, _roles) in USERS.items()}
        contract_id = bulky.id
    return SimpleNamespace(
        app=app,
        tokens=tokens,
        contract_id=contract_id,
        headers=lambda who: bearer(tokens[who]),
    )


