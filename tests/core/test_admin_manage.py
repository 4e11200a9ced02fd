"""Administration in the browser: councils, users, roles, deactivation and API tokens, each
change in the audit log with before and after; admins only; the CSRF token on every form."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from sqlalchemy import select

from factories import ADMIN, COORDINATOR, OFFICER, PASSWORD, bearer, collaboration
from procurehub.accounts.models import ApiToken, Council, User
from procurehub.audit.models import AuditEvent
from procurehub.extensions import db


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def sign_in(client: Any, email: str = ADMIN, password: str = PASSWORD) -> Any:
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def post(client: Any, path: str, data: dict[str, Any]) -> Any:
    token = csrf_of(client.get("/admin/users").get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def events(app: Any, object_type: str) -> list[AuditEvent]:
    """The changes people made (not the set-up's) to things of this type, oldest first."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.object_type == object_type,
                    AuditEvent.user_id.is_not(None),
                    AuditEvent.action.not_like("sign_in%"),  # signing in is not a change
                )
                .order_by(AuditEvent.id)
            )
        )


def user_id(app: Any, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        collaboration()
    return app


WRITES = [
    ("/admin/users/new", {"email": "x@y.example", "council": "S12000050", "roles": "officer"}),
    ("/admin/councils/new", {"code": "S12000047", "name": "Fife Council"}),
    ("/admin/councils/S12000050", {"name": "Renamed"}),
    ("/admin/tokens", {"user": "1", "name": "x"}),
    ("/admin/tokens/1/revoke", {}),
    ("/admin/users/1", {"name": "x", "council": "S12000050", "roles": "admin"}),
    ("/admin/users/1/active", {"active": "no"}),
]


@pytest.mark.parametrize("path,data", WRITES)
def test_only_admins_may_change_anything(hub: Any, client: Any, path: str, data: dict) -> None:
    sign_in(client, COORDINATOR)
    token = csrf_of(client.get("/dashboard").get_data(as_text=True))
    response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 403
    assert "Only an administrator" in response.get_data(as_text=True)
    with hub.app_context():
        assert db.session.scalar(select(Council).where(Council.code == "S12000047")) is None
        assert db.session.scalar(select(ApiToken)) is None
        assert all(u.active for u in db.session.scalars(select(User)))
        assert db.session.scalar(select(Council.name).where(Council.code == "S12000050")) == (
            "North Lanarkshire Council"
        )
    for page in ("/admin/users/new", "/admin/councils/new", "/admin/tokens"):
        assert client.get(page).status_code == 403


@pytest.mark.parametrize("path,data", WRITES)
def test_every_form_needs_the_csrf_token(hub: Any, client: Any, path: str, data: dict) -> None:
    sign_in(client)
    response = client.post(path, data=data)
    assert response.status_code == 400
    with hub.app_context():
        changes = select(AuditEvent).where(
            AuditEvent.user_id.is_not(None), AuditEvent.action.not_like("sign_in%")
        )
        assert db.session.scalar(changes) is None  # only the sign-in itself is recorded


def test_admin_adds_a_user_who_can_then_sign_in(hub: Any, client: Any) -> None:
    sign_in(client)
    assert "Add a user" in client.get("/admin/users").get_data(as_text=True)
    response = post(
        client,
        "/admin/users/new",
        {
            "email": "New.Person@Fife.example",
            "name": "New Person",
            "council": "S12000049",
            "roles": ["officer", "coordinator"],
            "password": "a long enough password",
        },
    )
    assert response.status_code == 303
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Added new.person@fife.example (Glasgow City Council)." in page
    [created] = events(hub, "user")
    assert created.actor == ADMIN and created.action == "create"
    assert created.council_code == "S12000049"
    assert created.changes == {
        "email": [None, "new.person@fife.example"],
        "name": [None, "New Person"],
        "council": [None, "S12000049"],
        "roles": [None, ["coordinator", "officer"]],
    }
    assert "password" not in str(created.changes) and "a long enough" not in str(created.changes)
    other = hub.test_client()
    assert sign_in(other, "new.person@fife.example", "a long enough password").status_code == 302


@pytest.mark.parametrize(
    "data,message,field",
    [
        (
            {"email": "", "council": "S12000050", "roles": ["officer"]},
            "Enter the person's e-mail address",
            "email",
        ),
        (
            {"email": "a@b.example", "council": "", "roles": ["officer"]},
            "Choose the person's council",
            "council",
        ),
        ({"email": "a@b.example", "council": "S12000050"}, "Choose at least one role", "roles"),
        (
            {"email": "not an address", "council": "S12000050", "roles": ["officer"]},
            "is not an e-mail address",
            "email",
        ),
        (
            {"email": OFFICER, "council": "S12000050", "roles": ["officer"]},
            "already exists",
            "email",
        ),
        (
            {"email": "a@b.example", "council": "S99\x00", "roles": ["officer"]},
            "No council with code",
            "council",
        ),
        (
            {
                "email": "a@b.example",
                "council": "S12000050",
                "roles": ["officer"],
                "password": "short",
            },
            "at least 12 characters",
            "password",
        ),
        (
            {"email": "a@b.example", "council": "S12000050", "roles": ["emperor"]},
            "Choose at least one role",
            "roles",
        ),
    ],
)
def test_a_wrong_user_form_says_what_to_fix_and_stores_nothing(
    hub: Any, client: Any, data: dict, message: str, field: str
) -> None:
    sign_in(client)
    response = post(client, "/admin/users/new", data)
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "There is a problem" in html and message in html
    assert f'<a href="#{field}">' in html
    with hub.app_context():
        assert db.session.scalar(select(User).where(User.email == "a@b.example")) is None
    assert not events(hub, "user")


def test_admin_changes_roles_and_council_with_before_and_after(hub: Any, client: Any) -> None:
    sign_in(client)
    officer = user_id(hub, OFFICER)
    page = client.get(f"/admin/users/{officer}").get_data(as_text=True)
    assert (
        'value="S12000050" selected' in page
        and 'id="role-officer" name="roles" type="checkbox" value="officer" checked' in page
    )
    response = post(
        client,
        f"/admin/users/{officer}",
        {"name": "Officer A", "council": "S12000049", "roles": ["officer", "network_manager"]},
    )
    assert response.status_code == 303
    [change] = events(hub, "user")
    assert change.action == "update" and change.object_id == str(officer)
    assert change.changes == {
        "name": ["", "Officer A"],
        "council": ["S12000050", "S12000049"],
        "roles": [["officer"], ["network_manager", "officer"]],
    }
    # Saving the same again changes nothing and records nothing.
    post(
        client,
        f"/admin/users/{officer}",
        {"name": "Officer A", "council": "S12000049", "roles": ["officer", "network_manager"]},
    )
    assert len(events(hub, "user")) == 1
    assert client.get("/admin/users/999999").status_code == 404


def test_admin_cannot_lock_themselves_out(hub: Any, client: Any) -> None:
    sign_in(client)
    me = user_id(hub, ADMIN)
    response = post(
        client, f"/admin/users/{me}", {"name": "", "council": "S12000050", "roles": ["officer"]}
    )
    assert response.status_code == 400
    assert "cannot take the administrator role away from yourself" in response.get_data(
        as_text=True
    )
    response = post(client, f"/admin/users/{me}/active", {"active": "no"})
    assert response.status_code == 303
    assert "You cannot deactivate your own account." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    with hub.app_context():
        assert db.session.get(User, me).active and db.session.get(User, me).is_admin
    assert not events(hub, "user")


def test_a_deactivated_user_can_neither_sign_in_nor_use_tokens(hub: Any, client: Any) -> None:
    sign_in(client)
    officer = user_id(hub, OFFICER)
    html = post(client, "/admin/tokens", {"user": str(officer), "name": "export"}).get_data(
        as_text=True
    )
    token = re.search(r'id="token-value" value="(phub_[^"]+)"', html).group(1)
    assert hub.test_client().get("/api/v1/contracts", headers=bearer(token)).status_code == 200
    response = post(client, f"/admin/users/{officer}/active", {"active": "no"})
    assert response.status_code == 303
    assert "Deactivated officer@nlc.example" in client.get("/admin/users").get_data(as_text=True)
    assert hub.test_client().get("/api/v1/contracts", headers=bearer(token)).status_code == 401
    assert sign_in(hub.test_client(), OFFICER).status_code == 200  # the form again: refused
    change = events(hub, "user")[-1]
    assert change.action == "deactivate" and change.changes == {"active": [True, False]}
    post(client, f"/admin/users/{officer}/active", {"active": "yes"})
    assert events(hub, "user")[-1].action == "reactivate"
    assert sign_in(hub.test_client(), OFFICER).status_code == 302


def test_a_token_is_shown_once_works_and_is_revoked(hub: Any, client: Any) -> None:
    sign_in(client)
    coordinator = user_id(hub, COORDINATOR)
    response = post(client, "/admin/tokens", {"user": str(coordinator), "name": "Nightly export"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    token = re.search(r'id="token-value" value="(phub_[^"]+)"', html).group(1)
    # At the top, before the list of tokens, with a copy button from a static script.
    assert html.index('id="new-token"') < html.index('id="tokens"')
    assert 'data-copy-target="token-value"' in html and "/static/copy-button.js" in html
    assert "<script>" not in html
    assert hub.test_client().get("/api/v1/contracts", headers=bearer(token)).status_code == 200
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert (
        token not in listing and "Nightly export" in listing and "coord@glasgow.example" in listing
    )
    with hub.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert token not in (stored.token_hash, stored.name)
        token_id = stored.id
    response = post(client, f"/admin/tokens/{token_id}/revoke", {})
    assert response.status_code == 303
    assert "The token was revoked" in client.get("/admin/tokens").get_data(as_text=True)
    assert hub.test_client().get("/api/v1/contracts", headers=bearer(token)).status_code == 401
    created, revoked = events(hub, "api_token")
    assert created.changes == {"user": [None, COORDINATOR], "name": [None, "Nightly export"]}
    assert revoked.action == "revoke" and revoked.changes["revoked"] == [False, True]
    assert post(client, "/admin/tokens/999999/revoke", {}).status_code == 404


@pytest.mark.parametrize(
    "data,message",
    [
        ({"user": "", "name": "x"}, "Choose whose token it is"),
        ({"user": "999999", "name": "x"}, "No user 999999"),
        ({"user": "1", "name": "x" * 101}, "100 characters or fewer"),
    ],
)
def test_a_wrong_token_form_says_why(hub: Any, client: Any, data: dict, message: str) -> None:
    sign_in(client)
    response = post(client, "/admin/tokens", data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert "phub_" not in response.get_data(as_text=True)


def test_admin_adds_and_renames_councils_with_the_audit_trail(hub: Any, client: Any) -> None:
    sign_in(client)
    response = post(
        client,
        "/admin/councils/new",
        {"code": "S12000047", "name": "Fife Council", "region": "East"},
    )
    assert response.status_code == 303
    assert "Added Fife Council." in client.get("/admin/users").get_data(as_text=True)
    for data, message in (
        ({"code": "S12000047", "name": "Again"}, "already exists"),
        ({"code": "bad code!", "name": "X"}, "A council code is 1-20 letters"),
        ({"code": "S1", "name": "  "}, "A council needs a name."),
    ):
        bad = post(client, "/admin/councils/new", data)
        assert bad.status_code == 400 and message in bad.get_data(as_text=True)
    response = post(
        client, "/admin/councils/S12000047", {"name": "Fife Council (renamed)", "region": ""}
    )
    assert response.status_code == 303
    created, renamed = events(hub, "council")
    assert created.changes == {"name": [None, "Fife Council"], "region": [None, "East"]}
    assert renamed.action == "update" and renamed.actor == ADMIN
    assert renamed.changes == {
        "name": ["Fife Council", "Fife Council (renamed)"],
        "region": ["East", None],
    }
    assert client.get("/admin/councils/NOPE").status_code == 404
    blank = post(client, "/admin/councils/S12000047", {"name": ""})
    assert blank.status_code == 400 and "A council needs a name." in blank.get_data(as_text=True)
