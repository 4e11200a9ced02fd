"""The waste panel of a procurement officer's dashboard: the council's bulky waste service
profile (phase 2 of the waste workstream) and where it stands against the other councils.
Reaches the core through the toolkit only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import url_for

from procurehub import toolkit as tk

from . import service


def dashboard_panels(user: Any) -> Iterator[tk.Panel]:
    code = tk.council_code_of(user)
    if not tk.has_role(user, "officer") or not code:
        return
    names = tk.council_names()
    own = service.all_profiles(council=code)  # latest year first
    latest_year = service.latest_year()
    links = [("Bulky waste profiles", url_for("waste_bulky.index"))]
    if latest_year:
        links.append(
            (
                f"Compare councils for {latest_year}",
                url_for("waste_bulky.benchmark", year=latest_year),
            )
        )
    if not own:
        yield tk.Panel(
            "Bulky waste service",
            roles=("officer",),
            order=60,
            text=f"{names.get(code, code)} has not recorded its bulky waste service yet. "
            "Record it to be compared with the other councils and included in a joint service.",
            links=[("Record a profile", url_for("waste_bulky.new_profile")), *links],
        )
        return
    latest = own[0]
    behind = latest_year is not None and latest.financial_year < latest_year
    yield tk.Panel(
        "Bulky waste service",
        roles=("officer",),
        order=60,
        items=[
            tk.PanelItem(
                f"{names.get(code, code)}, {row.financial_year}",
                url_for("waste_bulky.profile", profile_id=row.id),
                None,
                "Latest" if index == 0 else None,
                "green",
            )
            for index, row in enumerate(own[:3])
        ],
        text=f"Other councils have recorded {latest_year}: add yours to keep the comparison fair."
        if behind
        else None,
        links=links,
    )
