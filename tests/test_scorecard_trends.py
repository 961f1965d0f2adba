"""Satisfaction, trend charts and funnels in the rendered scorecard, and the period option."""

from __future__ import annotations

import base64
import json
import re
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from accounts import sign_in
from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Funnel, FunnelEvent, Institution, Response, Survey, SurveyKind

NOVEMBER = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
SCORECARD = "/institutions/biblioteka/scorecard"
CHART = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">')


@pytest.fixture
def library_app(app):
    """CSAT answers in October and November, a helpful survey without answers and one funnel."""
    with app.app_context():
        institution = Institution(slug="biblioteka", name="Biblioteka Miejska", default_language="pl")
        db.session.add(institution)
        db.session.flush()
        csat = Survey(institution_id=institution.id, kind=SurveyKind.CSAT)
        helpful = Survey(institution_id=institution.id, kind=SurveyKind.HELPFUL)
        db.session.add_all([csat, helpful])
        db.session.flush()
        # November: 4 of 5 satisfied (80%); October: 1 of 2 (50%).
        scores = [(5, NOVEMBER), (4, NOVEMBER), (4, NOVEMBER), (5, NOVEMBER), (1, NOVEMBER), (5, OCTOBER), (2, OCTOBER)]
        db.session.add_all(
            Response(survey_id=csat.id, score=score, language="pl", page_url="https://biblioteka.example/katalog/a", received_at=at)
            for score, at in scores
        )
        db.session.add(Funnel(institution_id=institution.id, name="Zapis na warsztaty", steps=["form_opened", "form_sent"]))
        for index, steps in enumerate([["form_opened", "form_sent"], ["form_opened"], ["form_opened", "form_sent"]]):
            db.session.add_all(
                FunnelEvent(
                    survey_id=csat.id,
                    session_id=f"session-{index}",
                    step=step,
                    occurred_at=NOVEMBER + timedelta(minutes=minute),
                )
                for minute, step in enumerate(steps)
            )
        db.session.commit()
    return app


@pytest.fixture
def signed_in(library_app, client):
    sign_in(library_app, client, login="auditor")
    return client


def test_html_shows_period_and_comparison(signed_in):
    html = signed_in.get(f"{SCORECARD}?lang=en&period=2026-11").get_data(as_text=True)

    assert "Survey and funnel figures cover 30 days: November 1, 2026 to November 30, 2026, Warsaw time." in html
    assert "compared with October 1, 2026 to October 31, 2026." in html
    assert "Customer satisfaction (CSAT)" in html
    # 80% now, 50% before: 30 points more.
    assert '<td class="number">80%</td>' in html
    assert '<td class="number">50%</td>' in html
    assert "+30 points" in html


def test_html_says_no_data_not_zero(signed_in):
    html = signed_in.get(f"{SCORECARD}?lang=en&period=2026-11").get_data(as_text=True)
    helpful = html.split('class="kind-helpful"', 1)[1]

    assert "Was this page helpful?" in helpful
    assert 'colspan="3" class="no-data">No data</td>' in helpful
    assert "0%" not in helpful.split("</section>", 1)[0]


def test_html_chart_has_title_alt_and_table(signed_in):
    html = signed_in.get(f"{SCORECARD}?lang=en&period=2026-11").get_data(as_text=True)
    charts = CHART.findall(html)

    # Only CSAT has answers, so only CSAT has a chart.
    assert len(charts) == 1
    svg = base64.b64decode(charts[0][0]).decode("utf-8")
    assert "<svg" in svg
    title = "CSAT by month: share of satisfied answers (4 or 5), in percent"
    assert charts[0][1] == f"{title}. The table below gives every value."
    assert f"<figcaption>{title}</figcaption>" in html
    assert f"<caption>{title}</caption>" in html
    assert '<th scope="row">November 2026</th><td class="number">80%</td>' in html
    assert '<th scope="row">September 2026</th><td colspan="3" class="no-data">No data</td>' in html


