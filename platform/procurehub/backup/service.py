"""A portable archive of a hub: every table as JSON lines, the schema revision, the instance files.

The archive is a zip file:

- `manifest.json`: `{"format": "procurehub-backup", "version": 1, "created_at", "revision"
  (the Alembic revision of the database), "dialect" (where it came from), "tables": [{"name",
  "rows", "columns"}], "instance_files": [...]}`; tables are listed parents first (foreign-key
  order), the order a restore inserts them in;
- `tables/<table>.jsonl`: one JSON object per row, column name → value; dates and timestamps
  as ISO 8601 text, decimals as text (never floats: money stays exact), JSON columns as JSON;
- `instance/<name>`: the files of the instance folder (the generated secret key, anything a
  plugin keeps there), except database files and lock files.

Because rows are plain JSON, an archive made on SQLite restores into PostgreSQL and back.
A restore goes into an empty database (or one holding only what `db upgrade` seeds, the
categories), refuses one that holds data unless `force` is given, loads every row in one
transaction with the ids it had, moves PostgreSQL's id sequences past the highest id, and then
upgrades the schema to the latest revision (so an archive from an older release restores into
a newer one: its rows are loaded at their own revision and migrated).

The archive holds password hashes, API token hashes and the secret key: keep it as safe as the
database itself.
"""

from __future__ import annotations

import base64
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app

from procurehub.extensions import db, utcnow

