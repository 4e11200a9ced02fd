"""A system whose contract is also in its council's register is counted once in opportunities and
the tender plan (the register's contract stands for it), and any system change — form, API,
upload, delete — reaches the opportunities and the plan on the very next request."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from factories import PASSWORD, bearer, contract
from procurehub.accounts.models import Council
from procurehub.extensions import db
from procurehub.renewal_dates import add_months

NLC, GLASGOW, FIFE = "S12000050", "S12000049", "S12000047"
HOUSING = "digital.housing_management_system"


def months(n: int) -> date:
    return add_months(date.today(), n)


def register_contract(app, **values: Any) -> int:
    with app.app_context():
        nlc = db.session.scalar(select(Council).where(Council.code == NLC))
        data = {
            "reference": "NLC/HMS/2022",
            "title": "Housing management system",
            "category": HOUSING,
            "end_date": months(30),
            "extension_periods_months": [12, 12],
        }
        data.update(values)
        return contract(nlc, **data).id


def add_system(client, token, **values: Any) -> int:
    body = {
        "category": HOUSING,
        "product": "NEC Housing",
        "licence_cost": 60000,
        "contract_end": months(30).isoformat(),
        "extension_terms": "1+1",
    }
    body.update(values)
    response = client.post("/api/v1/digital/systems", json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def plan_items(client, token) -> list[list[tuple[str, str, str]]]:
    plan = client.get(f"/api/v1/tender-plan?category={HOUSING}", headers=bearer(token)).get_json()
    items = [
        sorted((i["source"], i["council_code"], i["reference"]) for i in w["items"])
        for w in plan["waves"]
        if w["category"] == HOUSING
    ]
    alone = [
        [(a["source"], a["council_code"], a["reference"])]
        for a in plan["alone"]
        if a["category"] == HOUSING
    ]
    return items + alone


def opportunity_members(client, token) -> list[list[tuple[str, str, str]]]:
    listing = client.get(
        f"/api/v1/opportunities?category={HOUSING}", headers=bearer(token)
    ).get_json()
    found = []
    for item in listing["items"]:
        detail = client.get(f"/api/v1/opportunities/{item['id']}", headers=bearer(token))
        found.append(
            sorted(
                (m["source"], m["council_code"], m["reference"])
                for m in detail.get_json()["members"]
            )
        )
    return found


def test_a_system_also_in_the_register_is_one_item_the_registers(app, client, hub):
    contract_id = register_contract(app)
    # The system names the same contract, written differently ("nlc-hms-2022").
    system_id = add_system(client, hub["nlc"], contract_reference="nlc-hms-2022")
    add_system(
        client,
        hub["fife"],
        product="Capita OpenHousing",
        contract_reference="FC-HMS-7",
        contract_end=months(32).isoformat(),
    )
    expected = [
        [("contract", NLC, "NLC/HMS/2022"), ("system", FIFE, "FC-HMS-7")],
    ]
    assert plan_items(client, hub["lead"]) == expected
    assert opportunity_members(client, hub["lead"]) == expected

    # The system page says where it is counted, with a link to the register's contract.
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    client.post(
        "/sign-in",
        data={"email": "officer@nlc.example", "password": PASSWORD, "csrf_token": token},
    )
    html = client.get("/digital/systems").get_data(as_text=True)
    note = re.search(rf'id="in-register-{system_id}">(.*?)</span>', html, re.S).group(1)
    assert "Also in the register as contract" in note
    assert f'href="/contracts/{contract_id}"' in note and "NLC/HMS/2022" in note


def test_without_a_reference_the_same_end_date_is_the_same_contract(app, client, hub):
    register_contract(app)
    add_system(client, hub["nlc"])  # no contract reference; the register's end date
    add_system(
        client,
        hub["fife"],
        product="Capita OpenHousing",
        contract_reference="FC-HMS-7",
        contract_end=months(32).isoformat(),
    )
    assert plan_items(client, hub["lead"]) == [
        [("contract", NLC, "NLC/HMS/2022"), ("system", FIFE, "FC-HMS-7")]
    ]


def test_another_contract_of_the_category_is_not_the_system(app, client, hub):
    # Another reference with the same end date is another contract: both stay.
    register_contract(app, reference="NLC/HMS/REPAIRS")
    add_system(client, hub["nlc"], contract_reference="NLC-HMS-2022")
    plan = plan_items(client, hub["lead"])
    members = sorted(m for group in plan for m in group)
    assert members == [("contract", NLC, "NLC/HMS/REPAIRS"), ("system", NLC, "NLC-HMS-2022")]
    # Another council's contract with the same reference is not this council's system.
    with app.app_context():
        assert db.session.scalar(select(Council.id).where(Council.code == FIFE))
    add_system(
        client,
        hub["fife"],
        product="Capita OpenHousing",
        contract_reference="NLC/HMS/REPAIRS",
        contract_end=months(32).isoformat(),
    )
    plan = plan_items(client, hub["lead"])
    assert ("system", FIFE, "NLC/HMS/REPAIRS") in [m for group in plan for m in group]


def test_a_system_edit_changes_opportunities_and_the_plan_on_the_next_request(app, client, hub):
    add_system(client, hub["nlc"], contract_reference="NLC-HMS-1")
    fife = add_system(
        client,
        hub["fife"],
        product="Capita OpenHousing",
        contract_reference="FC-HMS-7",
        contract_end=months(32).isoformat(),
    )
    together = [[("system", FIFE, "FC-HMS-7"), ("system", NLC, "NLC-HMS-1")]]
    # No alignment run was started by hand: the two creates refreshed the group.
    assert opportunity_members(client, hub["lead"]) == together
    assert plan_items(client, hub["lead"]) == together

    # Fife's contract now runs ten years: no joint tender any more.
    changed = client.patch(
        f"/api/v1/digital/systems/{fife}",
        json={"contract_end": months(120).isoformat()},
        headers=bearer(hub["fife"]),
    )
    assert changed.status_code == 200
    assert opportunity_members(client, hub["lead"]) == []
    assert len(plan_items(client, hub["lead"])) == 2  # each alone

    # Back in line through an upload: the opportunity returns at once.
    book = Workbook()
    sheet = book.active
    sheet.append(["System", "Category", "Contract Ref", "Contract End", "Extensions"])
    sheet.append(["Capita OpenHousing", "Housing", "FC-HMS-7", months(32), "1+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    uploaded = client.post(
        "/api/v1/digital/system-uploads",
        data={"file": (buffer, "fife.xlsx")},
        headers=bearer(hub["fife"]),
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201 and uploaded.get_json()["updated"] == 1
    assert opportunity_members(client, hub["lead"]) == together

    # A deleted system leaves them at once too.
    assert (
        client.delete(f"/api/v1/digital/systems/{fife}", headers=bearer(hub["fife"])).status_code
        == 204
    )
    assert opportunity_members(client, hub["lead"]) == []
