"""URL rules of a crawl: which addresses are valid, how they are normalised and
which ones belong to the scanned site."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from flask_babel import gettext as _
from url_normalize import url_normalize

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

# Query parameters that only tell analytics where a visitor came from; the
# page is the same with or without them. Names are compared in lower case.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
        "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "srsltid",
    }
)
TRACKING_PREFIXES = ("utm_",)

SCOPE_HOST = "host"
SCOPE_PATH = "path"
SCOPES = (SCOPE_HOST, SCOPE_PATH)

# A pattern with this prefix is a Python regular expression; any other
# pattern is a shell-style glob (``*``, ``?``, ``[...]``).
REGEX_PREFIX = "re:"


class InvalidScanURL(ValueError):
    """The URL given for a scan cannot be crawled; the message names it and the fix."""


class InvalidPattern(ValueError):
    """An include or exclude pattern is not a valid glob or regular expression."""


def validate_scan_url(url: str) -> str:
    """Return ``url`` normalised (see ``normalize_url``) if it is an http(s) URL with a host.

    :raises InvalidScanURL: with a translated message naming the value and the fix.
    """
    cleaned = (url or "").strip()
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 - parsing the port raises ValueError when it is invalid
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise InvalidScanURL(
            _(
                "Invalid URL to scan: %(url)s. Give a full address starting with http:// or https:// "
                "and a host name, for example https://muzeum.example.pl/.",
                url=url,
            )
        )
    return normalize_url(cleaned)


def normalize_url(url: str) -> str:
    """Return the one spelling of ``url`` under which its page is audited.

    url-normalize lower-cases the scheme and host (an international host
    name becomes its ``xn--`` form), drops a default port, turns an empty
    path into ``/``, resolves ``.`` and ``..`` and makes percent-encoding
    uniform. Then the fragment and the tracking parameters (``utm_*`` and
    ``TRACKING_PARAMETERS``) are removed. The other query parameters keep
    their order, because some servers read repeated or ordered parameters.
    A URL that is not http(s) only loses its fragment.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return _without_fragment(url)
    try:
        normalized = url_normalize(url.strip(), default_scheme=scheme) or url
    except (ValueError, UnicodeError):
        # A host name that IDNA rejects is left as written; loading it fails later with its reason.
        normalized = url
    parts = urlsplit(_without_fragment(normalized))
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", _strip_tracking(parts.query), ""))


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _strip_tracking(query: str) -> str:
    # Raw ``name=value`` pieces are kept as written, so removing a tracking
    # parameter never re-encodes the others.
    pieces = [piece for piece in query.split("&") if piece]
    kept = [piece for piece in pieces if not is_tracking_parameter(unquote_plus(piece.split("=", 1)[0]))]
    return "&".join(kept)


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def origin(url: str) -> tuple[str, str, int | None]:
    """Return the scheme, host and port of ``url``, with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def is_same_origin(url: str, other: str) -> bool:
    return origin(url) == origin(other)


def host_key(url: str) -> tuple[str, int | None]:
    """Return the host of ``url`` and its port, or ``None`` for a scheme's default port.

    ``http://a/`` and ``https://a/`` share a key, so a site that moves its
    visitors to HTTPS stays in scope; ``http://a:8080/`` does not.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port
    if port == DEFAULT_PORTS.get(scheme):
        port = None
    return (parts.hostname or "").lower(), port


def path_prefix(url: str) -> str:
    """Return the folder of ``url``'s path: ``/kolekcje/`` for ``/kolekcje/index.html``."""
    path = urlsplit(url).path or "/"
    return path[: path.rfind("/") + 1]


def has_non_html_extension(url: str) -> bool:
    last_segment = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    extension = last_segment[last_segment.rfind("."):] if "." in last_segment else ""
    return extension in NON_HTML_EXTENSIONS


def is_crawlable_link(url: str, start_url: str) -> bool:
    """Tell whether a link found on a page may be queued under the default host scope.

    It must be http(s), on the start URL's host, and not name a file that is
    obviously not HTML (judged by the extension of its path).
    """
    if urlsplit(url).scheme.lower() not in DEFAULT_PORTS:
        return False
    return host_key(url) == host_key(start_url) and not has_non_html_extension(url)


@dataclass(frozen=True)
class Scope:
    """The rule for which normalised URLs belong to a scan: the start URL's host, optionally only its folder."""

    start_url: str
    kind: str = SCOPE_HOST

    def contains(self, url: str) -> bool:
        if urlsplit(url).scheme.lower() not in DEFAULT_PORTS:
            return False
        if host_key(url) != host_key(self.start_url):
            return False
        if self.kind == SCOPE_PATH:
            return (urlsplit(url).path or "/").startswith(path_prefix(self.start_url))
        return True


def compile_patterns(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """Compile include or exclude patterns; see ``REGEX_PREFIX`` for the two syntaxes.

    :raises InvalidPattern: naming the first invalid pattern and the fix.
    """
    compiled = []
    for pattern in patterns:
        if pattern.startswith(REGEX_PREFIX):
            try:
                compiled.append(re.compile(pattern[len(REGEX_PREFIX):]))
            except re.error as error:
                raise InvalidPattern(
                    _(
                        "Invalid regular expression %(pattern)s: %(error)s. Correct it, or write the "
                        "pattern without the re: prefix to match it as a glob such as /events/*.",
                        pattern=pattern,
                        error=str(error),
                    )
                ) from error
        elif not pattern.startswith("/") and not pattern.startswith("*"):
            raise InvalidPattern(
                _(
                    "Invalid pattern %(pattern)s: a glob is matched against the path and query of "
                    "the address, so it starts with / or *, for example /events/* or */print/*.",
                    pattern=pattern,
                )
            )
        else:
            compiled.append(re.compile(r"\A" + fnmatch.translate(pattern)))
    return compiled


def path_and_query(url: str) -> str:
    """Return what include and exclude patterns are matched against: ``/path?query``."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def matches_any(url: str, patterns: Iterable[re.Pattern[str]]) -> bool:
    """Tell whether a glob matches the whole ``/path?query`` or a regex matches part of it."""
    target = path_and_query(url)
    return any(pattern.search(target) for pattern in patterns)
