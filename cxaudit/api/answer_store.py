"""Storing a visitor's answer once per idempotency key, in as few statements
as the database allows.

On PostgreSQL and SQLite one ``INSERT ... ON CONFLICT DO NOTHING RETURNING
id`` stores a new answer and returns its id. A key sent again inserts
nothing, and one SELECT finds the first copy's id. Two copies that arrive at
the same moment need no retry: the unique constraint on (survey, key) makes
the second wait for the first and then insert nothing. These are the two
databases cxaudit runs on.
"""

from __future__ import annotations

import logging

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite

from cxaudit.api.validation import Answer
from cxaudit.extensions import db
from cxaudit.models import Response, Survey
from cxaudit.privacy.scrubber import comment_to_store

logger = logging.getLogger(__name__)


def skipping_insert(insert_for_dialect) -> Insert:
    """Return the INSERT that skips a row whose (survey, key) is stored already
    and returns the new row's id. Built once, so SQLAlchemy compiles it once."""
    table = Response.__table__
    statement = insert_for_dialect(table).on_conflict_do_nothing(index_elements=["survey_id", "idempotency_key"])
    return statement.returning(table.c.id)


SKIPPING_INSERTS = {"postgresql": skipping_insert(postgresql.insert), "sqlite": skipping_insert(sqlite.insert)}


def store_answer_once(survey: Survey, answer: Answer) -> int:
    """Store ``answer`` unless an answer with its key is stored already, and
    return the stored answer's id either way, so a replay looks like the first."""
    values = {
        "survey_id": survey.id,
        "score": answer.score,
        "comment": comment_to_store(survey, answer.comment),
        "language": answer.language,
        "page_url": answer.page_url,
        "idempotency_key": answer.idempotency_key,
    }
    # The table's own INSERT, not the ORM's: no object is built for a row
    # that this request only writes.
    connection = db.session.connection()
    stored_id = connection.execute(SKIPPING_INSERTS[connection.dialect.name], values).scalar_one_or_none()
    if stored_id is None:
        stored_id = find_answer_id(survey.id, answer.idempotency_key)
        logger.info("Answer %s to survey %s was sent again; kept the first", stored_id, survey.public_id)
    db.session.commit()
    return stored_id


def find_answer_id(survey_id: int, key: str) -> int:
    return db.session.scalars(
        select(Response.id).where(Response.survey_id == survey_id, Response.idempotency_key == key)
    ).one()
