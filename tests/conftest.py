"""Shared fixtures: the app on a temporary database, servers on 127.0.0.1 and
a real headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db

# Test sites are served on this machine, and the scanner's SSRF guard
# rejects loopback addresses by default. create_app reads this variable, so
# every app a test builds may scan loopback addresses.
os.environ["CXAUDIT_SCAN_ALLOWED_NETWORKS"] = "127.0.0.0/8,::1/128"

TESTS_DIR = Path(__file__).parent
PAGES_DIR = TESTS_DIR / "pages"
POSTGRES_URL = os.environ.get("CXAUDIT_TEST_DATABASE_URL")


def _base_config(tmp_path: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cxaudit.db'}",
        "HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"),
        "SCAN_PAGE_TIMEOUT": 15,
        # One browser session visits pages in breadth-first order, which many
        # tests check; the pool's own tests ask for more sessions.
        "SCAN_BROWSERS": 1,
        # Tests read messages in English unless they ask for Polish; the
        # product's default stays Polish.
        "DEFAULT_LANGUAGE": "en",
        # Core tests count axe's findings; each plugin's tests enable it, and
        # test_all_plugins runs them together.
        "ENABLED_PLUGINS": ["axe"],
    }


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(autouse=True)
def command_line_language(monkeypatch):
    """Make the command line's language independent of the machine's LANG."""
    monkeypatch.setenv("CXAUDIT_LANGUAGE", "en")


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., object]]:
    """Build apps with a migrated database; keyword arguments override settings."""
    apps = []

    def factory(**overrides):
        app = create_app({**_base_config(tmp_path), **overrides})
        with app.app_context():
            upgrade_database()
        apps.append(app)
        return app

    yield factory

    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app on a temporary SQLite file."""
    return make_app()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_app(request, make_app):
    """The app on SQLite, then on PostgreSQL when CXAUDIT_TEST_DATABASE_URL names one."""
    if request.param == "sqlite":
        return make_app()
    if not POSTGRES_URL:
        pytest.skip("CXAUDIT_TEST_DATABASE_URL is not set, so PostgreSQL is not tested")
    _reset_postgres(POSTGRES_URL)
    return make_app(DATABASE_URL=POSTGRES_URL)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # Pages are served as UTF-8: without a charset the browser guesses, and
    # Polish text or symbols such as "±" change what axe reports.
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".htm": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
    }

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture
def serve_directory() -> Iterator[Callable[[Path], str]]:
    """Serve a folder over HTTP on 127.0.0.1 and return its base URL."""
    servers = []

    def start(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start

    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Run the app on 127.0.0.1 in a thread and return its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser_config() -> dict:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    chromedriver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (Path(chromium).exists() and Path(chromedriver).exists()):
        pytest.fail("Chromium and chromedriver are missing: run `make test`, which installs them")
    return {"CHROMIUM_PATH": chromium, "CHROMEDRIVER_PATH": chromedriver, "SCAN_PAGE_TIMEOUT": 15}


@pytest.fixture
def browser(browser_config):
    """A real headless Chromium, closed after the test."""
    from cxaudit.browser import start_browser

    driver = start_browser(browser_config)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The folder of real pages named by CXAUDIT_CORPUS."""
    value = os.environ.get("CXAUDIT_CORPUS")
    if not value:
        pytest.skip("CXAUDIT_CORPUS is not set: point it at the corpus folder to scan real pages")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"CXAUDIT_CORPUS={value} is not a folder")
    return path


@pytest.fixture(scope="session")
def dovecot() -> Iterator[object]:
    """A private Dovecot IMAP server on 127.0.0.1 for the whole session, stopped at its end."""
    from imap_server import DovecotMissing, start_dovecot

    try:
        server = start_dovecot()
    except DovecotMissing as missing:
        pytest.skip(str(missing))
    yield server
    server.stop()
