"""The satisfaction section: every survey kind of an institution in a period,
per survey, per page group and per month, compared with the previous period.

Each breakdown is one GROUP BY query returning score histograms, so the
database does the counting. Page groups are the first segment of the page
address: answers given on https://muzeum.example/wystawy/stale and
https://muzeum.example/wystawy/czasowe both count under "/wystawy/", and
answers on the home page under "/".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from cxaudit.extensions import db
from cxaudit.models import Response, Survey, SurveyKind
from cxaudit.scorecard.periods import Period
from cxaudit.scorecard.satisfaction import KIND_ORDER, KindResult, headline, kind_result
from cxaudit.scorecard.sql import first_path_segment, month_of

# Trend charts cover at least this many months, ending with the period's last month.
TREND_MONTHS = 12
HOME_PAGE_GROUP = "/"

HistogramKey = tuple[SurveyKind, str | None]


@dataclass(frozen=True)
class GroupFigures:
    """The figures of one survey or page group. ``None`` means no answers there."""

    key: str | None
    current: KindResult | None
    previous: KindResult | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "current": self.current.to_dict() if self.current else None,
            "previous": self.previous.to_dict() if self.previous else None,
        }


@dataclass(frozen=True)
class MonthFigures:
    """The figures of one calendar month (UTC), named by its first day. ``None`` means no answers."""

    first_day: date
    current: KindResult | None

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.first_day.strftime("%Y-%m"), "current": self.current.to_dict() if self.current else None}


@dataclass(frozen=True)
class KindFigures:
    """All figures of one survey kind: the total, the previous period's total and the breakdowns."""

    kind: SurveyKind
    current: KindResult | None
    previous: KindResult | None
    by_survey: list[GroupFigures] = field(default_factory=list)
    by_page_group: list[GroupFigures] = field(default_factory=list)
    by_month: list[MonthFigures] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        """The headline figure minus the previous period's, or None when either has no answers."""
        if self.current is None or self.previous is None:
            return None
        return headline(self.current)[0] - headline(self.previous)[0]

    @property
    def has_trend(self) -> bool:
        return any(month.current for month in self.by_month)

    def to_dict(self) -> dict[str, Any]:
        change = self.change
        return {
            "kind": self.kind.value,
            "current": self.current.to_dict() if self.current else None,
            "previous": self.previous.to_dict() if self.previous else None,
            "change": None if change is None else round(change, 2),
            "by_survey": [group.to_dict() for group in self.by_survey],
            "by_page_group": [group.to_dict() for group in self.by_page_group],
            "by_month": [group.to_dict() for group in self.by_month],
        }


@dataclass(frozen=True)
class SatisfactionReport:
    """The satisfaction figures of each kind the institution has a survey of, in ``period``."""

    period: Period
    previous_period: Period
    months: list[str]
    kinds: list[KindFigures]

    def for_kind(self, kind: SurveyKind) -> KindFigures | None:
        return next((figures for figures in self.kinds if figures.kind == kind), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.to_dict(),
            "previous_period": self.previous_period.to_dict(),
            "months": self.months,
            "kinds": [figures.to_dict() for figures in self.kinds],
        }


def trend_months(period: Period) -> list[str]:
    """Return the months a trend chart shows as ``YYYY-MM``: the period's months, and at least TREND_MONTHS."""
    last = period.last_day.year * 12 + period.last_day.month - 1
    first = min(period.first_day.year * 12 + period.first_day.month - 1, last - TREND_MONTHS + 1)
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(first, last + 1)]


def month_start(month: str) -> datetime:
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1, tzinfo=UTC)


def page_group(segment: str | None) -> str | None:
    """Return the page group of a first path segment, or None when the answer has no page address."""
    if segment is None:
        return None
    return f"/{segment}/" if segment else HOME_PAGE_GROUP


