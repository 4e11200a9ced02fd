"""A bounded schemathesis run over the whole API as an officer: no request may be a 5xx.

Schemathesis reads `/api/v1/openapi.json` and, for every operation, sends schema examples,
boundary values (its coverage phase: each documented minimum and maximum, one past it, wrong
types) and generated requests, valid and invalid, with an officer's bearer token. The only check
is `not_a_server_error`: a 4xx for nonsense is right, a 500 is a bug (DESIGN §6).

Bounded to about a minute: a few examples per operation and mode, a fixed seed so a failure is
reproducible, no Hypothesis database. It runs on SQLite only, since what it looks for is the
app's handling of input (the id and cursor bounds are checked on both databases by test_ids.py);
PROCUREHUB_FUZZ_POSTGRES=1 runs it on PostgreSQL as well.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from factories import bearer, contract, council, token, user
from procurehub.alerts.subscriptions import create_subscription
from procurehub.extensions import db

SEED = 8_1_2026  # issue 8, item 1
EXAMPLES_PER_MODE = 100  # per operation, for valid and for invalid requests


@pytest.fixture
def officer_headers(app: Any, database_url: str) -> dict[str, str]:
    """An officer of a hub with a little of everything the API lists, and their bearer token."""
    if not database_url.startswith("sqlite") and not os.environ.get("PROCUREHUB_FUZZ_POSTGRES"):
        pytest.skip(
            "the bounded fuzz runs on SQLite only (about a minute); test_ids.py covers both"
            " databases (PROCUREHUB_FUZZ_POSTGRES=1 to fuzz PostgreSQL too)"
        )
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        gcc = council("S12000049", "Glasgow City Council")
        officer = user("officer@nlc.example", nlc.code, "officer")
        user("officer@gcc.example", gcc.code, "officer")
        for n, owner in enumerate([nlc, nlc, gcc]):
            contract(owner, reference=f"REF-{n}", end_date=date(2028, 3, 31 - n))
        create_subscription(officer, {"workstream": "waste", "channel": "inbox"})
        db.session.commit()
        return bearer(token("officer@nlc.example"))


@pytest.fixture
def api_schema(app: Any, officer_headers: dict[str, str]) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": officer_headers,
            "generation": {
                "mode": "all",
                "max-examples": EXAMPLES_PER_MODE,
                "deterministic": True,
                "database": "none",
                "no-shrink": True,  # keeps a failing run bounded too; the report has a curl line
            },
        }
    )
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, config=config, headers=officer_headers
    )


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_is_a_server_error(case: Any, officer_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=officer_headers, checks=[not_a_server_error])
