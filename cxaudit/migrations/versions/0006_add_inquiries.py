"""add inquiries and their settings

Inquiries from visitors (by mail, form, Facebook, phone) with the times they
were received, first answered and resolved, for the scorecard's response
times. Each institution has one settings row with its own mail addresses and
the hash of its API token.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inquiry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("external_key", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.Enum("email", "form", "facebook", "phone", "other", name="channel", native_enum=False, length=16), nullable=False),
        sa.Column("source", sa.Enum("csv", "mbox", "imap", "api", name="inquirysource", native_enum=False, length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_month", sa.String(length=7), nullable=False),
        sa.Column("first_response_seconds", sa.Integer(), nullable=True),
        sa.Column("resolution_seconds", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["institution_id"], ["institution.id"], name=op.f("fk_inquiry_institution_id_institution")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry")),
        sa.UniqueConstraint("institution_id", "external_key", name="uq_inquiry_institution_key"),
    )
    op.create_index("ix_inquiry_institution_received", "inquiry", ["institution_id", "received_at"])
    op.create_index("ix_inquiry_institution_month", "inquiry", ["institution_id", "received_month"])

    op.create_table(
        "inquiry_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("own_addresses", sa.JSON(), nullable=False),
        sa.Column("api_token_hash", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institution.id"], name=op.f("fk_inquiry_settings_institution_id_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_settings")),
        sa.UniqueConstraint("institution_id", name=op.f("uq_inquiry_settings_institution_id")),
        sa.UniqueConstraint("api_token_hash", name=op.f("uq_inquiry_settings_api_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("inquiry_settings")
    op.drop_index("ix_inquiry_institution_month", table_name="inquiry")
    op.drop_index("ix_inquiry_institution_received", table_name="inquiry")
    op.drop_table("inquiry")
