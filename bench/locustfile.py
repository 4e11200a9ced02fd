"""Locust users of bench/load.py: officers upload and browse, coordinators read the plan.

Run by bench/load.py (loopback only, headless, bounded time); on its own:

    LOAD_TOKENS=tokens.json locust -f bench/locustfile.py --headless -u 20 -r 5 -t 60s \
        --host http://127.0.0.1:8000

`LOAD_TOKENS` names a JSON file {"officers": [[council_code, token], ...], "coordinators":
[token, ...], "categories": [...]} written by load.py. Request names group the timings:
"api list …" are the contract list queries whose p95 gives the flatness ratio.
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

TOKENS = json.load(open(os.environ["LOAD_TOKENS"]))  # noqa: SIM115 - read once at start


def small_register(code: str, version: int) -> bytes:
    """Twenty rows of a council's own register; a new version changes a few values."""
    lines = ["Contract Reference,Title,Supplier,Start Date,End Date,Value,Extension"]
    for n in range(20):
        value = 10_000 * (n + 1) + (version % 3) * 100 * (n % 4 == 0)
        lines.append(
            f"LOAD-{code}-{n:03d},Load test service {n},Supplier {n % 5} Ltd,01/04/2023,"
            f"31/03/{2027 + n % 4},£{value},2+1"
        )
    return ("\n".join(lines) + "\n").encode()


class Officer(HttpUser):
    weight = 3
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.council, token = random.choice(TOKENS["officers"])
        self.client.headers.update({"Authorization": f"Bearer {token}"})
        self.version = 0

    @task(6)
    def list_contracts(self) -> None:
        params = random.choice(
            [
                {},
                {"council": self.council},
                {"workstream": "waste"},
                {"ends_after": "2026-01-01", "ends_before": "2026-12-31"},
                {"q": "care"},
            ]
        )
        name = "api list " + ("+".join(sorted(params)) or "unfiltered")
        with self.client.get(
            "/api/v1/contracts", params=params, name=name, catch_response=True
        ) as response:
            if response.status_code == 200:
                following = response.json().get("next")
                if following and random.random() < 0.3:
                    self.client.get(
                        "/api/v1/contracts",
                        params={**params, "cursor": following},
                        name="api list next page",
                    )

    @task(2)
    def contracts_page(self) -> None:
        self.client.get(
            "/contracts", params={"council": self.council}, name="page contracts",
            headers={"Accept": "text/html"},
        )  # fmt: skip

    @task(1)
    def upload_register(self) -> None:
        self.version += 1
        self.client.post(
            "/api/v1/uploads",
            files={"file": (f"register-{self.council}.csv", small_register(self.council, self.version), "text/csv")},
            name="api upload register",
        )  # fmt: skip


class Coordinator(HttpUser):
    weight = 1
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        token = random.choice(TOKENS["coordinators"])
        self.client.headers.update({"Authorization": f"Bearer {token}"})

    @task(3)
    def opportunities(self) -> None:
        self.client.get("/api/v1/opportunities", name="api opportunities")

    @task(2)
    def tender_plan(self) -> None:
        category = random.choice(TOKENS["categories"])
        self.client.get(
            "/api/v1/tender-plan", params={"category": category}, name="api tender plan"
        )
