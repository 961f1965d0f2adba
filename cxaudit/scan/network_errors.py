"""Plain-language reasons for Chromium's network error codes, such as net::ERR_CONNECTION_REFUSED.

ChromeDriver reports a failed navigation with Chromium's code inside an
English message, and some failures only show Chromium's own error page. The
reasons tell the auditor what went wrong and what to do, and the code stays
at the end of each reason for a technician.
"""

from __future__ import annotations

import http.client
import re
import ssl

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError

# "net::ERR_CONNECTION_REFUSED" in ChromeDriver's messages, a bare
# "ERR_EMPTY_RESPONSE" on Chromium's error page.
NETWORK_ERROR_CODE = re.compile(r"\b(?:net::)?(ERR_[A-Z0-9_]+)\b")

REFUSED = _l(
    "Nothing answers at this address: the server is not running or listens on another port. "
    "Check that the site is up and that the address and port are right."
)
NAME_NOT_FOUND = _l("The domain name of this address does not exist. Check the spelling of the address.")
TIMED_OUT = _l(
    "The server did not answer in time. Check that the site is up and can be reached from this machine "
    "(firewall, VPN), then scan again."
)
CONNECTION_BROKEN = _l(
    "The server broke off the connection. Scan again later; if it happens again, "
    "ask the site's administrator to check the server."
)
UNREACHABLE = _l(
    "This machine has no network route to the server. Check this machine's network connection "
    "and that the address is right."
)
CERTIFICATE = _l(
    "The site's security certificate is not valid (expired, self-signed or issued for another name). "
    "Ask the site's administrator to renew or correct it."
)
REDIRECT_LOOP = _l(
    "The page redirects in a loop and never arrives. Ask the site's administrator to check the redirects, "
    "or scan the address the page should lead to."
)
SECURE_CONNECTION = _l(
    "A secure (HTTPS) connection to the server could not be set up. Check whether the address should "
    "start with http:// instead of https://, or ask the site's administrator to check the HTTPS setup."
)
ERROR_PAGE = _l(
    "The browser could not open the page and showed its own error page. "
    "Check that the site is up and can be reached from this machine."
)

REASONS: dict[str, LazyString] = {
    "ERR_CONNECTION_REFUSED": REFUSED,
    "ERR_NAME_NOT_RESOLVED": NAME_NOT_FOUND,
    "ERR_NAME_RESOLUTION_FAILED": NAME_NOT_FOUND,
    "ERR_CONNECTION_TIMED_OUT": TIMED_OUT,
    "ERR_TIMED_OUT": TIMED_OUT,
    "ERR_CONNECTION_RESET": CONNECTION_BROKEN,
    "ERR_CONNECTION_CLOSED": CONNECTION_BROKEN,
    "ERR_CONNECTION_ABORTED": CONNECTION_BROKEN,
    "ERR_EMPTY_RESPONSE": CONNECTION_BROKEN,
    "ERR_ADDRESS_UNREACHABLE": UNREACHABLE,
    "ERR_INTERNET_DISCONNECTED": UNREACHABLE,
    "ERR_NETWORK_CHANGED": UNREACHABLE,
    "ERR_TOO_MANY_REDIRECTS": REDIRECT_LOOP,
    "ERR_SSL_PROTOCOL_ERROR": SECURE_CONNECTION,
    "ERR_SSL_VERSION_OR_CIPHER_MISMATCH": SECURE_CONNECTION,
}


# The socket and TLS errors behind a failed fetch of robots.txt, named by the
# Chromium code a page load fails with in the same case. Checked in order, so
# each subclass (RemoteDisconnected of ConnectionResetError, the certificate
# error of SSLError) comes before its base class.
SOCKET_ERROR_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "ERR_CONNECTION_REFUSED"),
    (http.client.RemoteDisconnected, "ERR_EMPTY_RESPONSE"),
    (ConnectionResetError, "ERR_CONNECTION_RESET"),
    (ConnectionAbortedError, "ERR_CONNECTION_ABORTED"),
    (ssl.SSLCertVerificationError, "ERR_CERT_INVALID"),
    (ssl.SSLError, "ERR_SSL_PROTOCOL_ERROR"),
    (TimeoutError, "ERR_TIMED_OUT"),
)


def fetch_error_code(error: BaseException) -> str | None:
    """Return the Chromium code for a failed urllib3 fetch, such as ERR_CONNECTION_REFUSED, or None.

    urllib3 wraps the socket's error, so the chain of causes is searched.
    """
    chain = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__

    for kind, code in SOCKET_ERROR_CODES:
        if any(isinstance(link, kind) for link in chain):
            return code
    # NewConnectionError is a subclass of urllib3's timeout error without being a timeout.
    if any(isinstance(link, Urllib3TimeoutError) and not isinstance(link, NewConnectionError) for link in chain):
        return "ERR_TIMED_OUT"
    return None


def network_error_code(detail: str) -> str | None:
    """Return the first Chromium network error code in ``detail`` (without ``net::``), or None."""
    match = NETWORK_ERROR_CODE.search(detail)
    return match.group(1) if match else None


def describe_network_error(detail: str, error_page: bool = False) -> str | None:
    """Return the translated reason for the network error in ``detail``, ending with its code in parentheses.

    With ``error_page`` (the browser showed its error page), a missing code
    gets a general reason. Returns None when
    ``detail`` names no network error the auditor can act on.
    """
    code = network_error_code(detail)
    reason = _reason_for(code)
    # A code without a reason here (such as ERR_RESPONSE_HEADERS_TOO_BIG) is
    # often a server fault, so "check the site is up" would mislead.
    if reason is None and error_page and code is None:
        reason = ERROR_PAGE
    if reason is None:
        return None
    return f"{reason} (net::{code})" if code else f"{reason} (chrome-error)"


def _reason_for(code: str | None) -> LazyString | None:
    if code is None:
        return None
    if code.startswith("ERR_CERT_"):
        return CERTIFICATE
    return REASONS.get(code)
