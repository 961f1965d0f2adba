"""add institution memberships, API tokens and the audit log

Revision ID: 0007
Revises: 0006

Users had one global role. They now have a role per institution, and a
deployment administrator flag above the roles. Existing users keep what they
could do before:

- an admin becomes a deployment administrator (and needs no membership);
- an auditor, editor or viewer becomes a member with the same role in every
  institution that exists at upgrade time, because the global role covered
  all of them. A deployment administrator narrows this afterwards.

The downgrade gives each user back one global role: admin for a deployment
administrator, else the role of the user's first membership, else viewer.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ROLE_TYPE = sa.Enum("admin", "auditor", "editor", "viewer", name="role", native_enum=False, length=16)


def upgrade() -> None:
    create_membership_table()
    create_api_token_table()
    create_audit_entry_table()

    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("is_deployment_admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    move_global_roles_to_memberships()
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.alter_column("is_deployment_admin", server_default=None)
        batch_op.drop_column("role")


def create_membership_table() -> None:
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("role", ROLE_TYPE, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_membership_user_id_user_account")),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institution.id"], name=op.f("fk_membership_institution_id_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint("user_id", "institution_id", name="uq_membership_user_institution"),
    )
    op.create_index(op.f("ix_membership_user_id"), "membership", ["user_id"])
    op.create_index(op.f("ix_membership_institution_id"), "membership", ["institution_id"])


def create_api_token_table() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institution.id"], name=op.f("fk_api_token_institution_id_institution")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_api_token_created_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_token_secret_hash")),
    )
    op.create_index(op.f("ix_api_token_institution_id"), "api_token", ["institution_id"])


def create_audit_entry_table() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_login", sa.String(length=64), nullable=True),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"], name=op.f("fk_audit_entry_actor_id_user_account")),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institution.id"], name=op.f("fk_audit_entry_institution_id_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index(op.f("ix_audit_entry_occurred_at"), "audit_entry", ["occurred_at"])
    op.create_index("ix_audit_entry_institution_time", "audit_entry", ["institution_id", "occurred_at"])


def move_global_roles_to_memberships() -> None:
    op.execute("UPDATE user_account SET is_deployment_admin = TRUE WHERE role = 'admin'")
    # Every institution, for every user whose global role covered them all.
    op.execute(
        "INSERT INTO membership (user_id, institution_id, role, created_at) "
        "SELECT user_account.id, institution.id, user_account.role, CURRENT_TIMESTAMP "
        "FROM user_account CROSS JOIN institution WHERE user_account.role <> 'admin'"
    )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("role", ROLE_TYPE, nullable=False, server_default="viewer"))
    op.execute(
        "UPDATE user_account SET role = COALESCE("
        "(SELECT membership.role FROM membership WHERE membership.user_id = user_account.id "
        "ORDER BY membership.id LIMIT 1), 'viewer')"
    )
    op.execute("UPDATE user_account SET role = 'admin' WHERE is_deployment_admin")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.alter_column("role", server_default=None)
        batch_op.drop_column("is_deployment_admin")

    op.drop_index("ix_audit_entry_institution_time", table_name="audit_entry")
    op.drop_index(op.f("ix_audit_entry_occurred_at"), table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index(op.f("ix_api_token_institution_id"), table_name="api_token")
    op.drop_table("api_token")
    op.drop_index(op.f("ix_membership_institution_id"), table_name="membership")
    op.drop_index(op.f("ix_membership_user_id"), table_name="membership")
    op.drop_table("membership")
