"""The database triggers that keep ResponseCount in step with the response table.

Migration 0010 runs these statements in a migrated database, and
``create_all`` runs them with the response table, for a new database made
from the models, so both get the same triggers and functions. A change to
them needs a new migration that replaces them in migrated databases.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, event

from cxaudit.models.survey import Response

# SQLite stores a DateTime as text, "2026-11-05 23:41:07.123456" (SQLAlchemy's
# format), so the bucket is cut from that text in the same format.
SQLITE_BUCKET = (
    "CASE WHEN substr({at}, 12, 2) IN ('22', '23') "
    "THEN substr({at}, 1, 10) || ' ' || substr({at}, 12, 2) || ':00:00.000000' "
    "ELSE substr({at}, 1, 10) || ' 00:00:00.000000' END"
)

_SQLITE_REMOVE_OLD = f"""
        UPDATE response_count SET answers = answers - 1
        WHERE survey_id = OLD.survey_id AND bucket_start = {SQLITE_BUCKET.format(at="OLD.received_at")}
            AND score = OLD.score;
        DELETE FROM response_count
        WHERE survey_id = OLD.survey_id AND bucket_start = {SQLITE_BUCKET.format(at="OLD.received_at")}
            AND score = OLD.score AND answers = 0;
"""
_SQLITE_ADD_NEW = f"""
        INSERT INTO response_count (survey_id, bucket_start, score, answers)
        VALUES (NEW.survey_id, {SQLITE_BUCKET.format(at="NEW.received_at")}, NEW.score, 1)
        ON CONFLICT (survey_id, bucket_start, score) DO UPDATE SET answers = answers + 1;
"""
SQLITE_STATEMENTS = [
    f"CREATE TRIGGER response_count_insert AFTER INSERT ON response BEGIN {_SQLITE_ADD_NEW} END",
    f"CREATE TRIGGER response_count_delete AFTER DELETE ON response BEGIN {_SQLITE_REMOVE_OLD} END",
    "CREATE TRIGGER response_count_update AFTER UPDATE OF survey_id, received_at, score ON response "
    f"BEGIN {_SQLITE_REMOVE_OLD} {_SQLITE_ADD_NEW} END",
]

# PostgreSQL runs one trigger per statement over its transition tables, so a
# bulk insert or delete changes each count once, not once per answer. The
# upserts take the count rows in key order, so two bulk statements lock them
# in the same order.
_POSTGRESQL_UPSERT = (
    "INSERT INTO response_count AS counted (survey_id, bucket_start, score, answers) {rows} "
    "ON CONFLICT (survey_id, bucket_start, score) DO UPDATE SET answers = counted.answers + excluded.answers;"
)
POSTGRESQL_STATEMENTS = [
    """
    CREATE OR REPLACE FUNCTION response_bucket_start(moment timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN extract(hour FROM moment AT TIME ZONE 'UTC') IN (22, 23)
            THEN date_trunc('hour', moment AT TIME ZONE 'UTC')
            ELSE date_trunc('day', moment AT TIME ZONE 'UTC') END AT TIME ZONE 'UTC'
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION response_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_POSTGRESQL_UPSERT.format(rows='''
                SELECT survey_id, response_bucket_start(received_at), score, count(*)
                FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3''')}
            RETURN NULL;
        END IF;

        IF TG_OP = 'DELETE' THEN
            {_POSTGRESQL_UPSERT.format(rows='''
                SELECT survey_id, response_bucket_start(received_at), score, -count(*)
                FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3''')}
        ELSE
            {_POSTGRESQL_UPSERT.format(rows='''
                SELECT survey_id, bucket, score, sum(change) FROM (
                    SELECT survey_id, response_bucket_start(received_at) AS bucket, score, 1 AS change FROM new_rows
                    UNION ALL
                    SELECT survey_id, response_bucket_start(received_at), score, -1 FROM old_rows
                ) AS changes
                GROUP BY 1, 2, 3 HAVING sum(change) <> 0 ORDER BY 1, 2, 3''')}
        END IF;
        DELETE FROM response_count AS counted
        USING (SELECT DISTINCT survey_id, response_bucket_start(received_at) AS bucket, score FROM old_rows) AS emptied
        WHERE counted.survey_id = emptied.survey_id AND counted.bucket_start = emptied.bucket
            AND counted.score = emptied.score AND counted.answers = 0;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER response_count_insert AFTER INSERT ON response "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION response_count_apply()",
    "CREATE TRIGGER response_count_delete AFTER DELETE ON response "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION response_count_apply()",
    "CREATE TRIGGER response_count_update AFTER UPDATE ON response "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION response_count_apply()",
]


def trigger_statements(dialect: str) -> list[str]:
    """Return the statements that create the functions and triggers on ``dialect`` ("sqlite" or "postgresql")."""
    return POSTGRESQL_STATEMENTS if dialect == "postgresql" else SQLITE_STATEMENTS


@event.listens_for(Response.__table__, "after_create")
def create_response_count_triggers(table: Table, connection: Connection, **_kwargs) -> None:
    """Create the triggers right after ``create_all`` creates the response table.

    Neither database checks the tables a trigger's body names when the
    trigger is created, so response_count may be created after it.
    """
    for statement in trigger_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)
