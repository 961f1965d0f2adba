"""Chromium's host rules refuse what the SSRF guard refuses, inside the browser too.

The pattern tests compare the rules with the guard address by address. The
scan tests serve a page on 127.0.0.1 whose image, frame, fetch and link
redirect point at a second server on 127.0.0.2, another loopback address of
this machine: with only 127.0.0.1/32 allowed, that server must get no
request at all. The last tests point a page's resources at a host name that
resolves to 127.0.0.2, which only Chromium's Local Network Access checks
stop, and only when the page's own address is public.
"""

from __future__ import annotations

import fnmatch
import functools
import http.server
import ipaddress
import random
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from cxaudit import browser
from cxaudit.extensions import db
from cxaudit.models import PageStatus, Scan, ScanStatus
from cxaudit.scan.browser_rules import BLOCKED_IPV4_NETWORKS, blocked_host_patterns
from cxaudit.scan.guard import Guard, parse_allowed_networks
from cxaudit.scan.runner import create_scan, run_stored_scan


def matches(host: str, patterns: list[str]) -> bool:
    return _compiled(tuple(patterns)).match(host) is not None


@functools.cache
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    # Chromium's patterns are globs: "*" for any characters, "?" for one.
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns))


def sample_ipv4(count: int) -> list[ipaddress.IPv4Address]:
    """Random addresses plus the first and last address of each blocked network and their neighbours."""
    generator = random.Random(20261205)
    numbers = [generator.getrandbits(32) for _ in range(count)]
    for network in BLOCKED_IPV4_NETWORKS:
        first, last = int(network.network_address), int(network.broadcast_address)
        numbers += [first - 1, first, last, last + 1]
    return [ipaddress.IPv4Address(number) for number in numbers if 0 <= number < 2**32]


def test_rules_match_every_ipv4_address_the_guard_refuses():
    patterns = blocked_host_patterns(())
    guard = Guard()

    refused_but_open = [str(address) for address in sample_ipv4(30_000)
                        if not guard.is_allowed(address) and not matches(str(address), patterns)]

    assert refused_but_open == []


def test_rules_leave_public_ipv4_addresses_alone():
    patterns = blocked_host_patterns(())
    guard = Guard()
    # The rules may be stricter than the guard only inside 192.0.0.0/24, where
    # Python versions differ on two addresses that IANA marks globally reachable.
    special = ipaddress.IPv4Network("192.0.0.0/24")

    blocked_but_public = [str(address) for address in sample_ipv4(30_000)
                          if guard.is_allowed(address) and matches(str(address), patterns)
                          and address not in special]

    assert blocked_but_public == []


@pytest.mark.parametrize(
    ("host", "blocked"),
    [
        ("::1", True),
        ("::", True),
        ("fd00::1", True),
        ("fc12:3456::1", True),
        ("fe80::1", True),
        ("febf::1", True),
        ("ff02::1", True),
        ("::ffff:7f00:1", True),
        ("::ffff:a9fe:a9fe", True),
        ("2001:db8::1", True),
        ("fd00:ec2::254", True),
        ("localhost", True),
        ("museum.localhost", True),
        ("2a00:1450:4001::1", False),
        ("fec0::1", False),
        ("muzeum.example", False),
        ("10.example", False),
    ],
)
def test_rules_for_ipv6_literals_and_names(host, blocked):
    assert matches(host, blocked_host_patterns(())) is blocked


ALLOWED = "127.0.0.1/32,10.1.0.0/16,169.254.0.0/16,::1/128"


def test_rules_skip_allowed_networks():
    patterns = blocked_host_patterns(parse_allowed_networks(ALLOWED))

    assert not matches("127.0.0.1", patterns)
    assert not matches("localhost", patterns)
    assert not matches("::1", patterns)
    assert not matches("10.1.200.3", patterns)
    assert not matches("169.254.1.1", patterns)
    assert matches("127.0.0.2", patterns)
    assert matches("127.1.0.1", patterns)
    assert matches("10.2.0.1", patterns)


def test_rules_keep_metadata_addresses():
    patterns = blocked_host_patterns(parse_allowed_networks(ALLOWED))

    assert matches("169.254.169.254", patterns)
    assert matches("fd00:ec2::254", patterns)


@dataclass
class Trap:
    """A server on 127.0.0.2 that records every path requested from it."""

    port: int
    paths: list[str] = field(default_factory=list)


def _trap_handler(trap_paths: list[str]) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - name fixed by http.server
            trap_paths.append(self.path)
            body = b"<!doctype html><html lang='en'><title>Trap</title><main>Trap</main></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
            pass

    return Handler


def _site_handler(trap_port: int) -> type[http.server.BaseHTTPRequestHandler]:
    trap = f"http://127.0.0.2:{trap_port}"
    index = (
        "<!doctype html><html lang='en'><head><title>Visit us</title></head><body><main>"
        "<h1>Visit us</h1>"
        f"<img src='{trap}/image.png' alt='Our building'>"
        f"<iframe title='Map' src='{trap}/frame.html'></iframe>"
        f"<script>fetch('{trap}/fetch').catch(() => null);</script>"
        "<a href='/go'>Opening hours</a>"
        "</main></body></html>"
    ).encode()
    return _page_handler(index, redirects={"/go": f"{trap}/landing.html"})


