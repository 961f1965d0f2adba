"""Matching violations across scans, the diff, the per-rule trend, the --fail-on count
and the scan page's link to the previous scan."""

from __future__ import annotations

import pytest

from accounts import sign_in
from cxaudit.models import ScanStatus
from cxaudit.scan.diff import ScansNotComparable, diff_scans, page_key
from cxaudit.scan.fail_on import count_violations_at_or_above
from cxaudit.scan.history import previous_finished_scan, site_trend
from scan_rows import add_scan, add_site, review, violation

BASE = "https://muzeum.example/"


@pytest.mark.parametrize(
    ("page_url", "start_url", "expected"),
    [
        ("https://muzeum.example/wystawy#top", BASE, "/wystawy"),
        ("https://MUZEUM.example:443/wystawy", BASE, "/wystawy"),
        ("https://muzeum.example", BASE, "/"),
        ("https://muzeum.example/szukaj?b=2&a=1", BASE, "/szukaj?a=1&b=2"),
        ("http://muzeum.example/wystawy", "http://muzeum.example/", "/wystawy"),
        ("https://bilety.muzeum.example:8443/kup?x=1#k", BASE, "https://bilety.muzeum.example:8443/kup?x=1"),
        ("HTTP://Bilety.Muzeum.Example:80/kup", BASE, "http://bilety.muzeum.example/kup"),
    ],
)
def test_page_key_normalises(page_url, start_url, expected):
    assert page_key(page_url, start_url) == expected


def test_page_key_keeps_trailing_slash():
    assert page_key("https://muzeum.example/wystawy/", BASE) != page_key("https://muzeum.example/wystawy", BASE)


@pytest.fixture
def two_scans(any_db_app):
    """A site scanned twice: the logo was fixed, a label went missing, a link stayed broken."""
    with any_db_app.app_context():
        site = add_site(BASE)
        before = add_scan(
            site,
            {
                BASE: [violation("image-alt", ["#logo"], "critical"), review("color-contrast", ["p"])],
                f"{BASE}kontakt": [violation("link-name", ["#map", "#tel"])],
            },
        )
        after = add_scan(
            site,
            {
                f"{BASE}#main": [violation("label", ["#search"], "critical")],
                f"{BASE}kontakt": [violation("link-name", ["#map"])],
            },
        )
        yield before, after


def keys(items):
    return [(item.key.rule, item.key.page, item.key.target) for item in items]


def test_diff_sorts_new_fixed_remaining(two_scans):
    before, after = two_scans

    diff = diff_scans(before, after)

    assert keys(diff.new) == [("label", "/", "#search")]
    assert keys(diff.fixed) == [("image-alt", "/", "#logo"), ("link-name", "/kontakt", "#tel")]
    assert keys(diff.remaining) == [("link-name", "/kontakt", "#map")]


def test_diff_leaves_out_needs_review(two_scans):
    before, after = two_scans

    diff = diff_scans(before, after)

    assert "color-contrast" not in {item.key.rule for item in diff.fixed + diff.new + diff.remaining}


def test_diff_keeps_page_url_and_help(two_scans):
    before, after = two_scans

    [new] = diff_scans(before, after).new

    assert new.page_url == f"{BASE}#main"
    assert new.impact == "critical"
    assert new.help_url == "https://rules.example/label"


def test_diff_refuses_other_site(any_db_app):
    with any_db_app.app_context():
        museum = add_scan(add_site(BASE, "muzeum"), {BASE: [violation("image-alt", ["#logo"])]})
        theatre = add_scan(add_site("https://teatr.example/", "teatr"), {"https://teatr.example/": []})

        with pytest.raises(ScansNotComparable) as raised:
            diff_scans(museum, theatre)

    assert str(raised.value) == (
        f"Scans {museum.id} and {theatre.id} belong to different sites (https://muzeum.example/ and "
        "https://teatr.example/). Compare two scans of the same site, or force the comparison to match "
        "pages by their path."
    )
    assert raised.value.different_sites


def test_diff_forced_matches_by_path(any_db_app):
    with any_db_app.app_context():
        production = add_scan(add_site(BASE, "muzeum"), {f"{BASE}kontakt": [violation("link-name", ["#map"])]})
        staging = add_scan(
            add_site("https://test.muzeum.example/", "test"),
            {"https://test.muzeum.example/kontakt": [violation("link-name", ["#map"])]},
        )

        diff = diff_scans(production, staging, force=True)

    assert keys(diff.remaining) == [("link-name", "/kontakt", "#map")]
    assert diff.new == []
    assert diff.fixed == []


