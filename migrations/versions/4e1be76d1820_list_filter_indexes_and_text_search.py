"""list filter indexes and text search

Every filter of the contract list (DESIGN §4) gets an index whose trailing columns are the
list's keyset order, and `q` gets a full-text index, so a page costs the same at 10,000 and at
1,000,000 contracts (DESIGN §7, issue 8 item 9).

The B-tree indexes are declared in `contracts/models.py`. The text-search objects cannot be,
so they live here only and `migrations/env.py` keeps autogenerate and `db check` away from them
(its `include_object`):

- SQLite: an FTS5 table `contract_fts` over title, description, supplier_name and reference,
  with `contract` as its external content (no second copy of the text), kept in step by three
  triggers. A later migration that rebuilds `contract` in batch mode drops those triggers with
  the old table: it must create them again (tests/core/test_contract_list_plans.py fails if
  the search stops following edits). Without FTS5 in the SQLite build nothing is created and
  the search falls back to LIKE (slower, same words).
- PostgreSQL: a GIN index over the `to_tsvector('simple', ...)` expression that
  `contracts.service` searches with, character for character.

Revision ID: 4e1be76d1820
Revises: c0e523e367ec
Create Date: 2026-11-27 20:53:46.224790

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "4e1be76d1820"
down_revision = "c0e523e367ec"
branch_labels = None
depends_on = None

COLUMNS = "title, description, supplier_name, reference"

# Must stay identical to contracts.service.search_document() for PostgreSQL to use the index.
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, regexp_replace("
    "COALESCE(title, '') || ' ' || COALESCE(description, '') || ' ' || "
    "COALESCE(supplier_name, '') || ' ' || COALESCE(reference, ''), "
    "'[^[:alnum:]]+', ' ', 'g'))"
)

SQLITE_UPGRADE = [
    f"""CREATE VIRTUAL TABLE contract_fts USING fts5(
        {COLUMNS}, content='contract', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    f"""CREATE TRIGGER contract_fts_insert AFTER INSERT ON contract BEGIN
        INSERT INTO contract_fts(rowid, {COLUMNS})
        VALUES (new.id, new.title, new.description, new.supplier_name, new.reference);
    END""",
    f"""CREATE TRIGGER contract_fts_delete AFTER DELETE ON contract BEGIN
        INSERT INTO contract_fts(contract_fts, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title, old.description, old.supplier_name, old.reference);
    END""",
    f"""CREATE TRIGGER contract_fts_update AFTER UPDATE OF {COLUMNS} ON contract BEGIN
        INSERT INTO contract_fts(contract_fts, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title, old.description, old.supplier_name, old.reference);
        INSERT INTO contract_fts(rowid, {COLUMNS})
        VALUES (new.id, new.title, new.description, new.supplier_name, new.reference);
    END""",
    "INSERT INTO contract_fts(contract_fts) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS contract_fts_update",
    "DROP TRIGGER IF EXISTS contract_fts_delete",
    "DROP TRIGGER IF EXISTS contract_fts_insert",
    "DROP TABLE IF EXISTS contract_fts",
]


def _sqlite_has_fts5() -> bool:
    bind = op.get_bind()
    options = {row[0] for row in bind.exec_driver_sql("PRAGMA compile_options")}
    if "ENABLE_FTS5" in options:
        return True
    try:  # FTS5 may also be loaded as an extension: ask the module list
        modules = {row[0] for row in bind.exec_driver_sql("PRAGMA module_list")}
    except Exception:  # noqa: BLE001 - an old SQLite without the pragma: no FTS5
        return False
    return "fts5" in modules


def upgrade():
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_end_date")
        batch_op.create_index("ix_contract_end_date_id", ["end_date", "id"], unique=False)
        batch_op.create_index("ix_contract_council_id", ["council_id", "id"], unique=False)
        batch_op.create_index(
            "ix_contract_council_end", ["council_id", "end_date", "id"], unique=False
        )
        batch_op.create_index("ix_contract_workstream_id", ["workstream", "id"], unique=False)
        batch_op.create_index(
            "ix_contract_workstream_end", ["workstream", "end_date", "id"], unique=False
        )
        batch_op.create_index("ix_contract_category_id", ["category", "id"], unique=False)
        batch_op.create_index(
            "ix_contract_category_end", ["category", "end_date", "id"], unique=False
        )

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_contract_search ON contract USING gin ({PG_DOCUMENT})")
    elif dialect == "sqlite" and _sqlite_has_fts5():
        for statement in SQLITE_UPGRADE:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_contract_search")
    elif dialect == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_category_end")
        batch_op.drop_index("ix_contract_category_id")
        batch_op.drop_index("ix_contract_workstream_end")
        batch_op.drop_index("ix_contract_workstream_id")
        batch_op.drop_index("ix_contract_council_end")
        batch_op.drop_index("ix_contract_council_id")
        batch_op.drop_index("ix_contract_end_date_id")
        batch_op.create_index("ix_contract_end_date", ["end_date"], unique=False)
