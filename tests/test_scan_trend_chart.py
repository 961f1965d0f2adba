"""The chart of a site's per-rule trend on its history page, from stored scan rows, read back as SVG."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest

from accounts import sign_in
from cxaudit.extensions import db
from cxaudit.models import Scan, Site
from cxaudit.scan.history import RuleTrend, SiteTrend, site_trend
from cxaudit.scan.trend_chart import COLOURS, MAX_CHART_RULES, draw_rule_trend_svg, integer_ticks, rule_trend_chart
from cxaudit.scorecard.charts import FONT_FAMILY
from scan_rows import add_scan, add_site, violation

CHART = re.compile(r'<figure class="chart">\s*<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)">\s*<figcaption>([^<]+)</figcaption>')
SVG = "{http://www.w3.org/2000/svg}"


class Chart:
    """The parts of a drawn trend chart that a reader looks at, parsed from its SVG."""

    def __init__(self, svg: bytes | str):
        self.text = svg.decode() if isinstance(svg, bytes) else svg
        self.root = ET.fromstring(self.text.encode())
        self.css = "".join(style.text for style in self.root.iter(f"{SVG}style"))

    def groups(self, css_class: str) -> list[ET.Element]:
        return [group for group in self.root.iter(f"{SVG}g") if css_class in group.get("class", "").split()]

    def texts(self, css_class: str) -> list[str]:
        return ["".join(text.itertext()) for group in self.groups(css_class) for text in group.iter(f"{SVG}text")]

    def all_texts(self) -> list[str]:
        return ["".join(text.itertext()) for text in self.root.iter(f"{SVG}text")]

    def legend(self) -> list[str]:
        return self.texts("legend")

    def x_labels(self) -> list[str]:
        return [label for group in self.groups("x") if "axis" in group.get("class", "").split() for label in self._axis_texts(group)]

    def y_labels(self) -> list[str]:
        return [label for group in self.groups("y") if "axis" in group.get("class", "").split() for label in self._axis_texts(group)]

    @staticmethod
    def _axis_texts(axis: ET.Element) -> list[str]:
        return ["".join(text.itertext()) for text in axis.iter(f"{SVG}text")]

    def series(self) -> list[int]:
        """Return the numbers of the series that have a line or markers on the plot."""
        numbers = set()
        for group in self.groups("series"):
            if group.find(f".//{SVG}path") is not None:
                numbers.update(int(name.removeprefix("serie-")) for name in group.get("class").split() if name.startswith("serie-"))
        return sorted(numbers)

    def plot_markers(self, number: int) -> list[ET.Element]:
        return [marker for group in self.groups(f"serie-{number}") for marker in group.iter(f"{SVG}path") if "marker" in marker.get("class", "")]

    def legend_marker(self, number: int) -> ET.Element:
        entry = next(group for group in self.groups("legend") if group.get("id") == f"activate-serie-{number}")
        return entry.find(f"{SVG}path")

    def lines(self, number: int) -> list[ET.Element]:
        return [line for group in self.groups(f"serie-{number}") for line in group.iter(f"{SVG}path") if "line" in line.get("class", "").split()]

    def dash(self, number: int) -> str:
        found = re.search(r"\.series\.serie-%d\s*\{[^}]*stroke-dasharray:\s*([^;}]+)" % number, self.css)
        return found.group(1).strip() if found else "none"

    def colour(self, number: int) -> str:
        return re.search(r"\.color-%d,[^{]*\{[^}]*stroke:\s*([^;}]+)" % number, self.css).group(1).strip()


@pytest.fixture
def app(any_db_app):
    """The app on SQLite, then on PostgreSQL, for every test here."""
    return any_db_app


def chart_of(page: str) -> tuple[Chart, str, str]:
    found = CHART.search(page)
    assert found, "the page has no chart"
    return Chart(base64.b64decode(found.group(1))), found.group(2), found.group(3)


def add_two_scans() -> tuple[int, list[int]]:
    site = add_site()
    first = add_scan(site, {"https://muzeum.example/": [violation("image-alt", ["img"]), violation("label", ["input"])]})
    second = add_scan(site, {"https://muzeum.example/": [violation("label", ["input"])], "https://muzeum.example/a": [violation("label", ["input"])]})
    return site.id, [first.id, second.id]


def made_up_trend(pages_per_rule: list[list[int]]) -> SiteTrend:
    """A trend of scans 1, 2, … with rules rule-0, rule-1, … and the given page counts."""
    scans = [Scan(id=number) for number in range(1, len(pages_per_rule[0]) + 1)]
    rules = [RuleTrend(plugin="axe", rule=f"rule-{index}", pages=pages) for index, pages in enumerate(pages_per_rule)]
    return SiteTrend(scans=scans, rules=rules)


def test_history_page_draws_trend_above_its_table(app, client):
    sign_in(app, client)
    with app.app_context():
        site_id, scan_ids = add_two_scans()

    page = client.get(f"/sites/{site_id}?lang=en").get_data(as_text=True)

    trend = page[page.index('id="trend-heading"'):]
    chart, alt, caption = chart_of(trend)
    assert alt == "Pages where each rule was violated, per scan. The table below gives every value."
    assert caption == "Pages where each rule was violated, per scan"
    assert chart.root.find(f"{SVG}title").text == caption
    # The rule on most pages in the last scan comes first.
    assert chart.legend() == ["label", "image-alt"]
    assert chart.series() == [0, 1]
    assert chart.x_labels() == [f"Scan {scan_id}" for scan_id in scan_ids]
    assert chart.y_labels() == ["0", "1", "2"]
    assert "Pages" in chart.all_texts()
    # The table stays, after the chart, as its text alternative.
    assert trend.index("<figure") < trend.index("<table>")
    assert "<td>1</td><td>2</td>" in trend


def test_history_chart_in_polish(app, client):
    sign_in(app, client)
    with app.app_context():
        site_id, scan_ids = add_two_scans()

    page = client.get(f"/sites/{site_id}?lang=pl").get_data(as_text=True)

    chart, alt, caption = chart_of(page)
    assert caption == "Strony, na których naruszono każdą regułę, w kolejnych skanach"
    assert alt.endswith("Wszystkie wartości podaje tabela poniżej.")
    assert chart.x_labels() == [f"Skan {scan_id}" for scan_id in scan_ids]
    assert "Strony" in chart.all_texts()


def test_page_counts_follow_language(app):
    trend = made_up_trend([[12000, 3]])
    with app.test_request_context():
        english = Chart(draw_rule_trend_svg(trend, "en"))
        polish = Chart(draw_rule_trend_svg(trend, "pl"))

    assert english.y_labels() == ["0", "5,000", "10,000", "15,000"]
    assert polish.y_labels() == ["0", "5\xa0000", "10\xa0000", "15\xa0000"]


def test_y_axis_whole_pages():
    assert integer_ticks(1) == [0, 1]
    assert integer_ticks(3) == [0, 1, 2, 3]
    assert integer_ticks(7) == [0, 2, 4, 6, 8]
    assert integer_ticks(108) == [0, 50, 100, 150]
    for highest in range(0, 2000, 7):
        ticks = integer_ticks(highest)
        assert all(isinstance(tick, int) for tick in ticks)
        assert ticks[0] == 0
        assert ticks[-1] >= highest
        assert len(ticks) <= 6


def test_chart_keeps_busiest_rules_and_says_so(app):
    rules = [f"rule-{number:02d}" for number in range(MAX_CHART_RULES + 3)]
    with app.app_context(), app.test_request_context():
        site = add_site()
        add_scan(site, {f"https://muzeum.example/{rule}": [violation(rule, ["p"])] for rule in rules})
        trend = site_trend(db.session.get(Site, site.id))
        chart = rule_trend_chart(trend, "en")

    drawn = Chart(base64.b64decode(chart.data_uri.split(",", 1)[1]))
    assert drawn.series() == list(range(MAX_CHART_RULES))
    assert drawn.legend() == [rule.rule for rule in trend.rules[:MAX_CHART_RULES]]
    assert f"the {MAX_CHART_RULES} rules violated on most pages in the last scan" in chart.alt


def test_rules_differ_without_colour(app):
    rules = MAX_CHART_RULES
    trend = made_up_trend([[index + 1, index + 2, index] for index in range(rules)])
    with app.test_request_context():
        chart = Chart(draw_rule_trend_svg(trend, "en"))

    assert chart.series() == list(range(rules))
    assert len({chart.colour(number) for number in range(rules)}) == rules
    assert {chart.colour(number) for number in range(rules)} == set(COLOURS)
    assert len({chart.dash(number) for number in range(rules)}) == rules
    shapes = set()
    for number in range(rules):
        markers = chart.plot_markers(number)
        # One marker per scan, each the series' own shape, and the legend shows the same shape.
        assert len(markers) == 3
        assert len({marker.get("d") for marker in markers}) == 1
        assert chart.legend_marker(number).get("d") == markers[0].get("d")
        assert len(chart.lines(number)) == 1
        shapes.add(markers[0].get("d"))
    assert len(shapes) == rules
    assert chart.root.find(f".//{SVG}circle") is None


def test_single_scan_shows_markers(app):
    with app.test_request_context():
        chart = Chart(draw_rule_trend_svg(made_up_trend([[4], [2]]), "en"))

    assert chart.series() == [0, 1]
    assert [len(chart.plot_markers(number)) for number in (0, 1)] == [1, 1]
    assert chart.x_labels() == ["Scan 1"]


def test_legend_rows_fit_in_height(app):
    for rules in range(1, MAX_CHART_RULES + 1):
        with app.test_request_context():
            chart = Chart(draw_rule_trend_svg(made_up_trend([[1, 2]] * rules), "en"))
        legends = chart.groups("legends")[0]
        top = float(re.fullmatch(r"translate\([^,]+, ([^)]+)\)", legends.get("transform")).group(1))
        # A text's y is its baseline, so 3 units more leave room for the letters below it.
        lowest = top + max(float(text.get("y")) for text in legends.iter(f"{SVG}text")) + 3
        assert lowest <= float(chart.root.get("height")), f"the last legend row of {rules} rules is cut off"
        assert len(chart.legend()) == rules


def test_svg_deterministic_and_self_contained(app):
    trend = made_up_trend([[3, 1], [2, 2]])
    with app.test_request_context():
        first = draw_rule_trend_svg(trend, "en")
        second = draw_rule_trend_svg(trend, "en")

    assert first == second
    chart = Chart(first)
    # pygal writes its CSS without the spaces after commas.
    family = "font-family:" + FONT_FAMILY.replace(", ", ",")
    assert re.search(r"\.legends \.legend text\{" + re.escape(family), chart.css)
    assert re.search(r"\.axis text\{" + re.escape(family), chart.css)
    assert {"rule-0", "rule-1", "Scan 1", "Scan 2"} <= set(chart.all_texts())
    assert chart.root.find(f".//{SVG}script") is None
    assert "<?xml-stylesheet" not in chart.text
    assert not [element for element in chart.root.iter() if any(name.endswith("href") for name in element.attrib)]
    assert "<!--" not in chart.text


def test_no_chart_without_violations(app, client):
    sign_in(app, client)
    with app.app_context():
        site = add_site()
        add_scan(site, {"https://muzeum.example/": []})
        site_id = site.id

    page = client.get(f"/sites/{site_id}?lang=en").get_data(as_text=True)

    assert "No rule is violated in the finished scans." in page
    assert '<figure class="chart">' not in page
