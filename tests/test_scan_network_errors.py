"""Plain-language reasons for Chromium's network errors, in English and Polish."""

from __future__ import annotations

import socket

import pytest
from flask_babel import force_locale
from selenium.common.exceptions import WebDriverException

from cxaudit.extensions import db
from cxaudit.models import Scan
from cxaudit.scan.browser_session import NavigationError
from cxaudit.scan.runner import create_scan, run_stored_scan
from cxaudit.scan.visit import page_load_error

URL = "http://muzeum.example/"


def driver_error(code: str) -> WebDriverException:
    return WebDriverException(f"unknown error: net::{code}\n  (Session info: chrome-headless-shell=156.0)")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("ERR_CONNECTION_REFUSED", "Nothing answers at this address"),
        ("ERR_NAME_NOT_RESOLVED", "domain name of this address does not exist"),
        ("ERR_CONNECTION_TIMED_OUT", "did not answer in time"),
        ("ERR_CONNECTION_RESET", "broke off the connection"),
        ("ERR_ADDRESS_UNREACHABLE", "no network route"),
        ("ERR_CERT_DATE_INVALID", "security certificate is not valid"),
        ("ERR_CERT_AUTHORITY_INVALID", "security certificate is not valid"),
        ("ERR_TOO_MANY_REDIRECTS", "redirects in a loop"),
        ("ERR_SSL_PROTOCOL_ERROR", "secure (HTTPS) connection"),
    ],
)
def test_common_codes_get_plain_reasons(app, code, words):
    with app.app_context(), force_locale("en"):
        reason = page_load_error(URL, driver_error(code))

    assert reason.startswith(f"The page {URL} could not be opened. ")
    assert words in reason
    assert reason.endswith(f"(net::{code})")
    assert "WebDriverException" not in reason


def test_reason_in_polish(app):
    with app.app_context(), force_locale("pl"):
        reason = page_load_error(URL, driver_error("ERR_CONNECTION_REFUSED"))

    assert reason == (
        f"Nie udało się otworzyć strony {URL}. Pod tym adresem nic nie odpowiada: serwer nie działa "
        "albo nasłuchuje na innym porcie. Sprawdź, czy witryna działa i czy adres i port są poprawne. "
        "(net::ERR_CONNECTION_REFUSED)"
    )


def test_chromium_error_page(app):
    with app.app_context(), force_locale("en"):
        known = page_load_error(URL, NavigationError("ERR_EMPTY_RESPONSE"))
        unknown = page_load_error(URL, NavigationError("unknown network error"))

    assert known.endswith("broke off the connection. Scan again later; if it happens again, "
                          "ask the site's administrator to check the server. (net::ERR_EMPTY_RESPONSE)")
    assert "showed its own error page" in unknown
    assert unknown.endswith("(chrome-error)")


def test_unmapped_code_keeps_browser_text(app):
    with app.app_context(), force_locale("en"):
        reason = page_load_error(URL, NavigationError("ERR_RESPONSE_HEADERS_TOO_BIG"))

    assert reason == f"The browser failed on {URL} (NavigationError: ERR_RESPONSE_HEADERS_TOO_BIG)."


def test_other_browser_errors_keep_their_text(app):
    with app.app_context(), force_locale("en"):
        reason = page_load_error(URL, WebDriverException("invalid session id"))

    assert reason == f"The browser failed on {URL} (WebDriverException: invalid session id)."


@pytest.mark.browser
def test_server_not_running(make_app, browser_config):
    scan_app = make_app(**browser_config)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{probe.getsockname()[1]}/"

    with scan_app.app_context():
        scan_id = create_scan(closed_url, 1).id
        run_stored_scan(scan_id)
        scan = db.session.get(Scan, scan_id)
        pages = list(scan.pages)

    # robots.txt is fetched first, so its failed connection stops the scan with the same reason.
    assert pages == []
    assert "Nothing answers at this address" in scan.error
    assert "(net::ERR_CONNECTION_REFUSED)." in scan.error
