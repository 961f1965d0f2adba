"""Frontier rules with robots.txt and sitemaps given as text, so no page is loaded."""

from __future__ import annotations

import json

import pytest

from cxaudit.scan.frontier import MAX_CRAWL_DELAY, CrawlTarget, Frontier, page_key
from cxaudit.scan.sitemap import MAX_SITEMAP_FILES, iter_sitemap_urls, parse_sitemap

BASE = "http://muzeum.example"
PUBLIC_ADDRESS = "93.184.216.34"
CONFIG = {
    "SCAN_MAX_PAGES": 50,
    "SCAN_POLITENESS_DELAY": 0.25,
    "SCAN_ALLOWED_NETWORKS": "",
    # Every name resolves to a public address (example.com's) without a DNS query.
    "SCAN_RESOLVER": lambda host: [PUBLIC_ADDRESS],
}


def urlset(*paths: str) -> str:
    entries = "".join(f"<url><loc>{BASE}{path}</loc></url>" for path in paths)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


class FakeSite:
    """``fetch_text`` that answers from a dict of URL to text and records each fetch."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.fetched: list[str] = []

    def __call__(self, url: str) -> str | None:
        self.fetched.append(url)
        return self.files.get(url)


def make_frontier(files=None, start="/", config=None, **settings) -> Frontier:
    site = FakeSite(files or {})
    return Frontier(f"{BASE}{start}", settings, {**CONFIG, **(config or {})}, fetch_text=site)


def drain(frontier: Frontier) -> list[str]:
    urls = []
    while (target := frontier.pop()) is not None:
        urls.append(target.url.removeprefix(BASE))
    return urls


def test_seed_queues_start_then_sitemap_urls(app):
    files = {
        f"{BASE}/robots.txt": f"Sitemap: {BASE}/mapa.xml\n",
        f"{BASE}/mapa.xml": urlset("/kolekcje/", "/wystawy/"),
        f"{BASE}/sitemap.xml": urlset("/kontakt.html", "/kolekcje/"),
    }
    with app.app_context():
        frontier = make_frontier(files)
        frontier.seed()

        assert drain(frontier) == ["/", "/kolekcje/", "/wystawy/", "/kontakt.html"]


def test_relative_sitemap_line_resolved(app):
    files = {f"{BASE}/robots.txt": "Sitemap: /mapy/strony.xml\n", f"{BASE}/mapy/strony.xml": urlset("/kolekcje/")}
    with app.app_context():
        frontier = make_frontier(files)
        frontier.seed()

        assert drain(frontier) == ["/", "/kolekcje/"]


def test_seed_without_sitemap_fetches_only_robots(app):
    files = {f"{BASE}/robots.txt": "", f"{BASE}/sitemap.xml": urlset("/kontakt.html")}
    with app.app_context():
        frontier = make_frontier(files, sitemap=False)
        frontier.seed()

        assert drain(frontier) == ["/"]
        # robots.txt is read before the first page, so a server error stops the scan there.
        assert frontier.fetch_text.fetched == [f"{BASE}/robots.txt"]


def test_sitemap_urls_filtered_by_rules(app):
    files = {
        f"{BASE}/robots.txt": "User-agent: cxaudit\nDisallow: /admin/\n",
        f"{BASE}/sitemap.xml": urlset("/admin/", "/raport.pdf", "/a.html?utm_source=x", "/a.html")
        .replace("</urlset>", "<url><loc>http://inne.example/</loc></url></urlset>"),
    }
    with app.app_context():
        frontier = make_frontier(files)
        frontier.seed()

        assert drain(frontier) == ["/", "/a.html"]


def test_sitemap_reading_stops_at_max_pages(app):
    files = {f"{BASE}/sitemap.xml": urlset(*(f"/{number}.html" for number in range(100)))}
    with app.app_context():
        frontier = make_frontier(files, max_pages=3)
        frontier.seed()

        assert len(frontier.queue) == 3
        assert drain(frontier) == ["/", "/0.html", "/1.html"]


def test_add_links_normalises_and_deduplicates(app):
    with app.app_context():
        frontier = make_frontier()
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(
            start,
            [
                f"{BASE}/o-nas.html#zespol",
                f"{BASE.upper()}/o-nas.html?fbclid=1",
                f"{BASE}:80/o-nas.html",
                f"{BASE}/x/../o-nas.html",
                f"{BASE}/#top",
                "mailto:muzeum@example.invalid",
                "javascript:void(0)",
                f"{BASE}/plan.pdf",
                "http://inne.example/",
            ],
        )

        assert [target.url for target in frontier.queue] == [f"{BASE}/o-nas.html"]
        assert frontier.queue[0].depth == 1


def test_http_and_https_count_as_one_page(app):
    with app.app_context():
        frontier = make_frontier()
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(start, ["https://muzeum.example/a.html", "http://muzeum.example/a.html", "https://muzeum.example/"])
        target = frontier.pop()

        assert target.url == "https://muzeum.example/a.html"
        assert frontier.pop() is None
        assert frontier.check_final_url(target, "http://muzeum.example/a.html") is None


def test_other_port_is_another_page(app):
    with app.app_context():
        frontier = make_frontier(start="/")
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(start, ["http://muzeum.example:8080/"])

        # Another port is another host for the scope, so the link is not queued at all.
        assert frontier.pop() is None
        assert page_key("http://muzeum.example:8080/") == "http://muzeum.example:8080/"
        assert page_key("https://muzeum.example/") == "//muzeum.example/"


def test_invalid_links_skipped(app):
    files = {f"{BASE}/sitemap.xml": urlset("/a.html").replace("</urlset>", "<url><loc>http://[::1/</loc></url></urlset>")}
    with app.app_context():
        frontier = make_frontier(files)
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(start, ["http://muzeum.example:99999/", "http://muzeum.example:port/", "http://[fe80::1/"])

        assert drain(frontier) == ["/a.html"]


def test_add_links_respects_max_depth(app):
    with app.app_context():
        frontier = make_frontier(max_depth=1)
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(start, [f"{BASE}/a.html"])
        child = frontier.pop()
        frontier.add_links(child, [f"{BASE}/b.html"])

        assert child == CrawlTarget(f"{BASE}/a.html", 1)
        assert frontier.pop() is None
        # A URL too deep now is not marked seen: a shorter path may still reach it.
        assert page_key(f"{BASE}/b.html") not in frontier.seen


def test_add_links_applies_include_and_exclude(app):
    with app.app_context():
        frontier = make_frontier(include=["/wystawy/*", "re:^/kontakt"], exclude=["*/archiwum/*"])
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(
            start,
            [
                f"{BASE}/wystawy/teraz.html",
                f"{BASE}/wystawy/archiwum/2019.html",
                f"{BASE}/kontakt.html",
                f"{BASE}/sklep.html",
            ],
        )

        assert drain(frontier) == ["/wystawy/teraz.html", "/kontakt.html"]


def test_pop_stops_at_max_pages(app):
    with app.app_context():
        frontier = make_frontier(max_pages=2)
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(start, [f"{BASE}/{number}.html" for number in range(5)])

        assert frontier.queued == 1
        assert frontier.pop() is not None
        assert frontier.pop() is None
        assert frontier.queued == 0


def test_robots_missing_allows_everything(app):
    with app.app_context():
        frontier = make_frontier({})
        frontier.seed()
        start = frontier.pop()

        assert frontier.check_final_url(start, start.url) is None


def test_robots_disallowing_start_page_refused(app):
    files = {f"{BASE}/robots.txt": "User-agent: *\nDisallow: /\n"}
    with app.app_context():
        frontier = make_frontier(files)
        frontier.seed()
        start = frontier.pop()

        assert frontier.check_final_url(start, start.url) == (
            f"The robots.txt of the site does not allow cxaudit to load {BASE}/."
        )


def test_final_url_out_of_scope_refused(app):
    with app.app_context():
        frontier = make_frontier()
        frontier.seed()
        start = frontier.pop()

        assert frontier.check_final_url(start, "https://sklep.example/koszyk") == (
            "The page redirected to https://sklep.example/koszyk, which is outside the scanned site."
        )


def test_final_url_https_upgrade_in_scope(app):
    with app.app_context():
        frontier = make_frontier()
        frontier.seed()
        start = frontier.pop()

        assert frontier.check_final_url(start, "https://muzeum.example/") is None


def test_final_url_refused_by_guard(app):
    def resolver(host: str) -> list[str]:
        return ["10.0.0.7"] if host == "intranet.muzeum.example" else [PUBLIC_ADDRESS]

    with app.app_context():
        frontier = make_frontier(start="/", config={"SCAN_RESOLVER": resolver})
        frontier.seed()
        start = frontier.pop()
        target = CrawlTarget("http://intranet.muzeum.example/", 1)

        refusal = frontier.check_final_url(target, target.url)

        assert refusal is not None
        assert "10.0.0.7" in refusal
        assert "CXAUDIT_SCAN_ALLOWED_NETWORKS" in refusal
        assert frontier.check_final_url(start, start.url) is None


def test_final_url_guard_checks_every_resolution(app):
    # A host that resolved to a public address when queued may resolve
    # elsewhere when loaded (DNS rebinding); the check before loading sees it.
    answers = iter([[PUBLIC_ADDRESS], ["169.254.169.254"]])

    with app.app_context():
        frontier = make_frontier(config={"SCAN_RESOLVER": lambda host: next(answers)})
        frontier.seed()
        start = frontier.pop()

        assert frontier.check_final_url(start, start.url) is None
        assert "169.254.169.254" in frontier.check_final_url(start, start.url)


def test_redirect_to_audited_page_refused(app):
    with app.app_context():
        frontier = make_frontier()
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(start, [f"{BASE}/stary.html"])
        old = frontier.pop()

        assert frontier.check_final_url(old, f"{BASE}/") == (
            f"The page redirected to {BASE}/, which this scan audits already."
        )


def test_redirect_to_queued_page_takes_it_from_queue(app):
    with app.app_context():
        frontier = make_frontier()
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(start, [f"{BASE}/stary.html", f"{BASE}/nowy.html"])
        old = frontier.pop()

        assert frontier.check_final_url(old, f"{BASE}/nowy.html#a") is None
        assert frontier.pop() is None


def test_delay_spaces_loads_of_one_host(app):
    with app.app_context():
        frontier = make_frontier(config={"SCAN_POLITENESS_DELAY": 5})

        first = frontier.delay_before(f"{BASE}/a.html")
        second = frontier.delay_before(f"{BASE}/b.html")
        other_host = frontier.delay_before("http://teatr.example/")

        assert first == 0
        assert 4 < second <= 5
        assert other_host == 0


def test_delay_uses_longer_crawl_delay(app):
    files = {f"{BASE}/robots.txt": "User-agent: cxaudit\nCrawl-delay: 7\n"}
    with app.app_context():
        frontier = make_frontier(files, config={"SCAN_POLITENESS_DELAY": 0.1})
        frontier.delay_before(f"{BASE}/a.html")

        assert 6 < frontier.delay_before(f"{BASE}/b.html") <= 7


def test_delay_caps_crawl_delay(app):
    files = {f"{BASE}/robots.txt": "User-agent: *\nCrawl-delay: 86400\n"}
    with app.app_context():
        frontier = make_frontier(files)
        frontier.delay_before(f"{BASE}/a.html")

        assert MAX_CRAWL_DELAY - 1 < frontier.delay_before(f"{BASE}/b.html") <= MAX_CRAWL_DELAY


def test_state_round_trip_continues_crawl(app):
    files = {f"{BASE}/robots.txt": "User-agent: cxaudit\nDisallow: /tajne/\n"}
    with app.app_context():
        frontier = make_frontier(files, max_pages=4)
        frontier.seed()
        start = frontier.pop()
        frontier.add_links(start, [f"{BASE}/a.html", f"{BASE}/b.html", f"{BASE}/c.html"])
        frontier.pop()

        state = json.loads(json.dumps(frontier.to_state()))

        def no_fetch(url: str) -> str | None:
            raise AssertionError(f"{url} fetched again after resuming")

        resumed = Frontier.from_state(state, f"{BASE}/", {"max_pages": 4}, CONFIG, fetch_text=no_fetch)
        resumed.add_links(CrawlTarget(f"{BASE}/b.html", 1), [f"{BASE}/a.html", f"{BASE}/tajne/x.html", f"{BASE}/d.html"])

        assert drain(resumed) == ["/b.html", "/c.html"]
        assert resumed.issued == 4
        assert page_key(f"{BASE}/d.html") in resumed.seen


def test_parse_sitemap_index_and_text():
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{BASE}/a.xml</loc></sitemap><sitemap><loc> {BASE}/b.xml.gz </loc></sitemap>"
        "</sitemapindex>"
    )

    assert parse_sitemap("index", index) == ([], [f"{BASE}/a.xml", f"{BASE}/b.xml.gz"])
    assert parse_sitemap("text", f"\ufeff{BASE}/a.html\n\n# komentarz\n{BASE}/b.html\n") == (
        [f"{BASE}/a.html", f"{BASE}/b.html"],
        [],
    )


def test_parse_sitemap_rejects_entities():
    bomb = '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa">]><urlset><url><loc>&a;</loc></url></urlset>'

    assert parse_sitemap("bomb", bomb) == ([], [])


def test_parse_sitemap_skips_invalid_xml():
    assert parse_sitemap("broken", "<urlset><url><loc>http://a/</url>") == ([], [])


def test_sitemap_files_read_once_and_bounded():
    fetched: list[str] = []

    def endless_indexes(url: str) -> str:
        # Every index names itself and a new one, without end.
        fetched.append(url)
        number = int(url.rsplit("-", 1)[1].split(".")[0])
        return (
            f"<sitemapindex><sitemap><loc>{url}</loc></sitemap>"
            f"<sitemap><loc>{BASE}/index-{number + 1}.xml</loc></sitemap></sitemapindex>"
        )

    assert list(iter_sitemap_urls([f"{BASE}/index-0.xml"], endless_indexes)) == []
    assert len(fetched) == MAX_SITEMAP_FILES
    assert len(set(fetched)) == MAX_SITEMAP_FILES


@pytest.mark.parametrize("value", ["-1", "dwa", "1.5"])
def test_invalid_stored_depth_rejected(app, value):
    from cxaudit.scan.crawl_settings import InvalidCrawlSetting

    with app.app_context(), pytest.raises(InvalidCrawlSetting) as raised:
        make_frontier(max_depth=value)

    assert value in str(raised.value)
