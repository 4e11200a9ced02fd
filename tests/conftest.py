"""Fixtures shared by every test: an app on a fresh database, a client, a CLI runner.

Tests that use `app` run twice, on SQLite and on PostgreSQL (`postgres` param). The
PostgreSQL run needs a server at PROCUREHUB_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/postgres); without one those tests are skipped and the
summary says so, unless PROCUREHUB_REQUIRE_POSTGRES=1 (set by CI), which makes it an error.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from factories import POSTGRES_ADMIN_URL, make_app
from procurehub import create_app
from procurehub.extensions import db
from procurehub.workstreams.categories import sync_categories

REQUIRE_POSTGRES = os.environ.get("PROCUREHUB_REQUIRE_POSTGRES", "").lower() in {"1", "true", "yes"}
_postgres_skip_reason: list[str] = []


def _postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, migrated database per backend for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        _migrate(url, tmp_path_factory)
        yield url
        return
    reason = _postgres_available()
    if reason:
        message = f"PostgreSQL run skipped: no server at {POSTGRES_ADMIN_URL} ({reason})"
        if REQUIRE_POSTGRES:
            pytest.fail(message + " and PROCUREHUB_REQUIRE_POSTGRES is set", pytrace=False)
        _postgres_skip_reason[:] = [message]
        pytest.skip(message)
    name = f"procurehub_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        _migrate(url, tmp_path_factory)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    import flask_migrate

    app = create_app(
        {
            "DATABASE_URL": url,
            "TESTING": True,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


#: One app per (database, plugin set) for the whole session. Building an app costs about a
#: quarter of a second (most of it flask-smorest writing the OpenAPI document), which over
#: three thousand tests was a quarter of the suite's time. What a test may change is put back
#: after it: the settings, and the instance folder (each test gets its own).
_APPS: dict[tuple[str, tuple[str, ...] | None], Any] = {}


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, tmp_path: Any) -> Iterator[Any]:
    """An app on an empty, migrated database with the categories seeded.

    `@pytest.mark.plugins("waste")` builds it with only those plugins enabled.
    """
    marker = request.node.get_closest_marker("plugins")
    key = (database_url, tuple(marker.args) if marker is not None else None)
    application = _APPS.get(key)
    if application is None:
        overrides: dict[str, Any] = {}
        if marker is not None:
            overrides["ENABLED_PLUGINS"] = list(marker.args)
        application = _APPS[key] = make_app(database_url, tmp_path, **overrides)
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    saved_config, saved_instance = dict(application.config), application.instance_path
    application.instance_path = str(instance)
    with application.app_context():
        _empty_all_tables()
        sync_categories()
    try:
        yield application
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        application.config.clear()
        application.config.update(saved_config)
        application.instance_path = saved_instance


@pytest.fixture
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashes for tests that make many users: scrypt takes half a second per
    hash on this machine, and those tests are not about it. Ask for it by name, or with
    `pytestmark = pytest.mark.usefixtures("quick_password_hashing")`."""
    from werkzeug import security

    import procurehub.accounts.models as account_models
    import procurehub.accounts.service as account_service

    quick = lambda password: security.generate_password_hash(password, "pbkdf2:sha256:1000")  # noqa: E731
    monkeypatch.setattr(account_models, "generate_password_hash", quick)
    monkeypatch.setattr(account_service, "generate_password_hash", quick)
    account_service._dummy_hash.cache_clear()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


class ProcureHubRunner:
    """Invokes the `procurehub` command group against the test app."""

    def __init__(self, app: Any) -> None:
        self._runner = app.test_cli_runner()

    def invoke(self, args: list[str], **kwargs: Any) -> Any:
        from procurehub.cli import main

        return self._runner.invoke(main, args, **kwargs)


@pytest.fixture
def runner(app: Any) -> ProcureHubRunner:
    return ProcureHubRunner(app)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _postgres_skip_reason:
        terminalreporter.write_line("")
        terminalreporter.write_line(
            _postgres_skip_reason[0] + "; only SQLite was tested.", yellow=True
        )
