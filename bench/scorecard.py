"""How long one scorecard takes in each format, on a large institution.

Fills an empty database, with bulk inserts, with:

- one large institution with ANSWERS answers to a survey of each kind over
  400 days and FUNNEL_EVENTS funnel events. Its two sites are scanned twice
  each, PAGES pages in all. Every page has axe violations and a result to
  review, and every fifth page a form checked by the forms plugin;
- SMALL_INSTITUTIONS small institutions, so the benchmark (which needs five)
  is computed too, as it would be in a deployment of several institutions.

The large institution also gets INQUIRIES inquiries over 400 days, most of
them answered and resolved. ``--reuse`` adds them to a database filled
before the bench had inquiries.

After filling it refreshes the planner's statistics (VACUUM ANALYZE on
PostgreSQL, ANALYZE on SQLite), as autovacuum would do after a bulk load.
It then times, REPEATS times each (median), building the large
institution's scorecard for the last 30 days, and building and rendering it
in every format, and compares each format's time with the target of
TARGET_SECONDS. Each figure comes with the CPU time of this process, which
the load of a shared machine inflates less. Run from the project root::

    .venv/bin/python bench/scorecard.py [sqlite | DATABASE_URL] [--reuse]

Without an argument it uses a new SQLite file in a temporary folder. A
PostgreSQL URL must name a database that the script may empty and fill; a
SQLite URL (sqlite:////tmp/bench.db) names a file to fill or, with
``--reuse``, to time again. With ``--reuse`` a database filled by an earlier
run is timed again without filling it. The last line is
``RESULT name=value ...`` with seconds.
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import (
    SCORE_RANGES,
    Channel,
    Finding,
    Funnel,
    FunnelEvent,
    Inquiry,
    InquirySource,
    Institution,
    PageResult,
    Response,
    Scan,
    ScanStatus,
    Site,
    Survey,
    SurveyKind,
)
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.render import FORMATS, needs_page_groups, render

ANSWERS = 1_000_000
FUNNEL_EVENTS = 100_000
PAGES = 10_000
INQUIRIES = 10_000
SMALL_INSTITUTIONS = 5
REPEATS = 3
TARGET_SECONDS = 2.0
DAYS = 400
CHUNK = 50_000
PAGE_GROUPS = ["", "wystawy", "bilety", "wydarzenia", "kontakt", "edukacja", "kolekcja", "o-nas"]
STEPS = ["booking_started", "seat_chosen", "payment", "booking_completed"]
AXE_RULES = [
    ("image-alt", "critical"), ("label", "critical"), ("button-name", "critical"), ("color-contrast", "serious"),
    ("link-name", "serious"), ("html-has-lang", "serious"), ("frame-title", "serious"), ("region", "moderate"),
    ("heading-order", "moderate"), ("landmark-one-main", "moderate"), ("page-has-heading-one", "moderate"),
    ("list", "minor"), ("listitem", "minor"), ("meta-viewport", "minor"), ("link-in-text-block", "minor"),
]


def insert_in_chunks(model, rows) -> None:
    """Insert rows from an iterator CHUNK at a time, so a million rows never sit in memory at once."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            db.session.execute(insert(model), chunk)
            chunk = []
    if chunk:
        db.session.execute(insert(model), chunk)


def fill_answers(institution_id: int, rng: random.Random, now: datetime, answers: int) -> dict[SurveyKind, Survey]:
    surveys = {kind: Survey(institution_id=institution_id, kind=kind) for kind in SurveyKind}
    db.session.add_all(surveys.values())
    db.session.flush()

    def rows():
        for _index in range(answers):
            kind = rng.choice(list(SurveyKind))
            lowest, highest = SCORE_RANGES[kind]
            group = rng.choice(PAGE_GROUPS)
            yield {
                "survey_id": surveys[kind].id,
                "score": rng.randint(lowest, highest),
                "language": "pl",
                "comment": "=HYPERLINK(\"http://127.0.0.1:9/\")" if rng.random() < 0.01 else None,
                "page_url": f"https://muzeum.example/{group}/strona" if group else "https://muzeum.example/",
                "received_at": now - timedelta(seconds=rng.randint(0, DAYS * 86400)),
            }

    insert_in_chunks(Response, rows())
    return surveys


