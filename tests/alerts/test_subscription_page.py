"""The alert subscription page: no workstream chosen for you unless your role has one, no two
categories that read alike, mistakes explained with labels, and secrets shown at the top of a
page of their own with a copy button (a static script: no inline script)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from factories import PASSWORD, council, user
from procurehub.alerts.subscriptions import SubscriptionError, create_subscription
from procurehub.extensions import db


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def sign_in(client: Any, email: str) -> str:
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    return token


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        council("S12000049", "Glasgow City Council")
        user("coord@gcc.example", "S12000049", "coordinator")
        user("fleet@gcc.example", "S12000049", "network_manager")
        user("digital@gcc.example", "S12000049", "digital_lead", "coordinator")
    return app


def workstream_select(html: str) -> str:
    return re.search(r'<select[^>]*id="workstream".*?</select>', html, re.S).group(0)


@pytest.mark.parametrize(
    "email,chosen",
    [("coord@gcc.example", ""), ("fleet@gcc.example", "fleet"), ("digital@gcc.example", "digital")],
)
def test_the_form_starts_with_no_workstream_or_the_roles_own(
    hub: Any, client: Any, email: str, chosen: str
) -> None:
    sign_in(client, email)
    select = workstream_select(client.get("/alerts/subscriptions").get_data(as_text=True))
    assert re.findall(r'<option value="([a-z]*)" selected>', select) == [chosen]
    assert '<option value="">Choose a workstream</option>' in select or chosen == ""


def test_no_two_categories_read_alike(hub: Any, client: Any) -> None:
    sign_in(client, "coord@gcc.example")
    html = client.get("/alerts/subscriptions").get_data(as_text=True)
    form = html[
        html.index('id="categories"') : html.index("</select>", html.index('id="categories"'))
    ]
    labels = re.findall(r"<option [^>]*>([^<]+)</option>", form)
    assert len(labels) == len(set(labels))
    assert (
        "Fleet management system (Fleet)" in labels
        and "Fleet management system (Digital)" in labels
    )
    assert "Cars" in labels  # labels only one workstream uses stay as they are


def test_submitting_without_a_workstream_asks_for_one(hub: Any, client: Any) -> None:
    token = sign_in(client, "coord@gcc.example")
    response = client.post("/alerts/subscriptions", data={"channel": "inbox", "csrf_token": token})
    assert response.status_code == 400
    assert "Choose the workstream you want alerts about" in response.get_data(as_text=True)


def test_a_wrong_category_is_explained_with_labels_not_keys(hub: Any, client: Any) -> None:
    token = sign_in(client, "coord@gcc.example")
    response = client.post(
        "/alerts/subscriptions",
        data={
            "workstream": "waste",
            "categories": ["fleet.vans_lt_3_5t", "waste.food"],
            "channel": "inbox",
            "csrf_token": token,
        },
    )
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    summary = html[html.index("There is a problem") : html.index('id="subscription-form"')]
    assert (
        "“Vans under 3.5 tonnes” is a category of the Fleet workstream, not of Waste. "
        "Choose only Waste categories, or choose the Fleet workstream instead." in summary
    )
    assert "fleet.vans_lt_3_5t" not in summary and "waste workstream" not in summary
    assert 'href="#categories"' in summary


def test_service_messages_name_things_in_words(hub: Any) -> None:
    with hub.app_context():
        from procurehub.accounts.service import get_user

        coordinator = get_user("coord@gcc.example")
        cases = [
            ({"workstream": "parking", "channel": "inbox"}, "Choose a workstream from the list: "),
            (
                {"workstream": "waste", "categories": ["waste.nope"], "channel": "inbox"},
                "1 of the chosen categories is not known to the hub",
            ),
            (
                {
                    "workstream": "waste",
                    "categories": ["fleet.cars", "digital.fleet_management_system"],
                    "channel": "inbox",
                },
                "“Cars” is a category of the Fleet workstream; “Fleet management system” is a category "
                "of the Digital workstream, not of Waste. Choose only Waste categories, or change the workstream.",
            ),
            (
                {"workstream": "waste", "councils": ["S99"], "channel": "inbox"},
                "No council has the code S99",
            ),
        ]
        for data, message in cases:
            with pytest.raises(SubscriptionError) as raised:
                create_subscription(coordinator, data)
            assert message in str(raised.value)
            assert "waste." not in str(raised.value) and "'" not in str(raised.value)
        db.session.rollback()


def test_the_calendar_address_is_at_the_top_of_its_own_page(hub: Any, client: Any) -> None:
    token = sign_in(client, "coord@gcc.example")
    inbox = client.get("/alerts").get_data(as_text=True)
    assert 'href="#calendar"' in inbox  # the way to it is at the top of the inbox
    response = client.post("/alerts/calendar", data={"csrf_token": token})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    main = html[html.index("<main") :]
    assert main.index('id="calendar_url"') < main.index("Adding it to your calendar")
    assert 'data-copy-target="calendar_url"' in main and "/static/copy-button.js" in html
    assert "<script>" not in html and "onclick" not in html
    assert "Back to your alerts" in html
    assert client.get("/static/copy-button.js").status_code == 200


def test_the_webhook_secret_is_at_the_top_with_a_copy_button(hub: Any, client: Any) -> None:
    hub.config["ALLOW_PRIVATE_WEBHOOKS"] = True
    token = sign_in(client, "coord@gcc.example")
    response = client.post(
        "/alerts/subscriptions",
        data={
            "workstream": "waste",
            "channel": "webhook",
            "webhook_url": "http://127.0.0.1:9/h",
            "csrf_token": token,
        },
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    main = html[html.index("<main") :]
    assert main.index('id="secret"') < main.index("How the receiving system checks a message")
    assert 'data-copy-target="secret"' in main and "<script>" not in html
