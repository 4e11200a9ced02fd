"""The Digital pages: the inventory (council names, not codes), the system form (own council
only: 403 otherwise), the business case page and the form that builds it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from factories import PASSWORD, bearer
from procurehub.audit.models import AuditEvent
from procurehub.extensions import db

NLC, GLASGOW, FIFE = "S12000050", "S12000049", "S12000047"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, email: str) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302


def add(client: Any, token: str, **values: Any) -> int:
    response = client.post("/api/v1/digital/systems", json=values, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_inventory_page_shows_every_councils_systems_by_council_name(client, hub, system_data):
    nlc = add(client, hub["nlc"], **system_data())
    add(client, hub["fife"], **system_data(product="Capita OpenHousing", contract_end="2028-11-30"))
    add(
        client,
        hub["lead"],
        **system_data(
            category="digital.fleet_management_system",
            product="FleetWave",
            fleet_size=2100,
            housing_stock=None,
        ),
    )
    sign_in(client, "lead@glasgow.example")
    html = client.get("/digital/systems").get_data(as_text=True)
    for name in ("North Lanarkshire Council", "Fife Council", "Glasgow City Council"):
        assert name in html
    assert NLC not in html and FIFE not in html
    assert "£100,000" in html and "30 November 2028" in html and "1,000 homes" in html
    assert "2,100 vehicles" in html
    # The lead may edit their own council's system, not North Lanarkshire's.
    assert f"/digital/systems/{nlc}/edit" not in html
    assert "Digital systems" in html and "Business cases" in html  # navigation


def test_an_officer_gets_403_on_another_councils_system_form(client, hub, system_data):
    nlc = add(client, hub["nlc"], **system_data())
    sign_in(client, "officer@fife.example")
    assert client.get(f"/digital/systems/{nlc}/edit").status_code == 403
    token = csrf_of(client.get("/digital/systems/new").get_data(as_text=True))
    assert (
        client.post(
            f"/digital/systems/{nlc}/edit",
            data={
                "csrf_token": token,
                "category": "digital.housing_management_system",
                "product": "Hijacked",
            },
        ).status_code
        == 403
    )
    assert (
        client.post(f"/digital/systems/{nlc}/delete", data={"csrf_token": token}).status_code == 403
    )
    got = client.get(f"/api/v1/digital/systems/{nlc}", headers=bearer(hub["fife"])).get_json()
    assert got["product"] == "NEC Housing"


def test_an_officer_records_a_system_with_the_form(app, client, hub):
    sign_in(client, "officer@nlc.example")
    form = client.get("/digital/systems/new")
    assert form.status_code == 200
    data = {
        "csrf_token": csrf_of(form.get_data(as_text=True)),
        "council_code": NLC,
        "category": "digital.housing_management_system",
        "product": "NEC Housing",
        "vendor": "NEC Software Solutions UK Ltd",
        "hosting_model": "hosted",
        "licence_cost": "310,000",
        "hosting_cost": "£85,000",
        "support_cost": "95000",
        "other_cost": "",
        "housing_stock": "36,500",
        "contract_end": "2028-05-31",
        "extension_terms": "2 x 12 months",
    }
    bad = client.post("/digital/systems/new", data={**data, "licence_cost": "lots"})
    assert bad.status_code == 400
    assert "Licence or subscription: enter an amount in pounds" in bad.get_data(as_text=True)
    saved = client.post("/digital/systems/new", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    system = client.get("/api/v1/digital/systems", headers=bearer(hub["nlc"])).get_json()["items"][
        0
    ]
    assert system["annual_cost"] == 490000.0 and system["housing_stock"] == 36500
    assert system["max_end_date"] == "2030-05-31"
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.object_type == "digital_system")
        )
        assert (event.action, event.actor) == ("create", "officer@nlc.example")


def test_the_digital_lead_builds_the_case_with_the_form_and_reads_it(client, hub, system_data):
    add(client, hub["nlc"], **system_data(contract_end="2027-06-30"))
    add(
        client,
        hub["fife"],
        **system_data(product="Capita OpenHousing", housing_stock=500, contract_end="2026-12-31"),
    )
    sign_in(client, "officer@fife.example")
    not_built = client.get("/digital/business-cases/housing-management-system")
    assert "has not been built yet" in not_built.get_data(as_text=True)
    assert "Build the business case" not in not_built.get_data(as_text=True)
    assert client.get("/digital/business-cases/housing-management-system/edit").status_code == 403

    client.post("/sign-out", data={"csrf_token": csrf_of(not_built.get_data(as_text=True))})
    sign_in(client, "lead@glasgow.example")
    form = client.get("/digital/business-cases/housing-management-system/edit")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    fields = dict(
        re.findall(
            r'<input class="ds_input[^"]*" type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"',
            html,
        )
    )
    fields.update(
        {
            "csrf_token": csrf_of(html),
            "edition": "HM Treasury Green Book 2022 (2026 update)",
            "capital_project_type": "equipment_development",
            "operating_project_type": "",
            "join_at": "end_date",
            "parallel_running": "1",
            "generate": "1",
            "option_count": "1",
            "base_year": "2026",
            "mitigation_share": "80",
            "outline_strategic": "Councils pay for the same thing many times over.",
            # Two small councils: a small national system.
            "central_setup": "30,000",
            "central_annual": "20000",
            "implementation_per_council": "10000",
            "migration_per_council": "5000",
            "national_cost_per_unit": "30",
        }
    )
    saved = client.post("/digital/business-cases/housing-management-system/edit", data=fields)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]

    page = client.get("/digital/business-cases/housing-management-system").get_data(as_text=True)
    api = client.get("/api/v1/digital/business-cases", headers=bearer(hub["lead"])).get_json()
    appraisal = client.get(
        f"/api/v1/digital/business-cases/{api[0]['id']}/appraisal", headers=bearer(hub["lead"])
    ).get_json()
    for option in appraisal["options"]:
        assert f'data-npsv="{option["npsv"]:.2f}"' in page
    assert appraisal["optimism_bias"]["capital"] == 0.48  # 200% − 190% × 0.8
    assert appraisal["preferred_option"] == "Single national system"
    assert 'id="headline-vfm"><strong class="ds_tag' in page
    assert appraisal["value_for_money"].capitalize() in page
    assert 'id="switching-values"' in page and "Savings: business-as-usual costs avoided" in page
    assert 'id="joining-table"' in page and "Fife Council" in page and "2027/28" in page
    assert page.count('class="ph-chart ') == 2 and 'role="img"' in page
    assert 'id="cumulative-table"' in page
    assert "Councils pay for the same thing many times over." in page
    assert "HM Treasury Green Book 2022 (2026 update)" in page
    assert "Download workbook" in page
    assert "cdn" not in page.lower()
    content = page.split('id="main-content"', 1)[1].split("</main>", 1)[0]
    assert "<script" not in content


def test_a_form_with_bad_figures_comes_back_with_messages(client, hub, system_data):
    add(client, hub["nlc"], **system_data())
    sign_in(client, "lead@glasgow.example")
    html = client.get("/digital/business-cases/housing-management-system/edit").get_data(
        as_text=True
    )
    response = client.post(
        "/digital/business-cases/housing-management-system/edit",
        data={
            "csrf_token": csrf_of(html),
            "title": "Case",
            "base_year": "1900",
            "appraisal_years": "ten",
            "edition": "HM Treasury Green Book 2022 (2026 update)",
            "capital_project_type": "equipment_development",
            "mitigation_share": "150",
            "join_at": "end_date",
            "generate": "1",
            "option_count": "1",
            "option_0_name": "Other",
            "option_0_operating": "100; lots",
        },
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Base year: enter a year such as 2026" in text
    assert "Appraisal period" in text and "Mitigation: enter a percentage from 0 to 100" in text
    assert "amounts by year from year 0, separated by semicolons" in text
    assert (
        client.get("/api/v1/digital/business-cases", headers=bearer(hub["lead"])).get_json() == []
    )
