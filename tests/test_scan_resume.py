"""Worker leases, resuming a scan after its worker died, and cancelling scans."""

from __future__ import annotations

import functools
import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from accounts import sign_in
from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.jobs import enqueue_scan
from cxaudit.models import PageStatus, Scan, ScanStatus
from cxaudit.models.base import utcnow
from cxaudit.scan.lease import LeaseLost, ScanLease, requeue_abandoned_scans
from cxaudit.scan.runner import create_scan, request_cancel, run_stored_scan

PAGES = Path(__file__).parent / "pages" / "pool" / "site"
SITE_PAGES = {
    "/index.html", "/zbiory.html", "/wystawy.html", "/bilety.html", "/kontakt.html",
    "/malarstwo.html", "/rzezba.html", "/archiwum.html",
}
# Redis database number reserved for these tests.
REDIS_URL = "redis://127.0.0.1:6379/1"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class WorkerKilled(BaseException):
    """Stops a scan the way a killed process would: no handler in the runner catches it."""


def store_scan(status: ScanStatus, **columns) -> int:
    scan = Scan(url="http://127.0.0.1:9/", status=status, settings={"max_pages": 5}, **columns)
    db.session.add(scan)
    db.session.commit()
    return scan.id


def paths_of(scan: Scan, base_url: str) -> list[str]:
    return [page.url.removeprefix(base_url) for page in scan.pages]


def test_lease_claimed_once(any_db_app):
    with any_db_app.app_context():
        scan_id = store_scan(ScanStatus.QUEUED)

        first = ScanLease(scan_id, "worker-a", 60)
        second = ScanLease(scan_id, "worker-b", 60)

        assert first.claim() is True
        assert second.claim() is False
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.RUNNING
        assert scan.worker_id == "worker-a"
        assert scan.heartbeat_at is not None


def test_lease_lost_after_takeover(any_db_app):
    with any_db_app.app_context():
        scan_id = store_scan(ScanStatus.QUEUED)
        lease = ScanLease(scan_id, "worker-a", 60)
        assert lease.claim()
        lease.beat()

        scan = db.session.get(Scan, scan_id)
        scan.worker_id = "worker-b"
        db.session.commit()

        with pytest.raises(LeaseLost):
            lease.beat()


def test_requeue_takes_only_expired_leases(any_db_app):
    with any_db_app.app_context():
        now = utcnow()
        fresh = store_scan(ScanStatus.RUNNING, worker_id="alive", heartbeat_at=now)
        expired = store_scan(ScanStatus.RUNNING, worker_id="dead", heartbeat_at=now - timedelta(seconds=120))
        finished = store_scan(ScanStatus.FINISHED, worker_id=None, heartbeat_at=now - timedelta(seconds=120))

        assert requeue_abandoned_scans(60) == [expired]
        assert requeue_abandoned_scans(60) == []

        db.session.expire_all()
        assert db.session.get(Scan, fresh).status == ScanStatus.RUNNING
        assert db.session.get(Scan, expired).status == ScanStatus.QUEUED
        assert db.session.get(Scan, expired).worker_id is None
        assert db.session.get(Scan, finished).status == ScanStatus.FINISHED


@pytest.mark.browser
def test_scan_resumes_after_worker_dies(any_db_app, browser_config, serve_directory):
    any_db_app.config.update(browser_config, SCAN_BROWSERS=2)
    base_url = serve_directory(PAGES)

    def die_after_three_pages(scan: Scan, page) -> None:
        if scan.pages_done == 3:
            raise WorkerKilled

    with any_db_app.app_context():
        scan_id = create_scan(f"{base_url}/index.html").id
        with pytest.raises(WorkerKilled):
            run_stored_scan(scan_id, progress=die_after_three_pages)

        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.RUNNING
        assert len(scan.pages) == 3
        assert scan.crawl_state is not None

        # The dead worker's heartbeat ages past the lease.
        scan.heartbeat_at = utcnow() - timedelta(seconds=3600)
        db.session.commit()
        assert requeue_abandoned_scans(60) == [scan_id]
        run_stored_scan(scan_id)

        db.session.expire_all()
        scan = db.session.get(Scan, scan_id)
        paths = paths_of(scan, base_url)
        assert scan.status == ScanStatus.FINISHED
        assert sorted(paths) == sorted(SITE_PAGES)
        assert len(paths) == len(set(paths))
        assert scan.pages_done == len(scan.pages)
        assert scan.crawl_state is None


