"""The survey editor, QR codes and the answer list with its CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind
from test_admin import csrf_token, museum, signed_in, user  # noqa: F401  (fixtures)


@pytest.fixture
def survey(app, museum) -> str:  # noqa: F811
    with app.app_context():
        institution = db.session.scalar(select(Institution))
        survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=["https://muzeum.example"])
        db.session.add(survey)
        db.session.commit()
        return survey.public_id


def editor_path(public_id: str) -> str:
    return f"/institutions/muzeum/surveys/{public_id}"


VALID_SETTINGS = {
    "kind": "csat",
    "active": "y",
    "allowed_origins": "https://muzeum.example\nhttps://sklep.muzeum.example/",
    "question_pl": "Jak oceniasz wizytę?",
    "thanks_uk": "Дякуємо!",
    "delay_seconds": "",
    "scroll_percent": "60",
    "exit_intent": "y",
    "events": "booking_completed, ticket_printed",
    "url_rules": "contains /bilety\nregex ^/wystawy/\\d+$",
    "sample_percent": "25",
    "snooze_days": "14",
}


def stored_survey(app) -> Survey:
    with app.app_context():
        return db.session.scalar(select(Survey))


def test_editor_shows_snippet_qr_and_preview(signed_in, survey):  # noqa: F811
    page = signed_in.get(editor_path(survey) + "?lang=en").get_data(as_text=True)

    assert f"data-survey=&#34;{survey}&#34;" in page
    assert 'class="copy-button"' in page
    assert f"/institutions/muzeum/surveys/{survey}/qr.svg" in page
    assert f"/institutions/muzeum/surveys/{survey}/qr.png" in page
    assert f'src="http://localhost/s/{survey}?lang=uk&amp;preview=1"' in page
    assert 'id="question_uk"' in page and 'lang="uk"' in page


def test_editor_saves_settings(app, client, signed_in, survey):  # noqa: F811
    token = csrf_token(signed_in, editor_path(survey))

    response = signed_in.post(editor_path(survey), data={**VALID_SETTINGS, "csrf_token": token})

    assert response.status_code == 302
    saved = stored_survey(app)
    assert saved.kind is SurveyKind.CSAT
    assert saved.allowed_origins == ["https://muzeum.example", "https://sklep.muzeum.example"]
    assert saved.settings == {
        "texts": {"pl": {"question": "Jak oceniasz wizytę?"}, "uk": {"thanks": "Дякуємо!"}},
        "triggers": {
            "delay_seconds": None,
            "scroll_percent": 60,
            "exit_intent": True,
            "events": ["booking_completed", "ticket_printed"],
        },
        "url_rules": [{"match": "contains", "value": "/bilety"}, {"match": "regex", "value": r"^/wystawy/\d+$"}],
        "sample_percent": 25,
        "snooze_days": 14,
    }
    config = client.get(f"/api/v1/surveys/{survey}?lang=pl").get_json()
    assert config["texts"]["question"] == "Jak oceniasz wizytę?"
    assert config["kind"] == "csat"
    # The form shows what was saved.
    page = signed_in.get(editor_path(survey)).get_data(as_text=True)
    assert "booking_completed ticket_printed" in page
    assert "contains /bilety" in page


def test_unchecked_active_pauses_survey(app, signed_in, survey):  # noqa: F811
    token = csrf_token(signed_in, editor_path(survey))
    data = {key: value for key, value in VALID_SETTINGS.items() if key != "active"}

    signed_in.post(editor_path(survey), data={**data, "csrf_token": token})

    assert stored_survey(app).active is False


@pytest.mark.parametrize(
    ("change", "field_id", "named"),
    [
        ({"url_rules": "regex ^/(wystawy"}, "url_rules", "^/(wystawy"),
        ({"url_rules": "starts /bilety"}, "url_rules", "starts /bilety"),
        ({"allowed_origins": "muzeum.example"}, "allowed_origins", "muzeum.example"),
        ({"events": "booking completed!"}, "events", "completed!"),
        ({"sample_percent": "150"}, "sample_percent", "100"),
        ({"snooze_days": ""}, "snooze_days", ""),
    ],
)
def test_editor_rejects_bad_values(app, signed_in, survey, change, field_id, named):  # noqa: F811
    token = csrf_token(signed_in, editor_path(survey) + "?lang=en")

    response = signed_in.post(editor_path(survey), data={**VALID_SETTINGS, **change, "csrf_token": token})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field_id}-error"' in page
    assert named.replace("<", "&lt;") in page
    assert stored_survey(app).settings == {}


def test_qr_codes(signed_in, survey):  # noqa: F811
    png = signed_in.get(editor_path(survey) + "/qr.png")
    svg = signed_in.get(editor_path(survey) + "/qr.svg")

    assert png.status_code == svg.status_code == 200
    assert png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data and b"<path" in svg.data
    assert "attachment" in png.headers["Content-Disposition"]
    assert signed_in.get(editor_path(survey) + "/qr.gif").status_code == 404


def test_qr_code_encodes_hosted_page():
    import segno

    from cxaudit.admin.surveys import qr_code

    png = qr_code("https://ankiety.example.org/s/abc", "png")
    expected = io.BytesIO()
    segno.make("https://ankiety.example.org/s/abc", error="m").save(expected, kind="png", scale=8, border=4)
    assert png == expected.getvalue()


def test_other_institutions_survey_is_404(app, signed_in, survey):  # noqa: F811
    with app.app_context():
        db.session.add(Institution(slug="teatr", name="Teatr"))
        db.session.commit()

    assert signed_in.get(f"/institutions/teatr/surveys/{survey}").status_code == 404
    assert signed_in.get(f"/institutions/teatr/surveys/{survey}/answers.csv").status_code == 404


def add_answers(app, public_id: str) -> None:
    with app.app_context():
        survey = db.session.scalars(select(Survey).where(Survey.public_id == public_id)).one()
        rows = [
            (10, "Świetnie", "pl", datetime(2026, 11, 2, 10, tzinfo=UTC)),
            (3, "=HYPERLINK(\"https://evil.example\")", "en", datetime(2026, 11, 15, 9, tzinfo=UTC)),
            (7, None, "uk", datetime(2026, 12, 1, 18, tzinfo=UTC)),
            (0, "-1+1", "pl", datetime(2026, 12, 3, 8, tzinfo=UTC)),
        ]
        for score, comment, language, received in rows:
            db.session.add(Response(survey=survey, score=score, comment=comment, language=language, received_at=received))
        db.session.commit()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_answer_list_filters(app, signed_in, survey):  # noqa: F811
    add_answers(app, survey)
    path = editor_path(survey) + "/answers"

    everything = signed_in.get(path + "?lang=en").get_data(as_text=True)
    polish = signed_in.get(path + "?language=pl").get_data(as_text=True)

    assert "4 answers match." in everything
    assert "Świetnie" in everything and "Świetnie" in polish
    assert "HYPERLINK" not in polish
    assert len(csv_rows(signed_in.get(path + ".csv?score_min=3&score_max=9"))) == 2
    assert [row["score"] for row in csv_rows(signed_in.get(path + ".csv?since=2026-12-01&until=2026-12-01"))] == ["7"]
    assert [row["score"] for row in csv_rows(signed_in.get(path + ".csv?comment=without"))] == ["7"]


def test_answer_list_rejects_bad_filter(app, signed_in, survey):  # noqa: F811
    response = signed_in.get(editor_path(survey) + "/answers?score_min=11&since=yesterday&lang=en")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The score 11 is not a whole number from 0 to 10." in page
    assert "yesterday" in page


def test_csv_neutralises_formulas(app, signed_in, survey):  # noqa: F811
    add_answers(app, survey)

    response = signed_in.get(editor_path(survey) + "/answers.csv")

    assert response.mimetype == "text/csv"
    rows = csv_rows(response)
    comments = {row["score"]: row["comment"] for row in rows}
    assert comments["3"] == "'=HYPERLINK(\"https://evil.example\")"
    assert comments["0"] == "'-1+1"
    assert comments["10"] == "Świetnie"
    assert [row["score"] for row in rows] == ["0", "7", "3", "10"]
    assert set(rows[0]) == {"received_at", "score", "comment", "language", "page_url"}


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_neutralised(value):
    from cxaudit.admin.surveys import neutralise_formula

    assert neutralise_formula(value) == "'" + value
    assert neutralise_formula("a=1") == "a=1"


@pytest.mark.parametrize(("choice", "stored"), [("on", True), ("off", False), ("default", None)])
def test_editor_sets_comment_scrubbing(app, signed_in, survey, choice, stored):  # noqa: F811
    with app.app_context():
        saved = db.session.scalar(select(Survey))
        saved.settings = {"scrub_comments": not stored if stored is not None else True}
        db.session.commit()
    token = csrf_token(signed_in, editor_path(survey))

    response = signed_in.post(editor_path(survey), data={**VALID_SETTINGS, "scrub_comments": choice, "csrf_token": token})

    assert response.status_code == 302
    assert stored_survey(app).settings.get("scrub_comments") == stored
    page = signed_in.get(editor_path(survey) + "?lang=en").get_data(as_text=True)
    assert f'<option selected value="{choice}">' in page


def test_editor_rejects_unknown_scrubbing_choice(app, signed_in, survey):  # noqa: F811
    token = csrf_token(signed_in, editor_path(survey))

    response = signed_in.post(editor_path(survey), data={**VALID_SETTINGS, "scrub_comments": "sometimes", "csrf_token": token})

    assert response.status_code == 400
    assert "scrub_comments" not in stored_survey(app).settings
