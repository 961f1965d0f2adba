"""Removing e-mail addresses and Polish phone numbers from comments as answers are stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind
from cxaudit.privacy.scrubber import scrub

ORIGIN = "https://muzeum.example"


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("Proszę o kontakt: jan.kowalski@example.pl", "Proszę o kontakt: [e-mail]"),
        ("pisz na a_b+kasa@poczta.example.com.pl.", "pisz na [e-mail]."),
        ("tel. 601 234 567", "tel. [tel.]"),
        ("tel. 601-234-567!", "tel. [tel.]!"),
        ("tel. 601234567", "tel. [tel.]"),
        ("+48 601 234 567", "[tel.]"),
        ("0048 601 234 567", "[tel.]"),
        ("+48601234567", "[tel.]"),
        ("dzwońcie (22) 123 45 67", "dzwońcie [tel.]"),
        ("sekretariat 22 123 45 67", "sekretariat [tel.]"),
        ("+48 22 123-45-67", "[tel.]"),
    ],
)
def test_scrub_replaces_contacts(comment, expected):
    assert scrub(comment) == expected


@pytest.mark.parametrize(
    "comment",
    [
        "Bilet kosztował 25 zł, wystawa z 2024 roku",
        "Zamówienie 12345678901234 nie przyszło",
        "Konto 61 1090 1014 0000 0712 1981 2874",
        "Sala 3, godz. 10:30, rząd 12",
        "Ocena 10/10 @muzeum",
    ],
)
def test_scrub_keeps_other_numbers(comment):
    assert scrub(comment) == comment


def add_survey(app, settings: dict | None = None) -> str:
    with app.app_context():
        institution = db.session.scalar(select(Institution)) or Institution(slug="muzeum", name="Muzeum")
        survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=[ORIGIN], settings=settings or {})
        db.session.add(survey)
        db.session.commit()
        return survey.public_id


def send(client, public_id: str, comment: str) -> str:
    response = client.post(f"/api/v1/surveys/{public_id}/responses", json={"score": 3, "comment": comment}, headers={"Origin": ORIGIN})
    assert response.status_code == 201
    return response.json["id"]


def stored_comment(app, answer_id: int) -> str:
    with app.app_context():
        return db.session.get(Response, answer_id).comment


def test_deployment_setting_scrubs_stored_comment(make_app):
    app = make_app(SCRUB_COMMENTS=True)
    public_id = add_survey(app)

    answer_id = send(app.test_client(), public_id, "Oddzwońcie: 601 234 567 albo ola@example.pl")

    assert stored_comment(app, answer_id) == "Oddzwońcie: [tel.] albo [e-mail]"


def test_comments_kept_as_sent_by_default(app, client):
    public_id = add_survey(app)

    answer_id = send(client, public_id, "Oddzwońcie: 601 234 567")

    assert stored_comment(app, answer_id) == "Oddzwońcie: 601 234 567"


def test_survey_setting_replaces_deployment(make_app):
    app = make_app(SCRUB_COMMENTS=True)
    kept = add_survey(app, {"scrub_comments": False})
    scrubbed = add_survey(app, {"scrub_comments": True})
    client = app.test_client()

    kept_id = send(client, kept, "ola@example.pl")
    scrubbed_id = send(client, scrubbed, "ola@example.pl")

    assert stored_comment(app, kept_id) == "ola@example.pl"
    assert stored_comment(app, scrubbed_id) == "[e-mail]"


def test_cli_turns_survey_scrubbing_on(app, client):
    from cxaudit.cli import cli

    public_id = add_survey(app, {"sample_percent": 50})

    result = app.test_cli_runner().invoke(cli, ["survey", "scrub", public_id, "on"])
    answer_id = send(client, public_id, "ola@example.pl")

    assert result.exit_code == 0, result.output
    assert stored_comment(app, answer_id) == "[e-mail]"
    with app.app_context():
        assert db.session.scalar(select(Survey.settings))["sample_percent"] == 50