@pytest.mark.browser
def test_cancel_stops_running_scan(make_app, browser_config, serve_directory):
    app = make_app(**{**browser_config, "SCAN_BROWSERS": 2})
    base_url = serve_directory(PAGES)

    def cancel_after_first_page(scan: Scan, page) -> None:
        if scan.pages_done == 1:
            assert request_cancel(scan)

    with app.app_context():
        scan_id = create_scan(f"{base_url}/index.html").id
        run_stored_scan(scan_id, progress=cancel_after_first_page)

        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.CANCELLED
        assert scan.cancel_requested_at is not None
        assert scan.finished_at is not None
        assert 1 <= len(scan.pages) < len(SITE_PAGES)
        assert scan.pages_done == len(scan.pages)
        assert all(page.status == PageStatus.AUDITED for page in scan.pages)
        assert scan.crawl_state is None


@pytest.mark.browser
def test_interrupted_scan_is_cancelled(make_app, browser_config, serve_directory):
    app = make_app(**browser_config)
    base_url = serve_directory(PAGES)

    def press_ctrl_c(scan: Scan, page) -> None:
        if scan.pages_done == 2:
            raise KeyboardInterrupt

    with app.app_context():
        scan_id = create_scan(f"{base_url}/index.html").id
        with pytest.raises(KeyboardInterrupt):
            run_stored_scan(scan_id, progress=press_ctrl_c)

        db.session.expire_all()
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.CANCELLED
        assert len(scan.pages) == scan.pages_done == 2
        assert scan.crawl_state is None


def test_cancel_queued_scan_never_runs(app):
    with app.app_context():
        scan_id = store_scan(ScanStatus.QUEUED)
        scan = db.session.get(Scan, scan_id)

        assert request_cancel(scan)
        run_stored_scan(scan_id)

        db.session.expire_all()
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.CANCELLED
        assert scan.pages == []


