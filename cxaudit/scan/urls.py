"""URL rules of a crawl: which addresses are valid, on the site and worth loading."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

from flask_babel import gettext as _

# Links to these files are skipped: the browser would download them or show
# a viewer, and page audits only make sense on HTML documents.
NON_HTML_EXTENSIONS = frozenset(
    {
        ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar",
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".ico", ".tif", ".tiff", ".avif",
        ".mp3", ".mp4", ".m4a", ".wav", ".ogg", ".webm", ".avi", ".mov", ".mkv",
        ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".rtf", ".csv",
        ".epub", ".exe", ".dmg", ".apk", ".iso", ".bin",
        ".css", ".js", ".json", ".xml", ".txt",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}


class InvalidScanURL(ValueError):
    """The URL given for a scan cannot be crawled; the message names it and the fix."""


def validate_scan_url(url: str) -> str:
    """Return ``url`` without surrounding spaces or fragment if it is an http(s) URL with a host.

    :raises InvalidScanURL: with a translated message naming the value and the fix.
    """
    cleaned = (url or "").strip()
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 - parsing the port raises ValueError when it is invalid
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise InvalidScanURL(
            _(
                "Invalid URL to scan: %(url)s. Give a full address starting with http:// or https:// "
                "and a host name, for example https://muzeum.example.pl/.",
                url=url,
            )
        )
    return normalize_url(cleaned)


def normalize_url(url: str) -> str:
    """Remove the fragment, so ``page#a`` and ``page#b`` are audited once."""
    return urldefrag(url).url


def origin(url: str) -> tuple[str, str, int | None]:
    """Return the scheme, host and port of ``url``, with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def is_same_origin(url: str, other: str) -> bool:
    return origin(url) == origin(other)


def is_crawlable_link(url: str, start_url: str) -> bool:
    """Tell whether a link found on a page should be queued for the crawl.

    It must be http(s), on the start URL's origin, and not name a file that is
    obviously not HTML (judged by the extension of its path).
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in DEFAULT_PORTS:
        return False
    if not is_same_origin(url, start_url):
        return False
    last_segment = parts.path.rsplit("/", 1)[-1].lower()
    extension = last_segment[last_segment.rfind("."):] if "." in last_segment else ""
    return extension not in NON_HTML_EXTENSIONS
