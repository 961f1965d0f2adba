"""The answer counts per survey, score and bucket stay equal to the answers, on SQLite and PostgreSQL.

Every check compares the response_count table with counts worked out in
Python from the answers left in the response table. The cases cover each way
an answer is stored, changed or deleted: one at a time, in bulk, late
(received long ago), deleted, moved to another survey, time or score, by
retention, with the deletion of an institution and by the upgrade to 0010.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import delete, insert, inspect, select, update

from cxaudit.database import alembic_config, create_schema, migrate_database
from cxaudit.extensions import db
from cxaudit.models import Base, Institution, Response, ResponseCount, Survey, SurveyKind
from cxaudit.models.survey import bucket_start, is_bucket_start
from cxaudit.privacy.delete import delete_institution
from cxaudit.retention import run_retention
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.satisfaction_report import build_satisfaction

# Answer times on both sides of each bucket start: 22:00 UTC (a Warsaw
# midnight in summer time), 23:00 UTC (one in winter time) and 00:00 UTC.
EDGE_TIMES = [
    datetime(2026, 7, 14, 21, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 7, 14, 22, 0, tzinfo=UTC),
    datetime(2026, 7, 14, 22, 59, 59, tzinfo=UTC),
    datetime(2026, 7, 14, 23, 0, tzinfo=UTC),
    datetime(2026, 7, 14, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 7, 15, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 5, 12, 30, tzinfo=UTC),
]


def stored_counts() -> dict[tuple[int, datetime, int], int]:
    rows = db.session.execute(
        select(ResponseCount.survey_id, ResponseCount.bucket_start, ResponseCount.score, ResponseCount.answers)
    )
    return {(survey_id, as_utc(start), score): answers for survey_id, start, score, answers in rows}


def expected_counts() -> dict[tuple[int, datetime, int], int]:
    """Count the stored answers per survey, bucket and score in Python."""
    rows = db.session.execute(select(Response.survey_id, Response.received_at, Response.score))
    return dict(Counter((survey_id, bucket_start(as_utc(at)), score) for survey_id, at, score in rows))


def as_utc(moment: datetime) -> datetime:
    # SQLite returns naive datetimes, which are stored in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def add_surveys(slug: str = "muzeum", retention_months: int | None = None) -> tuple[Survey, Survey]:
    institution = Institution(slug=slug, name=slug, default_language="pl", retention_months=retention_months)
    db.session.add(institution)
    db.session.flush()
    nps = Survey(institution_id=institution.id, kind=SurveyKind.NPS)
    csat = Survey(institution_id=institution.id, kind=SurveyKind.CSAT)
    db.session.add_all([nps, csat])
    db.session.flush()
    return nps, csat


def answer(survey: Survey, score: int, at: datetime) -> Response:
    return Response(survey_id=survey.id, score=score, language="pl", received_at=at)


@pytest.fixture
def surveys(any_db_app):
    with any_db_app.app_context(), any_db_app.test_request_context():
        nps, csat = add_surveys()
        db.session.add_all(answer(nps, 9 + index % 2, at) for index, at in enumerate(EDGE_TIMES))
        db.session.add_all(answer(csat, 4, at) for at in EDGE_TIMES[:3])
        db.session.commit()
        yield nps, csat


def test_bucket_starts():
    assert [bucket_start(at).isoformat() for at in EDGE_TIMES] == [
        "2026-07-14T00:00:00+00:00",
        "2026-07-14T22:00:00+00:00",
        "2026-07-14T22:00:00+00:00",
        "2026-07-14T23:00:00+00:00",
        "2026-07-14T23:00:00+00:00",
        "2026-07-15T00:00:00+00:00",
        "2026-11-05T00:00:00+00:00",
    ]


def test_warsaw_midnights_start_buckets():
    for month in ("2026-01", "2026-03", "2026-04", "2026-10", "2026-11"):
        period = parse_period(month)
        assert is_bucket_start(period.start), month
        assert is_bucket_start(period.end), month
    assert not is_bucket_start(datetime(2026, 7, 14, 21, 0, tzinfo=UTC))
    assert not is_bucket_start(datetime(2026, 7, 14, 22, 0, 1, tzinfo=UTC))


def test_counts_after_single_inserts(surveys):
    nps, _csat = surveys

    counts = stored_counts()

    assert counts == expected_counts()
    assert counts[(nps.id, datetime(2026, 7, 14, 22, 0, tzinfo=UTC), 10)] == 1
    assert counts[(nps.id, datetime(2026, 7, 14, 22, 0, tzinfo=UTC), 9)] == 1
    assert sum(counts.values()) == len(EDGE_TIMES) + 3


def test_counts_after_bulk_insert(surveys):
    nps, csat = surveys
    moment = datetime(2026, 8, 1, 10, 0, tzinfo=UTC)
    rows = [{"survey_id": survey.id, "score": 5, "language": "pl", "received_at": moment} for survey in (nps, csat) * 50]

    db.session.execute(insert(Response), rows)
    db.session.commit()

    counts = stored_counts()
    assert counts == expected_counts()
    assert counts[(nps.id, datetime(2026, 8, 1, tzinfo=UTC), 5)] == 50
    assert counts[(csat.id, datetime(2026, 8, 1, tzinfo=UTC), 5)] == 50


def test_late_answer_counts_in_its_month(surveys):
    nps, _csat = surveys
    november = parse_period("2026-11")
    before = build_satisfaction(nps.institution_id, november).for_kind(SurveyKind.NPS)

    db.session.add(answer(nps, 0, datetime(2026, 6, 30, 21, 30, tzinfo=UTC)))
    db.session.commit()

    assert stored_counts() == expected_counts()
    after = build_satisfaction(nps.institution_id, november).for_kind(SurveyKind.NPS)
    june_before = next(month for month in before.by_month if month.first_day.isoformat() == "2026-06-01")
    june_after = next(month for month in after.by_month if month.first_day.isoformat() == "2026-06-01")
    assert june_before.current is None
    assert june_after.current.responses == 1
    assert june_after.current.detractors == 1


def test_deleted_answers_leave_no_counts(surveys):
    _nps, csat = surveys

    for response in db.session.scalars(select(Response).where(Response.survey_id == csat.id)):
        db.session.delete(response)
    db.session.commit()

    counts = stored_counts()
    assert counts == expected_counts()
    assert not [key for key in counts if key[0] == csat.id]
    assert all(answers > 0 for answers in counts.values())


def test_moved_answers_move_counts(surveys):
    nps, csat = surveys
    moved = db.session.scalars(select(Response).where(Response.survey_id == nps.id).order_by(Response.id)).all()

    moved[0].survey_id = csat.id
    moved[1].received_at = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
    moved[2].score = 3
    db.session.commit()

    counts = stored_counts()
    assert counts == expected_counts()
    assert counts[(csat.id, datetime(2026, 7, 14, tzinfo=UTC), 9)] == 1
    assert counts[(nps.id, datetime(2026, 1, 10, tzinfo=UTC), 10)] == 1
    assert counts[(nps.id, datetime(2026, 7, 14, 22, 0, tzinfo=UTC), 3)] == 1


def test_bulk_update_moves_counts(surveys):
    nps, csat = surveys

    db.session.execute(update(Response).where(Response.survey_id == csat.id).values(score=1))
    db.session.execute(update(Response).where(Response.survey_id == nps.id).values(comment="scrubbed"))
    db.session.commit()

    counts = stored_counts()
    assert counts == expected_counts()
    assert counts[(csat.id, datetime(2026, 7, 14, 22, 0, tzinfo=UTC), 1)] == 2


def test_bulk_delete_lowers_counts(surveys):
    nps, _csat = surveys

    db.session.execute(delete(Response).where(Response.received_at < datetime(2026, 7, 14, 23, 0, tzinfo=UTC)))
    db.session.commit()

    counts = stored_counts()
    assert counts == expected_counts()
    assert sum(counts.values()) == 4
    assert (nps.id, datetime(2026, 7, 14, 22, 0, tzinfo=UTC), 10) not in counts


def test_retention_lowers_counts(any_db_app):
    with any_db_app.app_context():
        nps, _csat = add_surveys("krotko", retention_months=6)
        now = datetime(2026, 12, 1, tzinfo=UTC)
        db.session.add_all(answer(nps, 10, now - timedelta(days=days)) for days in (10, 100, 200, 300))
        db.session.commit()

        [result] = run_retention(now=now)
        db.session.commit()

        assert result.answers == 2
        counts = stored_counts()
        assert counts == expected_counts()
        assert sum(counts.values()) == 2


def test_institution_deletion_removes_counts(any_db_app):
    with any_db_app.app_context():
        kept, _other = add_surveys("zostaje")
        gone, _gone_csat = add_surveys("znika")
        db.session.add_all(answer(survey, 7, at) for survey in (kept, gone) for at in EDGE_TIMES)
        db.session.commit()
        kept_id, gone_institution_id = kept.id, gone.institution_id

        delete_institution(db.session.get(Institution, gone_institution_id))

        counts = stored_counts()
        assert counts == expected_counts()
        assert {key[0] for key in counts} == {kept_id}


def test_upgrade_counts_earlier_answers(any_db_app):
    with any_db_app.app_context():
        nps, csat = add_surveys()
        db.session.commit()
        migrate("0009", downgrade=True)
        with db.engine.begin() as connection:
            connection.execute(
                insert(Response.__table__),
                [{"survey_id": survey.id, "score": 2, "language": "pl", "received_at": at}
                 for survey in (nps, csat) for at in EDGE_TIMES],
            )

        migrate("head")

        counts = stored_counts()
        assert counts == expected_counts()
        assert sum(counts.values()) == 2 * len(EDGE_TIMES)


def migrate(revision: str, downgrade: bool = False) -> None:
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if downgrade else command.upgrade)(config, revision)


@pytest.mark.parametrize("make_schema", [create_schema, migrate_database])
def test_counts_on_either_schema(any_db_app, make_schema):
    with any_db_app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        assert inspect(db.engine).get_table_names() == []
        make_schema()

        nps, _csat = add_surveys()
        db.session.add_all(answer(nps, 8, at) for at in EDGE_TIMES)
        db.session.commit()
        db.session.execute(delete(Response).where(Response.received_at >= datetime(2026, 7, 15, tzinfo=UTC)))
        db.session.commit()

        counts = stored_counts()
        assert counts == expected_counts()
        assert sum(counts.values()) == len(EDGE_TIMES) - 2
