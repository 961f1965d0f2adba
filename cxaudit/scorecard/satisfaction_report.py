"""The satisfaction section: every survey kind of an institution in a period,
per survey, per page group and per month, compared with the previous period.

The database counts the answers into score histograms with two GROUP BY
queries (see cxaudit.scorecard.histograms). Months are calendar months in
Warsaw time, like the periods. Page groups are the first segment of the page
address: answers given on https://muzeum.example/wystawy/stale and
https://muzeum.example/wystawy/czasowe both count under "/wystawy/", and
answers on the home page under "/".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Survey, SurveyKind
from cxaudit.models.inquiry import REPORTING_TIME_ZONE
from cxaudit.scorecard.histograms import count_period, count_ranges
from cxaudit.scorecard.periods import Period
from cxaudit.scorecard.satisfaction import KIND_ORDER, KindResult, headline, kind_result

# Trend charts cover at least this many months, ending with the period's last month.
TREND_MONTHS = 12
HOME_PAGE_GROUP = "/"
# The name of the previous period among the ranges counted with the trend months, which are named YYYY-MM.
PREVIOUS_RANGE = "previous"
CURRENT_RANGE = "current"

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
    """The figures of one calendar month in Warsaw time, named by its first day. ``None`` means no answers."""

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
    """Return the first instant of a ``YYYY-MM`` month in Warsaw time, as a UTC datetime.

    Months are Warsaw months, like the periods, so an answer given at 00:30
    on 1 March in Warsaw (23:30 UTC on the last day of February) is March's.
    """
    return datetime.combine(month_first_day(month), time.min, tzinfo=REPORTING_TIME_ZONE).astimezone(UTC)


def month_first_day(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1)


def next_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def month_ranges(period: Period, months: list[str]) -> dict[str, tuple[datetime, datetime]]:
    """Return each trend month's range [start, end) of answer times; the last month ends with the period."""
    return {month: (month_start(month), min(month_start(next_month(month)), period.end)) for month in months}


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


def _add_histogram(histograms: dict, key: Any, histogram: dict[int, int]) -> None:
    merged = histograms[key]
    for score, count in histogram.items():
        merged[score] = merged.get(score, 0) + count


def score_histograms(surveys: list[Survey], period: Period, months: list[str], page_groups: bool = True) -> Histograms:
    """Count the answers of ``surveys`` per kind and score for every breakdown.

    The period's answers are counted per survey and page group; the previous
    period and the trend months are counted per survey as plain time ranges
    (see cxaudit.scorecard.histograms). Histograms per survey id are then
    keyed by kind and by the survey's public id, page group or month.
    """
    by_id = {survey.id: survey for survey in surveys}
    previous = period.previous()
    in_period = count_period(by_id, period, by_page=page_groups)
    ranges = {PREVIOUS_RANGE: (previous.start, previous.end), **month_ranges(period, months)}
    in_ranges = count_ranges(by_id, ranges)

    histograms = Histograms()
    for survey_id, histogram in in_period.by_survey.items():
        survey = by_id[survey_id]
        _add_histogram(histograms.by_survey, (survey.kind, survey.public_id), histogram)
    for (survey_id, segment), histogram in in_period.by_segment.items():
        _add_histogram(histograms.by_segment, (by_id[survey_id].kind, segment), histogram)
    for survey_id, histogram in in_ranges.get(PREVIOUS_RANGE, {}).items():
        survey = by_id[survey_id]
        _add_histogram(histograms.by_survey_before, (survey.kind, survey.public_id), histogram)
    for month in months:
        for survey_id, histogram in in_ranges.get(month, {}).items():
            _add_histogram(histograms.by_month, (by_id[survey_id].kind, month), histogram)
    return histograms


def merge_by_kind(histograms: dict[HistogramKey, dict[int, int]]) -> dict[SurveyKind, dict[int, int]]:
    """Add up the histograms of every key of each kind."""
    merged: dict[SurveyKind, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (kind, _key), histogram in histograms.items():
        for score, count in histogram.items():
            merged[kind][score] += count
    return merged


def build_satisfaction(institution_id: int, period: Period, page_groups: bool = True) -> SatisfactionReport | None:
    """Return the institution's satisfaction figures in ``period``, or None when it has no survey.

    Without ``page_groups`` the figures per page group are left empty, for a
    download that does not show them.
    """
    surveys = db.session.scalars(
        select(Survey).where(Survey.institution_id == institution_id).order_by(Survey.id)
    ).all()
    if not surveys:
        return None

    previous_period = period.previous()
    months = trend_months(period)
    histograms = score_histograms(list(surveys), period, months, page_groups)
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


def build_satisfaction_totals(institution_id: int, period: Period) -> SatisfactionReport | None:
    """Return only each kind's figures over the whole of ``period``, without the previous period or breakdowns.

    The benchmark reads nothing else, so this counts the period's answers per
    survey and score in one query. Returns None when the institution has no survey.
    """
    surveys = db.session.scalars(select(Survey).where(Survey.institution_id == institution_id)).all()
    if not surveys:
        return None

    by_id = {survey.id: survey for survey in surveys}
    counted = count_ranges(by_id, {CURRENT_RANGE: (period.start, period.end)}).get(CURRENT_RANGE, {})
    totals: dict[SurveyKind, dict[int, int]] = defaultdict(dict)
    for survey_id, histogram in counted.items():
        _add_histogram(totals, by_id[survey_id].kind, histogram)

    present = {survey.kind for survey in surveys}
    kinds = [
        KindFigures(kind=kind, current=kind_result(kind, totals.get(kind, {})), previous=None)
        for kind in KIND_ORDER
        if kind in present
    ]
    return SatisfactionReport(period=period, previous_period=period.previous(), months=[], kinds=kinds)


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
        MonthFigures(first_day=month_first_day(month), current=kind_result(kind, by_month.get((kind, month), {})))
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