def fill_funnel(institution_id: int, survey: Survey, rng: random.Random, now: datetime) -> None:
    db.session.add(Funnel(institution_id=institution_id, name="Rezerwacja", steps=STEPS))

    def rows():
        written, session = 0, 0
        while written < FUNNEL_EVENTS:
            start = now - timedelta(seconds=rng.randint(0, DAYS * 86400))
            for index, step in enumerate(STEPS[: rng.randint(1, len(STEPS))]):
                if written == FUNNEL_EVENTS:
                    return
                yield {
                    "survey_id": survey.id,
                    "session_id": f"session-{session:08d}",
                    "step": step,
                    "page_path": "/bilety/",
                    "occurred_at": start + timedelta(minutes=index),
                }
                written += 1
            session += 1

    insert_in_chunks(FunnelEvent, rows())


def form_findings(page_id: int, page_number: int) -> list[dict]:
    """Build an inventory record and one problem of a contact form, as the forms plugin stores them."""
    form = {"position": 1, "kind": "contact", "selector": "form#kontakt", "fields": 4}
    common = {"page_id": page_id, "plugin": "forms", "targets": ["form#kontakt"], "wcag": [], "count": 1}
    return [
        {**common, "rule": "form-inventory", "outcome": "inventory", "impact": None, "help": "Formularz 1 (kontakt)",
         "help_url": None, "data": {"form": form}},
        {**common, "rule": "form-field-label", "outcome": "violation", "impact": "serious",
         "help": f"Formularz 1 (kontakt): pole {page_number % 4} bez etykiety", "help_url": None, "data": {"form": form}},
    ]


def fill_scans(institution_id: int, rng: random.Random, now: datetime, pages: int, slug: str) -> None:
    """Two sites, each with an older and a latest finished scan, ``pages`` pages in all."""
    scans = []
    for site_number in range(2):
        site = Site(institution_id=institution_id, base_url=f"https://{slug}-{site_number}.example/")
        db.session.add(site)
        db.session.flush()
        for days_ago in (40, 2):
            finished = now - timedelta(days=days_ago)
            scans.append(Scan(site_id=site.id, url=site.base_url, status=ScanStatus.FINISHED, finished_at=finished,
                              axe_core_version="4.10.0"))
    db.session.add_all(scans)
    db.session.flush()

    per_scan = pages // len(scans)
    for scan in scans:
        db.session.execute(
            insert(PageResult),
            [{"scan_id": scan.id, "url": f"{scan.url}strona-{number}", "status": "audited", "audit_errors": []}
             for number in range(per_scan)],
        )
    page_ids = db.session.execute(text("SELECT id FROM page_result ORDER BY id DESC LIMIT :count"), {"count": per_scan * len(scans)}).all()

    def rows():
        for number, (page_id,) in enumerate(page_ids):
            for rule, impact in rng.sample(AXE_RULES, 4):
                yield {"page_id": page_id, "plugin": "axe", "rule": rule, "outcome": "violation", "impact": impact,
                       "wcag": [], "count": rng.randint(1, 6), "targets": ["img"], "help": f"Fix {rule}",
                       "help_url": f"https://dequeuniversity.com/rules/axe/4.10/{rule}", "data": {}}
            yield {"page_id": page_id, "plugin": "axe", "rule": "color-contrast-enhanced", "outcome": "needs-review",
                   "impact": "serious", "wcag": [], "count": 1, "targets": ["p"], "help": "Check the contrast",
                   "help_url": None, "data": {}}
            if number % 5 == 0:
                yield from form_findings(page_id, number)

    insert_in_chunks(Finding, rows())


def inquiry_row(institution_id: int, number: int, rng: random.Random, now: datetime) -> dict:
    """One inquiry as the importers store it; one in ten is unanswered and one in five unresolved."""
    received = now - timedelta(seconds=rng.randint(0, DAYS * 86400))
    answered = received + timedelta(minutes=rng.randint(5, 7 * 24 * 60)) if rng.random() >= 0.1 else None
    resolved = answered + timedelta(hours=rng.randint(0, 96)) if answered and rng.random() >= 0.2 else None
    inquiry = Inquiry(institution_id=institution_id, external_key=f"bench-{number:06d}",
                      channel=rng.choice(list(Channel)), source=InquirySource.CSV, imported_at=now)
    inquiry.set_times(received, answered, resolved)
    columns = ("institution_id", "external_key", "channel", "source", "received_at", "first_response_at",
               "resolved_at", "received_month", "first_response_seconds", "resolution_seconds", "imported_at")
    return {column: getattr(inquiry, column) for column in columns}


def fill_inquiries(institution_id: int, rng: random.Random, now: datetime) -> None:
    insert_in_chunks(Inquiry, (inquiry_row(institution_id, number, rng, now) for number in range(INQUIRIES)))


