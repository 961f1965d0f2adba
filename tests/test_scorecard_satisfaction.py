"""Satisfaction figures from the database, checked against values worked out by hand.

Period: November 2026 (1–30 November, UTC). Previous period: the 30 days
before it, 2–31 October.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind
from cxaudit.scorecard.histograms import first_path_segment
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.render import FORMATS, needs_page_groups
from cxaudit.scorecard.satisfaction import CesResult, CsatResult, HelpfulResult
from cxaudit.scorecard.satisfaction_report import build_satisfaction

SITE = "https://muzeum.example"
NOVEMBER = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)


def answer(survey: Survey, score: int, at: datetime, page: str | None = None) -> Response:
    return Response(survey_id=survey.id, score=score, language="pl", page_url=page, received_at=at)


def add_survey(institution: Institution, kind: SurveyKind) -> Survey:
    survey = Survey(institution_id=institution.id, kind=kind)
    db.session.add(survey)
    db.session.flush()
    return survey


@pytest.fixture
def museum(any_db_app):
    """One institution with a survey of each kind and answers worked out in the tests."""
    with any_db_app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum", default_language="pl")
        other = Institution(slug="teatr", name="Teatr", default_language="pl")
        db.session.add_all([institution, other])
        db.session.flush()
        nps = add_survey(institution, SurveyKind.NPS)
        add_survey(institution, SurveyKind.NPS)  # a second NPS survey without answers
        csat = add_survey(institution, SurveyKind.CSAT)
        ces = add_survey(institution, SurveyKind.CES)
        helpful = add_survey(institution, SurveyKind.HELPFUL)
        other_nps = add_survey(other, SurveyKind.NPS)

        db.session.add_all(
            [
                # November: 2 promoters, 1 passive, 2 detractors; the last instant in Warsaw time counts.
                answer(nps, 10, datetime(2026, 11, 1, 0, 0, tzinfo=UTC), f"{SITE}/wystawy/stale"),
                answer(nps, 9, datetime(2026, 11, 30, 22, 59, 59, tzinfo=UTC), f"{SITE}/wystawy/czasowe"),
                answer(nps, 8, NOVEMBER, f"{SITE}/"),
                answer(nps, 6, NOVEMBER, f"{SITE}/bilety"),
                answer(nps, 0, NOVEMBER),
                # Just after the period: in no figure of November.
                answer(nps, 0, datetime(2026, 12, 1, 0, 0, tzinfo=UTC), f"{SITE}/wystawy/stale"),
                # Previous period: 2 promoters, 1 detractor.
                answer(nps, 10, OCTOBER),
                answer(nps, 10, OCTOBER),
                answer(nps, 3, OCTOBER),
                # 1 October: in the previous period, which is the whole of October.
                answer(nps, 0, datetime(2026, 10, 1, 12, 0, tzinfo=UTC)),
                # Another institution's answer is never counted.
                answer(other_nps, 0, NOVEMBER, f"{SITE}/wystawy/stale"),
                # CSAT: 5, 4, 4, 2, 1, 3 and an out-of-range 6 that is left out.
                *(answer(csat, score, NOVEMBER) for score in (5, 4, 4, 2, 1, 3, 6)),
                # CES: 7, 5, 6, 2 in November; a single 4 in October.
                *(answer(ces, score, NOVEMBER) for score in (7, 5, 6, 2)),
                answer(ces, 4, OCTOBER),
                # Helpful: three "yes" and one "no".
                *(answer(helpful, score, NOVEMBER, f"{SITE}/kontakt") for score in (1, 1, 1, 0)),
            ]
        )
        db.session.commit()
        ids = {"institution": institution.id, "nps": nps.public_id, "other": other.id}
    return any_db_app, ids


def report_for(app, institution_id: int, period: str = "2026-11"):
    with app.app_context(), app.test_request_context():
        return build_satisfaction(institution_id, parse_period(period))


def test_kinds_in_order(museum):
    app, ids = museum
    report = report_for(app, ids["institution"])

    assert [figures.kind for figures in report.kinds] == [
        SurveyKind.NPS,
        SurveyKind.CSAT,
        SurveyKind.CES,
        SurveyKind.HELPFUL,
    ]


def test_nps_for_period(museum):
    app, ids = museum
    nps = report_for(app, ids["institution"]).for_kind(SurveyKind.NPS).current

    assert (nps.promoters, nps.passives, nps.detractors) == (2, 1, 2)
    # p = d = 0.4: NPS 0, Var = 10000 · 0.8 / 5 = 1600, margin 1.96 · 40.
    assert nps.score == pytest.approx(0.0)
    assert nps.margin == pytest.approx(78.4)
    assert nps.low == pytest.approx(-78.4)
    assert nps.high == pytest.approx(78.4)
    assert nps.small_sample is True


def test_nps_previous_period_and_change(museum):
    app, ids = museum
    figures = report_for(app, ids["institution"]).for_kind(SurveyKind.NPS)

    # 2 promoters and 2 detractors of 4, the 1 October answer included: NPS 0.
    assert figures.previous.responses == 4
    assert figures.previous.score == pytest.approx(0.0)
    assert figures.change == pytest.approx(0.0)


def test_nps_by_survey(museum):
    app, ids = museum
    by_survey = report_for(app, ids["institution"]).for_kind(SurveyKind.NPS).by_survey

    assert len(by_survey) == 2
    assert by_survey[0].key == ids["nps"]
    assert by_survey[0].current.responses == 5
    assert by_survey[0].previous.responses == 4
    # The survey without answers shows no data, not zero.
    assert by_survey[1].current is None
    assert by_survey[1].previous is None


def test_nps_by_page_group(museum):
    app, ids = museum
    groups = report_for(app, ids["institution"]).for_kind(SurveyKind.NPS).by_page_group

    assert [group.key for group in groups] == ["/wystawy/", "/", "/bilety/", None]
    wystawy, home, bilety, unknown = (group.current for group in groups)
    assert (wystawy.responses, wystawy.score) == (2, pytest.approx(100.0))
    assert (home.responses, home.score) == (1, pytest.approx(0.0))
    assert (bilety.responses, bilety.score) == (1, pytest.approx(-100.0))
    assert (unknown.responses, unknown.score) == (1, pytest.approx(-100.0))


def test_nps_by_month(museum):
    app, ids = museum
    by_month = report_for(app, ids["institution"]).for_kind(SurveyKind.NPS).by_month

    assert [month.first_day.isoformat() for month in by_month] == [
        "2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01",
        "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01",
    ]  # fmt: skip
    october, november = by_month[-2].current, by_month[-1].current
    # October: 10, 10, 3 and 0 on 1 October: p = d = 0.5.
    assert october.responses == 4
    assert october.score == pytest.approx(0.0)
    assert november.responses == 5
    # Months without answers have no figure.
    assert all(month.current is None for month in by_month[:-2])


def test_csat(museum):
    app, ids = museum
    figures = report_for(app, ids["institution"]).for_kind(SurveyKind.CSAT)
    csat = figures.current

    assert isinstance(csat, CsatResult)
    assert csat.responses == 6
    assert csat.satisfied == 3
    assert csat.share == pytest.approx(50.0)
    # Wilson for 3 of 6: centre 0.5, half-width (1.96 / (1 + 3.8416/6)) · sqrt(0.25/6 + 3.8416/144).
    half_width = (1.96 / (1 + 3.8416 / 6)) * math.sqrt(0.25 / 6 + 3.8416 / 144)
    assert csat.low == pytest.approx(100 * (0.5 - half_width))
    assert csat.high == pytest.approx(100 * (0.5 + half_width))
    assert csat.low == pytest.approx(18.76, abs=0.01)
    assert csat.mean == pytest.approx(19 / 6)
    assert figures.previous is None
    assert figures.change is None


def test_ces(museum):
    app, ids = museum
    figures = report_for(app, ids["institution"]).for_kind(SurveyKind.CES)
    ces = figures.current

    assert isinstance(ces, CesResult)
    assert ces.responses == 4
    assert ces.mean == pytest.approx(5.0)
    # Sample variance 14/3, standard error sqrt(14/3 / 4).
    assert ces.margin == pytest.approx(1.96 * math.sqrt(14 / 3 / 4))
    assert ces.low == pytest.approx(5.0 - 2.1173, abs=1e-3)
    # 5 + 2.117 is past the top of the scale, so the interval stops at 7.
    assert ces.high == pytest.approx(7.0)


def test_ces_single_answer_has_no_interval(museum):
    app, ids = museum
    previous = report_for(app, ids["institution"]).for_kind(SurveyKind.CES).previous

    assert previous.responses == 1
    assert previous.mean == pytest.approx(4.0)
    assert previous.margin is None
    assert previous.low is None


def test_ces_change_in_score_units(museum):
    app, ids = museum
    figures = report_for(app, ids["institution"]).for_kind(SurveyKind.CES)

    assert figures.change == pytest.approx(1.0)


def test_helpful(museum):
    app, ids = museum
    figures = report_for(app, ids["institution"]).for_kind(SurveyKind.HELPFUL)
    helpful = figures.current

    assert isinstance(helpful, HelpfulResult)
    assert (helpful.responses, helpful.helpful) == (4, 3)
    assert helpful.share == pytest.approx(75.0)
    assert helpful.low == pytest.approx(30.06, abs=0.01)
    assert helpful.high == pytest.approx(95.44, abs=0.01)
    assert [group.key for group in figures.by_page_group] == ["/kontakt/"]


def test_period_without_answers_is_no_data(museum):
    app, ids = museum
    report = report_for(app, ids["institution"], "2025-03")

    for figures in report.kinds:
        assert figures.current is None
        assert figures.by_page_group == []
        assert all(group.current is None for group in figures.by_survey)
        assert not figures.has_trend


def test_institution_without_survey(museum):
    app, ids = museum
    with app.app_context():
        empty = Institution(slug="pusta", name="Pusta")
        db.session.add(empty)
        db.session.commit()
        empty_id = empty.id

    assert report_for(app, empty_id) is None


def test_other_institution_sees_only_its_answer(museum):
    app, ids = museum
    nps = report_for(app, ids["other"]).for_kind(SurveyKind.NPS)

    assert nps.current.responses == 1
    assert nps.current.detractors == 1
    assert [group.key for group in nps.by_page_group] == ["/wystawy/"]


def test_to_dict_rounds_and_keeps_nulls(museum):
    app, ids = museum
    values = report_for(app, ids["institution"]).to_dict()

    assert values["period"] == {"first_day": "2026-11-01", "last_day": "2026-11-30", "days": 30}
    assert values["previous_period"] == {"first_day": "2026-10-01", "last_day": "2026-10-31", "days": 31}
    nps = values["kinds"][0]
    assert nps["kind"] == "nps"
    assert nps["change"] == 0.0
    assert nps["by_survey"][1]["current"] is None
    assert nps["by_month"][0] == {"month": "2025-12", "current": None}
    csat = values["kinds"][1]["current"]
    assert csat["low"] == 18.76
    assert csat["confidence_level"] == 0.95


@pytest.mark.parametrize(
    ("url", "segment"),
    [
        ("https://muzeum.example/wystawy/stale", "wystawy"),
        ("https://muzeum.example/bilety", "bilety"),
        ("https://muzeum.example/", ""),
        ("https://muzeum.example", ""),
        ("http://127.0.0.1:5000/kontakt/", "kontakt"),
        (None, None),
    ],
)
def test_first_path_segment(url, segment):
    assert first_path_segment(url) == segment


def test_report_without_page_groups_keeps_other_figures(museum):
    app, ids = museum
    with app.app_context(), app.test_request_context():
        period = parse_period("2026-11")
        full = build_satisfaction(ids["institution"], period).to_dict()
        without = build_satisfaction(ids["institution"], period, page_groups=False).to_dict()

    assert all(kind["by_page_group"] == [] for kind in without["kinds"])
    assert any(kind["by_page_group"] for kind in full["kinds"])
    for kind in full["kinds"]:
        kind["by_page_group"] = []
    assert without == full


def test_only_the_pdf_leaves_out_page_groups():
    assert [fmt for fmt in FORMATS if not needs_page_groups(fmt)] == ["pdf"]