FORMAT = "procurehub-backup"
VERSION = 1
BATCH = 2000
#: Tables `procurehub db upgrade` fills by itself: a database holding only these is "empty".
SEEDED_TABLES = frozenset({"category"})
#: Instance files that are never copied: databases (they are the tables) and lock files.
SKIPPED_SUFFIXES = (
    ".sqlite3",
    ".sqlite3-journal",
    ".sqlite3-wal",
    ".sqlite3-shm",
    ".db",
    ".lock",
    ".partial",
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class BackupSummary:
    path: str
    revision: str | None
    tables: dict[str, int] = field(default_factory=dict)
    instance_files: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# ------------------------------------------------------------------------------- values
def encode(value: Any) -> Any:
    """A column value as JSON: exact for decimals and dates; JSON columns pass as they are."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decoder(column: sa.Column) -> Callable[[Any], Any]:
    """How to turn a JSON value back into what the column takes, from the column's type."""
    kind = column.type
    if isinstance(kind, sa.JSON):
        return lambda v: v
    if isinstance(kind, sa.DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(kind, sa.Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return lambda v: None if v is None else Decimal(str(v))
    if isinstance(kind, sa.LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v)
    return lambda v: v


# ------------------------------------------------------------------------------- tables
def hub_tables() -> list[sa.Table]:
    """The hub's tables (core and enabled plugins), parents before children."""
    return list(db.metadata.sorted_tables)


def current_revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _primary_order(table: sa.Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def table_rows(connection: sa.Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    """Every row of a table in primary-key order, encoded for JSON."""
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        sa.select(table).order_by(*_primary_order(table))
    )
    names = [c.name for c in table.columns]
    for row in result:
        yield {name: encode(value) for name, value in zip(names, row, strict=True)}


def rows_in_data_tables(connection: sa.Connection) -> dict[str, int]:
    """Tables (other than the seeded ones) holding rows, with their counts."""
    held = {}
    inspector = sa.inspect(connection)
    for table in hub_tables():
        if table.name in SEEDED_TABLES or not inspector.has_table(table.name):
            continue
        count = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0
        if count:
            held[table.name] = count
    return held


# ------------------------------------------------------------------------------- backup
def _instance_files(instance_path: str, skip: set[str]) -> Iterator[tuple[str, str]]:
    """The instance folder's files, except databases, locks and the archive being written."""
    for folder, _dirs, files in os.walk(instance_path):
        for name in sorted(files):
            full = os.path.abspath(os.path.join(folder, name))
            if name.endswith(SKIPPED_SUFFIXES) or full in skip:
                continue
            yield os.path.relpath(full, instance_path).replace(os.sep, "/"), full


def backup(path: str, *, instance_path: str | None = None) -> BackupSummary:
    """Write the whole hub to a zip archive at `path` (written beside it, then moved in place).

    On PostgreSQL the tables are read in one REPEATABLE READ transaction, so the archive is one
    consistent moment even while the hub is in use.
    """
    instance_path = instance_path or current_app.instance_path
    engine = db.engine
    partial = f"{path}.partial"
    summary = BackupSummary(path=path, revision=None)
    options: dict[str, Any] = {}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    try:
        with (
            engine.connect().execution_options(**options) as connection,
            zipfile.ZipFile(
                partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
            ) as archive,
        ):
            summary.revision = current_revision(connection)
            if summary.revision is None:
                raise BackupError(
                    "This database has no ProcureHub tables yet (run `procurehub db upgrade`); "
                    "there is nothing to back up."
                )
            listed = []
            for table in hub_tables():
                count = 0
                with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as raw:
                    out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                    for row in table_rows(connection, table):
                        out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
                        out.write("\n")
                        count += 1
                    out.flush()
                    out.detach()
                summary.tables[table.name] = count
                listed.append(
                    {"name": table.name, "rows": count, "columns": [c.name for c in table.columns]}
                )
            skip = {os.path.abspath(path), os.path.abspath(partial)}
            for name, full in _instance_files(instance_path, skip):
                archive.write(full, f"instance/{name}")
                summary.instance_files.append(name)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": utcnow().isoformat(),
                "revision": summary.revision,
                "dialect": engine.dialect.name,
                "tables": listed,
                "instance_files": summary.instance_files,
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=1))
            connection.rollback()
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return summary


# ------------------------------------------------------------------------------- restore
def read_manifest(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise BackupError(
            f"'{name}' is not a ProcureHub backup (it has no manifest.json)."
        ) from None
    except ValueError:
        raise BackupError(f"'{name}' has a damaged manifest.json; it cannot be restored.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"'{name}' is not a ProcureHub backup.")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"'{name}' is a version {manifest.get('version')} backup; this ProcureHub restores "
            f"version {VERSION}. Restore it with the release that made it, then upgrade."
        )
    return manifest


def restore(
    path: str,
    *,
    force: bool = False,
    instance_path: str | None = None,
    migrate: Callable[[str], None] | None = None,
) -> BackupSummary:
    """Load an archive into this app's database (see the module docstring).

    `migrate(revision)` brings the schema to a revision (`"head"` for the latest); the CLI passes
    Flask-Migrate's upgrade. Raises BackupError for a file that is no backup, a database that
    holds data (without `force`), or a database at another revision than the archive's.
    """
    from procurehub.workstreams.categories import sync_categories

    name = os.path.basename(path)
    instance_path = instance_path or current_app.instance_path
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"'{name}' cannot be read as a backup archive ({exc}).") from None
    with archive:
        manifest = read_manifest(archive, name)
        revision = manifest.get("revision")
        engine = db.engine
        with engine.connect() as connection:
            here = current_revision(connection)
            held = rows_in_data_tables(connection) if here else {}
        if held and not force:
            listed = ", ".join(f"{t} ({n})" for t, n in sorted(held.items())[:5])
            raise BackupError(
                "This database already holds data (" + listed + "). Restore into an empty "
                "database, or give --force to replace everything in it with the backup."
            )
        if here is None:
            if migrate is None:
                raise BackupError("This database has no tables; run `procurehub db upgrade` first.")
            migrate(revision)
            here = revision
        if here != revision:
            raise BackupError(
                f"The backup was made at schema revision {revision}, but this database is at "
                f"{here}. Restore into a new, empty database: the restore creates the tables at "
                "the backup's revision, loads the rows and then upgrades them."
            )
        tables = {t.name: t for t in hub_tables()}
        unknown = [t["name"] for t in manifest["tables"] if t["name"] not in tables]
        if unknown:
            raise BackupError(
                "The backup has tables this hub does not know (" + ", ".join(unknown) + "): "
                "enable the plugins they belong to and restore again."
            )
        summary = BackupSummary(path=path, revision=revision)
        try:
            with engine.begin() as connection:
                present = set(sa.inspect(connection).get_table_names())
                for table in reversed(hub_tables()):
                    if table.name in present:
                        connection.execute(table.delete())
                for entry in manifest["tables"]:
                    table = tables[entry["name"]]
                    summary.tables[table.name] = _load_table(connection, archive, table)
                if engine.dialect.name == "postgresql":
                    reset_sequences(connection)
                elif "contract_fts" in present:
                    # SQLite's full-text table is derived from the contracts: built afresh
                    # (uploaded contracts are not indexed by the insert trigger).
                    connection.exec_driver_sql(
                        "INSERT INTO contract_fts(contract_fts) VALUES ('rebuild')"
                    )
        except (KeyError, ValueError, zipfile.BadZipFile, sa.exc.StatementError) as exc:
            raise BackupError(
                f"'{name}' could not be restored, and nothing was changed: the archive is "
                f"damaged or incomplete ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})."
            ) from None
        for member in archive.namelist():
            if member.startswith("instance/") and not member.endswith("/"):
                relative = member[len("instance/") :]
                target = os.path.normpath(os.path.join(instance_path, relative))
                if not target.startswith(os.path.abspath(instance_path) + os.sep):
                    continue  # never write outside the instance folder
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with archive.open(member) as source, open(target, "wb") as out:
                    out.write(source.read())
                summary.instance_files.append(relative)
    if migrate is not None:
        migrate("head")
    sync_categories()
    db.session.commit()
    return summary


def _load_table(connection: sa.Connection, archive: zipfile.ZipFile, table: sa.Table) -> int:
    decoders = {c.name: decoder(c) for c in table.columns}
    count = 0
    batch: list[dict[str, Any]] = []
    with archive.open(f"tables/{table.name}.jsonl") as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if not line.strip():
                continue
            row = json.loads(line)
            batch.append({k: decoders[k](v) for k, v in row.items() if k in decoders})
            if len(batch) >= BATCH:
                connection.execute(table.insert(), batch)
                count += len(batch)
                batch = []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    return count


def reset_sequences(connection: sa.Connection) -> None:
    """Move every id sequence past the highest id restored, so new rows get fresh ids."""
    for table in hub_tables():
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = connection.execute(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            ).scalar()
            if not sequence:
                continue
            connection.execute(
                sa.text(
                    f'SELECT setval(:seq, COALESCE((SELECT MAX("{column.name}") FROM '
                    f'"{table.name}"), 1), (SELECT MAX("{column.name}") FROM "{table.name}") '
                    "IS NOT NULL)"
                ),
                {"seq": sequence},
            )
