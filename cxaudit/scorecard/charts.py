"""Trend charts of the satisfaction figures, written directly as small SVG documents.

Each SVG goes into the page as a ``data:`` URI of an ``<img>``, so the
document loads nothing from elsewhere and WeasyPrint draws the same image
into the PDF. Every chart has a title and a short alt text, and the HTML
scorecard puts a table of its values under it as the full text alternative.
A month without answers is a gap in the line, never a zero.

The SVG is written by hand rather than drawn by matplotlib. matplotlib took
about 0.2 s of CPU per chart, and WeasyPrint took about 0.3 s per chart to
draw its SVG into the PDF, because every letter was a path. Writing one of
these charts takes about 1 ms, and the bench's PDF writes in about half the
time it took with matplotlib's charts (bench/scorecard_render.py).
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

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
# The chart is 700 × 260 user units, drawn 7 × 2.6 inches wide at 100 units per
# inch. The plot leaves room on the left for "-100", the widest tick label,
# and at the bottom for the month names.
WIDTH, HEIGHT = 700, 260
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 46, 692, 10, 232
LINE_COLOUR, BAR_COLOUR, GRID_COLOUR, TEXT_COLOUR = "#0645ad", "#777777", "#dddddd", "#1a1a1a"
FONT = 'font-family="DejaVu Sans, Noto Sans, Liberation Sans, Arial, sans-serif"'
CAP_HALF_WIDTH = 4
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


def _number(value: float) -> str:
    """Write a coordinate with at most one decimal, which is finer than any printer or screen shows."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def draw_trend_svg(figures: KindFigures, language: str) -> bytes:
    """Draw the headline figure per month with its 95% interval as error bars, and return the SVG."""
    lowest, highest, step = Y_AXES[figures.kind]
    points = month_points(figures, language)

    def y_of(value: float) -> float:
        clamped = min(max(value, lowest), highest)
        return PLOT_BOTTOM - (clamped - lowest) / (highest - lowest) * (PLOT_BOTTOM - PLOT_TOP)

    spacing = (PLOT_RIGHT - PLOT_LEFT) / max(len(points), 1)

    def x_of(index: int) -> float:
        return PLOT_LEFT + spacing * (index + 0.5)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="7in" height="2.6in" viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    parts.extend(_y_grid(lowest, highest, step, y_of, language))
    parts.append(
        f'<rect x="{PLOT_LEFT}" y="{PLOT_TOP}" width="{PLOT_RIGHT - PLOT_LEFT}" height="{PLOT_BOTTOM - PLOT_TOP}" '
        f'fill="none" stroke="{TEXT_COLOUR}" stroke-width="0.8"/>'
    )
    for index, point in enumerate(points):
        x = _number(x_of(index))
        parts.append(f'<line x1="{x}" y1="{PLOT_BOTTOM}" x2="{x}" y2="{PLOT_BOTTOM + 4}" stroke="{TEXT_COLOUR}" stroke-width="0.8"/>')
        parts.append(f'<text x="{x}" y="{PLOT_BOTTOM + 17}" font-size="9.7" text-anchor="middle" fill="{TEXT_COLOUR}" {FONT}>'
                     f"{escape(point.label)}</text>")
    parts.extend(_error_bars(points, x_of, y_of))
    parts.extend(_lines(points, x_of, y_of))
    parts.extend(
        f'<circle cx="{_number(x_of(index))}" cy="{_number(y_of(point.value))}" r="{MARKER_RADIUS}" fill="{LINE_COLOUR}"/>'
        for index, point in enumerate(points)
        if point.value is not None
    )
    parts.append("</svg>")
    return "\n".join(parts).encode("utf-8")


def _y_grid(lowest: int, highest: int, step: int, y_of, language: str) -> list[str]:
    """Draw a grid line and a tick label, in the language's number format, at every ``step`` of the y axis."""
    parts = []
    for value in range(lowest, highest + 1, step):
        y = _number(y_of(value))
        label = escape(format_decimal(value, locale=language))
        parts.append(f'<line x1="{PLOT_LEFT}" y1="{y}" x2="{PLOT_RIGHT}" y2="{y}" stroke="{GRID_COLOUR}" stroke-width="0.8"/>')
        parts.append(f'<text x="{PLOT_LEFT - 6}" y="{y}" dy="0.35em" font-size="12.5" text-anchor="end" fill="{TEXT_COLOUR}" {FONT}>'
                     f"{label}</text>")
    return parts


def _error_bars(points: list[MonthPoint], x_of, y_of) -> list[str]:
    """Draw each month's 95% interval as a vertical bar with caps. A month with one answer has no interval."""
    parts = []
    for index, point in enumerate(points):
        if point.value is None or point.low is None or point.high is None:
            continue
        x, low, high = x_of(index), _number(y_of(point.low)), _number(y_of(point.high))
        left, right = _number(x - CAP_HALF_WIDTH), _number(x + CAP_HALF_WIDTH)
        parts.append(
            f'<path d="M{_number(x)} {low}V{high}M{left} {low}H{right}M{left} {high}H{right}" '
            f'fill="none" stroke="{BAR_COLOUR}" stroke-width="1.2"/>'
        )
    return parts


def _lines(points: list[MonthPoint], x_of, y_of) -> list[str]:
    """Join consecutive months that have answers. A month without them breaks the line."""
    runs: list[list[str]] = [[]]
    for index, point in enumerate(points):
        if point.value is None or math.isnan(point.value):
            runs.append([])
            continue
        runs[-1].append(f"{_number(x_of(index))},{_number(y_of(point.value))}")
    return [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.5"/>'
        for run in runs
        if len(run) > 1
    ]


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
