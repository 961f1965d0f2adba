"""robots.txt that cannot be fetched (RFC 9309): a missing file allows every page, a server
error or a network error stops the scan unless the auditor ignores robots.txt."""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask_babel import force_locale

from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import PageStatus, Scan, ScanStatus
from cxaudit.scan.crawl_settings import CrawlSettings
from cxaudit.scan.fetch import FileUnavailable, GuardedFetcher
from cxaudit.scan.frontier import CrawlTarget, Frontier, RobotsUnavailable
from cxaudit.scan.guard import Guard, parse_allowed_networks
from cxaudit.scan.runner import create_scan, run_stored_scan

PAGES = Path(__file__).parent / "pages" / "robots"
# What /robots.txt answers: an HTTP status, or DROP to close the connection without an answer.
DROP = "drop"


class _RobotsHandler(http.server.SimpleHTTPRequestHandler):
    robots_answer: int | str = 200

    def do_GET(self):  # noqa: N802 - name fixed by http.server
        if self.path != "/robots.txt" or self.robots_answer == 200:
            super().do_GET()
        elif self.robots_answer == DROP:
            self.close_connection = True
        else:
            self.send_error(int(self.robots_answer))

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture
def theatre() -> Iterator[Callable[[int | str], str]]:
    """Serve the theatre's two pages, with /robots.txt answering as the test asks."""
    servers = []

    def start(robots_answer: int | str) -> str:
        handler = type("Handler", (_RobotsHandler,), {"robots_answer": robots_answer})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(PAGES)))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_url() -> str:
    """The address of a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def make_fetcher() -> GuardedFetcher:
    guard = Guard(allowed_networks=parse_allowed_networks("127.0.0.0/8"), resolver=lambda host: ["127.0.0.1"])
    return GuardedFetcher(guard, user_agent="cxaudit/test", timeout=5)


def test_missing_robots_is_no_rules(theatre):
    base = theatre(404)

    assert make_fetcher().fetch_robots(f"{base}/robots.txt") is None


@pytest.mark.parametrize(
    ("answer", "status", "code"), [(503, 503, None), (500, 500, None), (DROP, None, "ERR_EMPTY_RESPONSE")]
)
def test_robots_server_or_network_error_raises(theatre, answer, status, code):
    base = theatre(answer)

    with pytest.raises(FileUnavailable) as raised:
        make_fetcher().fetch_robots(f"{base}/robots.txt")

    assert raised.value.status == status
    assert raised.value.code == code
    assert raised.value.url == f"{base}/robots.txt"
    # A sitemap or any other file on the same failing server is only missing.
    assert make_fetcher()(f"{base}/robots.txt") is None


def test_refused_robots_named_like_page_load(closed_url):
    with pytest.raises(FileUnavailable) as raised:
        make_fetcher().fetch_robots(f"{closed_url}robots.txt")

    assert raised.value.status is None
    assert raised.value.code == "ERR_CONNECTION_REFUSED"


def frontier_with_failing_robots(ignore_robots: bool = False) -> Frontier:
    def fetch_robots(url: str) -> str | None:
        raise FileUnavailable(url, 503, "HTTP 503")

    settings = {"max_pages": 5, **CrawlSettings(ignore_robots=ignore_robots, sitemap=False).to_settings()}
    config = {"SCAN_ALLOWED_NETWORKS": "", "SCAN_RESOLVER": lambda host: ["93.184.216.34"]}
    return Frontier("https://teatr.example/", settings, config, lambda url: None, fetch_robots)


def test_unavailable_robots_stops_seed_in_polish(app):
    with app.app_context(), force_locale("pl"):
        frontier = frontier_with_failing_robots()
        with pytest.raises(RobotsUnavailable) as raised:
            frontier.seed()

    message = str(raised.value)
    assert "https://teatr.example/robots.txt" in message
    assert "Serwer odpowiedział HTTP 503." in message
    assert "--ignore-robots" in message
    assert "Ignoruj robots.txt" in message


def test_unreachable_site_stops_seed_without_robots_advice(app):
    def fetch_robots(url: str) -> str | None:
        raise FileUnavailable(url, None, "Connection refused", "ERR_CONNECTION_REFUSED")

    settings = {"max_pages": 5, **CrawlSettings(sitemap=False).to_settings()}
    config = {"SCAN_ALLOWED_NETWORKS": "", "SCAN_RESOLVER": lambda host: ["93.184.216.34"]}
    with app.app_context(), force_locale("pl"):
        frontier = Frontier("https://teatr.example/", settings, config, lambda url: None, fetch_robots)
        with pytest.raises(RobotsUnavailable) as raised:
            frontier.seed()

    message = str(raised.value)
    assert message.startswith("Skan zatrzymał się przed pierwszą stroną, bo nie udało się połączyć z https://teatr.example/.")
    assert "net::ERR_CONNECTION_REFUSED" in message
    assert "--ignore-robots" not in message
    assert "robots.txt" not in message


def test_scan_of_closed_port_names_unreachable_site(make_app, closed_url):
    app = make_app()

    with app.app_context():
        scan_id = create_scan(closed_url, 5).id
        run_stored_scan(scan_id)

        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FAILED
        assert scan.error.startswith(f"The scan stopped before the first page, because {closed_url} could not be reached.")
        assert "Nothing answers at this address" in scan.error
        assert "--ignore-robots" not in scan.error


def test_ignored_robots_lets_seed_and_pages_pass(app):
    with app.app_context():
        frontier = frontier_with_failing_robots(ignore_robots=True)
        frontier.seed()

        assert frontier.pop().url == "https://teatr.example/"
        assert frontier.check_final_url(CrawlTarget("https://teatr.example/", 0), "https://teatr.example/") is None
        assert frontier.robots_problems == {}


@pytest.mark.browser
@pytest.mark.parametrize(
    ("answer", "problem"),
    [(503, "The server answered HTTP 503."), (DROP, "The server broke off the connection.")],
)
def test_scan_stops_when_robots_unavailable(make_app, browser_config, theatre, answer, problem):
    app = make_app(**browser_config)
    base = theatre(answer)

    with app.app_context():
        scan_id = create_scan(f"{base}/index.html", 5).id
        run_stored_scan(scan_id)

        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FAILED
        assert scan.pages == []
        assert scan.error.startswith(
            f"The scan stopped before the first page, because {base}/robots.txt could not be fetched. {problem}"
        )
        assert "--ignore-robots" in scan.error
        assert "Ignore robots.txt" in scan.error


@pytest.mark.browser
def test_missing_robots_scan_audits_every_page(make_app, browser_config, theatre):
    app = make_app(**browser_config)
    base = theatre(404)

    with app.app_context():
        scan_id = create_scan(f"{base}/index.html", 5).id
        run_stored_scan(scan_id)

        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED
        assert sorted(page.url.removeprefix(base) for page in scan.pages) == ["/index.html", "/repertuar.html"]
        assert all(page.status == PageStatus.AUDITED for page in scan.pages)


@pytest.mark.browser
def test_cli_ignore_robots_scans_despite_server_error(make_app, browser_config, theatre):
    app = make_app(**browser_config)
    base = theatre(503)
    runner = app.test_cli_runner()

    refused = runner.invoke(cli, ["scan", f"{base}/index.html", "--max-pages", "5"])
    ignored = runner.invoke(cli, ["scan", f"{base}/index.html", "--max-pages", "5", "--ignore-robots"])

    assert refused.exit_code == 1
    assert f"Scan failed: The scan stopped before the first page, because {base}/robots.txt could not be fetched." in refused.stderr
    assert ignored.exit_code == 0, ignored.stderr
    with app.app_context():
        scan = db.session.scalars(db.select(Scan).order_by(Scan.id.desc())).first()
        assert scan.settings["ignore_robots"] is True
        assert scan.status == ScanStatus.FINISHED
        assert len(scan.pages) == 2


def test_page_on_origin_with_failing_robots_refused(app):
    def fetch_robots(url: str) -> str | None:
        if url.startswith("https://"):
            raise FileUnavailable(url, None, "Connection refused", "ERR_CONNECTION_REFUSED")
        return None

    settings = {"max_pages": 5, **CrawlSettings(sitemap=False).to_settings()}
    config = {"SCAN_ALLOWED_NETWORKS": "", "SCAN_RESOLVER": lambda host: ["93.184.216.34"]}
    with app.app_context():
        frontier = Frontier("http://teatr.example/", settings, config, lambda url: None, fetch_robots)
        frontier.seed()
        start = frontier.pop()

        # The http:// start page redirects to its https:// twin, whose robots.txt cannot be fetched.
        refusal = frontier.check_final_url(start, "https://teatr.example/")

    assert refusal.startswith(
        "cxaudit does not load https://teatr.example/, because the robots.txt of its site could not be fetched. "
        "Nothing answers at this address"
    )
    assert refusal.endswith("(net::ERR_CONNECTION_REFUSED).")
    problems = frontier.to_state()["robots_problems"]
    assert list(problems) == ["https://teatr.example"]
    assert problems["https://teatr.example"].startswith("Nothing answers at this address")