@dataclass
class Histograms:
    """The score histograms of every breakdown, keyed by survey kind and breakdown key."""

    by_survey: dict[HistogramKey, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    by_survey_before: dict[HistogramKey, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    by_segment: dict[HistogramKey, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    by_month: dict[HistogramKey, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))


def _add(histograms: dict[HistogramKey, dict[int, int]], key: HistogramKey, score: int, count: int) -> None:
    histogram = histograms[key]
    histogram[score] = histogram.get(score, 0) + count


def _within(start: datetime, end: datetime) -> ColumnElement:
    return and_(Response.received_at >= start, Response.received_at < end)


def score_histograms(institution_id: int, period: Period, months: list[str]) -> Histograms:
    """Count the institution's answers per survey kind and score for every breakdown, in one pass.

    One GROUP BY covers the answers from the earliest date any breakdown needs.
    It marks each answer as in the period, in the previous period and in a
    trend month, and reads the page group only for answers in the period. So
    the answers table is read once instead of once per breakdown. The key columns
    are computed in a subquery and grouped by their names, so PostgreSQL sees
    the same GROUP BY expression as the SELECT list.
    """
    previous = period.previous()
    trend_start = month_start(months[0])
    in_period = _within(period.start, period.end)
    answers = (
        select(
            Survey.kind.label("kind"),
            Survey.public_id.label("survey"),
            case((in_period, 1), else_=0).label("current"),
            case((_within(previous.start, previous.end), 1), else_=0).label("previous"),
            case((_within(trend_start, period.end), month_of(Response.received_at)), else_=None).label("month"),
            case((in_period, first_path_segment(Response.page_url)), else_=None).label("segment"),
            Response.score.label("score"),
        )
        .join(Survey, Response.survey_id == Survey.id)
        .where(
            Survey.institution_id == institution_id,
            Response.received_at >= min(previous.start, trend_start),
            Response.received_at < period.end,
        )
        .subquery()
    )
    columns = [answers.c.kind, answers.c.survey, answers.c.current, answers.c.previous, answers.c.month,
               answers.c.segment, answers.c.score]
    query = select(*columns, func.count()).group_by(*columns)

    histograms = Histograms()
    for kind, survey, current, before, month, segment, score, count in db.session.execute(query):
        kind, score, count = SurveyKind(kind), int(score), int(count)
        if current:
            _add(histograms.by_survey, (kind, survey), score, count)
            _add(histograms.by_segment, (kind, segment), score, count)
        if before:
            _add(histograms.by_survey_before, (kind, survey), score, count)
        if month is not None:
            _add(histograms.by_month, (kind, month), score, count)
    return histograms


def merge_by_kind(histograms: dict[HistogramKey, dict[int, int]]) -> dict[SurveyKind, dict[int, int]]:
    """Add up the histograms of every key of each kind."""
    merged: dict[SurveyKind, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (kind, _key), histogram in histograms.items():
        for score, count in histogram.items():
            merged[kind][score] += count
    return merged


def build_satisfaction(institution_id: int, period: Period) -> SatisfactionReport | None:
    """Return the institution's satisfaction figures in ``period``, or None when it has no survey."""
    surveys = db.session.scalars(
        select(Survey).where(Survey.institution_id == institution_id).order_by(Survey.id)
    ).all()
    if not surveys:
        return None

    previous_period = period.previous()
    months = trend_months(period)
    histograms = score_histograms(institution_id, period, months)
    by_survey, by_survey_before = histograms.by_survey, histograms.by_survey_before
    by_segment, by_month = histograms.by_segment, histograms.by_month
    totals, totals_before = merge_by_kind(by_survey), merge_by_kind(by_survey_before)

    kinds = []
    for kind in KIND_ORDER:
        kind_surveys = [survey for survey in surveys if survey.kind == kind]
        if not kind_surveys:
            continue
        kinds.append(
            KindFigures(
                kind=kind,
                current=kind_result(kind, totals.get(kind, {})),
                previous=kind_result(kind, totals_before.get(kind, {})),
                by_survey=survey_figures(kind, kind_surveys, by_survey, by_survey_before),
                by_page_group=page_group_figures(kind, by_segment),
                by_month=month_figures(kind, months, by_month),
            )
        )
    return SatisfactionReport(period=period, previous_period=previous_period, months=months, kinds=kinds)


def survey_figures(
    kind: SurveyKind,
    surveys: list[Survey],
    current: dict[HistogramKey, dict[int, int]],
    previous: dict[HistogramKey, dict[int, int]],
) -> list[GroupFigures]:
    """Return the figures of each survey of ``kind``, including surveys without answers."""
    return [
        GroupFigures(
            key=survey.public_id,
            current=kind_result(kind, current.get((kind, survey.public_id), {})),
            previous=kind_result(kind, previous.get((kind, survey.public_id), {})),
        )
        for survey in surveys
    ]


def month_figures(kind: SurveyKind, months: list[str], by_month: dict[HistogramKey, dict[int, int]]) -> list[MonthFigures]:
    """Return the figures of every trend month, with None for a month without answers."""
    return [
        MonthFigures(first_day=month_start(month).date(), current=kind_result(kind, by_month.get((kind, month), {})))
        for month in months
    ]


def page_group_figures(kind: SurveyKind, by_segment: dict[HistogramKey, dict[int, int]]) -> list[GroupFigures]:
    """Return the figures of each page group with answers of ``kind``, most answers first.

    Answers without a page address come last, under the key None.
    """
    groups = []
    for (group_kind, segment), histogram in by_segment.items():
        result = kind_result(kind, histogram) if group_kind == kind else None
        if result is not None:
            groups.append(GroupFigures(key=page_group(segment), current=result))
    return sorted(groups, key=lambda group: (group.key is None, -group.current.responses, group.key or ""))
