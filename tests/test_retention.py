"""Deleting answers and funnel events older than the retention period."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import FunnelEvent, Inquiry, Response
from cxaudit.retention import months_before, run_retention
from privacy_rows import NOW, add_institution, counts, row_count


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 12, 4, tzinfo=UTC), 12, datetime(2025, 12, 4, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2024, 3, 31, tzinfo=UTC), 1, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
    ],
)
def test_months_before_calendar(moment, months, expected):
    assert months_before(moment, months) == expected


def test_nothing_deleted_without_a_period(any_db_app):
    with any_db_app.app_context():
        add_institution("muzeum")

        results = run_retention(now=NOW)

        assert results == []
        assert row_count(Response) == 2


def test_deployment_period_deletes_old_rows(make_app):
    app = make_app(RETENTION_MONTHS=12)
    with app.app_context():
        add_institution("muzeum")

        [result] = run_retention(now=NOW)

        assert (result.answers, result.events, result.inquiries) == (1, 1, 1)
        assert row_count(Response) == 1
        assert row_count(FunnelEvent) == 1
        assert row_count(Inquiry) == 1
        assert db.session.scalar(db.select(Response.comment)) == "Dobra obsługa"


def test_institution_period_replaces_deployment(any_db_app):
    with any_db_app.app_context():
        add_institution("krotko", retention_months=6)
        add_institution("bez-limitu")

        results = run_retention(now=NOW)

        assert [result.slug for result in results] == ["krotko"]
        assert row_count(Response) == 3
        assert row_count(FunnelEvent) == 3


def test_dry_run_deletes_nothing(any_db_app):
    with any_db_app.app_context():
        add_institution("muzeum", retention_months=6)
        before = counts()

        [result] = run_retention(now=NOW, dry_run=True)

        assert result.answers == 1
        assert counts() == before


def test_retention_keeps_scans_and_surveys(any_db_app):
    with any_db_app.app_context():
        add_institution("muzeum", retention_months=1)
        before = counts()

        run_retention(now=NOW)

        after = counts()
        assert after["response"] == 1
        assert {table: count for table, count in after.items() if table not in {"response", "funnel_event", "inquiry"}} == {
            table: count for table, count in before.items() if table not in {"response", "funnel_event", "inquiry"}
        }


def test_worker_runs_retention_daily(app):
    huey = app.extensions["cxaudit_jobs"].huey

    names = [task.name for task in huey._registry.periodic_tasks]

    assert "cxaudit.retention" in names


def test_cli_run_reports_counts(make_app):
    app = make_app(RETENTION_MONTHS=12)
    with app.app_context():
        add_institution("muzeum")

    result = app.test_cli_runner().invoke(cli, ["retention", "run"])

    assert result.exit_code == 0, result.output
    assert "muzeum: deleted 1 answer, 1 inquiry and 1 funnel event from before" in result.output


def test_cli_sets_institution_period(app):
    with app.app_context():
        add_institution("muzeum")
    runner = app.test_cli_runner()

    set_result = runner.invoke(cli, ["institution", "retention", "muzeum", "24"])
    show_result = runner.invoke(cli, ["institution", "retention", "muzeum"])

    assert set_result.exit_code == 0
    assert "muzeum keeps answers for 24 months." in show_result.output


def test_cli_rejects_zero_months(app):
    with app.app_context():
        add_institution("muzeum")

    result = app.test_cli_runner().invoke(cli, ["institution", "retention", "muzeum", "0"])

    assert result.exit_code == 1
    assert "0 months is not a valid retention period" in result.output
