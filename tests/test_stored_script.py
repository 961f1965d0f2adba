"""Script stored by visitors or typed by an administrator stays text
everywhere it is shown again: admin pages, the scorecard as HTML, PDF and
JSON, and the CSV export."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind
from test_admin import signed_in, user  # noqa: F401  (fixtures)

SCRIPT_NAME = "<script>alert('name')</script>Muzeum"
IMAGE_TEXT = "<img src=x onerror=alert('question')>"
JAVASCRIPT_URL = "javascript:alert('url')"
FORMULA = '=HYPERLINK("http://attacker.invalid","click")'
COMMENTS = ["<script>alert('comment')</script>", IMAGE_TEXT, FORMULA, f'<a href="{JAVASCRIPT_URL}">x</a>']

# What would show that a payload is markup again rather than text.
LIVE_MARKUP = ["<script>alert(", "<img src=x", 'href="javascript:']


@pytest.fixture
def hostile(app) -> str:
    """Store an institution, a survey and answers that all carry payloads, and return the survey's id."""
    with app.app_context():
        institution = Institution(slug="muzeum", name=SCRIPT_NAME)
        survey = Survey(
            institution=institution,
            kind=SurveyKind.NPS,
            allowed_origins=["https://muzeum.example"],
            settings={"texts": {"en": {"question": IMAGE_TEXT, "thanks": JAVASCRIPT_URL}}},
        )
        db.session.add(survey)
        for score, comment in enumerate(COMMENTS):
            db.session.add(Response(survey=survey, score=score, comment=comment, language="en", page_url=JAVASCRIPT_URL))
        db.session.commit()
        return survey.public_id


def assert_inert(html: str) -> None:
    for marker in LIVE_MARKUP:
        assert marker not in html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/institutions/muzeum",
        "/institutions/muzeum/surveys/{id}",
        "/institutions/muzeum/surveys/{id}/answers",
        "/institutions/muzeum/scorecard",
        "/institutions/muzeum/scorecard.html",
    ],
)
def test_admin_and_scorecard_pages_escape_payloads(signed_in, hostile, path):  # noqa: F811
    response = signed_in.get(path.format(id=hostile))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "&lt;script&gt;" in html
    assert_inert(html)


def test_answer_list_shows_each_comment_as_text(signed_in, hostile):  # noqa: F811
    html = signed_in.get(f"/institutions/muzeum/surveys/{hostile}/answers").get_data(as_text=True)

    assert "&lt;img src=x onerror=alert(" in html
    assert "&lt;a href=&#34;javascript:alert(" in html


def test_hosted_page_escapes_the_institution_name(client, hostile):
    html = client.get(f"/s/{hostile}").get_data(as_text=True)

    assert "&lt;script&gt;alert(" in html
    assert_inert(html)


def test_scorecard_json_is_served_as_json(signed_in, hostile):  # noqa: F811
    response = signed_in.get("/institutions/muzeum/scorecard.json")

    assert response.mimetype == "application/json"
    assert response.json["institution"]["name"] == SCRIPT_NAME


def test_scorecard_pdf_prints_the_name_as_text(signed_in, hostile, tmp_path):  # noqa: F811
    pdf = tmp_path / "scorecard.pdf"
    pdf.write_bytes(signed_in.get("/institutions/muzeum/scorecard.pdf").data)

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    assert "<script>alert('name')</script>Muzeum" in text


def test_answers_csv_neutralises_formulas(signed_in, hostile):  # noqa: F811
    body = signed_in.get(f"/institutions/muzeum/surveys/{hostile}/answers.csv").get_data(as_text=True)

    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells


def test_widget_texts_reach_the_api_unchanged_as_json(client, hostile):
    response = client.get(f"/api/v1/surveys/{hostile}?lang=en", headers={"Origin": "https://muzeum.example"})

    assert response.mimetype == "application/json"
    assert response.json["texts"]["question"] == IMAGE_TEXT
