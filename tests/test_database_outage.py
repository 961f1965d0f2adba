"""Answers when the database is full or its connection is lost: a clear 503,
nothing half stored, and the widget's retry with the same key stored once.

PostgreSQL is not restarted (the server is shared): its connections are
ended with pg_terminate_backend, on the test's own database only. SQLite's
full disk is simulated with ``PRAGMA max_page_count``, which makes SQLite
report "database or disk is full" exactly as a full file system would.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, func, select, text

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind
from conftest import POSTGRES_URL, _reset_postgres

ORIGIN = "https://muzeum.example"
LONG_COMMENT = "Bardzo długi komentarz o obsłudze kasy. " * 45


def add_survey(app) -> str:
    with app.app_context():
        survey = Survey(institution=Institution(slug="muzeum", name="Muzeum"), kind=SurveyKind.NPS, allowed_origins=[ORIGIN])
        db.session.add(survey)
        db.session.commit()
        return survey.public_id


def post_answer(client, public_id: str, key: str, comment: str = "Dziękuję"):
    return client.post(
        f"/api/v1/surveys/{public_id}/responses",
        json={"score": 8, "comment": comment, "key": key},
        headers={"Origin": ORIGIN},
    )


def stored_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


@pytest.fixture
def postgres_app(make_app):
    if not POSTGRES_URL:
        pytest.skip("CXAUDIT_TEST_DATABASE_URL is not set, so PostgreSQL is not tested")
    _reset_postgres(POSTGRES_URL)
    return make_app(DATABASE_URL=POSTGRES_URL)


def terminate_app_connections() -> int:
    """End every other session on the test database, as a PostgreSQL restart would."""
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        ended = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    engine.dispose()
    return ended


def test_idle_connection_lost_is_replaced(postgres_app):
    public_id = add_survey(postgres_app)
    client = postgres_app.test_client()
    assert post_answer(client, public_id, "first-answer-key-0001").status_code == 201

    assert terminate_app_connections() >= 1
    response = post_answer(client, public_id, "second-answer-key-0002")

    assert response.status_code == 201
    assert stored_count(postgres_app) == 2


def test_connection_lost_mid_answer_then_retry_stores_once(postgres_app):
    public_id = add_survey(postgres_app)
    client = postgres_app.test_client()
    with postgres_app.app_context():
        engine = db.engine
    dropped = []

    def drop_before_insert(connection, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO response") and not dropped:
            dropped.append(terminate_app_connections())

    event.listen(engine, "before_cursor_execute", drop_before_insert)
    try:
        first = post_answer(client, public_id, "retried-answer-key-01")
        retry = post_answer(client, public_id, "retried-answer-key-01")
    finally:
        event.remove(engine, "before_cursor_execute", drop_before_insert)

    assert dropped and dropped[0] >= 1
    assert first.status_code == 503
    # Flask-Limiter recomputes the header from its own reset time and rounds
    # down, so the API's 60 seconds can arrive as 59.
    assert first.headers["Retry-After"] in ("59", "60")
    assert "lost its connection to the database" in first.json["error"]["message"]
    assert retry.status_code == 201
    assert stored_count(postgres_app) == 1


def limit_sqlite_pages(app, extra_pages: int) -> None:
    """Let the SQLite file grow by ``extra_pages`` pages only, on every new connection."""
    with app.app_context():
        engine = db.engine
        pages = db.session.scalar(text("PRAGMA page_count"))
        db.session.remove()
    engine.dispose()

    def set_limit(dbapi_connection, connection_record):
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + extra_pages}")

    event.listen(engine, "connect", set_limit)
    app.extensions["test_page_limit"] = set_limit


def lift_sqlite_limit(app) -> None:
    with app.app_context():
        engine = db.engine
    event.remove(engine, "connect", app.extensions.pop("test_page_limit"))
    engine.dispose()


def test_sqlite_full_gives_clear_error_and_keeps_data(app, client):
    public_id = add_survey(app)
    limit_sqlite_pages(app, extra_pages=3)

    statuses = [post_answer(client, public_id, f"full-disk-answer-{number:04d}", LONG_COMMENT).status_code for number in range(40)]

    assert 201 in statuses
    assert 503 in statuses
    refused = statuses.index(503)
    assert set(statuses[:refused]) == {201}
    assert stored_count(app) == refused
    with app.app_context():
        assert db.session.scalar(text("PRAGMA integrity_check")) == "ok"


def first_refused_answer(client, public_id: str):
    """Send long answers until one is refused, and return (its key, the response)."""
    for number in range(200):
        key = f"full-disk-answer-{number:04d}"
        response = post_answer(client, public_id, key, LONG_COMMENT)
        if response.status_code != 201:
            return key, response
    raise AssertionError("200 answers fitted under the page limit")


def test_sqlite_full_message_names_the_cause(app, client):
    public_id = add_survey(app)
    limit_sqlite_pages(app, extra_pages=1)

    _, response = first_refused_answer(client, public_id)

    assert response.status_code == 503
    assert "database is full" in response.json["error"]["message"]


def test_sqlite_answer_refused_when_full_is_stored_once_later(app, client):
    public_id = add_survey(app)
    limit_sqlite_pages(app, extra_pages=1)
    key, refused = first_refused_answer(client, public_id)
    stored_before = stored_count(app)

    lift_sqlite_limit(app)
    first_retry = post_answer(client, public_id, key, LONG_COMMENT)
    second_retry = post_answer(client, public_id, key, LONG_COMMENT)

    assert refused.status_code == 503
    assert first_retry.status_code == 201
    assert second_retry.json["id"] == first_retry.json["id"]
    assert stored_count(app) == stored_before + 1
