"""How long the scorecard takes to compute its satisfaction and funnel figures.

Fills an empty database with one institution, a survey of each kind,
ANSWERS answers spread over 400 days (with page addresses in 8 page groups)
and SESSIONS funnel sessions, then times, over REPEATS runs (median):

- ``sql``: build_satisfaction and build_funnels for the last 30 days, which
  count with GROUP BY in the database;
- ``rows`` (the peer): loading the same answers (the trend months, which
  include both periods) row by row into Python and building the same
  histograms per survey, page group and month there, the approach the SQL
  replaces.

Run from the project root::

    .venv/bin/python bench/scorecard_satisfaction.py [DATABASE_URL]

Without an argument it uses a new SQLite file in a temporary folder. A
PostgreSQL URL must name an empty database that the script may fill. The
last line is ``RESULT name=value ...`` with times in milliseconds.
"""

from __future__ import annotations

import logging
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import SCORE_RANGES, Funnel, FunnelEvent, Institution, Response, Survey, SurveyKind
from cxaudit.models.inquiry import REPORTING_TIME_ZONE
from cxaudit.scorecard.funnels import build_funnels
from cxaudit.scorecard.periods import Period, parse_period
from cxaudit.scorecard.satisfaction_report import build_satisfaction, month_start, trend_months

ANSWERS = 100_000
SESSIONS = 20_000
REPEATS = 5
DAYS = 400
PAGE_GROUPS = ["", "wystawy", "bilety", "wydarzenia", "kontakt", "edukacja", "kolekcja", "o-nas"]
STEPS = ["booking_started", "seat_chosen", "payment", "booking_completed"]


def fill(institution_id: int, rng: random.Random, now: datetime) -> None:
    """Insert the answers and funnel events in bulk."""
    surveys = {kind: Survey(institution_id=institution_id, kind=kind) for kind in SurveyKind}
    db.session.add_all(surveys.values())
    db.session.add(Funnel(institution_id=institution_id, name="Booking", steps=STEPS))
    db.session.flush()

    answers = []
    for _index in range(ANSWERS):
        kind = rng.choice(list(SurveyKind))
        lowest, highest = SCORE_RANGES[kind]
        group = rng.choice(PAGE_GROUPS)
        answers.append(
            {
                "survey_id": surveys[kind].id,
                "score": rng.randint(lowest, highest),
                "language": "pl",
                "page_url": f"https://muzeum.example/{group}/strona" if group else "https://muzeum.example/",
                "received_at": now - timedelta(seconds=rng.randint(0, DAYS * 86400)),
            }
        )
    db.session.execute(insert(Response), answers)

    events = []
    for session in range(SESSIONS):
        start = now - timedelta(seconds=rng.randint(0, DAYS * 86400))
        for index, step in enumerate(STEPS[: rng.randint(1, len(STEPS))]):
            events.append(
                {
                    "survey_id": surveys[SurveyKind.NPS].id,
                    "session_id": f"session-{session:08d}",
                    "step": step,
                    "page_path": "/bilety/",
                    "occurred_at": start + timedelta(minutes=index),
                }
            )
    db.session.execute(insert(FunnelEvent), events)
    db.session.commit()


def histograms_from_rows(institution_id: int, period: Period) -> Counter:
    """Load every answer of the trend months and count them in Python, as code without GROUP BY would."""
    previous = period.previous()
    rows = db.session.execute(
        select(Survey.kind, Survey.public_id, Response.page_url, Response.received_at, Response.score)
        .join(Survey, Response.survey_id == Survey.id)
        .where(
            Survey.institution_id == institution_id,
            Response.received_at >= month_start(trend_months(period)[0]),
            Response.received_at < period.end,
        )
    )
    counts: Counter = Counter()
    for kind, public_id, page_url, received_at, score in rows:
        received_at = received_at.replace(tzinfo=UTC) if received_at.tzinfo is None else received_at
        counts[(kind, "month", received_at.astimezone(REPORTING_TIME_ZONE).strftime("%Y-%m"), score)] += 1
        if period.start <= received_at < period.end:
            segment = page_url.split("/", 4)[3] if page_url and page_url.count("/") >= 3 else None
            counts[(kind, "survey", public_id, score)] += 1
            counts[(kind, "page group", segment, score)] += 1
        elif previous.start <= received_at < previous.end:
            counts[(kind, "previous", public_id, score)] += 1
    return counts


def median_milliseconds(action) -> float:
    timings = []
    for _repeat in range(REPEATS):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="cxaudit-bench-"))
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{folder / 'bench.db'}"
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench", "HUEY_SQLITE_PATH": str(folder / "jobs.db"), "ENABLED_PLUGINS": ["axe"]}
    )
    with app.app_context(), app.test_request_context():
        upgrade_database()
        institution = Institution(slug="bench", name="Bench museum")
        db.session.add(institution)
        db.session.commit()
        fill(institution.id, random.Random(2026), datetime.now(UTC))

        period = parse_period("30d")
        sql = median_milliseconds(lambda: build_satisfaction(institution.id, period))
        funnels = median_milliseconds(lambda: build_funnels(institution.id, period))
        rows = median_milliseconds(lambda: histograms_from_rows(institution.id, period))
        dialect = db.engine.dialect.name

    print(f"{dialect}: {ANSWERS} answers over {DAYS} days, {SESSIONS} funnel sessions, median of {REPEATS} runs")
    print(f"satisfaction figures with GROUP BY (4 queries, 12 trend months): {sql:.1f} ms")
    print(f"peer: loading the same answers into Python and counting there: {rows:.1f} ms")
    print(f"funnel figures (1 funnel of {len(STEPS)} steps, 2 periods): {funnels:.1f} ms")
    print(
        f"RESULT database={dialect} answers={ANSWERS} satisfaction_sql_ms={sql:.1f} "
        f"peer_rows_ms={rows:.1f} funnels_sql_ms={funnels:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
