"""The database goes away during requests: a clean 503 with a message; service resumes after.

On PostgreSQL the hub's database really goes away: its connections are terminated
(`pg_terminate_backend`) and new ones refused (`ALTER DATABASE … ALLOW_CONNECTIONS false`),
then allowed again. On both databases a query failing with SQLAlchemy's OperationalError
mid-request gives the same answer.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from factories import POSTGRES_ADMIN_URL, bearer, council, token, user
from procurehub.extensions import db


@pytest.fixture
def officer_token(app):
    with app.app_context():
        council("S12000050", "North Lanarkshire Council")
        user("officer@nlc.example", "S12000050")
        return token("officer@nlc.example")


def assert_api_503(response):
    assert response.status_code == 503
    body = response.get_json()
    assert body["code"] == 503
    assert "cannot reach its database" in body["message"]
    assert response.headers["Retry-After"] == "30"


def assert_page_503(response):
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "ProcureHub is unavailable just now" in page
    assert "cannot reach its database" in page
    assert "Traceback" not in page


def test_database_gone_then_back_on_postgresql(app, client, officer_token, dialect):
    if dialect != "postgresql":
        pytest.skip("a database server that can refuse connections: PostgreSQL")
    with app.app_context():
        name = db.engine.url.database
    auth = bearer(officer_token)
    page_headers = {**auth, "Accept": "text/html"}
    assert client.get("/api/v1/contracts", headers=auth).status_code == 200
    assert client.get("/health").get_json() == {"status": "ok"}

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        assert_api_503(client.get("/api/v1/contracts", headers=auth))
        assert_api_503(client.post("/api/v1/contracts", headers=auth, json={"title": "x"}))
        assert_page_503(client.get("/contracts", headers=page_headers))
        health = client.get("/health")
        assert health.status_code == 503 and health.get_json()["status"] == "error"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()

    # Back: the pool pings, reconnects, and every kind of request works again.
    assert client.get("/api/v1/contracts", headers=auth).status_code == 200
    assert client.get("/contracts", headers=page_headers).status_code == 200
    assert client.get("/health").get_json() == {"status": "ok"}


def test_a_query_failing_mid_request_is_a_503_not_a_500(app, client, officer_token, monkeypatch):
    auth = bearer(officer_token)
    assert client.get("/api/v1/contracts", headers=auth).status_code == 200

    def gone(*args, **kwargs):
        raise OperationalError("SELECT …", {}, Exception("server closed the connection"))

    with app.app_context():
        session_class = type(db.session())  # every request's session is one of these
    monkeypatch.setattr(session_class, "execute", gone)
    monkeypatch.setattr(session_class, "get", gone)
    try:
        assert_api_503(client.get("/api/v1/contracts", headers=auth))
        assert_page_503(client.get("/contracts", headers={**auth, "Accept": "text/html"}))
    finally:
        monkeypatch.undo()
    assert client.get("/api/v1/contracts", headers=auth).status_code == 200
