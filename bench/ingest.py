"""Answers stored per second, against a bare Flask endpoint on the same server.

Starts cxaudit under gunicorn (2 workers x 4 threads) on 127.0.0.1, on an
empty SQLite database and then on PostgreSQL, with one extra route,
``POST /bench/bare``, that reads the JSON body and returns 201 without
touching the database. A second process (this one, with an asyncio httpx
client on loopback) sends the same answers to both from 50 connections,
in five rounds that alternate between the two endpoints.
The peer figure is the bare endpoint: the ratio says how much of the
server's capacity storing an answer leaves; the target is >= 0.5.

Run from the project root: ``.venv/bin/python bench/ingest.py`` (PostgreSQL
on CXAUDIT_BENCH_DATABASE_URL, default the
cxaudit_bench database, created when missing; its public schema is
dropped). The last line is ``RESULT name=value ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import tempfile
from pathlib import Path

from flask import Flask, jsonify, request

from loadserver import LoadReport, database_url, gunicorn, prepare_database, run_load

ANSWERS = 3000
CLIENTS = 50
ROUNDS = 5
BENCH_APP = "ingest:create_bench_app()"


def create_bench_app() -> Flask:
    """Return cxaudit with the bare comparison endpoint added; gunicorn imports it."""
    from cxaudit.app import create_app
    from cxaudit.extensions import csrf

    app = create_app()

    @app.post("/bench/bare")
    @csrf.exempt
    def bare():
        body = request.get_json(silent=True) or {}
        return jsonify({"id": 0, "score": body.get("score")}), 201

    return app


def measure(kind: str, answers: int, clients: int, rounds: int) -> tuple[float, float]:
    """Return answers per second for the real endpoint and for the bare one, on one server.

    The two endpoints take turns in ``rounds`` rounds, so a change in the
    machine's load during the run weighs on both alike.
    """
    stored, bare = LoadReport(), LoadReport()
    per_round = max(answers // rounds, 1)
    with tempfile.TemporaryDirectory(prefix="cxaudit-ingest-") as folder_name:
        folder = Path(folder_name)
        url = database_url(kind, folder)
        public_id = prepare_database(url, folder)
        with gunicorn(url, folder, app_spec=BENCH_APP) as base:
            for number in range(rounds):
                run = f"ingest{secrets.token_hex(4)}r{number}"
                add_round(stored, asyncio.run(run_load(f"{base}/api/v1/surveys/{public_id}/responses", per_round, clients, run)))
                add_round(bare, asyncio.run(run_load(f"{base}/bench/bare", per_round, clients, run)))
    for name, report in (("stored", stored), ("bare", bare)):
        print(f"{kind} {name}: {report.per_second:.0f} answers/s, statuses {dict(report.statuses)}")
    return stored.per_second, bare.per_second


def add_round(total: LoadReport, round_report: LoadReport) -> None:
    total.sent += round_report.sent
    total.seconds += round_report.seconds
    total.statuses.update(round_report.statuses)
    total.retries += round_report.retries
    total.failed += round_report.failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=ANSWERS)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="turns each endpoint takes, alternating")
    parser.add_argument("--databases", default="sqlite,postgresql")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    fields = []
    for kind in arguments.databases.split(","):
        stored, bare = measure(kind, arguments.answers, arguments.clients, arguments.rounds)
        ratio = stored / bare if bare else 0.0
        print(f"{kind}: {stored:.0f} stored answers/s vs {bare:.0f} bare requests/s, ratio {ratio:.2f} (target >= 0.5)")
        fields += [f"{kind}_answers_per_second={stored:.0f}", f"{kind}_bare_per_second={bare:.0f}", f"{kind}_ratio={ratio:.2f}"]
    print("RESULT ingest " + " ".join(fields))


if __name__ == "__main__":
    main()
