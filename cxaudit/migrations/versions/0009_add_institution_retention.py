"""add a per-institution retention period

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("institution") as batch_op:
        batch_op.add_column(sa.Column("retention_months", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("institution") as batch_op:
        batch_op.drop_column("retention_months")