def test_diff_ad_hoc_scans_compare_by_origin(any_db_app):
    with any_db_app.app_context():
        first = add_scan(None, {BASE: []}, url=BASE)
        second = add_scan(None, {f"{BASE}a": []}, url=f"{BASE}a")
        other = add_scan(None, {"https://teatr.example/": []}, url="https://teatr.example/")

        assert diff_scans(first, second).new == []
        with pytest.raises(ScansNotComparable, match="https://muzeum.example and https://teatr.example"):
            diff_scans(first, other)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ScanStatus.RUNNING, "has not finished yet. Wait until it finishes, then compare it."),
        (ScanStatus.QUEUED, "has not finished yet."),
        (ScanStatus.FAILED, "stopped before the end, so its results are incomplete. Compare finished scans only."),
    ],
)
def test_diff_refuses_unfinished_scan(any_db_app, status, message):
    with any_db_app.app_context():
        site = add_site(BASE)
        finished = add_scan(site, {BASE: []})
        unfinished = add_scan(site, {BASE: []}, status=status)

        with pytest.raises(ScansNotComparable, match=f"Scan {unfinished.id} {message}"):
            diff_scans(finished, unfinished, force=True)


def test_trend_counts_pages_per_rule(any_db_app):
    with any_db_app.app_context():
        site = add_site(BASE)
        first = add_scan(
            site,
            {
                BASE: [violation("image-alt", ["#logo"]), violation("image-alt", ["#map"]), review("color-contrast", ["p"])],
                f"{BASE}a": [violation("image-alt", ["#x"])],
            },
        )
        add_scan(site, {BASE: [violation("label", ["#q"])]}, status=ScanStatus.FAILED)
        last = add_scan(site, {BASE: [violation("label", ["#q"])], f"{BASE}a": [violation("image-alt", ["#x"])]})
        add_scan(add_site("https://teatr.example/", "teatr"), {"https://teatr.example/": [violation("label", ["#q"])]})

        trend = site_trend(site)

    assert [scan.id for scan in trend.scans] == [first.id, last.id]
    assert [(rule.rule, rule.pages) for rule in trend.rules] == [("image-alt", [2, 1]), ("label", [0, 1])]


def test_trend_keeps_latest_scans(any_db_app):
    with any_db_app.app_context():
        site = add_site(BASE)
        scans = [add_scan(site, {BASE: [violation("image-alt", ["#logo"])] * (number % 2)}) for number in range(4)]

        trend = site_trend(site, max_scans=3)

    assert [scan.id for scan in trend.scans] == [scan.id for scan in scans[1:]]
    assert [(rule.rule, rule.pages) for rule in trend.rules] == [("image-alt", [1, 0, 1])]


def test_previous_finished_scan(any_db_app):
    with any_db_app.app_context():
        site = add_site(BASE)
        first = add_scan(site, {BASE: []})
        add_scan(site, {BASE: []}, status=ScanStatus.FAILED)
        last = add_scan(site, {BASE: []})
        ad_hoc = add_scan(None, {BASE: []}, url=BASE)

        assert previous_finished_scan(last).id == first.id
        assert previous_finished_scan(first) is None
        assert previous_finished_scan(ad_hoc) is None


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [("critical", 1), ("serious", 2), ("moderate", 3), ("minor", 5)],
)
def test_fail_on_counts_impact_or_worse(any_db_app, threshold, expected):
    with any_db_app.app_context():
        findings = [
            violation("a", ["#a"], "critical"),
            violation("b", ["#b"], "serious"),
            violation("c", ["#c"], "moderate"),
            violation("d", ["#d"], "minor"),
            violation("e", ["#e"], None),
            review("f", ["#f"], "critical"),
        ]
        scan = add_scan(None, {BASE: findings}, url=BASE)

        assert count_violations_at_or_above(scan, threshold) == expected


def test_fail_on_ignores_needs_review(any_db_app):
    with any_db_app.app_context():
        scan = add_scan(None, {BASE: [review("color-contrast", ["p"], "critical")]}, url=BASE)

        assert count_violations_at_or_above(scan, "minor") == 0


def test_scan_page_links_previous_finished_scan(any_db_app):
    with any_db_app.app_context():
        site = add_site(BASE)
        first_id = add_scan(site, {BASE: []}).id
        failed_id = add_scan(site, {BASE: []}, status=ScanStatus.FAILED).id
        last_id = add_scan(site, {BASE: []}).id
    client = any_db_app.test_client()
    sign_in(any_db_app, client)

    finished_page = client.get(f"/scans/{last_id}?lang=en").get_data(as_text=True)
    failed_page = client.get(f"/scans/{failed_id}?lang=en").get_data(as_text=True)

    assert f'href="/scans/diff?base={first_id}&amp;compared={last_id}"' in finished_page
    assert "Compare with the previous scan" not in failed_page
