"""The API behind the widget's newer features: survey kinds, idempotent
answers, funnel events, rate limits and the configuration it serves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import FunnelEvent, Institution, Response, Survey, SurveyKind

ORIGIN = "https://muzeum.example"
KEY = "0123456789abcdef0123456789abcdef"


def create_survey(app, kind: SurveyKind = SurveyKind.NPS, settings: dict | None = None) -> str:
    with app.app_context():
        institution = db.session.scalar(select(Institution)) or Institution(slug="muzeum", name="Muzeum Miejskie")
        survey = Survey(institution=institution, kind=kind, allowed_origins=[ORIGIN], settings=settings or {})
        db.session.add(survey)
        db.session.commit()
        return survey.public_id


def rows(app, model) -> list:
    with app.app_context():
        return list(db.session.scalars(select(model).order_by(model.id)))


def answer(client, public_id: str, **fields):
    body = {"score": 1, "language": "en", **fields}
    return client.post(f"/api/v1/surveys/{public_id}/responses", json=body, headers={"Origin": ORIGIN})


@pytest.mark.parametrize(
    ("kind", "accepted", "rejected"),
    [
        (SurveyKind.NPS, [0, 10], [-1, 11]),
        (SurveyKind.CSAT, [1, 5], [0, 6]),
        (SurveyKind.CES, [1, 7], [0, 8]),
        (SurveyKind.HELPFUL, [0, 1], [2, -1]),
    ],
)
def test_score_range_follows_kind(app, client, kind, accepted, rejected):
    public_id = create_survey(app, kind)

    for score in accepted:
        assert answer(client, public_id, score=score).status_code == 201
    for score in rejected:
        response = answer(client, public_id, score=score)
        assert response.status_code == 400
        assert response.get_json()["error"]["field"] == "score"
    assert [row.score for row in rows(app, Response)] == accepted


def test_replayed_key_stored_once(app, client):
    public_id = create_survey(app)

    first = answer(client, public_id, score=9, key=KEY, comment="Miło")
    replay = answer(client, public_id, score=9, key=KEY, comment="Miło")

    assert first.status_code == replay.status_code == 201
    assert first.get_json() == replay.get_json()
    [row] = rows(app, Response)
    assert row.idempotency_key == KEY
    assert row.comment == "Miło"


def test_same_key_in_other_survey_stored(app, client):
    first = create_survey(app)
    second = create_survey(app)

    answer(client, first, key=KEY)
    answer(client, second, key=KEY)

    assert len(rows(app, Response)) == 2


@pytest.mark.parametrize("key", ["short", "x" * 65, "spaces are not allowed here!", 12345])
def test_bad_key_rejected(app, client, key):
    public_id = create_survey(app)

    response = answer(client, public_id, key=key)

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "key"
    assert rows(app, Response) == []


def test_answer_stores_no_address_or_agent(app, client):
    public_id = create_survey(app)
    answer(client, public_id, key=KEY, page_url="https://muzeum.example/bilety?email=a@b.pl")

    with app.app_context():
        values = db.session.execute(select(Response.__table__)).one()._asdict()
    assert "127.0.0.1" not in str(values)
    assert "werkzeug" not in str(values).lower()
    assert values["page_url"] == "https://muzeum.example/bilety"


def test_config_serves_choices_per_kind(app, client):
    csat = create_survey(app, SurveyKind.CSAT)
    helpful = create_survey(app, SurveyKind.HELPFUL)

    csat_body = client.get(f"/api/v1/surveys/{csat}?lang=en").get_json()
    helpful_body = client.get(f"/api/v1/surveys/{helpful}?lang=en").get_json()

    assert [choice["score"] for choice in csat_body["choices"]] == [1, 2, 3, 4, 5]
    assert csat_body["choices"][0]["label"] == "Very dissatisfied"
    assert csat_body["choices"][4]["label"] == "Very satisfied"
    assert helpful_body["choices"] == [{"score": 1, "label": "Yes"}, {"score": 0, "label": "No"}]
    assert helpful_body["texts"]["question"] == "Was this page helpful?"


def test_config_uses_custom_texts(app, client):
    settings = {"texts": {"pl": {"question": "Czy wizyta była udana?"}, "en": {"question": "  "}}}
    public_id = create_survey(app, settings=settings)

    polish = client.get(f"/api/v1/surveys/{public_id}?lang=pl").get_json()
    english = client.get(f"/api/v1/surveys/{public_id}?lang=en").get_json()

    assert polish["texts"]["question"] == "Czy wizyta była udana?"
    assert english["texts"]["question"].startswith("How likely is it")


def test_config_serves_settings_and_ukrainian(app, client):
    settings = {"triggers": {"scroll_percent": 50, "delay_seconds": None}, "sample_percent": 25, "snooze_days": 7}
    public_id = create_survey(app, settings=settings)

    body = client.get(f"/api/v1/surveys/{public_id}?lang=uk-UA").get_json()

    assert body["language"] == "uk"
    assert body["triggers"] == {"delay_seconds": None, "scroll_percent": 50, "exit_intent": False, "events": []}
    assert body["sample_percent"] == 25
    assert body["snooze_days"] == 7
    assert set(body["plurals"]["characters_left"]) == {"one", "few", "many", "other"}
    assert all("{n}" in form for form in body["plurals"]["characters_left"].values())


def test_polish_plurals_have_three_forms(app, client):
    public_id = create_survey(app)

    forms = client.get(f"/api/v1/surveys/{public_id}?lang=pl").get_json()["plurals"]["characters_left"]

    assert forms["one"] != forms["many"]
    assert set(forms) == {"one", "few", "many", "other"}


def test_event_stored(app, client):
    public_id = create_survey(app)

    response = client.post(
        f"/api/v1/surveys/{public_id}/events",
        data='{"step": "booking_completed", "session": "abcdef0123456789", "page_url": "https://muzeum.example/koszyk?id=7"}',
        content_type="text/plain;charset=UTF-8",
        headers={"Origin": ORIGIN},
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    [event] = rows(app, FunnelEvent)
    assert (event.step, event.session_id, event.page_path) == ("booking_completed", "abcdef0123456789", "/koszyk")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"step": "has space", "session": "abcdef0123456789"}', "step"),
        ('{"step": "paid", "session": "x"}', "session"),
        ("not json", None),
    ],
)
def test_bad_event_rejected(app, client, body, field):
    public_id = create_survey(app)

    response = client.post(
        f"/api/v1/surveys/{public_id}/events", data=body, content_type="text/plain", headers={"Origin": ORIGIN}
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field
    assert rows(app, FunnelEvent) == []


def test_event_from_denied_origin_rejected(app, client):
    public_id = create_survey(app)

    response = client.post(
        f"/api/v1/surveys/{public_id}/events",
        json={"step": "paid", "session": "abcdef0123456789"},
        headers={"Origin": "https://elsewhere.example"},
    )

    assert response.status_code == 403
    assert rows(app, FunnelEvent) == []


def test_own_origin_allowed(app, client):
    public_id = create_survey(app)

    response = client.post(
        f"/api/v1/surveys/{public_id}/responses", json={"score": 5}, headers={"Origin": "http://localhost"}
    )

    assert response.status_code == 201


def test_rate_limit_per_survey_and_address(make_app):
    app = make_app(API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    limited = create_survey(app)
    other = create_survey(app)

    statuses = [answer(client, limited, score=5).status_code for _ in range(4)]
    other_status = answer(client, other, score=5).status_code

    assert statuses == [201, 201, 201, 429]
    assert other_status == 201
    response = answer(client, limited, score=5)
    assert response.is_json
    assert response.get_json()["error"]["field"] is None
    assert response.headers["Retry-After"]
    assert len(rows(app, Response)) == 4


def test_oversized_event_rejected(app, client):
    public_id = create_survey(app)

    response = client.post(
        f"/api/v1/surveys/{public_id}/events",
        data='{"step": "paid", "session": "abcdef0123456789", "pad": "' + "x" * 5000 + '"}',
        content_type="text/plain",
        headers={"Origin": ORIGIN},
    )

    assert response.status_code == 413
    assert response.get_json()["error"]["field"] is None
    assert rows(app, FunnelEvent) == []


def test_sessions_counted_per_step(app, client):
    from cxaudit.api.events import sessions_per_step

    public_id = create_survey(app)
    sent = [("booking_started", "a" * 16), ("booking_started", "a" * 16), ("booking_started", "b" * 16), ("booking_completed", "a" * 16)]
    for step, session in sent:
        client.post(f"/api/v1/surveys/{public_id}/events", json={"step": step, "session": session})

    with app.app_context():
        institution_id = db.session.scalar(select(Institution.id))
        counts = sessions_per_step(institution_id)

    assert counts == {"booking_started": 2, "booking_completed": 1}


@pytest.mark.parametrize(
    ("requested", "expected"),
    [("de,uk-UA,en", "uk"), (",pl-PL,en-US", "pl"), ("de,fr", "en"), (",,", "en"), ("en-GB", "en")],
)
def test_first_supported_candidate_chosen(app, client, requested, expected):
    public_id = create_survey(app)

    body = client.get(f"/api/v1/surveys/{public_id}?lang={requested}").get_json()

    assert body["language"] == expected


@pytest.mark.parametrize(
    ("rules", "matching", "other"),
    [
        ([], ["/", "/any/page"], []),
        ([{"match": "equals", "value": "/bilety.html"}], ["/bilety.html"], ["/bilety.html/x", "/bilety"]),
        ([{"match": "contains", "value": "/a.b?"}], ["/x/a.b?"], ["/x/aXb"]),
        ([{"match": "regex", "value": r"^/wystawy/\d+$"}], ["/wystawy/12"], ["/wystawy/"]),
        (
            [{"match": "equals", "value": "/"}, {"match": "contains", "value": "kup"}],
            ["/", "/bilety/kup"],
            ["/bilety"],
        ),
    ],
)
def test_url_rules_joined_into_pattern(app, client, rules, matching, other):
    import re

    public_id = create_survey(app, settings={"url_rules": rules})

    pattern = client.get(f"/api/v1/surveys/{public_id}?lang=en").get_json()["path_pattern"]

    if not rules:
        assert pattern is None
        return
    for path in matching:
        assert re.search(pattern, path), path
    for path in other:
        assert not re.search(pattern, path), path
