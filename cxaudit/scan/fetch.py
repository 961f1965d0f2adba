"""Plain HTTP GET of robots.txt and sitemaps, through the SSRF guard.

The connection goes to the address the guard checked, not to a second
lookup of the host name, so a DNS answer that changes between the check and
the connection (DNS rebinding) cannot reach a refused address. Redirects
are followed by hand, each hop checked again.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3HTTPError

from cxaudit.scan.guard import BlockedAddress, Guard
from cxaudit.scan.network_errors import fetch_error_code
from cxaudit.scan.urls import DEFAULT_PORTS

logger = logging.getLogger(__name__)

FetchText = Callable[[str], "str | None"]

MAX_REDIRECTS = 5
# The sitemap protocol caps an uncompressed sitemap at 50 MiB; robots.txt
# files are far smaller, so one limit serves both.
MAX_BODY_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


class FileUnavailable(Exception):
    """The server failed (HTTP 500 or above) or could not be reached.

    ``status`` is None for a network error, whose Chromium code (such as
    ERR_CONNECTION_REFUSED) is in ``code`` when it is known.
    """

    def __init__(self, url: str, status: int | None, detail: str, code: str | None = None) -> None:
        super().__init__(f"{url}: {detail}")
        self.url = url
        self.status = status
        self.detail = detail
        self.code = code


class GuardedFetcher:
    """The frontier's ``fetch_text(url)``: returns the body as text, or ``None``.

    ``None`` means that the file is missing or could not be fetched, because
    of an HTTP status other than 200, the guard, a network error or its size.
    The reason is logged. ``fetch_robots`` separates a server error and a network
    error from a missing file, as RFC 9309 requires.
    """

    def __init__(self, guard: Guard, user_agent: str, timeout: float) -> None:
        self.guard = guard
        self.user_agent = user_agent
        self.timeout = urllib3.Timeout(connect=timeout, read=timeout)

    def __call__(self, url: str) -> str | None:
        return self._fetch(url, strict=False)

    def fetch_robots(self, url: str) -> str | None:
        """Return robots.txt as text, or ``None`` when it is missing (HTTP 4xx) or cannot be used.

        :raises FileUnavailable: when the server answers HTTP 500 or above or
            cannot be reached; RFC 9309 then treats the site as fully disallowed.
        """
        return self._fetch(url, strict=True)

    def _fetch(self, url: str, strict: bool) -> str | None:
        try:
            body = self._get(url, strict)
        except BlockedAddress as error:
            logger.warning("Fetch of %s rejected by the guard: %s", url, error)
            return None
        except ValueError as error:
            # An invalid port or IPv6 address in the URL or in a redirect: no server was asked.
            logger.info("Fetch of %s failed: %s", url, error)
            return None
        except (Urllib3HTTPError, OSError) as error:
            logger.info("Fetch of %s failed: %s", url, error)
            if strict:
                raise FileUnavailable(url, None, _first_line(error), fetch_error_code(error)) from error
            return None
        if body is None:
            return None
        return _decode(_gunzip_if_needed(url, body))

    def _get(self, url: str, strict: bool) -> bytes | None:
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._request(url)
            location = response.headers.get("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                response.release_conn()
                url = urljoin(url, location)
                continue
            if response.status != 200:
                logger.info("Fetch of %s returned HTTP status %s", url, response.status)
                response.release_conn()
                if strict and response.status >= 500:
                    raise FileUnavailable(url, response.status, f"HTTP {response.status}")
                return None
            return _read_limited(url, response)
        logger.info("Fetch of %s stopped after %s redirects", url, MAX_REDIRECTS)
        return None

    def _request(self, url: str) -> urllib3.BaseHTTPResponse:
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS:
            raise Urllib3HTTPError(f"unsupported scheme {parts.scheme!r}")
        address = self.guard.check_url(url)[0]
        host = parts.hostname or ""
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        host_header = parts.netloc.rsplit("@", 1)[-1]
        headers = {"Host": host_header, "User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"}
        path = parts.path or "/"
        if parts.query:
            path += f"?{parts.query}"

        if parts.scheme == "https":
            # TLS still verifies the certificate against the host name.
            pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
                address, port, timeout=self.timeout, retries=False, server_hostname=host, assert_hostname=host
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=self.timeout, retries=False)
        return pool.urlopen("GET", path, headers=headers, redirect=False, preload_content=False, decode_content=True)


def _read_limited(url: str, response: urllib3.BaseHTTPResponse) -> bytes | None:
    chunks = []
    size = 0
    for chunk in response.stream(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            logger.warning("Fetch of %s stopped: larger than %s bytes", url, MAX_BODY_BYTES)
            response.release_conn()
            return None
        chunks.append(chunk)
    response.release_conn()
    return b"".join(chunks)


def _gunzip_if_needed(url: str, body: bytes) -> bytes:
    """Unpack a ``.xml.gz`` sitemap served as a file rather than with Content-Encoding."""
    if not body.startswith(GZIP_MAGIC):
        return body
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        # max_length caps the output, so a small "gzip bomb" cannot fill the memory.
        unpacked = decompressor.decompress(body, MAX_BODY_BYTES)
    except zlib.error as error:
        logger.info("Fetch of %s: invalid gzip data (%s)", url, error)
        return b""
    if decompressor.unconsumed_tail:
        logger.warning("Fetch of %s: unpacked content larger than %s bytes, cut there", url, MAX_BODY_BYTES)
    return unpacked


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _decode(body: bytes) -> str:
    # Sitemaps are UTF-8 by their protocol and robots.txt by RFC 9309.
    return body.decode("utf-8", errors="replace")

