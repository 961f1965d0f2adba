"""PostgreSQL restarted under load: is every answer still stored exactly once?

Creates a throwaway PostgreSQL cluster in a temporary folder (initdb from
/usr/lib/postgresql/*/bin), listening on a free port of 127.0.0.1 only,
runs cxaudit on it under gunicorn (2 workers x 4 threads) and sends a steady
stream of answers from several clients that retry as the widget does (the
same key again after a transport error or a 5xx, with a growing pause).
When a third of the answers is stored, the cluster is stopped with
``pg_ctl stop -m fast``, left down for a few seconds and started again.
Then every key must be stored once. The shared server on port 5432 is never
touched. There is no peer figure: the target is zero lost and zero
duplicated answers.

Run from the project root: ``.venv/bin/python bench/pg_restart.py``. As
root, the cluster runs as the user ``postgres`` (PostgreSQL refuses root).
Without the PostgreSQL server binaries the script says so and exits with
status 2. The last line is ``RESULT name=value ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import logging
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from loadserver import LoadReport, free_port, gunicorn, prepare_database, run_load, stored_keys

ANSWERS = 3000
CLIENTS = 20
DOWN_SECONDS = 3.0
SERVER_USER = "postgres"


def server_binaries() -> Path | None:
    """Return the newest PostgreSQL server's bin folder, or None when none is installed."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda name: int(Path(name).parent.name))
    for folder in reversed(folders):
        if all((Path(folder) / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def as_server_user(command: list[str]) -> list[str]:
    # postgres refuses to run as root, so root runs the cluster as the postgres user.
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


class ThrowawayCluster:
    """A PostgreSQL cluster in its own folder, on 127.0.0.1 and a free port, with no password."""

    def __init__(self, binaries: Path, folder: Path) -> None:
        self.binaries = binaries
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *arguments: str) -> None:
        command = [str(self.binaries / "pg_ctl"), "--pgdata", str(self.data), "--log", str(self.folder / "server.log"), "--wait"]
        subprocess.run(as_server_user(command + list(arguments)), check=True, stdout=subprocess.DEVNULL)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, user=SERVER_USER)
        initdb = [str(self.binaries / "initdb"), "--pgdata", str(self.data), "--username", SERVER_USER,
                  "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync"]
        subprocess.run(as_server_user(initdb), check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        # Only TCP on 127.0.0.1, and the socket file in the cluster's own folder.
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder}"
        self.pg_ctl("start", "--options", options)

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "--mode", mode)


@contextmanager
def throwaway_cluster(binaries: Path):
    folder = Path(tempfile.mkdtemp(prefix="cxaudit-pg-"))
    cluster = ThrowawayCluster(binaries, folder)
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop("immediate")
        except subprocess.CalledProcessError:
            logging.info("The cluster was not running at the end")
        shutil.rmtree(folder, ignore_errors=True)


async def restart_when_stored(cluster: ThrowawayCluster, report: LoadReport, after: int, down_seconds: float) -> dict:
    """Stop the cluster once ``after`` answers are stored, start it again after ``down_seconds``."""
    while report.statuses[201] < after:
        await asyncio.sleep(0.05)
    stored_before = report.statuses[201]
    started = time.perf_counter()
    await asyncio.to_thread(cluster.stop, "fast")
    await asyncio.sleep(down_seconds)
    await asyncio.to_thread(cluster.start)
    return {"stored_before": stored_before, "outage_seconds": time.perf_counter() - started}


async def load_with_restart(cluster: ThrowawayCluster, url: str, answers: int, clients: int, down_seconds: float):
    report = LoadReport()
    load = run_load(url, answers, clients, "restart", report)
    restart = restart_when_stored(cluster, report, answers // 3, down_seconds)
    _, restart_figures = await asyncio.gather(load, restart)
    return report, restart_figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=ANSWERS)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--down-seconds", type=float, default=DOWN_SECONDS)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    binaries = server_binaries()
    if binaries is None:
        print("skipped: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; install the Debian package postgresql")
        raise SystemExit(2)

    with throwaway_cluster(binaries) as cluster, tempfile.TemporaryDirectory(prefix="cxaudit-restart-") as app_folder:
        folder = Path(app_folder)
        public_id = prepare_database(cluster.url, folder)
        with gunicorn(cluster.url, folder) as base:
            answers_url = f"{base}/api/v1/surveys/{public_id}/responses"
            report, restart = asyncio.run(load_with_restart(cluster, answers_url, arguments.answers, arguments.clients, arguments.down_seconds))
        stored = stored_keys(cluster.url, "restart")

    duplicates = sum(count - 1 for count in stored.values() if count > 1)
    lost = arguments.answers - len(stored)
    print(f"PostgreSQL {binaries.parent.name} on 127.0.0.1:{cluster.port}, stopped after {restart['stored_before']} stored answers, "
          f"back after {restart['outage_seconds']:.1f} s")
    print(f"statuses: {dict(report.statuses)}, {report.retries} retries, given up by the client: {len(report.failed)}")
    print(f"{arguments.answers} answers from {arguments.clients} clients in {report.seconds:.1f} s; "
          f"stored keys: {len(stored)}, lost: {lost}, duplicated: {duplicates}")
    print(
        f"RESULT pg_restart answers={arguments.answers} stored={len(stored)} lost={lost} duplicates={duplicates} "
        f"retries={report.retries} refused_503={report.statuses[503]} stopped_after={restart['stored_before']} "
        f"outage_seconds={restart['outage_seconds']:.1f}"
    )


if __name__ == "__main__":
    main()
