"""Trend charts of the satisfaction figures, drawn by matplotlib as SVG.

Each SVG goes into the page as a ``data:`` URI of an ``<img>``, so the
document loads nothing from elsewhere and WeasyPrint draws the same image
into the PDF. Written inline instead, every chart would repeat matplotlib's
element ids and WeasyPrint would read its SVG styles as page CSS. Every chart
has a title and a short alt text, and the scorecard puts a table of its
values under it as the full text alternative. A month without answers is a
gap in the line, never a zero.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l

from cxaudit.models import SurveyKind
from cxaudit.scorecard.satisfaction import headline
from cxaudit.scorecard.satisfaction_report import KindFigures

TREND_TITLES = {
    SurveyKind.NPS: _l("NPS by month"),
    SurveyKind.CSAT: _l("CSAT by month: share of satisfied answers (4 or 5), in percent"),
    SurveyKind.CES: _l("CES by month: mean score from 1 (very hard) to 7 (very easy)"),
    SurveyKind.HELPFUL: _l("Share of “yes” to “Was this page helpful?” by month, in percent"),
}
Y_LIMITS = {
    SurveyKind.NPS: (-100, 100),
    SurveyKind.CSAT: (0, 100),
    SurveyKind.CES: (1, 7),
    SurveyKind.HELPFUL: (0, 100),
}
# Text drawn as paths looks the same in every browser and in the PDF without
# fonts. A fixed salt and no date make the SVG the same for the same data.
SVG_SETTINGS = {"svg.fonttype": "path", "svg.hashsalt": "cxaudit", "font.size": 9}
# Edges of the plot as fractions of the 7 × 2.6 inch figure. The left margin
# fits the widest tick label, "−100" of the NPS axis, and the bottom one the
# month names, with the 9 and 7 point sizes above.
AXES_MARGINS = {"left": 0.065, "bottom": 0.095, "right": 0.99, "top": 0.965}


@dataclass(frozen=True)
class TrendChart:
    """One kind's chart: its title and the SVG as a ``data:`` URI for an ``<img>``."""

    kind: SurveyKind
    title: str
    data_uri: str


def draw_trend_svg(figures: KindFigures, language: str) -> bytes:
    """Draw the headline figure per month with its 95% interval as error bars, and return the SVG."""
    # Imported here because matplotlib takes about a third of the import time
    # of create_app (python -X importtime), and most commands never draw a chart.
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedLocator, FuncFormatter

    values, lows, highs = [], [], []
    for month in figures.by_month:
        value, low, high = headline(month.current) if month.current else (math.nan, None, None)
        values.append(value)
        lows.append(value - low if low is not None else 0.0)
        highs.append(high - value if high is not None else 0.0)

    with matplotlib.rc_context(SVG_SETTINGS):
        figure = Figure(figsize=(7.0, 2.6))
        # Fixed margins instead of layout="constrained", which draws the figure
        # again to measure its labels and doubled the time of each chart.
        figure.subplots_adjust(**AXES_MARGINS)
        axes = figure.subplots()
        positions = list(range(len(values)))
        axes.errorbar(positions, values, yerr=[lows, highs], marker="o", color="#0645ad", ecolor="#777777", capsize=3)
        axes.set_ylim(*Y_LIMITS[figures.kind])
        axes.xaxis.set_major_locator(FixedLocator(positions))
        axes.set_xticks(positions, [format_date(month.first_day, "LLL yy", locale=language) for month in figures.by_month])
        axes.yaxis.set_major_formatter(FuncFormatter(lambda number, _position: format_decimal(number, locale=language)))
        axes.grid(axis="y", color="#dddddd")
        axes.tick_params(axis="x", labelsize=7)

        output = io.BytesIO()
        figure.savefig(output, format="svg", metadata={"Date": None})
    return output.getvalue()


def trend_charts(kinds: list[KindFigures], language: str) -> dict[SurveyKind, TrendChart]:
    """Return a chart for each kind with answers in at least one month of the trend."""
    charts = {}
    for figures in kinds:
        if not figures.has_trend:
            continue
        svg = draw_trend_svg(figures, language)
        charts[figures.kind] = TrendChart(
            kind=figures.kind,
            title=str(TREND_TITLES[figures.kind]),
            data_uri="data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"),
        )
    return charts
