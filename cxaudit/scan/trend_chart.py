"""The chart of a site's per-rule trend, drawn by pygal as SVG.

The SVG goes into the page as a ``data:`` URI of an ``<img>`` with a short
alt text. The table under it gives every value and is the full text
alternative. Labels are SVG text in the same fonts as the scorecard charts.

Readers without colour vision can distinguish the rules as well, because
each line has its own colour, dash pattern and marker shape. pygal (3.1)
sets a colour and a dash pattern per series, but draws every marker as a
circle and shows only the colour in the legend. An XML filter therefore
redraws each series' markers, and the square before its name in the legend,
as the series' own shape.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask_babel import gettext as _

from cxaudit.scan.history import RuleTrend, SiteTrend
from cxaudit.scorecard.charts import FONT_FAMILY, GRID_COLOUR, TEXT_COLOUR, base_style

# More lines than this are hard to distinguish, so the chart stops there and the table lists every rule.
MAX_CHART_RULES = 8
# The Okabe-Ito palette, which readers with colour vision deficiencies can distinguish.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442")
# SVG stroke-dasharray values, the first ("none") a solid line.
DASHES = ("none", "7 3", "2 2", "8 3 2 3", "12 4", "4 2 1 2 1 2", "1 3", "8 2 2 2 2 2")
# Marker outlines as SVG path data centred on 0,0, about 8 units across:
# circle, square, triangle, diamond, triangle down, plus, cross, star.
MARKERS = (
    "M-4 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0Z",
    "M-3.5 -3.5H3.5V3.5H-3.5Z",
    "M0 -4.5L4.2 3.5H-4.2Z",
    "M0 -4.8L4 0L0 4.8L-4 0Z",
    "M0 4.5L4.2 -3.5H-4.2Z",
    "M-1.4 -4.5H1.4V-1.4H4.5V1.4H1.4V4.5H-1.4V1.4H-4.5V-1.4H-1.4Z",
    "M-4.5 -2.5L-2.5 -4.5L0 -2L2.5 -4.5L4.5 -2.5L2 0L4.5 2.5L2.5 4.5L0 2L-2.5 4.5L-4.5 2.5L-2 0Z",
    "M0 -5L1.2 -1.6L4.8 -1.5L1.9 0.6L2.9 4L0 2L-2.9 4L-1.9 0.6L-4.8 -1.5L-1.2 -1.6Z",
)
# The chart's size in SVG user units without the legend. The page scales it to its width.
WIDTH, PLOT_HEIGHT = 760, 300
MARGIN = 8
# The legend under the plot: two columns of rule names, a marker before each.
LEGEND_COLUMNS, LEGEND_BOX, LEGEND_FONT_SIZE = 2, 10, 11
# Beyond this many scans (the history page shows 10) the x labels are slanted so they do not overlap.
STRAIGHT_LABEL_SCANS = 10
# pygal puts a random id on the chart and in every CSS rule, so a fixed one keeps the SVG the same for the same data.
CHART_ID = "cxaudit-rule-trend"
# pygal's CSS rule for .reactive elements sets every line 1 unit wide, too thin to show its dash pattern.
LINE_CSS = f"#chart-{CHART_ID} .series .line {{ stroke-width: 2px }}"


@dataclass(frozen=True)
class RuleTrendChart:
    """The chart's title, its alt text and the SVG as a ``data:`` URI for an ``<img>``."""

    title: str
    alt: str
    data_uri: str


def chart_title() -> str:
    return _("Pages where each rule was violated, per scan")


def draw_rule_trend_svg(trend: SiteTrend, language: str) -> bytes:
    """Draw pages per rule and scan for the rules failing on most pages now, and return the SVG."""
    # Imported here because every command and worker loads this module with
    # the web UI, and only the history page draws.
    import pygal

    rules = trend.rules[:MAX_CHART_RULES]
    chart = pygal.Line(**chart_settings(len(trend.scans), rules, language))
    chart.uuid = CHART_ID
    chart.x_labels = [_("Scan %(id)s", id=scan.id) for scan in trend.scans]
    for index, rule in enumerate(rules):
        chart.add(rule.rule, rule.pages, stroke_style={"dasharray": DASHES[index]})
    chart.add_xml_filter(lambda root: _finish_svg(root, chart_title()))
    return chart.render()