def test_cancel_command(app, runner):
    with app.app_context():
        queued = store_scan(ScanStatus.QUEUED)
        running = store_scan(ScanStatus.RUNNING)
        finished = store_scan(ScanStatus.FINISHED)

    result = runner.invoke(cli, ["scan", "cancel", str(queued)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Scan {queued} cancelled before it started."

    result = runner.invoke(cli, ["scan", "cancel", str(running)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Scan {running} stops after the pages being visited now."

    result = runner.invoke(cli, ["scan", "cancel", str(finished)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Scan {finished} has already ended (finished); there is nothing to cancel."

    result = runner.invoke(cli, ["scan", "cancel", "999"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Scan 999 not found. Give the number shown in the list of scans."

    with app.app_context():
        assert db.session.get(Scan, queued).status == ScanStatus.CANCELLED
        assert db.session.get(Scan, running).status == ScanStatus.RUNNING
        assert db.session.get(Scan, running).cancel_requested_at is not None


def test_cancel_button_on_running_scan(app, client):
    sign_in(app, client)
    with app.app_context():
        scan_id = store_scan(ScanStatus.RUNNING)

    page = client.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)
    assert "Cancel scan" in page
    token = CSRF_FIELD.search(page).group(1)

    response = client.post(f"/scans/{scan_id}/cancel?lang=en", data={"csrf_token": token}, follow_redirects=True)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The scan stops after the pages being visited now" in page
    assert "Cancel scan" not in page
    with app.app_context():
        assert db.session.get(Scan, scan_id).cancel_requested_at is not None


def test_cancel_button_needs_csrf_token(app, client):
    sign_in(app, client)
    with app.app_context():
        scan_id = store_scan(ScanStatus.RUNNING)

    response = client.post(f"/scans/{scan_id}/cancel")

    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Scan, scan_id).cancel_requested_at is None


class _SlowHandler(http.server.SimpleHTTPRequestHandler):
    """Takes a second for each page, so a worker can be killed mid-scan."""

    def do_GET(self):  # noqa: N802 - name fixed by http.server
        if self.path.endswith(".html"):
            time.sleep(1.0)
        super().do_GET()

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture
def slow_site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SlowHandler, directory=str(PAGES)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _start_worker(environment: dict[str, str], log: Path) -> subprocess.Popen:
    # A session of its own lets the test kill the worker with its chromedriver and Chromium.
    command = [str(Path(sys.executable).with_name("cxaudit")), "worker", "--threads", "1"]
    return subprocess.Popen(command, env=environment, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def _wait_for(condition, seconds: float, description: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds}s waiting for {description}")


@pytest.mark.browser
def test_killed_worker_scan_finishes_on_another(make_app, browser_config, slow_site, tmp_path):
    database = tmp_path / "shared.db"
    lease_seconds = 4
    app = make_app(**browser_config, DATABASE_URL=f"sqlite:///{database}", REDIS_URL=REDIS_URL)
    huey = app.extensions["cxaudit_jobs"].huey
    huey.flush()
    environment = {
        **os.environ,
        "CXAUDIT_DATABASE_URL": f"sqlite:///{database}",
        "CXAUDIT_REDIS_URL": REDIS_URL,
        "CXAUDIT_SECRET_KEY": "test-secret",
        "CXAUDIT_CHROMIUM_PATH": browser_config["CHROMIUM_PATH"],
        "CXAUDIT_CHROMEDRIVER_PATH": browser_config["CHROMEDRIVER_PATH"],
        "CXAUDIT_ENABLED_PLUGINS": '["axe"]',
        "CXAUDIT_SCAN_BROWSERS": "2",
        "CXAUDIT_SCAN_LEASE_SECONDS": str(lease_seconds),
        "CXAUDIT_LANGUAGE": "en",
        "SE_AVOID_STATS": "true",
    }
    log = tmp_path / "workers.log"

    def pages_done(scan_id: int) -> int:
        db.session.expire_all()
        return db.session.get(Scan, scan_id).pages_done

    with app.app_context():
        scan_id = create_scan(f"{slow_site}/index.html").id
        enqueue_scan(scan_id)

        first = _start_worker(environment, log)
        try:
            done_at_kill = _wait_for(lambda: pages_done(scan_id) >= 2 and pages_done(scan_id), 120, "two stored pages")
        finally:
            _kill_group(first)
        assert done_at_kill < len(SITE_PAGES), log.read_text()
        assert db.session.get(Scan, scan_id).status == ScanStatus.RUNNING

        second = _start_worker(environment, log)
        try:
            def finished() -> bool:
                db.session.expire_all()
                return db.session.get(Scan, scan_id).status not in (ScanStatus.QUEUED, ScanStatus.RUNNING)

            _wait_for(finished, 180, "the second worker to finish the scan")
        finally:
            _kill_group(second)

        scan = db.session.get(Scan, scan_id)
        paths = paths_of(scan, slow_site)
        assert scan.status == ScanStatus.FINISHED, log.read_text()
        assert sorted(paths) == sorted(SITE_PAGES)
        assert len(paths) == len(set(paths))
        assert scan.pages_done == len(scan.pages)
        assert all(page.status == PageStatus.AUDITED for page in scan.pages)


def _descendants(pid: int) -> dict[int, str]:
    """Return the processes below ``pid``, by process id, with their command names."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces.
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        names[int(entry.name)] = name
        children.setdefault(int(rest[1]), []).append(int(entry.name))
    found, stack = {}, [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found[child] = names[child]
            stack.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.browser
@pytest.mark.skipif(not os.environ.get("CXAUDIT_TEST_REDIS_URL"), reason="CXAUDIT_TEST_REDIS_URL names no Redis database")
def test_killed_worker_leaves_no_browser(make_app, browser_config, slow_site, tmp_path):
    redis_url = os.environ["CXAUDIT_TEST_REDIS_URL"]
    database = tmp_path / "shared.db"
    app = make_app(**browser_config, DATABASE_URL=f"sqlite:///{database}", REDIS_URL=redis_url)
    app.extensions["cxaudit_jobs"].huey.flush()
    environment = {
        **os.environ,
        "CXAUDIT_DATABASE_URL": f"sqlite:///{database}",
        "CXAUDIT_REDIS_URL": redis_url,
        "CXAUDIT_SECRET_KEY": "test-secret",
        "CXAUDIT_CHROMIUM_PATH": browser_config["CHROMIUM_PATH"],
        "CXAUDIT_CHROMEDRIVER_PATH": browser_config["CHROMEDRIVER_PATH"],
        "CXAUDIT_ENABLED_PLUGINS": '["axe"]',
        "CXAUDIT_SCAN_BROWSERS": "2",
        "SE_AVOID_STATS": "true",
    }

    with app.app_context():
        scan_id = create_scan(f"{slow_site}/index.html").id
        enqueue_scan(scan_id)

        worker = _start_worker(environment, tmp_path / "worker.log")
        try:
            def browsers_running() -> dict[int, str]:
                db.session.expire_all()
                found = {pid: name for pid, name in _descendants(worker.pid).items() if "chrom" in name}
                names = set(found.values())
                # Both sessions are running once a page of the second one is stored.
                started = db.session.get(Scan, scan_id).pages_done >= 2
                return found if started and "chromedriver" in names and len(names) > 1 else {}

            browsers = _wait_for(browsers_running, 120, "the worker's chromedriver and Chromium")
            # Only the worker is killed, as the kernel's OOM killer or `kill -9 PID` would.
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)

            _wait_for(lambda: not any(_running(pid) for pid in browsers), 20, "chromedriver and Chromium to exit")
        finally:
            _kill_group(worker)