def _page_handler(index: bytes, redirects: dict[str, str]) -> type[http.server.BaseHTTPRequestHandler]:
    """Serve ``index`` at /, redirect the paths in ``redirects`` and respond with 404 and the same page elsewhere."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - name fixed by http.server
            if self.path in redirects:
                self.send_response(302)
                self.send_header("Location", redirects[self.path])
                self.end_headers()
                return
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(index)))
            self.end_headers()
            self.wfile.write(index)

        def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
            pass

    return Handler


@pytest.fixture
def trap_and_site() -> Iterator[tuple[Trap, str]]:
    paths: list[str] = []
    trap_server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), _trap_handler(paths))
    site_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _site_handler(trap_server.server_port))
    for server in (trap_server, site_server):
        threading.Thread(target=server.serve_forever, daemon=True).start()

    yield Trap(port=trap_server.server_port, paths=paths), f"http://127.0.0.1:{site_server.server_port}/"

    for server in (trap_server, site_server):
        server.shutdown()
        server.server_close()


def scan_pages(app, url: str) -> dict[str, Scan]:
    with app.app_context():
        scan_id = create_scan(url, max_pages=3).id
        run_stored_scan(scan_id)
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED
        return {page.url.rsplit("/", 1)[-1] or "/": page.status for page in scan.pages}


@pytest.mark.browser
def test_browser_makes_no_request_to_a_refused_address(make_app, browser_config, trap_and_site):
    trap, url = trap_and_site
    app = make_app(**browser_config, ENABLED_PLUGINS=["axe"], SCAN_ALLOWED_NETWORKS="127.0.0.1/32")

    statuses = scan_pages(app, url)

    assert statuses["/"] == PageStatus.AUDITED
    assert statuses["go"] == PageStatus.FAILED
    assert trap.paths == []


@pytest.mark.browser
def test_browser_reaches_an_allowed_address(make_app, browser_config, trap_and_site):
    trap, url = trap_and_site
    app = make_app(**browser_config, ENABLED_PLUGINS=["axe"], SCAN_ALLOWED_NETWORKS="127.0.0.0/8")

    scan_pages(app, url)

    assert {"/image.png", "/frame.html", "/fetch", "/landing.html"} <= set(trap.paths)


# A public site's resources on a name whose DNS answer is a loopback or
# private address. The host rule below plays the part of that DNS answer.
PRIVATE_NAME = "intranet.test"


def _page_with_named_resources(trap_port: int) -> type[http.server.BaseHTTPRequestHandler]:
    trap = f"http://{PRIVATE_NAME}:{trap_port}"
    index = (
        "<!doctype html><html lang='en'><head><title>Visit us</title>"
        f"<link rel='stylesheet' href='{trap}/style.css'></head><body><main>"
        "<h1>Visit us</h1>"
        f"<img src='{trap}/image.png' alt='Our building'>"
        f"<iframe title='Map' src='{trap}/frame.html'></iframe>"
        f"<script>fetch('{trap}/fetch').catch(() => null);</script>"
        "</main></body></html>"
    ).encode()

    return _page_handler(index, redirects={})


@pytest.fixture
def named_trap_site(monkeypatch) -> Iterator[tuple[Trap, str, int]]:
    paths: list[str] = []
    trap_server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), _trap_handler(paths))
    site_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _page_with_named_resources(trap_server.server_port))
    for server in (trap_server, site_server):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(browser, "CHROMIUM_ARGUMENTS", (*browser.CHROMIUM_ARGUMENTS, f"--host-resolver-rules=MAP {PRIVATE_NAME} 127.0.0.2"))

    yield Trap(port=trap_server.server_port, paths=paths), f"http://127.0.0.1:{site_server.server_port}/", site_server.server_port

    for server in (trap_server, site_server):
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_public_page_reaches_no_private_name(make_app, browser_config, named_trap_site, monkeypatch):
    trap, url, site_port = named_trap_site
    # Chromium's testing switch makes it treat the site as a public address,
    # as a real institution's site is, so its Local Network Access checks apply.
    public = f"--ip-address-space-overrides=127.0.0.1:{site_port}=public"
    monkeypatch.setattr(browser, "CHROMIUM_ARGUMENTS", (*browser.CHROMIUM_ARGUMENTS, public))
    app = make_app(**browser_config, ENABLED_PLUGINS=["axe"], SCAN_ALLOWED_NETWORKS="127.0.0.1/32")

    statuses = scan_pages(app, url)

    assert statuses["/"] == PageStatus.AUDITED
    assert trap.paths == []


@pytest.mark.browser
def test_loopback_page_reaches_the_private_name(make_app, browser_config, named_trap_site):
    # The same scan with the site on its real, loopback address: the name
    # resolves and the trap is reached, so the test above can fail.
    trap, url, _site_port = named_trap_site
    app = make_app(**browser_config, ENABLED_PLUGINS=["axe"], SCAN_ALLOWED_NETWORKS="127.0.0.1/32")

    scan_pages(app, url)

    assert {"/style.css", "/image.png", "/frame.html", "/fetch"} <= set(trap.paths)
