"""The guarded fetcher of robots.txt and sitemaps, against a server on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator

import pytest

from cxaudit.scan.fetch import MAX_REDIRECTS, GuardedFetcher
from cxaudit.scan.guard import Guard, parse_allowed_networks

AGENT = "cxaudit/test (+mailto:audit@muzeum.example)"
SITEMAP = '<urlset><url><loc>http://muzeum.example/ł.html</loc></url></urlset>'


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers from ``routes``: path to (status, headers, body); records every request."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    seen: list[tuple[str, str, str]] = []

    def do_GET(self):  # noqa: N802 - name fixed by http.server
        self.seen.append((self.path, self.headers.get("User-Agent", ""), self.headers.get("Host", "")))
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value.format(port=self.server.server_port))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"routes": {}, "seen": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}", handler
    httpd.shutdown()
    httpd.server_close()


def make_fetcher(resolver=None) -> GuardedFetcher:
    guard = Guard(
        allowed_networks=parse_allowed_networks("127.0.0.0/8"),
        resolver=resolver or (lambda host: ["127.0.0.1"]),
    )
    return GuardedFetcher(guard, user_agent=AGENT, timeout=5)


def test_fetch_returns_text_with_agent_and_host(server):
    base, handler = server
    handler.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n")

    assert make_fetcher()(f"{base}/robots.txt") == "User-agent: *\nDisallow:\n"
    assert handler.seen == [("/robots.txt", AGENT, base.removeprefix("http://"))]


def test_fetch_unpacks_gzip_file(server):
    base, handler = server
    handler.routes["/sitemap.xml.gz"] = (200, {"Content-Type": "application/gzip"}, gzip.compress(SITEMAP.encode()))

    assert make_fetcher()(f"{base}/sitemap.xml.gz") == SITEMAP


def test_fetch_decodes_gzip_content_encoding(server):
    base, handler = server
    handler.routes["/sitemap.xml"] = (200, {"Content-Encoding": "gzip"}, gzip.compress(SITEMAP.encode()))

    assert make_fetcher()(f"{base}/sitemap.xml") == SITEMAP


def test_fetch_missing_file_returns_none(server):
    base, handler = server

    assert make_fetcher()(f"{base}/robots.txt") is None
    assert [path for path, _agent, _host in handler.seen] == ["/robots.txt"]


def test_fetch_follows_redirect(server):
    base, handler = server
    handler.routes["/sitemap.xml"] = (301, {"Location": "/nowa-mapa.xml"}, b"")
    handler.routes["/nowa-mapa.xml"] = (200, {}, SITEMAP.encode())

    assert make_fetcher()(f"{base}/sitemap.xml") == SITEMAP


def test_fetch_stops_redirect_loop(server):
    base, handler = server
    handler.routes["/a"] = (302, {"Location": "/b"}, b"")
    handler.routes["/b"] = (302, {"Location": "/a"}, b"")

    assert make_fetcher()(f"{base}/a") is None
    assert len(handler.seen) == MAX_REDIRECTS + 1


def test_fetch_refuses_redirect_to_private_address(server):
    # intranet.example resolves (through the injected resolver) to 10.0.0.9:
    # the guard refuses it before any connection is opened.
    base, handler = server
    handler.routes["/sitemap.xml"] = (302, {"Location": "http://intranet.example/sitemap.xml"}, b"")

    def resolver(host: str) -> list[str]:
        return {"intranet.example": ["10.0.0.9"]}.get(host, ["127.0.0.1"])

    assert make_fetcher(resolver)(f"{base}/sitemap.xml") is None
    assert [path for path, _agent, _host in handler.seen] == ["/sitemap.xml"]


def test_fetch_connects_to_checked_address(server):
    # The host name is resolved once, by the guard, and the connection goes
    # to that address: a name only the injected resolver knows still loads.
    base, handler = server
    port = base.rsplit(":", 1)[1]
    handler.routes["/robots.txt"] = (200, {}, b"User-agent: *\n")
    fetcher = make_fetcher(lambda host: {"muzeum.test": ["127.0.0.1"]}[host])

    assert fetcher(f"http://muzeum.test:{port}/robots.txt") == "User-agent: *\n"
    assert handler.seen[0][2] == f"muzeum.test:{port}"


def test_fetch_unsupported_scheme_returns_none():
    assert make_fetcher()("ftp://127.0.0.1/robots.txt") is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/robots.txt", "http://[::1/robots.txt", "http://127.0.0.1:port/"])
def test_fetch_invalid_url_returns_none(url):
    assert make_fetcher()(url) is None


class _HostEchoHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - name fixed by http.server
        body = f"Host: {self.headers.get('Host')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture
def tls_server(tmp_path, monkeypatch) -> Iterator[int]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for muzeum.test, trusted through SSL_CERT_FILE."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed, so no test certificate can be made")
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=muzeum.test",
         "-addext", "subjectAltName=DNS:muzeum.test", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostEchoHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()


def test_fetch_https_verifies_host_name_on_pinned_address(tls_server):
    fetcher = make_fetcher(lambda host: {"muzeum.test": ["127.0.0.1"]}[host])

    # The connection goes to 127.0.0.1, and TLS still checks the certificate against muzeum.test.
    assert fetcher(f"https://muzeum.test:{tls_server}/robots.txt") == f"Host: muzeum.test:{tls_server}"
    # The certificate does not name 127.0.0.1, so the same server fails verification there.
    assert fetcher(f"https://127.0.0.1:{tls_server}/robots.txt") is None
