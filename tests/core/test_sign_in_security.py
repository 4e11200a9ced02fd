"""Sign-in hardening (issue 14): lockout, password policy, password change, headers, cookies."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from factories import PASSWORD, bearer, collaboration, token, user
from procurehub.accounts import service as accounts
from procurehub.accounts.models import ApiToken, SignInAttempt, User
from procurehub.accounts.passwords import password_problem
from procurehub.audit.models import AuditEvent
from procurehub.config import load_settings
from procurehub.extensions import db

pytestmark = pytest.mark.usefixtures("quick_password_hashing")

OFFICER = "officer@nlc.example"
NEW_PASSWORD = "heather thistle ferry"


@pytest.fixture
def hub(app):
    with app.app_context():
        collaboration()
    return app


def _csrf(client) -> str:
    html = client.get("/sign-in").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def sign_in(client, email=OFFICER, password=PASSWORD, address="10.0.0.1"):
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": _csrf(client)},
        environ_base={"REMOTE_ADDR": address},
    )


def _events(app, action=None):
    with app.app_context():
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return [(e.action, e.object_id, e.actor, e.changes) for e in db.session.scalars(stmt)]


# ------------------------------------------------------------------ lockout
def test_five_failures_lock_the_account_with_a_message_saying_when(hub, client):
    for _ in range(4):
        page = sign_in(client, password="not the password at all").get_data(as_text=True)
        assert "The e-mail address or password is not right." in page
    fifth = sign_in(client, password="not the password at all").get_data(as_text=True)
    assert "Too many failed sign-ins for this account. Try again in 15 minutes" in fifth
    assert re.search(r"after \d\d:\d\d UTC", fifth)
    # even the right password is refused while locked, from another address too
    locked = sign_in(client, address="10.9.9.9")
    assert locked.status_code == 200 and "Too many failed sign-ins" in locked.get_data(as_text=True)
    assert client.get("/contracts").status_code == 302  # still signed out
    actions = [a for a, *_ in _events(hub) if a.startswith("sign_in")]
    assert actions == ["sign_in_failed"] * 5 + ["sign_in_locked"]

    # the lock lifts when the failures leave the 15-minute window
    with hub.app_context():
        db.session.execute(
            update(SignInAttempt).values(at=SignInAttempt.at - timedelta(minutes=16))
        )
        db.session.commit()
    ok = sign_in(client)
    assert ok.status_code == 302 and client.get("/contracts").status_code == 200


def test_a_successful_sign_in_resets_the_account_count(hub, client):
    for _ in range(4):
        sign_in(client, password="not the password at all")
    assert sign_in(client).status_code == 302
    client.post("/sign-out", data={"csrf_token": _csrf(client)})
    for _ in range(4):
        page = sign_in(client, password="not the password at all").get_data(as_text=True)
        assert "Too many" not in page
    assert sign_in(client).status_code == 302


def test_one_address_trying_many_accounts_is_locked_out(hub, client):
    for n in range(20):
        sign_in(client, email=f"guess{n}@nlc.example", password="guess guess guess")
    page = sign_in(client, address="10.0.0.1").get_data(as_text=True)
    assert "Too many failed sign-ins for this network address" in page
    # the real officer elsewhere is not affected
    assert sign_in(client, address="10.0.0.2").status_code == 302


def test_unknown_accounts_get_the_same_answer_and_are_not_named_in_the_audit_log(hub, client):
    page = sign_in(client, email="nobody@nowhere.example", password="whatever whatever")
    assert "The e-mail address or password is not right." in page.get_data(as_text=True)
    (action, object_id, actor, changes), *_ = _events(hub, "sign_in_failed")
    assert (object_id, actor, changes) == (None, "system", {"address": "10.0.0.1"})
    assert "nobody@nowhere.example" not in json.dumps(_events(hub))


def test_sign_ins_are_audited_without_password_material(hub, client):
    sign_in(client, password="my wrong guess 123")
    sign_in(client)
    events = _events(hub)
    with hub.app_context():
        officer_id = str(db.session.scalar(select(User.id).where(User.email == OFFICER)))
    sign_ins = [(a, o, actor) for a, o, actor, _ in events if a.startswith("sign_in")]
    assert sign_ins == [
        ("sign_in_failed", officer_id, OFFICER),
        ("sign_in", officer_id, OFFICER),
    ]
    dumped = json.dumps(events)
    assert PASSWORD not in dumped and "my wrong guess" not in dumped


# ------------------------------------------------------------------ password policy
@pytest.mark.parametrize(
    ("password", "email", "problem"),
    [
        ("short pass", "a@x.example", "at least 12 characters"),
        ("x" * 257, "a@x.example", "at most 256"),
        ("password1234", "a@x.example", "most commonly used"),
        ("Qwerty123456", "a@x.example", "most commonly used"),
        ("jane.smith loves tea", "Jane.Smith@nlc.example", "e-mail address"),
        ("heather thistle ferry", "jane@nlc.example", None),
        ("correct horse battery", "officer@nlc.example", None),
    ],
)
def test_password_policy(password, email, problem):
    found = password_problem(password, email)
    assert (found is None) if problem is None else (problem in found)


def test_cli_applies_the_password_policy(runner, app):
    with app.app_context():
        collaboration()
    base = ["users", "add", "jane.smith@nlc.example", "--council", "S12000050"]
    args = [*base, "--role", "officer", "--password-stdin"]
    for bad, message in [
        ("eleven char", "at least 12 characters"),
        ("password123456", "most commonly used"),
        ("I am jane.smith!", "part before the @"),
    ]:
        r = runner.invoke(args, input=bad + "\n")
        assert r.exit_code == 1 and message in r.output, r.output
    assert runner.invoke(args, input="heather thistle ferry\n").exit_code == 0
    # set-password: the policy applies, and the change is audited without the password
    setpw = ["users", "set-password", "jane.smith@nlc.example", "--password-stdin"]
    r = runner.invoke(setpw, input="short\n")
    assert r.exit_code == 1 and "at least 12 characters" in r.output
    r = runner.invoke(setpw, input="loch lomond banks\n")
    assert r.exit_code == 0, r.output
    (action, _, actor, changes), *_ = _events(app, "password_change")
    assert (actor, changes) == ("system", {})


# ------------------------------------------------------------------ self-service change
def _change(client, current, new, again=None, csrf=True):
    data = {
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
    }
    if csrf:
        data["csrf_token"] = _csrf(client)
    return client.post("/account/password", data=data)


def test_password_change_signs_out_other_browsers_and_keeps_this_one(hub):
    laptop, phone = hub.test_client(), hub.test_client()
    assert sign_in(laptop).status_code == 302 and sign_in(phone).status_code == 302
    page = laptop.get("/account/password")
    assert page.status_code == 200 and "Change your password" in page.get_data(as_text=True)

    r = _change(laptop, PASSWORD, NEW_PASSWORD)
    assert r.status_code == 302
    landing = laptop.get(r.headers["Location"], follow_redirects=True)
    assert "Your password was changed" in landing.get_data(as_text=True)
    assert laptop.get("/contracts").status_code == 200  # this browser stays signed in
    gone = phone.get("/contracts")
    assert gone.status_code == 302 and "/sign-in" in gone.headers["Location"]
    assert phone.get("/api/v1/contracts").status_code == 401

    fresh = hub.test_client()
    assert "not right" in sign_in(fresh).get_data(as_text=True)  # the old password
    assert sign_in(fresh, password=NEW_PASSWORD).status_code == 302
    events = _events(hub, "password_change")
    assert [(a, actor, changes) for a, _, actor, changes in events] == [
        ("password_change", OFFICER, {})
    ]
    assert NEW_PASSWORD not in json.dumps(_events(hub))


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("not my password", NEW_PASSWORD, None, "Your current password is not right."),
        (PASSWORD, NEW_PASSWORD, "heather thistle ferrY", "The two new passwords are not the same"),
        (PASSWORD, "too short", None, "at least 12 characters"),
        (PASSWORD, "officer of the council", None, "part before the @"),
        (PASSWORD, PASSWORD, None, "must be different"),
        ("", "", "", "Enter your current password."),
    ],
)
def test_password_change_refusals_say_what_to_fix(hub, client, current, new, again, message):
    sign_in(client)
    r = _change(client, current, new, again)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert message in page and "There is a problem" in page
    with hub.app_context():
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        assert officer.check_password(PASSWORD) and officer.session_version == 0


def test_password_change_needs_csrf_and_a_signed_in_user(hub, client):
    r = client.get("/account/password")
    assert r.status_code == 302 and "/sign-in" in r.headers["Location"]
    sign_in(client)
    assert _change(client, PASSWORD, NEW_PASSWORD, csrf=False).status_code == 400
    with hub.app_context():
        assert db.session.scalar(select(User).where(User.email == OFFICER)).check_password(PASSWORD)


def test_revoked_token_stops_working_on_the_next_request(hub, client):
    with hub.app_context():
        tok = token(OFFICER)
    assert client.get("/api/v1/contracts", headers=bearer(tok)).status_code == 200
    with hub.app_context():
        accounts.revoke_token(db.session.scalar(select(ApiToken.id)))
        db.session.commit()
    r = client.get("/api/v1/contracts", headers=bearer(tok))
    assert r.status_code == 401 and r.get_json()["code"] == 401
    assert [a for a, *_ in _events(hub) if a == "revoke"] == ["revoke"]


def test_deactivated_user_loses_browser_session_and_tokens_at_once(hub, client):
    with hub.app_context():
        tok = token(OFFICER)
    sign_in(client)
    with hub.app_context():
        db.session.execute(update(User).where(User.email == OFFICER).values(active=False))
        db.session.commit()
    assert client.get("/contracts").status_code == 302
    assert client.get("/api/v1/contracts", headers=bearer(tok)).status_code == 401


# ------------------------------------------------------------------ headers and cookies
def test_every_response_carries_the_security_headers(hub, client):
    responses = [client.get("/sign-in"), client.get("/health"), client.get("/api/v1/contracts")]
    responses.append(client.get("/static/procurehub.css"))
    sign_in(client)
    responses += [client.get("/contracts"), client.get("/no-such-page"), client.get("/api/docs")]
    for r in responses:
        csp = r.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"  # no inline script, no eval
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in r.headers  # plain http
    assert responses[-2].status_code == 404


def test_hsts_only_over_tls_and_behind_a_trusted_proxy(app, database_url, tmp_path):
    from factories import make_app

    client = app.test_client()
    r = client.get("/health", base_url="https://hub.example")
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
    # a forwarded https is believed only when the operator says a proxy is in front
    forwarded = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" not in client.get("/health", headers=forwarded).headers
    proxied = make_app(database_url, tmp_path / "p", TRUSTED_PROXIES=1).test_client()
    assert "Strict-Transport-Security" in proxied.get("/health", headers=forwarded).headers


def test_session_cookie_is_httponly_and_samesite(hub, client):
    r = sign_in(client)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # tests run over http://localhost


@pytest.mark.parametrize(
    ("base_url", "explicit", "secure"),
    [
        (None, None, False),
        ("http://127.0.0.1:5000", None, False),
        ("https://procurehub.example.gov.uk", None, True),
        ("https://procurehub.example.gov.uk", "false", False),
        ("http://localhost:8000", "true", True),
    ],
)
def test_cookies_are_secure_when_the_hub_is_served_over_https(
    monkeypatch, tmp_path, base_url, explicit, secure
):
    for name, value in (("PROCUREHUB_BASE_URL", base_url), ("PROCUREHUB_SECURE_COOKIES", explicit)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    settings = load_settings(str(tmp_path), {"SECRET_KEY": "x"})
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["REMEMBER_COOKIE_SECURE"] is secure
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["SESSION_COOKIE_SAMESITE"] == "Lax"


ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_no_template_has_inline_script_or_event_handlers():
    """The CSP forbids them, so they would silently not work: keep them in static JS files."""
    templates = [
        *ROOT.joinpath("platform", "procurehub").rglob("templates/**/*.html"),
        *ROOT.joinpath("plugins").rglob("templates/**/*.html"),
    ]
    assert len(templates) > 40
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)[:60]}"
        for path in templates
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL)
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_tokens_still_work_after_a_password_change(hub, client):
    """A password change ends browser sessions; API tokens are separate credentials."""
    with hub.app_context():
        tok = token(OFFICER)
        officer = accounts.get_user(OFFICER)
        accounts.set_password(officer, NEW_PASSWORD)
        db.session.commit()
    assert client.get("/api/v1/contracts", headers=bearer(tok)).status_code == 200


def test_users_keep_their_sessions_across_the_upgrade(hub, client):
    """Cookies written before session versions existed held the bare id; they still work."""
    with hub.app_context():
        officer_id = db.session.scalar(select(User.id).where(User.email == OFFICER))
    with client.session_transaction() as session:
        session["_user_id"] = str(officer_id)
        session["_fresh"] = True
    assert client.get("/contracts").status_code == 200
    with client.session_transaction() as session:
        session["_user_id"] = "not-a-number.1"
    assert client.get("/contracts").status_code == 302


def test_another_user_is_unaffected_by_a_password_change(hub):
    other = hub.test_client()
    assert sign_in(other, email="officer@glasgow.example").status_code == 302
    with hub.app_context():
        accounts.set_password(accounts.get_user(OFFICER), NEW_PASSWORD)
        db.session.commit()
    assert other.get("/contracts").status_code == 200


def test_new_users_are_created_with_the_policy(hub):
    with hub.app_context():
        with pytest.raises(accounts.AccountError, match="at least 12"):
            user("new@nlc.example", "S12000050", password="too short")
        db.session.rollback()
