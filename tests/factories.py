"""Small builders for test data, so tests read as a user's story."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from procurehub import create_app
from procurehub.accounts import service as accounts
from procurehub.contracts.service import create_contract
from procurehub.extensions import db

PASSWORD = "correct horse battery"
POSTGRES_ADMIN_URL = os.environ.get(
    "PROCUREHUB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def make_app(database_url: str, tmp_path: Any, plugins: Any = None, **overrides: Any) -> Any:
    config = {
        "DATABASE_URL": database_url,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": True,
    }
    config.update(overrides)
    return create_app(config, plugins=plugins)


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


#: The people most tests need: two councils and one user of each kind (password PASSWORD).
OFFICER = "officer@nlc.example"
GLASGOW_OFFICER = "officer@glasgow.example"
COORDINATOR = "coord@glasgow.example"
ADMIN = "admin@hub.example"


def collaboration() -> dict[str, Any]:
    """North Lanarkshire and Glasgow, an officer of each, a coordinator and an admin.

    Call inside an app context. Returns the two councils by code, so a test can add its own
    contracts: `nlc = collaboration()["S12000050"]`.
    """
    nlc = council("S12000050", "North Lanarkshire Council")
    gcc = council("S12000049", "Glasgow City Council")
    user(OFFICER, "S12000050")
    user(GLASGOW_OFFICER, "S12000049")
    user(COORDINATOR, "S12000049", "coordinator")
    user(ADMIN, "S12000050", "admin")
    return {"S12000050": nlc, "S12000049": gcc}
