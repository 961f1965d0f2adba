"""The chart of a site's per-rule trend, drawn by matplotlib as SVG.

The SVG goes into the page as a ``data:`` URI of an ``<img>`` with a short
alt text. The table under it gives every value and is the full text
alternative. Each line has its own marker and dash pattern as well as its
colour, so the rules can be distinguished without colour vision.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask_babel import gettext as _

from cxaudit.scan.history import SiteTrend

# Text drawn as paths looks the same in every browser and in the PDF without
# fonts. A fixed salt and no date make the SVG the same for the same data.
SVG_SETTINGS = {"svg.fonttype": "path", "svg.hashsalt": "cxaudit", "font.size": 9}

# More lines than this are hard to distinguish, so the chart stops there and the table lists every rule.
MAX_CHART_RULES = 8
# The Okabe-Ito palette, which readers with colour vision deficiencies can distinguish.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
DASHES = ("solid", "dashed", "dashdot", "dotted", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2)), (0, (8, 2)))


@dataclass(frozen=True)
class RuleTrendChart:
    """The chart's title, its alt text and the SVG as a ``data:`` URI for an ``<img>``."""

    title: str
    alt: str
    data_uri: str


def draw_rule_trend_svg(trend: SiteTrend, language: str) -> bytes:
    """Draw pages per rule and scan for the rules failing on most pages now, and return the SVG."""
    # Imported here because every command and worker loads this module with
    # the web UI, and only the history page draws.
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    rules = trend.rules[:MAX_CHART_RULES]
    positions = list(range(len(trend.scans)))

    with matplotlib.rc_context(SVG_SETTINGS):
        figure = Figure(figsize=(7.0, 3.2), layout="constrained")
        axes = figure.subplots()
        for index, rule in enumerate(rules):
            axes.plot(
                positions,
                rule.pages,
                label=rule.rule,
                color=COLOURS[index],
                marker=MARKERS[index],
                linestyle=DASHES[index],
            )
        axes.set_xticks(positions, [_("Scan %(id)s", id=scan.id) for scan in trend.scans])
        axes.set_ylim(bottom=0)
        # Pages are counted in whole numbers.
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda number, _position: format_decimal(number, locale=language)))
        axes.set_ylabel(_("Pages"))
        axes.grid(axis="y", color="#dddddd")
        axes.tick_params(axis="x", labelsize=7)
        figure.legend(loc="outside right upper", fontsize=7)

        output = io.BytesIO()
        figure.savefig(output, format="svg", metadata={"Date": None})
    return output.getvalue()


def rule_trend_chart(trend: SiteTrend, language: str) -> RuleTrendChart | None:
    """Return the chart of ``trend``, or None when there is no violated rule to draw."""
    if not trend.rules or not trend.scans:
        return None
    shown = min(len(trend.rules), MAX_CHART_RULES)
    title = _("Pages where each rule was violated, per scan")
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
