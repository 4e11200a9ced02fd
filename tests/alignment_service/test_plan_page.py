"""The tender plan page of a workstream: the Gantt chart, its table, the contracts left alone,
the Excel export, each wave's status workflow (page and API), and a plan that follows an
officer's upload on the next page load."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from factories import PASSWORD, bearer, contract, council, token, user
from procurehub.alignment.models import Opportunity, TenderWave, TenderWaveEvent
from procurehub.alignment.store import run_alignment
from procurehub.extensions import db
from procurehub.renewal_dates import add_months

FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def hub(app: Any) -> Any:
    """Food waste: North Lanarkshire and Glasgow can tender together; Fife has one contract that
    ends too soon (an extension would let it join) and one far later (no partner)."""
    today = date.today()
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        gcc = council("S12000049", "Glasgow City Council")
        fife = council("S12000047", "Fife Council")
        user("officer@nlc.example", "S12000050")
        user("lead@gcc.example", "S12000049", "coordinator")
        contract(
            nlc,
            reference="NLC-FOOD",
            title="Food waste treatment",
            category="waste.food",
            end_date=add_months(today, 10),
            extension_periods_months=[12, 12],
            value_total=1_000_000,
        )
        contract(
            gcc,
            reference="GCC-FOOD",
            title="Food waste processing",
            category="waste.food",
            end_date=add_months(today, 20),
            extension_periods_months=[12, 12],
            value_total=500_000,
        )
        contract(
            fife,
            reference="FIFE-SOON",
            title="Food waste (interim)",
            category="waste.food",
            end_date=add_months(today, 6),
        )
        contract(
            fife,
            reference="FIFE-LATE",
            title=FORMULA,
            category="waste.food",
            end_date=add_months(today, 100),
        )
        run_alignment(today)
        return {
            "coord": token("lead@gcc.example"),
            "officer": token("officer@nlc.example"),
        }


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


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</table>", start)]


def food_wave(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    plan = client.get("/api/v1/tender-plan?category=waste.food", headers=headers).get_json()
    (wave,) = plan["waves"]
    return wave


def test_page_shows_chart_table_and_the_contracts_alone_by_name(hub: Any, client: Any) -> None:
    sign_in(client, "officer@nlc.example")
    html = client.get("/tender-plan?workstream=waste").get_data(as_text=True)
    # The chart: server-rendered SVG, one bar per wave, no script.
    chart = html[html.index('id="plan-chart"') : html.index("</figure>")]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="ph-plan" role="img"' in chart
    assert chart.count('class="ph-plan-wave"') == 1
    assert 'class="ph-plan-tender"' in chart and "<script" not in chart
    assert "Glasgow City Council, North Lanarkshire Council" in chart
    # The table alternative, by council name.
    waves = section(html, "waves")
    assert "Food waste" in waves and "1,500,000" in waves
    assert "Glasgow City Council, North Lanarkshire Council" in waves
    assert "S12000049" not in waves and "S12000050" not in waves
    today = date.today()
    assert add_months(today, 24).strftime("%d %b %Y") in waves  # joint start: today + lead time
    # Each wave links to the opportunity it comes from: the one holding both its contracts.
    with client.application.app_context():
        opp_id = next(
            opp.id
            for opp in db.session.scalars(select(Opportunity))
            if sorted(m.reference for m in opp.members) == ["GCC-FOOD", "NLC-FOOD"]
        )
    assert f'From <a href="/opportunities/{opp_id}">' in html
    # Contracts alone: reasons in words, advice, council names.
    alone = section(html, "alone")
    assert "Fife Council" in alone and "S12000047" not in alone
    soon = alone[alone.index("FIFE-SOON") : alone.index("</tr>", alone.index("FIFE-SOON"))]
    assert "Too late" in soon
    assert "An interim extension of 18 months would let it join the" in soon
    assert "with Glasgow City Council and North Lanarkshire Council" in soon
    late = alone[alone.index("FIFE-LATE") : alone.index("</tr>", alone.index("FIFE-LATE"))]
    assert "No partner" in late and "No joint tender in the plan can be reached" in late
    # Linked from the navigation and the workstream overview.
    assert 'href="/tender-plan"' in html
    overview = client.get("/waste/").get_data(as_text=True)
    assert 'href="/tender-plan?workstream=waste"' in overview


def test_unknown_workstream_is_a_404_and_anonymous_visitors_sign_in(hub: Any, client: Any) -> None:
    assert client.get("/tender-plan").status_code == 302
    sign_in(client, "officer@nlc.example")
    assert client.get("/tender-plan?workstream=nope%00").status_code == 404
    assert client.get("/tender-plan").status_code == 200  # the first workstream


def test_export_opens_in_excel_with_formulas_neutralised(hub: Any, client: Any) -> None:
    sign_in(client, "officer@nlc.example")
    response = client.get("/tender-plan?workstream=waste&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Waves", "Alone"]
    waves = [[c.value for c in row] for row in book["Waves"].iter_rows(min_row=4)]
    assert {r[10] for r in waves} == {"NLC-FOOD", "GCC-FOOD"}
    assert {r[9] for r in waves} == {"North Lanarkshire Council", "Glasgow City Council"}
    assert all(r[3] == "New" for r in waves)
    alone = {row[1].value: row for row in book["Alone"].iter_rows(min_row=4)}
    late = alone["FIFE-LATE"]
    assert late[2].value == FORMULA and late[2].data_type == "s"  # text, never a live formula
    assert late[0].value == "Fife Council"
    assert "18 months" in alone["FIFE-SOON"][5].value


def test_wave_status_through_the_api_coordinators_only(hub: Any, client: Any) -> None:
    wave = food_wave(client, bearer(hub["officer"]))
    assert wave["status"] == "new" and wave["opportunity_id"]
    assert wave["council_names"]["S12000049"] == "Glasgow City Council"
    url = f"/api/v1/tender-plan/waves/{wave['id']}"
    r = client.patch(url, json={"status": "tender_planned"}, headers=bearer(hub["officer"]))
    assert r.status_code == 403
    r = client.patch(url, json={"status": "under_review"}, headers=bearer(hub["coord"]))
    assert r.status_code == 422  # not a wave status
    r = client.patch(
        url,
        json={"status": "tender_planned", "notes": "Glasgow leads"},
        headers=bearer(hub["coord"]),
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "tender_planned" and body["notes"] == "Glasgow leads"
    assert [e["kind"] for e in body["history"]] == ["status", "notes"]
    assert body["history"][0]["actor"] == "lead@gcc.example"
    assert food_wave(client, bearer(hub["officer"]))["status"] == "tender_planned"
    r = client.patch(url, json={"status": "tender_launched"}, headers=bearer(hub["coord"]))
    assert r.get_json()["status"] == "tender_launched"
    assert client.get(url, headers=bearer(hub["officer"])).get_json()["status"] == "tender_launched"
    missing = "/api/v1/tender-plan/waves/0123456789abcdef"
    assert (
        client.patch(
            missing, json={"status": "dismissed"}, headers=bearer(hub["coord"])
        ).status_code
        == 404
    )
    assert (
        client.get("/api/v1/tender-plan/waves/..%2Fx", headers=bearer(hub["coord"])).status_code
        == 404
    )


def test_wave_status_on_the_page(hub: Any, client: Any) -> None:
    wave_id = food_wave(client, bearer(hub["officer"]))["id"]
    action = f"/tender-plan/waves/{wave_id}?workstream=waste"
    sign_in(client, "officer@nlc.example")
    html = client.get("/tender-plan?workstream=waste").get_data(as_text=True)
    assert 'class="ph_wave-form"' not in html  # officers read the status only
    assert (
        client.post(action, data={"status": "dismissed", "csrf_token": csrf_of(html)}).status_code
        == 403
    )
    client = client.application.test_client()
    sign_in(client, "lead@gcc.example")
    html = client.get("/tender-plan?workstream=waste").get_data(as_text=True)
    assert f'action="{action}"' in html
    bad = client.post(action, data={"status": "nonsense", "csrf_token": csrf_of(html)})
    assert bad.status_code == 400 and "Choose a status from the list" in bad.get_data(as_text=True)
    done = client.post(
        action,
        data={"status": "tender_planned", "notes": "Kick-off in May", "csrf_token": csrf_of(html)},
    )
    assert done.status_code == 303 and done.headers["Location"].endswith(f"#wave-{wave_id}")
    html = client.get("/tender-plan?workstream=waste").get_data(as_text=True)
    assert "Tender planned" in section(html, "waves")
    assert "Kick-off in May" in html
    with client.application.app_context():
        assert db.session.get(TenderWave, wave_id).status == "tender_planned"


def test_an_officers_upload_changes_the_plan_on_the_next_page_load(hub: Any, client: Any) -> None:
    """North Lanarkshire re-uploads its register: its food contract can no longer be extended,
    so it ends before a joint tender could deliver. The next page load shows no food wave and
    the contract alone as too late; the opportunity was closed before the upload answered."""
    sign_in(client, "lead@gcc.example")
    before = client.get("/tender-plan?workstream=waste").get_data(as_text=True)
    assert 'id="waves"' in before
    today = date.today()
    register = (
        "Contract Ref,Title,End Date,Extension Options,Total Value\n"
        f"NLC-FOOD,Food waste treatment,{add_months(today, 10):%d/%m/%Y},None,1000000\n"
    )
    r = client.application.test_client().post(
        "/api/v1/uploads",
        data={"file": (io.BytesIO(register.encode()), "register.csv")},
        headers=bearer(hub["officer"]),
        content_type="multipart/form-data",
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["updated"] == 1
    with client.application.app_context():
        pair = [
            opp
            for opp in db.session.scalars(select(Opportunity))
            if {"GCC-FOOD", "NLC-FOOD"} <= {m.reference for m in opp.members}
        ]
        assert [opp.active for opp in pair] == [False]  # recomputed before the response
    after = client.get("/tender-plan?workstream=waste").get_data(as_text=True)
    assert 'id="waves"' not in after and 'id="no-waves"' in after
    alone = section(after, "alone")
    at = alone.index("NLC-FOOD")
    nlc = alone[alone.rindex("<tr", 0, at) : alone.index("</tr>", at)]
    assert "North Lanarkshire Council" in nlc and "Too late" in nlc


def test_a_wave_whose_members_change_carries_its_status_on(hub: Any, app: Any, client: Any) -> None:
    old = food_wave(client, bearer(hub["coord"]))
    client.patch(
        f"/api/v1/tender-plan/waves/{old['id']}",
        json={"status": "tender_planned", "notes": "agreed"},
        headers=bearer(hub["coord"]),
    )
    today = date.today()
    with app.app_context():
        from procurehub.accounts.models import Council

        fife = db.session.scalar(select(Council).where(Council.code == "S12000047"))
        contract(
            fife,
            reference="FIFE-NEW",
            title="Food waste new",
            category="waste.food",
            end_date=add_months(today, 22),
            extension_periods_months=[12],
        )
    new = food_wave(client, bearer(hub["coord"]))
    assert new["id"] != old["id"] and "S12000047" in new["councils"]
    assert new["status"] == "tender_planned"
    detail = client.patch(
        f"/api/v1/tender-plan/waves/{new['id']}",
        json={"status": "tender_launched"},
        headers=bearer(hub["coord"]),
    ).get_json()
    assert detail["continued_from"] is None  # now stored under its own id
    kinds = [e["kind"] for e in detail["history"]]
    assert "continues" in kinds and kinds[-1] == "status"
    with app.app_context():
        assert db.session.get(TenderWave, old["id"]).replaced_by == new["id"]
        assert (
            db.session.scalars(
                select(TenderWaveEvent.kind).where(TenderWaveEvent.wave_id == old["id"])
            ).all()[-1]
            == "continued_as"
        )
