"""Shared by bench/burst.py and bench/ingest.py: a prepared database, cxaudit
under gunicorn on 127.0.0.1, and an asyncio client that posts answers the
way the widget does (a key per answer, the same key again on a retry)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, make_url, select, text

BENCH_DIR = Path(__file__).parent
VENV_BIN = Path(sys.executable).parent
ORIGIN = "https://muzeum.example"
# A database of the benches' own, created when missing, because the bench
# drops its public schema.
POSTGRES_URL = os.environ.get("CXAUDIT_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/cxaudit_bench")
# Retries per answer before the client gives up, as the widget's queue would keep it for later.
MAX_ATTEMPTS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(kind: str, folder: Path) -> str:
    return f"sqlite:///{folder / 'cxaudit.db'}" if kind == "sqlite" else POSTGRES_URL


def create_missing_database(url: str) -> None:
    """Create the PostgreSQL database that ``url`` names, when it does not exist yet."""
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def prepare_database(url: str, folder: Path) -> str:
    """Create an empty migrated database with one survey and return the survey's public id."""
    from cxaudit.app import create_app
    from cxaudit.database import upgrade_database
    from cxaudit.extensions import db
    from cxaudit.models import Institution, Survey, SurveyKind

    if url.startswith("postgresql"):
        create_missing_database(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()

    app = create_app(server_settings(url, folder, prefixed=False))
    with app.app_context():
        upgrade_database()
        survey = Survey(institution=Institution(slug="muzeum", name="Muzeum"), kind=SurveyKind.NPS, allowed_origins=[ORIGIN])
        db.session.add(survey)
        db.session.commit()
        public_id = survey.public_id
        db.engine.dispose()
    return public_id


def server_settings(url: str, folder: Path, prefixed: bool = True) -> dict[str, str]:
    settings = {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "HUEY_SQLITE_PATH": str(folder / "jobs.db"),
        # The burst comes from one address, which the per-client limit would stop.
        "API_RATE_LIMIT": "10000000 per minute",
    }
    return {f"CXAUDIT_{key}": value for key, value in settings.items()} if prefixed else settings


@contextmanager
def gunicorn(url: str, folder: Path, app_spec: str = "cxaudit.app:create_app()", workers: int = 2, threads: int = 4):
    """Run gunicorn on a free port of 127.0.0.1 and yield its base URL."""
    port = free_port()
    env = {**os.environ, **server_settings(url, folder), "PYTHONPATH": str(BENCH_DIR)}
    command = [
        str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--threads", str(threads), "--log-level", "warning", app_spec,
    ]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            if httpx.get(f"{base}/api/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not respond on {base} within {seconds} s")


@dataclass
class LoadReport:
    """What a load run sent and how the server answered."""

    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    retries: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def answer_body(number: int, run: str) -> dict:
    return {"score": number % 11, "comment": f"Odpowiedź {number}", "key": f"{run}-{number:010d}", "language": "pl"}


async def post_with_retries(client: httpx.AsyncClient, url: str, body: dict, report: LoadReport) -> None:
    """Post until the server stores the answer (201), retrying transport errors and 5xx with the same key."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            response = await client.post(url, json=body, headers={"Origin": ORIGIN})
            report.statuses[response.status_code] += 1
            if response.status_code < 500:
                return
        except httpx.TransportError as error:
            report.statuses[type(error).__name__] += 1
        report.retries += 1
        await asyncio.sleep(min(0.05 * 2**attempt, 2.0))
    report.failed.append(body.get("key", "?"))


async def run_load(url: str, count: int, clients: int, run: str, report: LoadReport | None = None) -> LoadReport:
    """Send ``count`` answers to ``url`` from ``clients`` concurrent connections.

    Pass ``report`` to watch its counts while the load runs.
    """
    report = LoadReport() if report is None else report
    report.sent = count
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(count):
        queue.put_nowait(number)

    async def client_loop(client: httpx.AsyncClient) -> None:
        while True:
            try:
                number = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            await post_with_retries(client, url, answer_body(number, run), report)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
    report.seconds = time.perf_counter() - started
    return report


def stored_keys(url: str, run: str) -> Counter:
    """Count the stored answers per key of one run, read straight from the database."""
    from cxaudit.models import Response

    engine = create_engine(url)
    with engine.connect() as connection:
        keys = connection.execute(select(Response.idempotency_key).where(Response.idempotency_key.like(f"{run}-%"))).scalars()
        counts = Counter(keys)
    engine.dispose()
    return counts


def row_total(url: str) -> int:
    from cxaudit.models import Response

    engine = create_engine(url)
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(Response)).scalar_one()
    engine.dispose()
    return total
