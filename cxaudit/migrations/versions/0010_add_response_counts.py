"""add answer counts per survey, score and time bucket, kept by triggers

Revision ID: 0010
Revises: 0009

The scorecard's trend months and previous period read these counts instead
of every answer. Triggers keep them in step with every INSERT, DELETE and
UPDATE on the response table (the widget's answers, retention, deletion of an
institution, scripts), and the upgrade counts the answers stored before it.
Each UTC day has three buckets, starting at 00:00, 22:00 and 23:00 UTC; see
cxaudit.models.survey.ResponseCount. The trigger statements are those of
cxaudit.models.response_count_triggers, which a new database made from the
models gets too.
"""

import sqlalchemy as sa
from alembic import op

from cxaudit.models.response_count_triggers import SQLITE_BUCKET, trigger_statements

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TRIGGER_NAMES = ("response_count_insert", "response_count_delete", "response_count_update")


def upgrade() -> None:
    op.create_table(
        "response_count",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], name=op.f("fk_response_count_survey_id_survey")),
        sa.PrimaryKeyConstraint("survey_id", "bucket_start", "score", name=op.f("pk_response_count")),
        sqlite_with_rowid=False,
    )
    dialect = op.get_bind().dialect.name
    for statement in trigger_statements(dialect):
        op.execute(statement)
    bucket = "response_bucket_start(received_at)" if dialect == "postgresql" else SQLITE_BUCKET.format(at="received_at")
    # Counts the answers stored before this migration; the triggers count every later change.
    op.execute(
        "INSERT INTO response_count (survey_id, bucket_start, score, answers) "
        f"SELECT survey_id, {bucket}, score, count(*) FROM response GROUP BY 1, 2, 3"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name} ON response" if postgresql else f"DROP TRIGGER {name}")
    if postgresql:
        op.execute("DROP FUNCTION response_count_apply()")
        op.execute("DROP FUNCTION response_bucket_start(timestamptz)")
    op.drop_table("response_count")
