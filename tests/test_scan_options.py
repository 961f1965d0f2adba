"""Crawl options of ``cxaudit scan`` and of the admin scan form: checked, translated and stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accounts import sign_in
from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Scan, ScanStatus

PAGES = Path(__file__).parent / "pages" / "scan"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def scan_count(app) -> int:
    with app.app_context():
        return db.session.query(Scan).count()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--max-depth", "-1"], "Invalid maximum depth: -1. Give a whole number of 0 or more"),
        (["--max-depth", "dwa"], "Invalid maximum depth: dwa."),
        (["--scope", "site"], "Invalid scope: site. Give host"),
        (["--include", "news/*"], "Invalid pattern news/*: a glob is matched against the path and query"),
        (["--exclude", "re:(druk"], "Invalid regular expression re:(druk:"),
    ],
)
def test_cli_rejects_invalid_crawl_option(app, runner, arguments, message):
    result = runner.invoke(cli, ["scan", "http://127.0.0.1:9/", *arguments])

    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert scan_count(app) == 0


def test_cli_error_in_polish(app, runner, monkeypatch):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", "pl")

    result = runner.invoke(cli, ["scan", "http://127.0.0.1:9/", "--scope", "strona"])

    assert result.exit_code == 2
    assert result.stderr.startswith("Nieprawidłowy zakres: strona. Podaj host")


def test_cli_refuses_loopback_by_default(make_app):
    app = make_app(SCAN_ALLOWED_NETWORKS="")

    result = app.test_cli_runner().invoke(cli, ["scan", "http://127.0.0.1:9/"])

    assert result.exit_code == 2
    assert result.stderr.startswith("Refused to scan http://127.0.0.1:9/: 127.0.0.1 is a private, loopback")
    assert "CXAUDIT_SCAN_ALLOWED_NETWORKS" in result.stderr
    assert scan_count(app) == 0


def test_cli_names_invalid_allowed_network(make_app):
    app = make_app(SCAN_ALLOWED_NETWORKS="127.0.0.0/8,lokalna")

    result = app.test_cli_runner().invoke(cli, ["scan", "http://127.0.0.1:9/"])

    assert result.exit_code == 2
    assert result.stderr.startswith("Invalid network lokalna in CXAUDIT_SCAN_ALLOWED_NETWORKS.")


@pytest.mark.browser
def test_cli_stores_crawl_options(make_app, browser_config, serve_directory):
    app = make_app(**browser_config)
    base_url = serve_directory(PAGES)

    result = app.test_cli_runner().invoke(
        cli,
        [
            "scan", f"{base_url}/index.html", "--max-depth", "0", "--scope", "path",
            "--include", "/wystawy/*", "--include", "re:^/o-nas", "--exclude", "*/druk/*", "--no-sitemap",
        ],
    )

    assert result.exit_code == 0, result.stderr
    with app.app_context():
        scan = db.session.scalars(db.select(Scan)).one()
        assert scan.settings["max_depth"] == 0
        assert scan.settings["scope"] == "path"
        assert scan.settings["include"] == ["/wystawy/*", "re:^/o-nas"]
        assert scan.settings["exclude"] == ["*/druk/*"]
        assert scan.settings["sitemap"] is False
        assert [page.url for page in scan.pages] == [f"{base_url}/index.html"]


@pytest.fixture
def queued_app(make_app):
    """An app whose scans stay queued: no worker runs them."""
    return make_app()


@pytest.fixture
def signed_in(queued_app):
    client = queued_app.test_client()
    sign_in(queued_app, client)
    return client


def post_scan(client, **fields):
    page = client.get("/scans?lang=en").get_data(as_text=True)
    token = CSRF_FIELD.search(page).group(1)
    data = {"csrf_token": token, "url": "http://127.0.0.1:9/", "max_pages": "5", **fields}
    return client.post("/scans?lang=en", data=data)


def test_form_shows_crawl_options(signed_in):
    page = signed_in.get("/scans?lang=en").get_data(as_text=True)

    assert '<label for="max_depth">Maximum depth</label>' in page
    assert '<label for="scope">Scope</label>' in page
    assert '<option selected value="host">The whole host of the start page</option>' in page
    assert '<label for="include">Only pages matching</label>' in page
    assert '<label for="exclude">Skip pages matching</label>' in page
    assert 'id="sitemap" name="sitemap" type="checkbox" value="y"' in page
    assert 'checked id="sitemap"' in page


def test_form_stores_crawl_options(queued_app, signed_in):
    response = post_scan(
        signed_in,
        max_depth="2",
        scope="path",
        include="/wystawy/*\n\n  re:^/o-nas  \n",
        exclude="*/druk/*",
    )

    assert response.status_code == 302
    with queued_app.app_context():
        scan = db.session.scalars(db.select(Scan)).one()
        assert scan.status == ScanStatus.QUEUED
        assert scan.settings["max_depth"] == 2
        assert scan.settings["scope"] == "path"
        assert scan.settings["include"] == ["/wystawy/*", "re:^/o-nas"]
        assert scan.settings["exclude"] == ["*/druk/*"]
        # An unticked checkbox is not sent, so the sitemaps are off.
        assert scan.settings["sitemap"] is False


def test_form_empty_depth_means_no_limit(queued_app, signed_in):
    post_scan(signed_in, max_depth="", sitemap="y")

    with queued_app.app_context():
        scan = db.session.scalars(db.select(Scan)).one()
        assert scan.settings["max_depth"] is None
        assert scan.settings["sitemap"] is True


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"max_depth": "-1"}, "Enter a whole number of 0 or more, or leave the field empty."),
        ({"scope": "site"}, "Not a valid choice."),
        ({"include": "/ok/*\nnews/*"}, "Invalid pattern news/*: a glob is matched"),
        ({"exclude": "re:(druk"}, "Invalid regular expression re:(druk:"),
    ],
)
def test_form_rejects_invalid_crawl_option(queued_app, signed_in, fields, message):
    response = post_scan(signed_in, **fields)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert scan_count(queued_app) == 0


def test_form_refuses_loopback_by_default(make_app):
    app = make_app(SCAN_ALLOWED_NETWORKS="")
    client = app.test_client()
    sign_in(app, client)

    response = post_scan(client)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Refused to scan http://127.0.0.1:9/" in page
    assert "CXAUDIT_SCAN_ALLOWED_NETWORKS" in page
    assert scan_count(app) == 0


def test_form_shows_robots_and_axe_options(signed_in):
    page = signed_in.get("/scans?lang=en").get_data(as_text=True)

    assert 'id="ignore_robots" name="ignore_robots" type="checkbox" value="y"' in page
    assert 'checked id="ignore_robots"' not in page
    assert '<label for="axe_tags">axe-core tags</label>' in page
    assert '<label for="axe_rules">axe-core rules switched on or off</label>' in page


def test_form_stores_axe_selection_and_ignore_robots(queued_app, signed_in):
    response = post_scan(
        signed_in, axe_tags="wcag2a, best-practice", axe_rules="empty-heading=on\n\n color-contrast=off \n", ignore_robots="y"
    )

    assert response.status_code == 302
    with queued_app.app_context():
        scan = db.session.scalars(db.select(Scan)).one()
        # Stored as `cxaudit scan --axe-tags wcag2a,best-practice --axe-rule ...` stores them.
        assert scan.settings["axe_tags"] == ["wcag2a", "best-practice"]
        assert scan.settings["axe_rules"] == {"color-contrast": False, "empty-heading": True}
        assert scan.settings["ignore_robots"] is True


def test_form_empty_axe_fields_keep_defaults(queued_app, signed_in):
    post_scan(signed_in)

    with queued_app.app_context():
        scan = db.session.scalars(db.select(Scan)).one()
        assert scan.settings["axe_tags"] == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
        assert scan.settings["axe_rules"] == {}
        assert scan.settings["ignore_robots"] is False


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"axe_tags": "wcag2a, wcag99"}, "Unknown axe-core tag: wcag99. axe-core"),
        ({"axe_tags": " , "}, "No axe-core tag given. Give tags such as wcag2a,wcag2aa."),
        ({"axe_rules": "empty-heading=on\nno-such-rule=off"}, "Unknown axe-core rule: no-such-rule."),
        ({"axe_rules": "empty-heading"}, "Invalid axe-core rule switch: empty-heading. Write RULE=on or RULE=off"),
        ({"axe_rules": "empty-heading=maybe"}, "Invalid switch for axe-core rule empty-heading: maybe. Use on or off."),
    ],
)
def test_form_rejects_invalid_axe_selection(queued_app, signed_in, fields, message):
    response = post_scan(signed_in, **fields)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert scan_count(queued_app) == 0


def test_form_axe_error_in_polish(queued_app, signed_in):
    page = signed_in.get("/scans?lang=pl").get_data(as_text=True)
    token = CSRF_FIELD.search(page).group(1)

    response = signed_in.post(
        "/scans?lang=pl", data={"csrf_token": token, "url": "http://127.0.0.1:9/", "max_pages": "5", "axe_tags": "wcag99"}
    )

    assert "Nieznany tag axe-core: wcag99." in response.get_data(as_text=True)
    assert scan_count(queued_app) == 0


def test_form_hides_axe_fields_without_axe_plugin(make_app):
    app = make_app(ENABLED_PLUGINS=["forms"])
    client = app.test_client()
    sign_in(app, client)

    page = client.get("/scans?lang=en").get_data(as_text=True)

    assert 'name="axe_tags"' not in page
    assert 'name="ignore_robots"' in page
