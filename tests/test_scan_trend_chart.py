"""The chart of a site's per-rule trend on its history page, from stored scan rows."""

from __future__ import annotations

import base64
import re

from accounts import sign_in
from cxaudit.extensions import db
from cxaudit.models import Site
from cxaudit.scan.history import SiteTrend, site_trend
from cxaudit.scan.trend_chart import MAX_CHART_RULES, draw_rule_trend_svg, rule_trend_chart
from scan_rows import add_scan, add_site, violation

CHART = re.compile(r'<figure class="chart">\s*<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)">\s*<figcaption>([^<]+)</figcaption>')


def add_two_scans() -> int:
    site = add_site()
    add_scan(site, {"https://muzeum.example/": [violation("image-alt", ["img"]), violation("label", ["input"])]})
    add_scan(site, {"https://muzeum.example/": [violation("label", ["input"])], "https://muzeum.example/a": [violation("label", ["input"])]})
    return site.id


def test_history_page_draws_trend_above_its_table(app, client):
    sign_in(app, client)
    with app.app_context():
        site_id = add_two_scans()

    page = client.get(f"/sites/{site_id}?lang=en").get_data(as_text=True)

    trend = page[page.index('id="trend-heading"'):]
    chart = CHART.search(trend)
    assert chart, "the trend section has no chart"
    svg = base64.b64decode(chart.group(1)).decode()
    assert svg.startswith("<?xml")
    assert "<svg" in svg
    assert chart.group(2) == "Pages where each rule was violated, per scan. The table below gives every value."
    assert chart.group(3) == "Pages where each rule was violated, per scan"
    # The table stays, after the chart, as its text alternative.
    assert trend.index("<figure") < trend.index("<table>")
    assert "<td>1</td><td>2</td>" in trend


def test_history_chart_in_polish(app, client):
    sign_in(app, client)
    with app.app_context():
        site_id = add_two_scans()

    page = client.get(f"/sites/{site_id}?lang=pl").get_data(as_text=True)

    chart = CHART.search(page)
    assert chart.group(3) == "Strony, na których naruszono każdą regułę, w kolejnych skanach"
    assert chart.group(2).endswith("Wszystkie wartości podaje tabela poniżej.")


def test_chart_keeps_busiest_rules_and_says_so(app):
    rules = [f"rule-{number}" for number in range(MAX_CHART_RULES + 3)]
    with app.app_context(), app.test_request_context():
        site = add_site()
        add_scan(site, {f"https://muzeum.example/{rule}": [violation(rule, ["p"])] for rule in rules})
        trend = site_trend(db.session.get(Site, site.id))
        chart = rule_trend_chart(trend, "en")

        def lines_drawn(rule_count: int) -> int:
            # Every plotted line is an SVG group with a line2d id, as are the axes' ticks.
            shown = SiteTrend(scans=trend.scans, rules=trend.rules[:rule_count])
            return draw_rule_trend_svg(shown, "en").decode().count('id="line2d_')

        all_rules = base64.b64decode(chart.data_uri.split(",", 1)[1]).decode().count('id="line2d_')
        assert all_rules == lines_drawn(MAX_CHART_RULES)
        assert all_rules > lines_drawn(MAX_CHART_RULES - 1)

    assert f"the {MAX_CHART_RULES} rules violated on most pages in the last scan" in chart.alt


def test_no_chart_without_violations(app, client):
    sign_in(app, client)
    with app.app_context():
        site = add_site()
        add_scan(site, {"https://muzeum.example/": []})
        site_id = site.id

    page = client.get(f"/sites/{site_id}?lang=en").get_data(as_text=True)

    assert "No rule is violated in the finished scans." in page
    assert '<figure class="chart">' not in page
