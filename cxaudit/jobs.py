"""Background jobs with Huey: SQLite storage on one machine, Redis at scale."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

logger = logging.getLogger(__name__)


@dataclass
class Jobs:
    """The Huey instance of one application and the tasks registered on it."""

    huey: Huey
    run_scan: Any


def init_app(app: Flask) -> None:
    huey = _make_huey(app)

    # Tasks are registered per application so tests can run several apps
    # side by side; each task enters the app context it was created with.
    @huey.task(name="cxaudit.run_scan")
    def run_scan(scan_id: int) -> None:
        from cxaudit.scan.runner import run_stored_scan

        with app.app_context():
            run_stored_scan(scan_id)

    app.extensions["cxaudit_jobs"] = Jobs(huey=huey, run_scan=run_scan)


def _make_huey(app: Flask) -> Huey:
    immediate = bool(app.config["HUEY_IMMEDIATE"])
    if app.config.get("REDIS_URL"):
        return RedisHuey("cxaudit", url=app.config["REDIS_URL"], immediate=immediate)
    return SqliteHuey("cxaudit", filename=app.config["HUEY_SQLITE_PATH"], immediate=immediate)


def jobs() -> Jobs:
    return current_app.extensions["cxaudit_jobs"]


def enqueue_scan(scan_id: int) -> None:
    """Queue a stored scan for a worker."""
    jobs().run_scan(scan_id)
    logger.info("Scan %s queued", scan_id)


class LeaseSweeper(threading.Thread):
    """Queue again, every half lease, the running scans whose worker stopped sending heartbeats.

    Every worker runs one. The UPDATE in ``requeue_abandoned_scans`` lets one
    sweeper win per scan, so a scan is queued again once however many sweep.
    """

    def __init__(self, app: Flask) -> None:
        super().__init__(name="cxaudit-lease-sweeper", daemon=True)
        self.app = app
        self.interval = max(float(app.config["SCAN_LEASE_SECONDS"]) / 2, 1.0)
        self._stopped = threading.Event()

    def run(self) -> None:
        logger.info("Lease sweeper started; it checks every %ss for scans of stopped workers", self.interval)
        while True:
            self.sweep()
            if self._stopped.wait(self.interval):
                return

    def sweep(self) -> None:
        from cxaudit.scan.lease import requeue_abandoned_scans

        with self.app.app_context():
            try:
                scan_ids = requeue_abandoned_scans(float(self.app.config["SCAN_LEASE_SECONDS"]))
                for scan_id in scan_ids:
                    enqueue_scan(scan_id)
            except Exception:
                # A database or Redis outage must not stop the sweeper; the next round retries.
                logger.exception("Looking for scans of stopped workers failed")

    def stop(self) -> None:
        self._stopped.set()


def start_worker(app: Flask, threads: int | None = None) -> Consumer:
    """Start a Huey consumer in background threads of this process and return it.

    The caller stops it with ``consumer.stop(graceful=True)``. Huey's
    ``Consumer.start()`` (huey 3.5) installs SIGINT, SIGTERM and SIGHUP
    handlers that only set a flag for its own run loop; the previous handlers
    are put back so the host process (the web server) still stops on Ctrl+C.
    """
    huey = app.extensions["cxaudit_jobs"].huey
    consumer = huey.create_consumer(workers=threads or app.config["WORKER_THREADS"], worker_type="thread")

    signals = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {signum: signal.getsignal(signum) for signum in signals}
    consumer.start()
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    # A daemon thread: it keeps no state and stops with the web server.
    LeaseSweeper(app).start()

    logger.info("In-process worker started with %s thread(s)", consumer.workers)
    return consumer
