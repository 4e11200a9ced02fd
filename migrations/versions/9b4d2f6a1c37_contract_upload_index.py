"""contract upload index: an upload's contracts found without scanning the hub

After each upload the opportunities of the category groups it touched are recomputed
(DESIGN §3), and finding those groups reads the upload's own contracts
(``alignment.freshness.upload_categories``). Without an index on ``contract.upload_id`` that
read scanned every contract of the hub, so each upload cost more as the hub grew.

Revision ID: 9b4d2f6a1c37
Revises: 52e3962f2e7a
Create Date: 2026-11-28 02:45:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9b4d2f6a1c37"
down_revision = "52e3962f2e7a"
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: on SQLite a batch could copy the table and lose its full-text triggers.
    op.create_index("ix_contract_upload_id", "contract", ["upload_id"], unique=False)


def downgrade():
    op.drop_index("ix_contract_upload_id", table_name="contract")
