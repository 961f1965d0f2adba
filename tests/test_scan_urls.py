"""URL normalisation, scope and include/exclude patterns of a crawl."""

from __future__ import annotations

import pytest

from cxaudit.scan.urls import (
    InvalidPattern,
    InvalidScanURL,
    Scope,
    compile_patterns,
    is_crawlable_link,
    matches_any,
    normalize_url,
    validate_scan_url,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://muzeum.example/page#section", "http://muzeum.example/page"),
        ("HTTP://Muzeum.EXAMPLE/Page", "http://muzeum.example/Page"),
        ("http://muzeum.example:80/", "http://muzeum.example/"),
        ("https://muzeum.example:443/a", "https://muzeum.example/a"),
        ("https://muzeum.example:8443/a", "https://muzeum.example:8443/a"),
        ("http://muzeum.example", "http://muzeum.example/"),
        ("http://muzeum.example?x=1", "http://muzeum.example/?x=1"),
        ("http://muzeum.example/a/./b/../c.html", "http://muzeum.example/a/c.html"),
        ("http://muzeum.example/%7Ekustosz/", "http://muzeum.example/~kustosz/"),
        ("http://muzeum.example/a?utm_source=x&utm_medium=y", "http://muzeum.example/a"),
        ("http://muzeum.example/a?id=3&fbclid=abc&gclid=def", "http://muzeum.example/a?id=3"),
        ("http://muzeum.example/a?mc_eid=1&mc_cid=2&msclkid=3&id=4", "http://muzeum.example/a?id=4"),
        ("http://muzeum.example/a?UTM_Campaign=zima&id=5", "http://muzeum.example/a?id=5"),
        ("http://muzeum.example/a?b=2&a=1", "http://muzeum.example/a?b=2&a=1"),
        ("http://muzeum.example/a?tag=x&tag=y", "http://muzeum.example/a?tag=x&tag=y"),
        ("http://muzeum.example/a?", "http://muzeum.example/a"),
        ("http://zamek-królewski.example/", "http://xn--zamek-krlewski-sob.example/"),
        ("mailto:muzeum@example.invalid#x", "mailto:muzeum@example.invalid"),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_normalize_url_is_idempotent():
    url = "HTTP://Muzeum.example:80/a/../b?utm_source=x&q=ą#top"

    once = normalize_url(url)

    assert normalize_url(once) == once


def test_normalize_keeps_parameter_named_like_tracking_prefix_inside():
    # Only names that start with utm_ are tracking parameters.
    assert normalize_url("http://muzeum.example/a?not_utm_x=1") == "http://muzeum.example/a?not_utm_x=1"


def test_validate_scan_url_normalises(app):
    with app.app_context():
        assert validate_scan_url("  HTTPS://Muzeum.example:443#top ") == "https://muzeum.example/"


@pytest.mark.parametrize("url", ["", "muzeum.example", "ftp://muzeum.example/", "http://", "http://a:99999/"])
def test_validate_scan_url_rejects(app, url):
    with app.app_context(), pytest.raises(InvalidScanURL) as raised:
        validate_scan_url(url)

    assert "Invalid URL to scan" in str(raised.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://muzeum.example/kolekcje/obraz.html", True),
        ("https://muzeum.example/kolekcje/", True),
        ("http://MUZEUM.example:80/", True),
        ("http://muzeum.example:8080/", False),
        ("http://www.muzeum.example/", False),
        ("http://sklep.muzeum.example/", False),
        ("ftp://muzeum.example/", False),
    ],
)
def test_host_scope(url, expected):
    scope = Scope("http://muzeum.example/index.html")

    assert scope.contains(url) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://muzeum.example/kolekcje/", True),
        ("http://muzeum.example/kolekcje/malarstwo/obraz.html", True),
        ("http://muzeum.example/kolekcje-stare/", False),
        ("http://muzeum.example/kolekcje", False),
        ("http://muzeum.example/", False),
    ],
)
def test_path_scope(url, expected):
    scope = Scope("http://muzeum.example/kolekcje/index.html", "path")

    assert scope.contains(url) is expected


def test_crawlable_link_skips_files_and_other_hosts():
    start = "http://muzeum.example/"

    assert is_crawlable_link("http://muzeum.example/o-nas.html", start)
    assert not is_crawlable_link("http://muzeum.example/raport.PDF", start)
    assert not is_crawlable_link("http://inne.example/", start)
    assert not is_crawlable_link("javascript:void(0)", start)


@pytest.mark.parametrize(
    ("patterns", "url", "expected"),
    [
        (["/wydarzenia/*"], "http://m.example/wydarzenia/2026/koncert.html", True),
        (["/wydarzenia/*"], "http://m.example/archiwum/wydarzenia/x.html", False),
        (["*/druk/*"], "http://m.example/a/druk/b.html", True),
        (["/szukaj*"], "http://m.example/szukaj?q=obraz", True),
        (["/*.html"], "http://m.example/a/b.html", True),
        (["re:[?&]page=\\d+"], "http://m.example/lista?page=12", True),
        (["re:^/en/"], "http://m.example/pl/en/", False),
        (["re:^/en/"], "http://m.example/en/", True),
        ([], "http://m.example/", False),
    ],
)
def test_patterns_match(app, patterns, url, expected):
    with app.app_context():
        compiled = compile_patterns(patterns)

    assert matches_any(url, compiled) is expected


def test_invalid_regex_named(app):
    with app.app_context(), pytest.raises(InvalidPattern) as raised:
        compile_patterns(["re:/news/(unclosed"])

    assert "re:/news/(unclosed" in str(raised.value)
    assert "Invalid regular expression" in str(raised.value)


def test_glob_without_slash_rejected(app):
    with app.app_context(), pytest.raises(InvalidPattern) as raised:
        compile_patterns(["news/*"])

    assert "news/*" in str(raised.value)
    assert "starts with / or *" in str(raised.value)
