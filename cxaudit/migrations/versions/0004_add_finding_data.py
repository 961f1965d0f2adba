"""add structured data to findings

Plugins store values such as a form's kind and position, or the message id
and parameters of a text, so their scorecard sections no longer read them
back from the help text. Rows written before this revision have no data.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("finding") as batch_op:
        batch_op.add_column(sa.Column("data", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("finding") as batch_op:
        batch_op.drop_column("data")
