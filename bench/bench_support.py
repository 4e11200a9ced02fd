"""What both benchmarks need: fresh migrated databases and a quiet app factory."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text


def make_app(url: str, workdir: str) -> Any:
    from procurehub import create_app

    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": os.path.join(workdir, "instance"),
        }
    )


@contextmanager
def quiet_alembic() -> Iterator[None]:
    import logging

    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


class Databases:
    """Fresh, migrated databases: SQLite files in `workdir`, or PostgreSQL databases on a server."""

    def __init__(self, server_url: str | None, workdir: str) -> None:
        self.server_url = server_url
        self.workdir = workdir
        self.created: list[str] = []
        self.admin = create_engine(server_url, isolation_level="AUTOCOMMIT") if server_url else None

    @property
    def dialect(self) -> str:
        return "postgresql" if self.server_url else "sqlite"

    def fresh(self, label: str) -> str:
        if self.admin is None:
            url = f"sqlite:///{os.path.join(self.workdir, label + '.sqlite3')}"
        else:
            name = f"procurehub_bench_{uuid.uuid4().hex[:8]}_{label}"
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            self.created.append(name)
            assert self.server_url is not None
            url = self.server_url.rsplit("/", 1)[0] + "/" + name
        import flask_migrate

        from procurehub.extensions import db
        from procurehub.workstreams.categories import sync_categories

        with quiet_alembic():
            app = make_app(url, self.workdir)
            with app.app_context():
                flask_migrate.upgrade()
                sync_categories()
                db.session.commit()
                db.session.remove()
                db.engine.dispose()
        return url

    def drop_all(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.clear()
        self.admin.dispose()
