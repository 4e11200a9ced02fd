"""The contract detail and edit pages through the Flask test client: every field in plain words,
the extra columns and the history; who may edit (with CSRF); validation with the API's schema;
friendly refusals, never a 500."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from factories import PASSWORD, collaboration, contract, user
from procurehub.audit.models import AuditEvent
from procurehub.contracts.models import Contract
from procurehub.extensions import db


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        nlc = collaboration()["S12000050"]
        c = contract(
            nlc,
            reference="NLC-001",
            title="Residual waste treatment",
            supplier_name="Viridor Ltd",
            start_date=date(2020, 4, 1),
            end_date=date(2027, 3, 31),
            extension_terms="2+1+1",
            extension_periods_months=[12, 12],
            value_total=Decimal("12500000"),
            value_annual=Decimal("1250000.50"),
            cpv_codes=["90513000"],
            extra={"Contract owner": "Jane Smith", "Owner e-mail": "jane.smith@nlc.example"},
        )
        app.config["contract_id"] = c.id
    return app


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


def form_of(client: Any, cid: int) -> dict[str, str]:
    """The edit form as the browser would submit it unchanged."""
    html = client.get(f"/contracts/{cid}/edit").get_data(as_text=True)
    data = {"csrf_token": csrf_of(html)}
    for name, value in re.findall(
        r'<input class="ds_input[^"]*" type="[a-z]+" id="[^"]+" name="([^"]+)" value="([^"]*)"',
        html,
    ):
        data[name] = value
    for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        data[name] = body
    for name in ("status", "category"):
        select_html = re.search(rf'<select [^>]*name="{name}".*?</select>', html, re.S).group(0)
        data[name] = re.search(r'<option value="([^"]+)" selected', select_html).group(1)
    data["collaboration_interest"] = re.search(
        r'name="collaboration_interest" value="([a-z]+)" checked', html
    ).group(1)
    return data


def stored(app: Any) -> Contract:
    with app.app_context():
        c = db.session.get(Contract, app.config["contract_id"])
        db.session.expunge(c)
        return c


def events(app: Any) -> list[AuditEvent]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.object_type == "contract",
                    AuditEvent.object_id == str(app.config["contract_id"]),
                )
                .order_by(AuditEvent.id)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def test_detail_page_shows_fields_extra_and_history(hub: Any, client: Any) -> None:
    cid = hub.config["contract_id"]
    sign_in(client, "officer@nlc.example")
    listing = client.get("/contracts").get_data(as_text=True)
    assert f'href="/contracts/{cid}"' in listing

    html = client.get(f"/contracts/{cid}").get_data(as_text=True)
    for text in (
        "Residual waste treatment",
        "NLC-001",
        "North Lanarkshire Council",
        "Viridor Ltd",
        "1 April 2020",
        "31 March 2027",
        "31 March 2029",  # the latest end: two 12-month options
        "2 options: 12 months + 12 months",
        "2+1+1",
        "£12,500,000",
        "£1,250,000.50",
        "90513000",
        "Residual waste treatment and disposal (incl. energy from waste)",
        "Chosen by a person in the hub",
        "Jane Smith",
        "jane.smith@nlc.example",
        "Owner e-mail",
        "Created",
    ):
        assert text in html, text
    assert 'id="edit-button"' in html
    assert 'id="collaboration-form"' in html


def test_anonymous_visitors_are_sent_to_sign_in(hub: Any, client: Any) -> None:
    response = client.get(f"/contracts/{hub.config['contract_id']}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_officer_of_another_council_cannot_edit(hub: Any, client: Any) -> None:
    cid = hub.config["contract_id"]
    sign_in(client, "officer@glasgow.example")
    html = client.get(f"/contracts/{cid}").get_data(as_text=True)
    assert "Residual waste treatment" in html
    assert 'id="edit-button"' not in html and "/edit" not in html
    assert 'id="collaboration-form"' not in html

    page = client.get(f"/contracts/{cid}/edit")
    assert page.status_code == 403
    assert "only change contracts for your own council" in page.get_data(as_text=True)

    token = csrf_of(client.get("/contracts").get_data(as_text=True))
    post = client.post(
        f"/contracts/{cid}/edit",
        data={"csrf_token": token, "title": "Hijacked", "collaboration_interest": "no"},
    )
    assert post.status_code == 403
    quick = client.post(
        f"/contracts/{cid}/collaboration",
        data={"csrf_token": token, "collaboration_interest": "no"},
    )
    assert quick.status_code == 403
    assert stored(hub).title == "Residual waste treatment"
    assert stored(hub).collaboration_interest == "unknown"
    assert len(events(hub)) == 1


def test_own_officer_edits_end_date_and_collaboration(hub: Any, client: Any) -> None:
    cid = hub.config["contract_id"]
    sign_in(client, "officer@nlc.example")
    data = form_of(client, cid)
    assert data["end_date"] == "2027-03-31" and data["extension_periods_months"] == "12;12"
    data.update(end_date="2027-09-30", collaboration_interest="yes")
    response = client.post(f"/contracts/{cid}/edit", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/contracts/{cid}")

    c = stored(hub)
    assert c.end_date == date(2027, 9, 30)
    assert c.collaboration_interest == "yes"
    assert c.max_end_date == date(2029, 9, 30)  # recomputed: + 12 + 12 months
    assert c.value_annual == Decimal("1250000.50")  # untouched fields stay as they were

    update = events(hub)[-1]
    assert update.action == "update" and update.actor == "officer@nlc.example"
    assert update.changes["end_date"] == ["2027-03-31", "2027-09-30"]
    assert update.changes["max_end_date"] == ["2029-03-31", "2029-09-30"]
    assert update.changes["collaboration_interest"] == ["unknown", "yes"]
    assert set(update.changes) == {"end_date", "max_end_date", "collaboration_interest"}

    page = client.get(f"/contracts/{cid}").get_data(as_text=True)
    assert "Saved" in page
    history = page[page.index('id="history"') :]
    assert "officer@nlc.example" in history
    assert "30 September 2027" in history and "Not known → Yes" in history
    assert history.index("Changed") < history.index("Created")  # newest first


def test_changing_the_extension_periods_recomputes_the_latest_end(hub: Any, client: Any) -> None:
    cid = hub.config["contract_id"]
    sign_in(client, "officer@nlc.example")
    data = form_of(client, cid)
    data.update(extension_periods_months="24", value_total="£13,000,000")
    assert client.post(f"/contracts/{cid}/edit", data=data).status_code == 303
    c = stored(hub)
    assert c.extension_periods_months == [24]
    assert c.max_end_date == date(2029, 3, 31)
    assert c.value_total == Decimal("13000000")


def test_quick_collaboration_buttons(hub: Any, client: Any) -> None:
    cid = hub.config["contract_id"]
    sign_in(client, "officer@nlc.example")
    token = csrf_of(client.get(f"/contracts/{cid}").get_data(as_text=True))
    response = client.post(
        f"/contracts/{cid}/collaboration",
        data={"csrf_token": token, "collaboration_interest": "maybe"},
    )
    assert response.status_code == 303
    assert stored(hub).collaboration_interest == "maybe"
    assert events(hub)[-1].changes == {"collaboration_interest": ["unknown", "maybe"]}

    bad = client.post(
        f"/contracts/{cid}/collaboration",
        data={"csrf_token": token, "collaboration_interest": "perhaps"},
    )
    assert bad.status_code == 303
    assert stored(hub).collaboration_interest == "maybe"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2019-01-31"}, "end_date", "The end date is before the start date."),
        ({"end_date": "2027-02-30"}, "end_date", "Enter a real date"),
        ({"status": "finished"}, "status", "Choose a status from the list"),
        ({"title": "  "}, "title", "Enter the contract"),
        ({"extension_periods_months": "12;twelve"}, "extension_periods_months", "whole numbers"),
        ({"value_total": "lots"}, "value_total", "Enter an amount in pounds"),
        ({"category": "waste.nonsense"}, "category", "Choose a category from the list"),
    ],
)
def test_invalid_input_is_refused_with_messages(
    hub: Any, client: Any, changes: dict[str, str], field: str, message: str
) -> None:
    cid = hub.config["contract_id"]
    sign_in(client, "officer@nlc.example")
    data = form_of(client, cid)
    data.update(collaboration_interest="yes", **changes)
    response = client.post(f"/contracts/{cid}/edit", data=data)
    assert response.status_code in (400, 422)
    html = response.get_data(as_text=True)
    assert 'class="ds_error-summary"' in html
    assert f'<a href="#{field}">' in html  # the summary links to the field
    assert f'id="{field}-error"' in html  # and the field carries its own message
    assert message in html
    assert 'value="yes" checked' in html  # what the officer typed is kept
    c = stored(hub)
    assert c.collaboration_interest == "unknown" and c.end_date == date(2027, 3, 31)
    assert len(events(hub)) == 1


def test_csrf_token_is_required(hub: Any, client: Any) -> None:
    cid = hub.config["contract_id"]
    sign_in(client, "officer@nlc.example")
    data = form_of(client, cid)
    data.pop("csrf_token")
    data["collaboration_interest"] = "yes"
    response = client.post(f"/contracts/{cid}/edit", data=data)
    assert response.status_code == 400
    assert "The page had expired" in response.get_data(as_text=True)
    quick = client.post(f"/contracts/{cid}/collaboration", data={"collaboration_interest": "no"})
    assert quick.status_code == 400
    assert stored(hub).collaboration_interest == "unknown"
    assert len(events(hub)) == 1


def test_unknown_contract_is_a_friendly_404(hub: Any, client: Any) -> None:
    sign_in(client, "officer@nlc.example")
    for url in ("/contracts/999999", "/contracts/999999/edit"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "There is no contract with this number" in html
        assert "Go to the contracts list" in html


def test_admin_of_another_council_may_edit(hub: Any, client: Any) -> None:
    with hub.app_context():
        user("admin@glasgow.example", "S12000049", "admin")
    cid = hub.config["contract_id"]
    sign_in(client, "admin@glasgow.example")
    assert 'id="edit-button"' in client.get(f"/contracts/{cid}").get_data(as_text=True)
    data = form_of(client, cid)
    data.update(notes="Checked by the hub administrator")
    assert client.post(f"/contracts/{cid}/edit", data=data).status_code == 303
    assert stored(hub).notes == "Checked by the hub administrator"
