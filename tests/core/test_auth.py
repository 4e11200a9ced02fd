"""Who may do what: sign-in, tokens, and the write rules of DESIGN §3."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from factories import PASSWORD, bearer, contract, council, token, user
from procurehub.accounts import service as accounts
from procurehub.accounts.models import ApiToken, User
from procurehub.extensions import db


@pytest.fixture
def two_councils(app):
    """Council A (North Lanarkshire) and B (Glasgow), an officer of each, and one contract each."""
    with app.app_context():
        a = council("S12000050", "North Lanarkshire Council")
        b = council("S12000049", "Glasgow City Council")
        user("officer.a@nlc.example", "S12000050")
        user("officer.b@glasgow.example", "S12000049")
        user("coord@glasgow.example", "S12000049", "coordinator")
        user("admin@nlc.example", "S12000050", "admin")
        ca = contract(a, reference="A-1")
        cb = contract(b, reference="B-1")
        return {
            "a": ca.id,
            "b": cb.id,
            "tok_a": token("officer.a@nlc.example"),
            "tok_coord": token("coord@glasgow.example"),
            "tok_admin": token("admin@nlc.example"),
        }


NEW = {"title": "Food waste AD", "category": "waste.food", "end_date": "2029-03-31"}


def test_officer_writes_own_council_and_gets_403_on_another(client, two_councils):
    h = bearer(two_councils["tok_a"])
    # create
    assert (
        client.post(
            "/api/v1/contracts", json={**NEW, "council_code": "S12000049"}, headers=h
        ).status_code
        == 403
    )
    created = client.post("/api/v1/contracts", json={**NEW, "council_code": "S12000050"}, headers=h)
    assert created.status_code == 201
    assert created.get_json()["council_code"] == "S12000050"
    # update (PATCH and PUT)
    b, a = two_councils["b"], two_councils["a"]
    assert client.patch(f"/api/v1/contracts/{b}", json={"title": "x"}, headers=h).status_code == 403
    assert client.put(f"/api/v1/contracts/{b}", json={"title": "x"}, headers=h).status_code == 403
    assert (
        client.patch(f"/api/v1/contracts/{a}", json={"title": "Renamed"}, headers=h).status_code
        == 200
    )
    assert (
        client.put(f"/api/v1/contracts/{a}", json={"title": "Renamed again"}, headers=h).status_code
        == 200
    )
    # delete
    forbidden = client.delete(f"/api/v1/contracts/{b}", headers=h)
    assert forbidden.status_code == 403
    assert forbidden.get_json()["message"] == "You can only change contracts for your own council."
    assert client.delete(f"/api/v1/contracts/{a}", headers=h).status_code == 204
    assert client.get(f"/api/v1/contracts/{b}", headers=h).status_code == 200  # still there


def test_coordinator_cannot_edit_other_councils_contracts_but_admin_can(client, two_councils):
    a = two_councils["a"]
    r = client.patch(
        f"/api/v1/contracts/{a}", json={"title": "x"}, headers=bearer(two_councils["tok_coord"])
    )
    assert r.status_code == 403
    r = client.patch(
        f"/api/v1/contracts/{a}",
        json={"title": "Fixed by admin"},
        headers=bearer(two_councils["tok_admin"]),
    )
    assert r.status_code == 200 and r.get_json()["title"] == "Fixed by admin"


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/contracts"),
        ("post", "/api/v1/contracts"),
        ("patch", "/api/v1/contracts/{a}"),
        ("put", "/api/v1/contracts/{a}"),
        ("delete", "/api/v1/contracts/{a}"),
        ("get", "/api/v1/councils"),
    ],
)
def test_anonymous_gets_401(client, two_councils, method, path):
    r = getattr(client, method)(path.format(a=two_councils["a"]), json=NEW)
    assert r.status_code == 401
    assert r.get_json()["code"] == 401 and "token" in r.get_json()["message"]


def test_revoked_or_unknown_token_gets_401(app, client, two_councils):
    h = bearer(two_councils["tok_a"])
    assert client.get("/api/v1/contracts", headers=h).status_code == 200
    with app.app_context():
        record = db.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == ApiToken.digest(two_councils["tok_a"]))
        )
        accounts.revoke_token(record.id)
        db.session.commit()
    for method in ("get", "post", "patch", "delete"):
        path = (
            "/api/v1/contracts"
            if method in ("get", "post")
            else f"/api/v1/contracts/{two_councils['a']}"
        )
        assert getattr(client, method)(path, json=NEW, headers=h).status_code == 401
    assert (
        client.get("/api/v1/contracts", headers=bearer("phub_not-a-real-token")).status_code == 401
    )


def test_tokens_and_passwords_are_not_stored_in_clear(app, two_councils):
    tok = two_councils["tok_a"]
    with app.app_context():
        stored = [row.token_hash for row in db.session.scalars(select(ApiToken))]
        assert tok not in stored and ApiToken.digest(tok) in stored
        u = db.session.scalar(select(User).where(User.email == "officer.a@nlc.example"))
        assert PASSWORD not in u.password_hash
        assert u.password_hash.startswith(("scrypt:", "pbkdf2:"))
        assert u.check_password(PASSWORD) and not u.check_password("wrong password")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_sign_in_requires_csrf_and_right_password(client, two_councils):
    page = client.get("/sign-in")
    assert page.status_code == 200
    no_csrf = client.post("/sign-in", data={"email": "officer.a@nlc.example", "password": PASSWORD})
    assert no_csrf.status_code == 400
    assert client.get("/contracts").status_code == 302  # still signed out
    token_value = _csrf(page.get_data(as_text=True))
    wrong = client.post(
        "/sign-in",
        data={
            "email": "officer.a@nlc.example",
            "password": "nope-nope-nope",
            "csrf_token": token_value,
        },
    )
    assert "not right" in wrong.get_data(as_text=True)
    ok = client.post(
        "/sign-in",
        data={"email": "Officer.A@nlc.example", "password": PASSWORD, "csrf_token": token_value},
    )
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/dashboard")
    listing = client.get("/contracts")
    assert listing.status_code == 200 and "A-1" in listing.get_data(as_text=True)


def test_session_api_writes_need_the_csrf_header(client, two_councils):
    page = client.get("/sign-in")
    token_value = _csrf(page.get_data(as_text=True))
    client.post(
        "/sign-in",
        data={"email": "officer.a@nlc.example", "password": PASSWORD, "csrf_token": token_value},
    )
    a = two_councils["a"]
    assert client.patch(f"/api/v1/contracts/{a}", json={"title": "x"}).status_code == 400
    r = client.patch(
        f"/api/v1/contracts/{a}", json={"title": "With CSRF"}, headers={"X-CSRFToken": token_value}
    )
    assert r.status_code == 200


def test_anonymous_sees_only_sign_in_and_health(client, two_councils):
    assert client.get("/health").get_json() == {"status": "ok"}
    assert client.get("/sign-in").status_code == 200
    for path in ("/", "/contracts", "/waste/", "/api/docs", "/api/v1/openapi.json"):
        r = client.get(path)
        assert r.status_code in (302, 401), path


def test_open_redirect_after_sign_in_is_refused(client, two_councils):
    page = client.get("/sign-in")
    r = client.post(
        "/sign-in?next=https://evil.example/",
        data={
            "email": "officer.a@nlc.example",
            "password": PASSWORD,
            "csrf_token": _csrf(page.get_data(as_text=True)),
        },
    )
    assert r.headers["Location"].endswith("/dashboard")  # their own dashboard, never evil.example


def test_changes_are_audited_with_before_and_after(app, client, two_councils):
    from procurehub.audit.models import AuditEvent

    a = two_councils["a"]
    r = client.patch(
        f"/api/v1/contracts/{a}",
        json={"end_date": "2030-03-31"},
        headers=bearer(two_councils["tok_a"]),
    )
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "contract",
                AuditEvent.object_id == str(a),
                AuditEvent.action == "update",
            )
        ).one()
        assert event.actor == "officer.a@nlc.example"
        assert event.changes["end_date"] == [date(2028, 3, 31).isoformat(), "2030-03-31"]


def test_audit_log_is_for_administrators(client, two_councils):
    a = two_councils["a"]
    client.patch(
        f"/api/v1/contracts/{a}", json={"title": "Renamed"}, headers=bearer(two_councils["tok_a"])
    )
    assert (
        client.get("/api/v1/audit-events", headers=bearer(two_councils["tok_a"])).status_code == 403
    )
    body = client.get(
        f"/api/v1/audit-events?object_type=contract&object_id={a}",
        headers=bearer(two_councils["tok_admin"]),
    ).get_json()
    actions = [(e["action"], e["actor"]) for e in body["items"]]
    assert ("update", "officer.a@nlc.example") in actions
    update = next(e for e in body["items"] if e["action"] == "update")
    assert update["changes"]["title"] == ["Residual waste treatment", "Renamed"]
    users = client.get(
        "/api/v1/audit-events?object_type=user", headers=bearer(two_councils["tok_admin"])
    ).get_json()
    assert len(users["items"]) == 4  # every user created is in the log
