"""add funnels per institution and the indexes the scorecard counts with

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funnel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institution.id"], name=op.f("fk_funnel_institution_id_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funnel")),
        sa.UniqueConstraint("institution_id", "name", name="uq_funnel_institution_name"),
    )
    op.create_index(op.f("ix_funnel_institution_id"), "funnel", ["institution_id"], unique=False)
    op.create_index(
        "ix_funnel_event_session_step", "funnel_event", ["session_id", "step", "occurred_at"], unique=False
    )
    op.create_index(
        "ix_response_survey_received_score", "response", ["survey_id", "received_at", "score"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_response_survey_received_score", table_name="response")
    op.drop_index("ix_funnel_event_session_step", table_name="funnel_event")
    op.drop_index(op.f("ix_funnel_institution_id"), table_name="funnel")
    op.drop_table("funnel")
