"""The Flask extension singletons, created unbound and initialised by create_app."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import JSON, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names make Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()

#: JSON on SQLite, JSONB on PostgreSQL (indexable, compact): one column type for every table.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """Naive UTC, as every timestamp column stores it (SQLite has no time zones)."""
    return datetime.now(UTC).replace(tzinfo=None)


def init_database(app: Flask) -> None:
    """Bind the database and the one migration history (core and plugin tables)."""
    db.init_app(app)
    migrate.init_app(
        app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True, compare_type=True
    )
