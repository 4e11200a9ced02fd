"""A small hub for the Digital workstream's tests: three councils and a user of each kind."""

from __future__ import annotations

from typing import Any

import pytest

from factories import council, token, user

NLC, GLASGOW, FIFE = "S12000050", "S12000049", "S12000047"


@pytest.fixture
def hub(app: Any) -> dict[str, str]:
    """Councils and users; returns each user's API token by role name."""
    with app.app_context():
        council(NLC, "North Lanarkshire Council")
        council(GLASGOW, "Glasgow City Council")
        council(FIFE, "Fife Council")
        user("officer@nlc.example", NLC)
        user("officer@fife.example", FIFE)
        user("lead@glasgow.example", GLASGOW, "digital_lead")
        user("coordinator@glasgow.example", GLASGOW, "coordinator")
        user("admin@nlc.example", NLC, "admin")
        return {
            "nlc": token("officer@nlc.example"),
            "fife": token("officer@fife.example"),
            "lead": token("lead@glasgow.example"),
            "coordinator": token("coordinator@glasgow.example"),
            "admin": token("admin@nlc.example"),
        }


@pytest.fixture
def system_data() -> Any:
    """Builds the JSON of a housing management system; keyword arguments change fields."""
    return housing_system


def housing_system(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "digital.housing_management_system",
        "product": "NEC Housing",
        "vendor": "NEC Software Solutions UK Ltd",
        "hosting_model": "hosted",
        "licence_cost": 60000,
        "hosting_cost": 20000,
        "support_cost": 15000,
        "other_cost": 5000,
        "one_off_cost": 120000,
        "housing_stock": 1000,
        "users": 120,
        "contract_start": "2022-07-01",
        "contract_end": "2027-06-30",
        "extension_terms": "1+1",
    }
    data.update(values)
    return data
