"""Trend charts of the satisfaction figures, drawn by pygal as SVG.

Each SVG goes into the page as a ``data:`` URI of an ``<img>``, so the
document loads nothing from elsewhere and WeasyPrint draws the same image
into the PDF. Every chart has a title and a short alt text, and the HTML
scorecard puts a table of its values under it as the full text alternative.
A month without answers is a gap in the line, never a zero.

pygal writes its labels as SVG text, which WeasyPrint draws with the page's
fonts. matplotlib, used before, took about 0.2 s of CPU per chart, and
WeasyPrint about 0.3 s more per chart to draw it, because matplotlib wrote
every letter as a path. A pygal chart takes about 0.01 s
(bench/scorecard_render.py).
"""

from __future__ import annotations

import base64
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
# The y axis of each kind: lowest value, highest value and the step between grid lines.
Y_AXES = {
    SurveyKind.NPS: (-100, 100, 50),
    SurveyKind.CSAT: (0, 100, 20),
    SurveyKind.CES: (1, 7, 1),
    SurveyKind.HELPFUL: (0, 100, 20),
}
# The chart's size in SVG user units; the page scales it to its width.
WIDTH, HEIGHT = 700, 260
LINE_COLOUR, BAR_COLOUR, GRID_COLOUR, TEXT_COLOUR = "#0645ad", "#777777", "#dddddd", "#1a1a1a"
FONT_FAMILY = "DejaVu Sans, Noto Sans, Liberation Sans, Arial, sans-serif"
MARKER_RADIUS = 3.5


@dataclass(frozen=True)
class TrendChart:
    """One kind's chart: its title and the SVG as a ``data:`` URI for an ``<img>``."""

    kind: SurveyKind
    title: str
    data_uri: str


@dataclass(frozen=True)
class MonthPoint:
    """One month of a chart: its label and its value with the interval ends, all None without answers."""

    label: str
    value: float | None
    low: float | None
    high: float | None


def month_points(figures: KindFigures, language: str) -> list[MonthPoint]:
    points = []
    for month in figures.by_month:
        label = format_date(month.first_day, "LLL yy", locale=language)
        if month.current is None:
            points.append(MonthPoint(label, None, None, None))
            continue
        value, low, high = headline(month.current)
        points.append(MonthPoint(label, value, low, high))
    return points


def draw_trend_svg(figures: KindFigures, language: str) -> bytes:
    """Draw the headline figure per month with its 95% interval as error bars, and return the SVG."""
    # Imported here because only a scorecard with answers draws charts.
    import pygal

    lowest, highest, step = Y_AXES[figures.kind]
    points = month_points(figures, language)

    chart = pygal.Line(
        width=WIDTH,
        height=HEIGHT,
        explicit_size=True,
        style=chart_style(),
        js=[],
        show_legend=False,
        show_x_guides=False,
        range=(lowest, highest),
        y_labels=list(range(lowest, highest + 1, step)),
        value_formatter=lambda value: format_decimal(value, locale=language),
        allow_interruptions=True,
        dots_size=MARKER_RADIUS,
        stroke_style={"width": 1.5},
        margin=8,
    )
    chart.x_labels = [point.label for point in points]
    chart.add(str(TREND_TITLES[figures.kind]), [_chart_value(point) for point in points])
    return chart.render()


def chart_style():
    """Return the charts' colours and fonts: one blue line, grey intervals, solid light grid lines."""
    return base_style(colors=(LINE_COLOUR,), ci_colors=(BAR_COLOUR,))


def base_style(**settings):
    """Return a pygal style with the charts' white background, text colour, fonts and solid grid, plus ``settings``."""
    from pygal.style import Style

    return Style(
        **{
            "background": "#ffffff",
            "plot_background": "#ffffff",
            "foreground": TEXT_COLOUR,
            "foreground_strong": TEXT_COLOUR,
            "foreground_subtle": GRID_COLOUR,
            "font_family": FONT_FAMILY,
            "label_font_size": 10,
            "major_label_font_size": 10,
            "guide_stroke_dasharray": "0",
            "major_guide_stroke_dasharray": "0",
            **settings,
        }
    )


def _chart_value(point: MonthPoint) -> dict | None:
    """Return pygal's value for a month: None for a gap, else the value with its interval when it has one."""
    if point.value is None or math.isnan(point.value):
        return None
    if point.low is None or point.high is None:
        return {"value": point.value}
    return {"value": point.value, "ci": {"low": point.low, "high": point.high}}


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
