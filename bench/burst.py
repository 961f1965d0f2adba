"""A burst of answers from many concurrent clients: is every answer stored exactly once?

Starts cxaudit under gunicorn (2 workers x 4 threads) on 127.0.0.1 with an
empty SQLite or PostgreSQL database, sends 10,000 answers from 50
concurrent connections, each with its own key, and retries a failed post
with the same key as the widget does. Then it reads the database: every key
must be stored once. No other survey tool publishes a comparable figure, so
there is no peer number; the target is zero lost and zero duplicated answers.

Run from the project root, with PostgreSQL on your own database only:
``.venv/bin/python bench/burst.py sqlite`` or ``... bench/burst.py postgresql``
(CXAUDIT_BENCH_DATABASE_URL names the PostgreSQL database, default
cxaudit_bench, created when missing; its public schema is dropped). The last line is ``RESULT name=value ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from pathlib import Path

from loadserver import database_url, gunicorn, prepare_database, run_load, stored_keys

ANSWERS = 10_000
CLIENTS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=["sqlite", "postgresql"])
    parser.add_argument("--answers", type=int, default=ANSWERS)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="cxaudit-burst-") as folder_name:
        folder = Path(folder_name)
        url = database_url(arguments.database, folder)
        public_id = prepare_database(url, folder)
        with gunicorn(url, folder) as base:
            report = asyncio.run(run_load(f"{base}/api/v1/surveys/{public_id}/responses", arguments.answers, arguments.clients, "burst"))
        stored = stored_keys(url, "burst")

    duplicates = sum(count - 1 for count in stored.values() if count > 1)
    lost = arguments.answers - len(stored)
    print(f"statuses: {dict(report.statuses)}")
    print(f"{arguments.answers} answers from {arguments.clients} clients in {report.seconds:.1f} s ({report.per_second:.0f}/s), {report.retries} retries")
    print(f"stored keys: {len(stored)}, lost: {lost}, duplicated: {duplicates}, given up by the client: {len(report.failed)}")
    print(
        f"RESULT burst_{arguments.database}_answers={arguments.answers} stored={len(stored)} lost={lost} "
        f"duplicates={duplicates} retries={report.retries} answers_per_second={report.per_second:.0f}"
    )


if __name__ == "__main__":
    main()
