"""Small builders for test data, so tests read as a user's story."""

from __future__ import annotations

from datetime import date
from typing import Any

from procurehub import accounts
from procurehub.contracts import create_contract
from procurehub.extensions import db

PASSWORD = "correct horse battery"


def council(code: str = "S12000050", name: str = "North Lanarkshire Council") -> Any:
    c = accounts.add_council(code, name, "West")
    db.session.commit()
    return c


def user(email: str, council_code: str, *roles: str, password: str = PASSWORD) -> Any:
    u = accounts.add_user(email, council_code, roles or ("officer",), password=password)
    db.session.commit()
    return u


def token(email: str) -> str:
    t = accounts.create_token(accounts.get_user(email))
    db.session.commit()
    return t


def contract(council_obj: Any, **values: Any) -> Any:
    data = {
        "title": "Residual waste treatment",
        "reference": "REF-1",
        "category": "waste.residual_treatment",
        "end_date": date(2028, 3, 31),
    }
    data.update(values)
    c = create_contract(council_obj, data, user=None)
    db.session.commit()
    return c


def bearer(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}
