"""Helpers of the fault tests: subprocesses killed mid-work, databases that vanish, hubs backed up and restored.

Helpers here compare whole databases: `canonical_dump` reads every hub table (or the ones
named) into plain, ordered Python values, so two databases (even one SQLite, one PostgreSQL)
are equal exactly when their dumps are.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, text

from factories import POSTGRES_ADMIN_URL
from procurehub.backup.service import hub_tables

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHONPATH = os.pathsep.join([os.path.join(ROOT, "platform"), ROOT])


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return ("decimal", str(value.normalize()) if value else "0")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def canonical_dump(url: str, tables: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every row of the hub's tables (all, or the ones named), in primary-key order."""
    engine = create_engine(url)
    dump: dict[str, list[dict[str, Any]]] = {}
    try:
        with engine.connect() as conn:
            for table in hub_tables():
                if tables is not None and table.name not in tables:
                    continue
                order = list(table.primary_key.columns)
                rows = conn.execute(table.select().order_by(*order)).mappings()
                dump[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    finally:
        engine.dispose()
    return dump


def cli_env(url: str, instance: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=PYTHONPATH,
        DATABASE_URL=url,
        PROCUREHUB_INSTANCE_PATH=instance,
        PROCUREHUB_SECRET_KEY="test-secret",
    )
    env.update(extra)
    return env


def run_cli(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "procurehub", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def popen_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "procurehub", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextmanager
def empty_database(dialect: str, tmp_path: Any) -> Iterator[str]:
    """A database with nothing in it (no tables): a SQLite file, or a new PostgreSQL database."""
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / f'empty_{uuid.uuid4().hex[:6]}.sqlite3'}"
        return
    name = f"procurehub_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def register_csv(path: Any, rows: int, seed: int = 14) -> None:
    """A register as councils write them: messy headings, dates and money, some repeats."""
    import random

    rng = random.Random(seed)
    lines = [
        "Contract Ref,Contract Title,Supplier Name,Start Date,End Date,Total Value,Extension Options"
    ]
    for n in range(rows):
        start_year = 2018 + n % 7
        end_year = start_year + 3 + n % 4
        value = f"£{rng.randrange(1_000, 9_000_000):,}"
        extension = ("2+1+1", "None", "Up to 24 months", "1 x 12 months")[n % 4]
        lines.append(
            f'CR-{n:06d},Waste service lot {n},"Supplier {n % 97} Ltd",'
            f'{1 + n % 28:02d}/04/{start_year},31/03/{end_year},"{value}",{extension}'
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
