"""add answer counts per survey, score and time bucket, kept by triggers

Revision ID: 0010
Revises: 0009

The scorecard's trend months and previous period read these counts instead
of every answer. Triggers keep them in step with every INSERT, DELETE and
UPDATE on the response table (the widget's answers, retention, deletion of an
institution, scripts), and the upgrade counts the answers stored before it.
Each UTC day has three buckets, starting at 00:00, 22:00 and 23:00 UTC; see
cxaudit.models.survey.ResponseCount.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# SQLite stores a DateTime as text, "2026-11-05 23:41:07.123456" (SQLAlchemy's
# format), so the bucket is cut from that text in the same format.
SQLITE_BUCKET = (
    "CASE WHEN substr({at}, 12, 2) IN ('22', '23') "
    "THEN substr({at}, 1, 10) || ' ' || substr({at}, 12, 2) || ':00:00.000000' "
    "ELSE substr({at}, 1, 10) || ' 00:00:00.000000' END"
)

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER response_count_insert AFTER INSERT ON response BEGIN
        INSERT INTO response_count (survey_id, bucket_start, score, answers)
        VALUES (NEW.survey_id, {SQLITE_BUCKET.format(at="NEW.received_at")}, NEW.score, 1)
        ON CONFLICT (survey_id, bucket_start, score) DO UPDATE SET answers = answers + 1;
    END
    """,
    f"""
    CREATE TRIGGER response_count_delete AFTER DELETE ON response BEGIN
        UPDATE response_count SET answers = answers - 1
        WHERE survey_id = OLD.survey_id AND bucket_start = {SQLITE_BUCKET.format(at="OLD.received_at")}
            AND score = OLD.score;
        DELETE FROM response_count
        WHERE survey_id = OLD.survey_id AND bucket_start = {SQLITE_BUCKET.format(at="OLD.received_at")}
            AND score = OLD.score AND answers = 0;
    END
    """,
    f"""
    CREATE TRIGGER response_count_update AFTER UPDATE OF survey_id, received_at, score ON response BEGIN
        UPDATE response_count SET answers = answers - 1
        WHERE survey_id = OLD.survey_id AND bucket_start = {SQLITE_BUCKET.format(at="OLD.received_at")}
            AND score = OLD.score;
        DELETE FROM response_count
        WHERE survey_id = OLD.survey_id AND bucket_start = {SQLITE_BUCKET.format(at="OLD.received_at")}
            AND score = OLD.score AND answers = 0;
        INSERT INTO response_count (survey_id, bucket_start, score, answers)
        VALUES (NEW.survey_id, {SQLITE_BUCKET.format(at="NEW.received_at")}, NEW.score, 1)
        ON CONFLICT (survey_id, bucket_start, score) DO UPDATE SET answers = answers + 1;
    END
    """,
]

# PostgreSQL runs one trigger per statement over its transition tables, so a
# bulk insert or delete changes each count once, not once per answer.
# The upserts take the count rows in key order, so two bulk statements lock them in the same order.
POSTGRESQL_FUNCTIONS = [
    """
    CREATE FUNCTION response_bucket_start(moment timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN extract(hour FROM moment AT TIME ZONE 'UTC') IN (22, 23)
            THEN date_trunc('hour', moment AT TIME ZONE 'UTC')
            ELSE date_trunc('day', moment AT TIME ZONE 'UTC') END AT TIME ZONE 'UTC'
    $$
    """,
    """
    CREATE FUNCTION response_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO response_count AS counted (survey_id, bucket_start, score, answers)
            SELECT survey_id, response_bucket_start(received_at), score, count(*)
            FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            ON CONFLICT (survey_id, bucket_start, score) DO UPDATE SET answers = counted.answers + excluded.answers;
            RETURN NULL;
        END IF;

        IF TG_OP = 'DELETE' THEN
            INSERT INTO response_count AS counted (survey_id, bucket_start, score, answers)
            SELECT survey_id, response_bucket_start(received_at), score, -count(*)
            FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            ON CONFLICT (survey_id, bucket_start, score) DO UPDATE SET answers = counted.answers + excluded.answers;
        ELSE
            INSERT INTO response_count AS counted (survey_id, bucket_start, score, answers)
            SELECT survey_id, bucket, score, sum(change) FROM (
                SELECT survey_id, response_bucket_start(received_at) AS bucket, score, 1 AS change FROM new_rows
                UNION ALL
                SELECT survey_id, response_bucket_start(received_at), score, -1 FROM old_rows
            ) AS changes
            GROUP BY 1, 2, 3 HAVING sum(change) <> 0 ORDER BY 1, 2, 3
            ON CONFLICT (survey_id, bucket_start, score) DO UPDATE SET answers = counted.answers + excluded.answers;
        END IF;
        DELETE FROM response_count AS counted
        USING (SELECT DISTINCT survey_id, response_bucket_start(received_at) AS bucket, score FROM old_rows) AS emptied
        WHERE counted.survey_id = emptied.survey_id AND counted.bucket_start = emptied.bucket
            AND counted.score = emptied.score AND counted.answers = 0;
        RETURN NULL;
    END
    $$
    """,
]
POSTGRESQL_TRIGGERS = [
    """
    CREATE TRIGGER response_count_insert AFTER INSERT ON response
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION response_count_apply()
    """,
    """
    CREATE TRIGGER response_count_delete AFTER DELETE ON response
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION response_count_apply()
    """,
    """
    CREATE TRIGGER response_count_update AFTER UPDATE ON response
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION response_count_apply()
    """,
]
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
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_FUNCTIONS + POSTGRESQL_TRIGGERS:
            op.execute(statement)
        bucket = "response_bucket_start(received_at)"
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        bucket = SQLITE_BUCKET.format(at="received_at")
    # Counts the answers stored before this migration; the triggers count every later change.
    op.execute(
        "INSERT INTO response_count (survey_id, bucket_start, score, answers) "
        f"SELECT survey_id, {bucket}, score, count(*) FROM response GROUP BY 1, 2, 3"
    )


def downgrade() -> None:
    for name in TRIGGER_NAMES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER {name} ON response")
        else:
            op.execute(f"DROP TRIGGER {name}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION response_count_apply()")
        op.execute("DROP FUNCTION response_bucket_start(timestamptz)")
    op.drop_table("response_count")
