"""The lease a worker holds on the scan it runs: claimed atomically, renewed by heartbeats,
and taken back from a worker that stopped sending them."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from datetime import timedelta

from sqlalchemy import or_, select, update

from cxaudit.extensions import db
from cxaudit.models import Scan, ScanStatus
from cxaudit.models.base import utcnow

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker took the scan over, so this one must stop without writing."""


def new_worker_id() -> str:
    """Return an id that names this process's host and pid, unique across restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class ScanLease:
    """A worker's claim on one scan.

    Heartbeats go out every quarter of ``seconds``, so three can be missed (a
    slow commit, a busy database) before another worker may take the scan.
    Workers compare heartbeats with their own clocks.

    NOTE: workers on several machines need clocks in step (NTP) to within a
    fraction of ``seconds``; a fast clock makes a live scan look abandoned.
    """

    def __init__(self, scan_id: int, worker_id: str, seconds: float) -> None:
        self.scan_id = scan_id
        self.worker_id = worker_id
        self.seconds = seconds
        self.heartbeat_interval = max(seconds / 4, 0.5)
        self._last_beat = 0.0

    def claim(self) -> bool:
        """Take a queued scan for this worker and mark it running; False if it is not queued."""
        claimed = db.session.execute(
            update(Scan)
            .where(Scan.id == self.scan_id, Scan.status == ScanStatus.QUEUED)
            .values(status=ScanStatus.RUNNING, worker_id=self.worker_id, heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        self._last_beat = time.monotonic()
        return claimed == 1

    def beat_if_due(self) -> None:
        """Renew the lease when a heartbeat is due; commits.

        :raises LeaseLost: when the scan is no longer this worker's.
        """
        if time.monotonic() - self._last_beat >= self.heartbeat_interval:
            self.beat()

    def beat(self) -> None:
        """Renew the lease now; commits.

        :raises LeaseLost: when the scan is no longer this worker's.
        """
        renewed = db.session.execute(
            update(Scan)
            .where(Scan.id == self.scan_id, Scan.worker_id == self.worker_id, Scan.status == ScanStatus.RUNNING)
            .values(heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if renewed != 1:
            raise LeaseLost(f"Scan {self.scan_id} is no longer held by worker {self.worker_id}")
        self._last_beat = time.monotonic()


def cancel_requested(scan_id: int) -> bool:
    """Tell whether someone asked to cancel the scan, reading the stored row, not the session's copy."""
    requested = db.session.scalar(select(Scan.cancel_requested_at).where(Scan.id == scan_id))
    return requested is not None


def requeue_abandoned_scans(lease_seconds: float) -> list[int]:
    """Put running scans whose heartbeat is older than ``lease_seconds`` back in the queue.

    Each scan is queued again by one UPDATE that checks its status and old
    heartbeat, so when several workers sweep at once only one returns it.
    Returns the ids this call queued again; the caller enqueues their tasks.
    """
    cutoff = utcnow() - timedelta(seconds=lease_seconds)
    # A running scan without a heartbeat was started by a version without leases.
    expired = or_(Scan.heartbeat_at.is_(None), Scan.heartbeat_at < cutoff)
    stale = db.session.scalars(select(Scan.id).where(Scan.status == ScanStatus.RUNNING, expired)).all()

    requeued = []
    for scan_id in stale:
        result = db.session.execute(
            update(Scan)
            .where(Scan.id == scan_id, Scan.status == ScanStatus.RUNNING, expired)
            .values(status=ScanStatus.QUEUED, worker_id=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if result.rowcount == 1:
            logger.warning("Scan %s: its worker sent no heartbeat for %ss; the scan is queued again", scan_id, lease_seconds)
            requeued.append(scan_id)
    return requeued
