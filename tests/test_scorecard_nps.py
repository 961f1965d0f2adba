"""NPS formula, its interval, and counting responses in the database."""

from __future__ import annotations

import math

import pytest

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.nps import (
    SMALL_SAMPLE_THRESHOLD,
    NpsCounts,
    classify_score,
    count_nps_responses,
    nps_from_counts,
    nps_margin,
)


def test_worked_example_score_and_margin():
    result = nps_from_counts(NpsCounts(promoters=50, passives=30, detractors=20))

    assert result.responses == 100
    assert result.score == pytest.approx(30.0)
    # 1.96 * sqrt(10000 * (0.7 - 0.09) / 100) = 1.96 * sqrt(61)
    assert result.margin == pytest.approx(1.96 * math.sqrt(61))
    assert result.margin == pytest.approx(15.31, abs=0.01)
    assert result.low == pytest.approx(30 - 15.308, abs=0.01)
    assert result.high == pytest.approx(30 + 15.308, abs=0.01)
    assert result.small_sample is False


def test_margin_matches_formula():
    assert nps_margin(0.5, 0.2, 100) == pytest.approx(15.308, abs=0.001)
    assert nps_margin(0.4, 0.4, 25) == pytest.approx(1.96 * math.sqrt(10000 * 0.8 / 25))


def test_margin_rejects_zero_responses():
    with pytest.raises(ValueError, match="at least one response"):
        nps_margin(0.0, 0.0, 0)


def test_all_promoters():
    result = nps_from_counts(NpsCounts(promoters=40))

    assert result.score == pytest.approx(100.0)
    assert result.margin == pytest.approx(0.0)
    assert result.low == pytest.approx(100.0)
    assert result.high == pytest.approx(100.0)


def test_all_detractors():
    result = nps_from_counts(NpsCounts(detractors=12))

    assert result.score == pytest.approx(-100.0)
    assert result.low == pytest.approx(-100.0)
    assert result.high == pytest.approx(-100.0)
    assert result.small_sample is True


def test_all_passives_score_zero():
    result = nps_from_counts(NpsCounts(passives=5))

    assert result.score == pytest.approx(0.0)
    assert result.margin == pytest.approx(0.0)


def test_single_response():
    result = nps_from_counts(NpsCounts(promoters=1))

    assert result.responses == 1
    assert result.score == pytest.approx(100.0)
    assert result.small_sample is True


def test_interval_clamped_to_range():
    # p = d = 1/2, n = 2: NPS 0 with a margin of about 139 points on each side.
    result = nps_from_counts(NpsCounts(promoters=1, detractors=1))

    assert result.margin == pytest.approx(1.96 * math.sqrt(5000))
    assert result.low == pytest.approx(-100.0)
    assert result.high == pytest.approx(100.0)


def test_interval_clamped_on_one_side():
    # p = 2/3, d = 1/3, n = 3: NPS 33.3 with a margin of about 107 points.
    result = nps_from_counts(NpsCounts(promoters=2, detractors=1))

    assert result.low == pytest.approx(100 / 3 - result.margin)
    assert result.high == pytest.approx(100.0)


def test_no_responses_gives_none():
    assert nps_from_counts(NpsCounts()) is None


@pytest.mark.parametrize(
    ("responses", "small"),
    [(1, True), (SMALL_SAMPLE_THRESHOLD - 1, True), (SMALL_SAMPLE_THRESHOLD, False), (500, False)],
)
def test_small_sample_flag(responses, small):
    result = nps_from_counts(NpsCounts(passives=responses))

    assert result.small_sample is small


@pytest.mark.parametrize(
    ("score", "group"),
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")],
)
def test_classify_score(score, group):
    assert classify_score(score) == group


@pytest.mark.parametrize("score", [-1, 11])
def test_classify_score_rejects_out_of_range(score):
    with pytest.raises(ValueError, match="from 0 to 10"):
        classify_score(score)


def test_to_dict_rounds_and_names_threshold():
    values = nps_from_counts(NpsCounts(promoters=50, passives=30, detractors=20)).to_dict()

    assert values["score"] == 30.0
    assert values["margin"] == 15.31
    assert values["confidence_level"] == 0.95
    assert values["small_sample_threshold"] == SMALL_SAMPLE_THRESHOLD


def _add_institution(slug: str, scores: list[int]) -> Institution:
    institution = Institution(slug=slug, name=slug.title())
    db.session.add(institution)
    db.session.flush()
    survey = Survey(institution_id=institution.id, kind=SurveyKind.NPS)
    db.session.add(survey)
    db.session.flush()
    db.session.add_all(Response(survey_id=survey.id, score=score, language="pl") for score in scores)
    db.session.commit()
    return institution


def test_counting_per_institution(any_db_app):
    with any_db_app.app_context():
        museum = _add_institution("museum", [10] * 50 + [8] * 30 + [0] * 20)
        theatre = _add_institution("theatre", [9, 9, 7, 6, 5, 3])
        # A second survey of the museum is counted with the first.
        extra = Survey(institution_id=museum.id, kind=SurveyKind.NPS)
        db.session.add(extra)
        db.session.flush()
        db.session.add(Response(survey_id=extra.id, score=9, language="en"))
        db.session.commit()

        museum_counts = count_nps_responses(museum.id)
        theatre_counts = count_nps_responses(theatre.id)

    assert museum_counts == NpsCounts(promoters=51, passives=30, detractors=20)
    assert theatre_counts == NpsCounts(promoters=2, passives=1, detractors=3)


def test_counting_boundaries(any_db_app):
    with any_db_app.app_context():
        institution = _add_institution("library", [0, 6, 7, 8, 9, 10])
        counts = count_nps_responses(institution.id)

    assert counts == NpsCounts(promoters=2, passives=2, detractors=2)


def test_scorecard_without_responses_has_no_nps(any_db_app):
    with any_db_app.app_context():
        institution = _add_institution("empty", [])
        other = _add_institution("busy", [10, 10, 10])
        scorecard = build_scorecard(institution, "pl")
        other_scorecard = build_scorecard(other, "pl")

    assert scorecard.nps is None
    assert scorecard.to_dict()["nps"] is None
    assert other_scorecard.nps.responses == 3
    assert other_scorecard.nps.score == pytest.approx(100.0)