def test_html_in_polish_formats_numbers(signed_in):
    html = signed_in.get(f"{SCORECARD}?lang=pl&period=2026-11").get_data(as_text=True)

    assert "Zadowolenie klientów (CSAT)" in html
    assert '<th scope="row">listopad 2026</th>' in html
    # Wilson for 4 of 5: 37.6% to 96.4%, with a decimal comma in Polish.
    assert "od 37,6% do 96,4%" in html


def test_html_shows_funnel(signed_in):
    html = signed_in.get(f"{SCORECARD}?lang=en&period=2026-11").get_data(as_text=True)
    funnels = html.split('id="funnels-heading"', 1)[1]

    assert "Zapis na warsztaty" in funnels
    assert "Completed: 66.7%" in funnels
    assert "3 sessions started" in funnels
    assert '<th scope="row"><code>form_sent</code></th><td class="number">2</td>' in funnels
    assert "Previous period (October 1, 2026 to October 31, 2026): no data." in funnels


def test_pdf_contains_chart_and_funnel(signed_in):
    response = signed_in.get(f"{SCORECARD}.pdf?lang=en&period=2026-11")
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-enc", "UTF-8", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode("utf-8")

    assert response.status_code == 200
    assert "CSAT by month" in text
    assert "Zapis na warsztaty" in text
    assert "66.7%" in text


def test_json_has_satisfaction_and_funnels(signed_in):
    data = json.loads(signed_in.get(f"{SCORECARD}.json?period=2026-11").get_data(as_text=True))

    assert data["period"] == {"first_day": "2026-11-01", "last_day": "2026-11-30", "days": 30}
    assert data["previous_period"]["first_day"] == "2026-10-01"
    csat, helpful = data["satisfaction"]["kinds"]
    assert csat["kind"] == "csat"
    assert csat["current"]["share"] == 80.0
    assert csat["previous"]["share"] == 50.0
    assert csat["change"] == 30.0
    assert csat["by_page_group"][0]["key"] == "/katalog/"
    assert helpful["current"] is None
    assert data["funnels"][0]["current"]["completion_rate"] == 66.67
    assert data["funnels"][0]["previous"] is None
    # No NPS survey: the NPS headline is null, not zero.
    assert data["nps"] is None


def test_period_links_keep_period(signed_in):
    html = signed_in.get(f"{SCORECARD}?period=2026-11").get_data(as_text=True)

    assert f'href="{SCORECARD}.pdf?period=2026-11"' in html


def test_invalid_period_is_400(signed_in):
    response = signed_in.get(f"{SCORECARD}.json?period=2026-13&lang=en")

    assert response.status_code == 400
    assert "2026-13 is not a valid period." in response.get_data(as_text=True)


def test_default_period_is_last_30_days(signed_in):
    data = json.loads(signed_in.get(f"{SCORECARD}.json").get_data(as_text=True))

    assert data["period"]["days"] == 30
    assert data["period"]["last_day"] == datetime.now(UTC).date().isoformat()


def test_cli_period(library_app):
    result = library_app.test_cli_runner().invoke(
        cli, ["scorecard", "biblioteka", "--format", "json", "--period", "2026-10"]
    )
    data = json.loads(result.output)

    assert result.exit_code == 0
    assert data["period"]["first_day"] == "2026-10-01"
    assert data["satisfaction"]["kinds"][0]["current"]["responses"] == 2


def test_cli_invalid_period(library_app):
    result = library_app.test_cli_runner().invoke(cli, ["scorecard", "biblioteka", "--period", "2026-11-31..2026-12-01"])

    assert result.exit_code == 2
    assert "Error: 2026-11-31..2026-12-01 is not a valid period." in result.output


def test_institution_page_names_period(signed_in):
    html = signed_in.get("/institutions/biblioteka?lang=en").get_data(as_text=True)

    assert "Survey and funnel figures cover 30 days:" in html
    assert "No data: no NPS answers in this period." in html
