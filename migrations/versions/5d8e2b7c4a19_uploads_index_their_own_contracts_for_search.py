"""uploads index their own contracts for search: SQLite's full-text insert trigger skips them

SQLite keeps the full-text table ``contract_fts`` in step with ``contract`` by triggers
(migration 4e1be76d1820). Fired once per row, the insert trigger was about two thirds of the
time a register import spent inserting contracts (2,000 rows: 0.23 s with it, 0.08 s
without), while the same rows added to the full-text table by one ``INSERT … SELECT`` after
the batch cost almost nothing. So a contract stored by an upload (``upload_id`` set) is now
added to the full-text table by the import itself, right after each batch and in the same
transaction (``registers.service``); every other insert (a contract created on its own page or
through the API) is still indexed by the trigger. A restore rebuilds the full-text table.

PostgreSQL is unchanged: its search index is an expression index, kept by the database.

Revision ID: 5d8e2b7c4a19
Revises: 9b4d2f6a1c37
Create Date: 2026-11-28 03:10:00.000000

"""

from alembic import op
from sqlalchemy import inspect

# revision identifiers, used by Alembic.
revision = "5d8e2b7c4a19"
down_revision = "9b4d2f6a1c37"
branch_labels = None
depends_on = None

COLUMNS = "title, description, supplier_name, reference"
VALUES = "new.id, new.title, new.description, new.supplier_name, new.reference"


def _has_fts() -> bool:
    bind = op.get_bind()
    return bind.dialect.name == "sqlite" and inspect(bind).has_table("contract_fts")


def _insert_trigger(condition: str) -> str:
    return f"""CREATE TRIGGER contract_fts_insert AFTER INSERT ON contract {condition} BEGIN
        INSERT INTO contract_fts(rowid, {COLUMNS}) VALUES ({VALUES});
    END"""


def upgrade():
    if not _has_fts():
        return
    op.execute("DROP TRIGGER IF EXISTS contract_fts_insert")
    op.execute(_insert_trigger("WHEN new.upload_id IS NULL"))


def downgrade():
    if not _has_fts():
        return
    op.execute("DROP TRIGGER IF EXISTS contract_fts_insert")
    op.execute(_insert_trigger(""))
