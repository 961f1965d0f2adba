"""Answers given while the server is down for minutes: is each one stored exactly once?

Serves cxaudit with ``cxaudit serve`` on a fixed port of 127.0.0.1 and a host
page with the survey in kiosk mode (it starts again after each answer) on
another port. Headless Chromium opens the page and answers once. Then the
server is stopped (SIGTERM) for ``--minutes`` (default 5) while the page
answers every ``--interval`` seconds. The widget keeps those answers in its
outbox. The server is started again on the same port, the page answers once
more, and the script waits until the widget has sent everything it kept.
Finally it reads the database: every answer must be stored exactly once.

The figure is the time from the server's return to the last stored answer.
No other survey tool publishes one, so the peer number is the widget's
earlier retry schedule (back-off doubling up to 300 s), computed for the
same answer times, not measured.

Run from the project root: ``.venv/bin/python bench/outage.py`` (about
``--minutes`` plus one or two minutes). The last line is
``RESULT name=value ...``; the exit status is 1 when an answer is lost or
stored twice.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import create_engine, select

from cxaudit.app import create_app
from cxaudit.browser import start_browser
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind

logger = logging.getLogger("outage")

VENV_BIN = Path(sys.executable).parent
WAIT_SECONDS = 30
# The widget's retry schedule (widgets/v1.js): the first retry 2 s after a
# failed post, then a delay doubling per try up to the cap.
RETRY_FIRST_SECONDS = 2
RETRY_CAP_SECONDS = 60
EARLIER_RETRY_CAP_SECONDS = 300
# The kiosk shows its thanks for 5 s before it starts again.
KIOSK_RESET_SECONDS = 5

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Exit of the museum</title></head>
<body><main><h1>How was your visit?</h1></main>
<script src="{api}/widget/v1.js" data-survey="{survey}" data-kiosk="true" async></script></body></html>
"""
FORM_READY = """
const host = document.querySelector("[data-cxaudit-widget]");
const panel = host && host.shadowRoot.querySelector(".panel");
return !!panel && !panel.hidden && !panel.querySelector("form").hidden;
"""
# Choose a score, type the comment and send, as a visitor at the kiosk would.
ANSWER = """
const [score, comment] = arguments;
const panel = document.querySelector("[data-cxaudit-widget]").shadowRoot.querySelector(".panel");
const choice = panel.querySelector(`input[value='${score}']`);
choice.click();
panel.querySelector("textarea").value = comment;
panel.querySelector("form").requestSubmit();
"""
THANKS_SHOWN = """
const host = document.querySelector("[data-cxaudit-widget]");
return host.shadowRoot.querySelector(".thanks").textContent;
"""
OUTBOX = "return JSON.parse(localStorage.getItem('cxaudit:outbox') || '[]')"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(database_url: str, origin: str) -> str:
    """Create a migrated database with one NPS survey allowed on ``origin``; return its public id."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench-outage"})
    with app.app_context():
        upgrade_database()
        survey = Survey(institution=Institution(slug="muzeum", name="Muzeum"), kind=SurveyKind.NPS, allowed_origins=[origin])
        db.session.add(survey)
        db.session.commit()
        public_id = survey.public_id
        db.engine.dispose()
    return public_id


class CxauditServer:
    """``cxaudit serve`` on one fixed port of 127.0.0.1, stopped and started again as a whole process."""

    def __init__(self, port: int, folder: Path, database_url: str) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "CXAUDIT_DATABASE_URL": database_url,
            "CXAUDIT_SECRET_KEY": "bench-outage",
            "CXAUDIT_HUEY_SQLITE_PATH": str(folder / "jobs.db"),
            "CXAUDIT_PUBLIC_URL": self.base,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [str(VENV_BIN / "cxaudit"), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_until_up()

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cxaudit serve exited with status {self.process.returncode}")
            try:
                if httpx.get(f"{self.base}/api/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"cxaudit serve did not respond on {self.base} within 60 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


class Kiosk:
    """The host page in Chromium, answering with a numbered comment each time."""

    def __init__(self, browser) -> None:
        self.browser = browser
        self.sent: list[str] = []

    def answer(self) -> float:
        """Give one answer and return the wall-clock time it was sent."""
        WebDriverWait(self.browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(FORM_READY))
        comment = f"outage answer {len(self.sent) + 1}"
        sent_at = time.time()
        self.browser.execute_script(ANSWER, len(self.sent) % 11, comment)
        WebDriverWait(self.browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(THANKS_SHOWN))
        self.sent.append(comment)
        logger.info("Answered %r", comment)
        return sent_at

    def outbox_size(self) -> int:
        return len(self.browser.execute_script(OUTBOX))


def stored_comments(database_url: str) -> Counter:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        comments = Counter(connection.execute(select(Response.comment)).scalars())
    engine.dispose()
    return comments


def stored_keys_are_unique(database_url: str) -> bool:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        keys = list(connection.execute(select(Response.idempotency_key)).scalars())
    engine.dispose()
    return len(keys) == len(set(keys))


def delivery_delay(first_post: float, restart: float, cap: float) -> float:
    """Return the seconds after ``restart`` at which the widget's schedule with
    this back-off ``cap`` tries an answer first posted at ``first_post`` again."""
    tries = 1
    due = first_post + RETRY_FIRST_SECONDS
    while due < restart:
        due += min(cap, RETRY_FIRST_SECONDS * 2**tries)
        tries += 1
    return due - restart


def answer_through_outage(
    kiosk: Kiosk, server: CxauditServer, minutes: float, interval: float
) -> tuple[list[float], float, float]:
    """Stop the server for ``minutes`` while the kiosk answers every ``interval`` seconds, then start it again.

    Returns the times the answers of the outage were sent, the time the
    server stopped and the time it answered again. The server is down
    longer than ``minutes`` by the time it takes to start.
    """
    server.stop()
    stopped_at = time.time()
    logger.info("Server stopped; it stays down for %.1f minutes", minutes)
    outage_posts = []
    while time.time() - stopped_at < minutes * 60:
        outage_posts.append(kiosk.answer())
        time.sleep(max(0.0, min(interval, stopped_at + minutes * 60 - time.time())))
    server.start()
    return outage_posts, stopped_at, time.time()


def wait_for_delivery(kiosk: Kiosk, database_url: str, expected: int, timeout: float) -> float | None:
    """Return the time the last of ``expected`` answers was stored and the outbox emptied, or None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(stored_comments(database_url).values()) >= expected and kiosk.outbox_size() == 0:
            return time.time()
        time.sleep(0.5)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="How long the server stays down, in minutes [default: 5].")
    parser.add_argument(
        "--interval", type=float, default=30.0,
        help=f"Seconds between answers during the outage; at least {KIOSK_RESET_SECONDS + 1} [default: 30].",
    )
    arguments = parser.parse_args()
    if arguments.minutes <= 0 or arguments.interval < KIOSK_RESET_SECONDS + 1:
        parser.error(f"--minutes must be above 0 and --interval at least {KIOSK_RESET_SECONDS + 1} seconds")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="cxaudit-outage-") as folder_name:
        folder = Path(folder_name)
        site = folder / "site"
        site.mkdir()
        static = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
        threading.Thread(target=static.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{static.server_port}"
        database_url = f"sqlite:///{folder / 'cxaudit.db'}"
        public_id = prepare_database(database_url, origin)
        server = CxauditServer(free_port(), folder, database_url)
        (site / "index.html").write_text(HOST_PAGE.format(api=server.base, survey=public_id), encoding="utf-8")

        server.start()
        browser = start_browser(
            {
                "CHROMIUM_PATH": shutil.which("chromium") or "/usr/bin/chromium",
                "CHROMEDRIVER_PATH": shutil.which("chromedriver") or "/usr/bin/chromedriver",
                "SCAN_PAGE_TIMEOUT": WAIT_SECONDS,
            }
        )
        try:
            browser.get(f"{origin}/index.html")
            kiosk = Kiosk(browser)
            kiosk.answer()
            outage_posts, stopped_at, restarted_at = answer_through_outage(kiosk, server, arguments.minutes, arguments.interval)
            logger.info("Server answers again on the same port after %.1f minutes down", (restarted_at - stopped_at) / 60)
            kiosk.answer()
            delivered_at = wait_for_delivery(kiosk, database_url, len(kiosk.sent), timeout=RETRY_CAP_SECONDS * 3)
        finally:
            browser.quit()
            server.stop()
            static.shutdown()

        stored = stored_comments(database_url)
        keys_unique = stored_keys_are_unique(database_url)

    lost = sum(1 for comment in kiosk.sent if stored[comment] == 0)
    duplicates = sum(count - 1 for count in stored.values() if count > 1)
    seconds_to_deliver = round(delivered_at - restarted_at, 1) if delivered_at else None
    earlier_seconds = round(max(delivery_delay(post, restarted_at, EARLIER_RETRY_CAP_SECONDS) for post in outage_posts), 1)
    ratio = round(seconds_to_deliver / earlier_seconds, 2) if seconds_to_deliver is not None and earlier_seconds else None

    downtime_minutes = round((restarted_at - stopped_at) / 60, 2)
    print(f"answers: {len(kiosk.sent)} ({len(outage_posts)} while the server was down for {downtime_minutes} minutes, start-up included)")
    print(f"stored: {sum(stored.values())}, lost: {lost}, duplicated: {duplicates}, idempotency keys unique: {keys_unique}")
    print(f"seconds from the server's return to the last stored answer: {seconds_to_deliver} (retry cap {RETRY_CAP_SECONDS} s)")
    print(f"the earlier schedule (cap {EARLIER_RETRY_CAP_SECONDS} s) would retry after: {earlier_seconds} s (computed); ratio {ratio}")
    print(
        f"RESULT outage_minutes={arguments.minutes} downtime_minutes={downtime_minutes} answers={len(kiosk.sent)} stored={sum(stored.values())} lost={lost} "
        f"duplicates={duplicates} seconds_to_deliver={seconds_to_deliver} earlier_schedule_seconds={earlier_seconds} "
        f"ratio={ratio}"
    )
    passed = lost == 0 and duplicates == 0 and keys_unique and delivered_at is not None
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