def fill(rng: random.Random, now: datetime) -> Institution:
    """Fill the database and return the large institution."""
    large = Institution(slug="duze-muzeum", name="Duże Muzeum")
    db.session.add(large)
    db.session.flush()
    surveys = fill_answers(large.id, rng, now, ANSWERS)
    fill_funnel(large.id, surveys[SurveyKind.NPS], rng, now)
    fill_scans(large.id, rng, now, PAGES, large.slug)
    fill_inquiries(large.id, rng, now)

    for number in range(SMALL_INSTITUTIONS):
        small = Institution(slug=f"male-{number}", name=f"Małe muzeum {number}")
        db.session.add(small)
        db.session.flush()
        fill_answers(small.id, rng, now, 200)
        fill_scans(small.id, rng, now, 20, small.slug)
    db.session.commit()
    return large


def median_seconds(action) -> tuple[float, float]:
    """Run ``action`` REPEATS times; return the median wall-clock seconds and the median CPU seconds of this process.

    The CPU time leaves out the database server's work but also the time this
    process waits for a core, so on a loaded machine it shows the Python
    share that the wall-clock time hides.
    """
    wall, cpu = [], []
    for _repeat in range(REPEATS):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages, which every figure should be read with."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def refresh_statistics() -> None:
    """Update the planner's statistics and PostgreSQL's visibility map, as autovacuum would after a bulk load.

    Without statistics, PostgreSQL estimates a handful of rows in a range of a
    million freshly inserted answers and picks a plan for that; without the
    visibility map, no index-only scan is possible.
    """
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))


def empty_postgresql(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="cxaudit-bench-"))
    arguments = [argument for argument in sys.argv[1:] if argument != "--reuse"]
    reuse = "--reuse" in sys.argv[1:]
    argument = arguments[0] if arguments else "sqlite"
    url = f"sqlite:///{folder / 'bench.db'}" if argument == "sqlite" else argument
    if url.startswith("postgresql") and not reuse:
        empty_postgresql(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "HUEY_SQLITE_PATH": str(folder / "jobs.db"),
                      "ENABLED_PLUGINS": None})
    with app.app_context(), app.test_request_context():
        upgrade_database()
        started = time.perf_counter()
        large = db.session.scalars(select(Institution).filter_by(slug="duze-muzeum")).one_or_none() if reuse else None
        if large is None:
            large = fill(random.Random(2026), datetime.now(UTC))
        elif db.session.scalar(select(func.count()).select_from(Inquiry)) == 0:
            fill_inquiries(large.id, random.Random(2026), datetime.now(UTC))
            db.session.commit()
        filled = time.perf_counter() - started
        refresh_statistics()
        dialect = db.engine.dialect.name
        period = parse_period("30d")

        built, built_cpu = median_seconds(lambda: build_scorecard(large, "pl", period))
        seconds, cpu_seconds = {}, {}
        for fmt in FORMATS:
            # Built as a download of this format is, the PDF without the page groups it does not show.
            seconds[fmt], cpu_seconds[fmt] = median_seconds(
                lambda fmt=fmt: render(build_scorecard(large, "pl", period, page_groups=needs_page_groups(fmt)), fmt)
            )
            db.session.rollback()

    print(f"{dialect}: {ANSWERS} answers, {FUNNEL_EVENTS} funnel events, {PAGES} scanned pages, {INQUIRIES} inquiries, "
          f"{SMALL_INSTITUTIONS} small institutions besides; filled in {filled:.0f} s")
    print(f"load average before timing: {load_average()}")
    print(f"building the scorecard without rendering it: {built:.2f} s ({built_cpu:.2f} s CPU), median of {REPEATS}")
    for fmt, value in seconds.items():
        verdict = "within" if value <= TARGET_SECONDS else "over"
        print(f"{fmt}: {value:.2f} s to build and render ({cpu_seconds[fmt]:.2f} s CPU in this process), "
              f"median of {REPEATS} (target {TARGET_SECONDS:.0f} s: {verdict}, ratio {value / TARGET_SECONDS:.2f})")
    figures = " ".join(f"{fmt}_s={value:.2f} {fmt}_cpu_s={cpu_seconds[fmt]:.2f}" for fmt, value in seconds.items())
    print(f"RESULT database={dialect} build_s={built:.2f} build_cpu_s={built_cpu:.2f} {figures} target_s={TARGET_SECONDS:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
