"""opportunity member index: what a run wrote into the member rows, on the opportunity row

Revision ID: 3c5e0a7b9d21
Revises: 8d3128da8e01
Create Date: 2026-11-27 23:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c5e0a7b9d21"
down_revision = "8d3128da8e01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_index", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_column("member_index")
