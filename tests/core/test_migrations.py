"""One linear migration history that upgrades and downgrades cleanly on both databases."""

import uuid

import flask_migrate
import pytest
from sqlalchemy import create_engine, inspect, text

from factories import POSTGRES_ADMIN_URL, make_app
from procurehub.extensions import db


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """An empty database of the same backend as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"procurehub_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_to_head_then_downgrade_to_base(fresh_url, tmp_path):
    app = make_app(fresh_url, tmp_path)
    with app.app_context():
        flask_migrate.upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {
            "council",
            "user_account",
            "api_token",
            "category",
            "contract",
            "upload",
            "audit_event",
        } <= tables
        assert set(db.metadata.tables) <= tables  # every model, core and plugin, has its table
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_history_is_linear():
    from alembic.script import ScriptDirectory

    from procurehub import MIGRATIONS_DIR

    script = ScriptDirectory(MIGRATIONS_DIR)
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