def chart_settings(scans: int, rules: list[RuleTrend], language: str) -> dict:
    """Return pygal's settings: whole-number page ticks, the scans along x and the legend under the plot."""
    ticks = integer_ticks(max(max(rule.pages) for rule in rules))
    return {
        "width": WIDTH,
        "height": PLOT_HEIGHT + legend_height(len(rules)),
        "explicit_size": True,
        "style": chart_style(),
        "css": ["file://style.css", "file://graph.css", "inline:" + LINE_CSS],
        "js": [],
        "show_x_guides": False,
        "range": (0, ticks[-1]),
        "y_labels": ticks,
        "y_title": _("Pages"),
        "value_formatter": lambda value: format_decimal(value, locale=language),
        "x_label_rotation": 0 if scans <= STRAIGHT_LABEL_SCANS else 30,
        "truncate_label": -1,
        "truncate_legend": -1,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": LEGEND_COLUMNS,
        "legend_box_size": LEGEND_BOX,
        "margin": MARGIN,
        # Room for half of the last scan's label, which is centred on the plot's right edge.
        "margin_right": 4 * MARGIN,
        "margin_bottom": MARGIN + legend_shortfall(len(rules)),
    }


def legend_height(rules: int) -> float:
    """Return the height of the legend of ``rules`` names, as pygal lays it out."""
    return _rows_height(math.ceil(rules / LEGEND_COLUMNS))


def legend_shortfall(rules: int) -> float:
    """Return the space pygal leaves out under its legend when the last row is not full.

    pygal 3.1 makes room for ``rules // columns`` rows but draws
    ``ceil(rules / columns)`` rows, so the last name would be cut off.
    """
    return legend_height(rules) - _rows_height(rules // LEGEND_COLUMNS)


def _rows_height(rows: int) -> float:
    row = max(LEGEND_BOX, LEGEND_FONT_SIZE)
    return (rows - 1) * 1.5 * row + row


def integer_ticks(highest: int, max_ticks: int = 6) -> list[int]:
    """Return at most ``max_ticks`` whole numbers from 0 to ``highest`` or just above, in steps of 1, 2 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(highest / step) + 1 <= max_ticks:
                return list(range(0, math.ceil(max(highest, 1) / step) * step + 1, step))
        magnitude *= 10


def chart_style():
    """Return the colours and fonts: the palette opaque, and the scorecard charts' text and grid."""
    return base_style(
        colors=COLOURS,
        opacity="1",
        stroke_opacity="1",
        legend_font_size=LEGEND_FONT_SIZE,
        title_font_size=12,
        guide_stroke_color=GRID_COLOUR,
        major_guide_stroke_color=GRID_COLOUR,
    )


def _finish_svg(root, title: str):
    """Give the SVG its title, drop what an image does not use, and draw each series' marker shape."""
    # pygal's comment names the day of drawing, which would change the SVG every day.
    for comment in [child for child in root if not isinstance(child.tag, str)]:
        root.remove(comment)
    # pygal 3.1 writes its settings for its scripts even when ``js`` is empty, and no script runs in an <img>.
    defs = root.find("defs")
    for script in defs.findall("script"):
        defs.remove(script)
    root.find("title").text = title
    for group in list(root.iter("g")):
        classes = group.get("class", "").split()
        series = [int(name.removeprefix("serie-")) for name in classes if name.startswith("serie-")]
        if series:
            for dots in [child for child in group if "dots" in child.get("class", "").split()]:
                _replace_marker(dots, "circle", series[0])
        elif "legend" in classes:
            _replace_marker(group, "rect", int(group.get("id").removeprefix("activate-serie-")))
    return root


def _replace_marker(parent, tag: str, index: int) -> None:
    """Replace the circle or square in ``parent`` by the marker of series ``index``, at the same centre."""
    shape = parent.find(tag)
    if tag == "circle":
        x, y = float(shape.get("cx")), float(shape.get("cy"))
    else:
        half = float(shape.get("width")) / 2
        x, y = float(shape.get("x")) + half, float(shape.get("y")) + half
    position = list(parent).index(shape)
    parent.remove(shape)
    marker = parent.makeelement("path", {})
    marker.set("d", MARKERS[index])
    marker.set("transform", f"translate({x:.2f} {y:.2f})")
    marker.set("class", f"marker marker-{index}")
    # The series' dash pattern would otherwise break the marker's outline too.
    marker.set("style", f"fill: {COLOURS[index]}; stroke: {TEXT_COLOUR}; stroke-width: 0.75; stroke-dasharray: none")
    parent.insert(position, marker)


def rule_trend_chart(trend: SiteTrend, language: str) -> RuleTrendChart | None:
    """Return the chart of ``trend``, or None when there is no violated rule to draw."""
    if not trend.rules or not trend.scans:
        return None
    shown = min(len(trend.rules), MAX_CHART_RULES)
    title = chart_title()
    if shown < len(trend.rules):
        alt = _(
            "%(title)s: the %(shown)s rules violated on most pages in the last scan. The table below gives every rule and value.",
            title=title,
            shown=shown,
        )
    else:
        alt = _("%(title)s. The table below gives every value.", title=title)
    svg = draw_rule_trend_svg(trend, language)
    return RuleTrendChart(title=title, alt=alt, data_uri="data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"))
