"""add survey settings, answer idempotency keys and funnel events

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey") as batch_op:
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("response") as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_response_survey_key", ["survey_id", "idempotency_key"])
    op.create_table(
        "funnel_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("page_path", sa.String(length=2048), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], name=op.f("fk_funnel_event_survey_id_survey")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funnel_event")),
    )
    op.create_index("ix_funnel_event_survey_step", "funnel_event", ["survey_id", "step", "occurred_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_funnel_event_survey_step", table_name="funnel_event")
    op.drop_table("funnel_event")
    with op.batch_alter_table("response") as batch_op:
        batch_op.drop_constraint("uq_response_survey_key", type_="unique")
        batch_op.drop_column("idempotency_key")
    with op.batch_alter_table("survey") as batch_op:
        batch_op.drop_column("settings")
