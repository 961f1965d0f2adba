"""Score histograms of an institution's answers, counted by the database.

The satisfaction section needs histograms for the period (per survey and per
page group), for the previous period and for every trend month. Two queries
give them all:

- the period's answers, grouped by survey, page address and score. Only
  this query reads the page address, because it reads the fewest answers;
- one range per other figure (the previous period and each trend month),
  grouped by survey and score. Each range is a plain interval of
  ``received_at``. A range bounded by Warsaw midnights is a whole number of
  the buckets of ``response_count`` (cxaudit.models.survey.ResponseCount),
  so its counts are summed from that table, a few rows per survey and day,
  instead of from every answer. Any other range is counted from the answers
  with the covering index ``ix_response_survey_received_score``.

Every range is bounded by instants computed in Python (Warsaw midnights), so
both databases bucket the answers alike, whatever their time zone support.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, literal_column, select, union_all

from cxaudit.extensions import db
from cxaudit.models import Response, ResponseCount
from cxaudit.models.survey import is_bucket_start
from cxaudit.scorecard.periods import Period

# Per survey id: its score histogram.
SurveyHistograms = dict[int, dict[int, int]]


@dataclass
class PeriodHistograms:
    """The period's histograms per survey id, and per survey id and first path segment."""

    by_survey: SurveyHistograms = field(default_factory=lambda: defaultdict(dict))
    by_segment: dict[tuple[int, str | None], dict[int, int]] = field(default_factory=lambda: defaultdict(dict))


def _add(histogram: dict[int, int], score: int, count: int) -> None:
    histogram[score] = histogram.get(score, 0) + count


def count_period(survey_ids: Collection[int], period: Period, by_page: bool = True) -> PeriodHistograms:
    """Count the period's answers of the surveys per survey, first path segment and score.

    The database groups the answers by page address, and the addresses are
    then merged by their first path segment here: a site has far fewer
    addresses than answers, and cutting the segment out of every answer in
    SQL took longer than the grouping. Without ``by_page`` the page groups
    stay empty, and the counts come from the index on survey, time and score
    alone, without reading the answers' rows.
    """
    in_period = (
        Response.survey_id.in_(list(survey_ids)),
        Response.received_at >= period.start,
        Response.received_at < period.end,
    )
    histograms = PeriodHistograms()
    if not by_page:
        query = select(Response.survey_id, Response.score, func.count()).where(*in_period)
        for survey_id, score, count in db.session.execute(query.group_by(Response.survey_id, Response.score)):
            _add(histograms.by_survey[survey_id], int(score), int(count))
        return histograms

    query = (
        select(Response.survey_id, Response.page_url, Response.score, func.count())
        .where(*in_period)
        .group_by(Response.survey_id, Response.page_url, Response.score)
    )

    segments: dict[str | None, str | None] = {}
    for survey_id, page_url, score, count in db.session.execute(query):
        if page_url not in segments:
            segments[page_url] = first_path_segment(page_url)
        _add(histograms.by_survey[survey_id], int(score), int(count))
        _add(histograms.by_segment[(survey_id, segments[page_url])], int(score), int(count))
    return histograms


def first_path_segment(url: str | None) -> str | None:
    """Return the first segment of an absolute URL's path: "wystawy" for https://host/wystawy/a.

    The home page and a URL without a path give "", and no URL gives None.
    Stored page URLs have no query string or fragment, so only "/" ends a
    segment. A URL without "://" loses its first two characters, as the
    SQL expression this replaced did, so the page groups stay the same.
    """
    if url is None:
        return None
    scheme_end = url.find("://")
    after_scheme = url[scheme_end + 3:] if scheme_end >= 0 else url[2:]
    path = after_scheme[(after_scheme + "/").find("/") + 1:]
    return path[: (path + "/").find("/")]


def count_ranges(
    survey_ids: Collection[int], ranges: Mapping[str, tuple[datetime, datetime]]
) -> dict[str, SurveyHistograms]:
    """Count the answers of the surveys per survey and score in each named range [start, end) of ``received_at``.

    Returns a histogram per range name and survey id; a range or survey
    without answers has no entry. The ranges go into one UNION ALL, one
    grouped index range scan each.
    """
    if not ranges or not survey_ids:
        return {}

    names = list(ranges)
    parts = [
        _range_counts(index, list(survey_ids), *ranges[name])
        for index, name in enumerate(names)
    ]
    counted: dict[str, SurveyHistograms] = {name: defaultdict(dict) for name in names}
    for range_index, survey_id, score, count in db.session.execute(union_all(*parts)):
        _add(counted[names[int(range_index)]][survey_id], int(score), int(count))
    return counted


def _range_counts(index: int, survey_ids: list[int], start: datetime, end: datetime) -> Select:
    """Select (index, survey id, score, answers) of one range, from the bucket counts when the range covers whole buckets."""
    label = literal_column(str(index)).label("range_index")
    if is_bucket_start(start) and is_bucket_start(end):
        return (
            select(label, ResponseCount.survey_id, ResponseCount.score, func.sum(ResponseCount.answers))
            .where(
                ResponseCount.survey_id.in_(survey_ids),
                ResponseCount.bucket_start >= start,
                ResponseCount.bucket_start < end,
            )
            .group_by(ResponseCount.survey_id, ResponseCount.score)
        )
    return (
        select(label, Response.survey_id, Response.score, func.count())
        .where(
            Response.survey_id.in_(survey_ids),
            Response.received_at >= start,
            Response.received_at < end,
        )
        .group_by(Response.survey_id, Response.score)
    )
