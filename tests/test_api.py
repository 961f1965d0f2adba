"""The public API the widget calls: survey configuration, answer validation,
storage, CORS and the absence of cookies."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind

ALLOWED_ORIGIN = "https://muzeum.example"
OTHER_ORIGIN = "https://elsewhere.example"


def create_survey(app, *, active: bool = True, origins: list[str] | None = None) -> str:
    """Store an institution with one NPS survey and return the survey's public id."""
    with app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum Miejskie")
        survey = Survey(
            institution=institution,
            kind=SurveyKind.NPS,
            allowed_origins=[ALLOWED_ORIGIN] if origins is None else origins,
            active=active,
        )
        db.session.add_all([institution, survey])
        db.session.commit()
        return survey.public_id


def stored_responses(app) -> list[Response]:
    with app.app_context():
        return list(db.session.scalars(select(Response).order_by(Response.id)))


def post_answer(client, public_id: str, payload, **kwargs):
    return client.post(f"/api/v1/surveys/{public_id}/responses", json=payload, **kwargs)


@pytest.fixture
def survey_id(app) -> str:
    return create_survey(app)


# --- Survey configuration ---------------------------------------------------


def test_config_returns_texts(client, survey_id):
    response = client.get(f"/api/v1/surveys/{survey_id}?lang=en", headers={"Origin": ALLOWED_ORIGIN})

    assert response.status_code == 200
    body = response.get_json()
    assert body["kind"] == "nps"
    assert body["public_id"] == survey_id
    assert body["language"] == "en"
    assert "Muzeum Miejskie" in body["texts"]["question"]
    expected_keys = {"question", "scale_low", "scale_high", "comment_label", "submit", "close", "thanks", "send_failed"}
    assert expected_keys <= set(body["texts"])
    assert all(isinstance(text, str) and text for text in body["texts"].values())
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN


@pytest.mark.parametrize(
    ("requested", "expected"),
    [("pl", "pl"), ("pl-PL", "pl"), ("en", "en"), ("en-GB", "en"), ("de", "en"), ("", "pl")],
)
def test_config_language_normalised(client, survey_id, requested, expected):
    response = client.get(f"/api/v1/surveys/{survey_id}?lang={requested}", headers={"Accept-Language": "pl"})

    assert response.get_json()["language"] == expected


def test_config_unknown_survey_404(client):
    response = client.get("/api/v1/surveys/no-such-survey?lang=en")

    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["field"] is None
    assert "no-such-survey" in response.get_json()["error"]["message"]


def test_config_inactive_survey_404(app, client):
    public_id = create_survey(app, active=False)

    response = client.get(f"/api/v1/surveys/{public_id}?lang=en")

    assert response.status_code == 404


def test_config_denied_origin_not_readable(client, survey_id):
    response = client.get(f"/api/v1/surveys/{survey_id}?lang=en", headers={"Origin": OTHER_ORIGIN})

    assert response.status_code == 403
    assert response.get_json()["error"]["field"] is None
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Origin" in response.headers["Vary"]


# --- Answer validation ------------------------------------------------------

GOOD_ANSWER = {"score": 9, "comment": "Easy booking", "language": "en", "page_url": "https://muzeum.example/tickets"}


@pytest.mark.parametrize(
    ("change", "field", "quoted"),
    [
        ({"score": -1}, "score", "-1"),
        ({"score": 11}, "score", "11"),
        ({"score": "7"}, "score", '"7"'),
        ({"score": 7.5}, "score", "7.5"),
        ({"score": True}, "score", "true"),
        ({"score": None}, "score", None),
        ({"comment": 42}, "comment", "42"),
        ({"comment": "x" * 2001}, "comment", "2001"),
        ({"page_url": "javascript:alert(1)"}, "page_url", '"javascript:alert(1)"'),
        ({"page_url": "ftp://muzeum.example/"}, "page_url", '"ftp://muzeum.example/"'),
        ({"page_url": "https://muzeum.example/" + "a" * 2048}, "page_url", "2071"),
    ],
)
def test_answer_rejected(app, client, survey_id, change, field, quoted):
    response = post_answer(client, survey_id, {**GOOD_ANSWER, **change})

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field
    if quoted is not None:
        assert quoted in error["message"]
    assert stored_responses(app) == []


def test_missing_score_rejected(app, client, survey_id):
    payload = {key: value for key, value in GOOD_ANSWER.items() if key != "score"}

    response = post_answer(client, survey_id, payload)

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "score"
    assert "missing" in response.get_json()["error"]["message"]


def test_comment_limit_follows_config(make_app):
    app = make_app(COMMENT_MAX_LENGTH=10)
    public_id = create_survey(app)

    response = post_answer(app.test_client(), public_id, {**GOOD_ANSWER, "comment": "x" * 11})

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "comment"
    assert "10" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        ("{not json", "application/json", "not valid JSON"),
        ("", "application/json", "not valid JSON"),
        ("[9]", "application/json", "[9], not a JSON object"),
        (json.dumps(GOOD_ANSWER), "text/plain", "content type text/plain"),
        ("score=9", "application/x-www-form-urlencoded", "content type application/x-www-form-urlencoded"),
        (json.dumps(GOOD_ANSWER), "", "no content type"),
    ],
)
def test_malformed_body_rejected(app, client, survey_id, data, content_type, expected):
    response = client.post(
        f"/api/v1/surveys/{survey_id}/responses",
        data=data,
        content_type=content_type,
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.is_json
    assert response.get_json()["error"]["field"] is None
    assert expected in response.get_json()["error"]["message"]
    assert stored_responses(app) == []


def test_oversized_body_rejected(app, client, survey_id):
    data = json.dumps({**GOOD_ANSWER, "padding": "x" * 20_000})

    response = client.post(f"/api/v1/surveys/{survey_id}/responses", data=data, content_type="application/json")

    assert response.status_code == 413
    assert response.get_json()["error"]["field"] is None
    assert stored_responses(app) == []


def test_error_language_from_body(client, survey_id):
    english = post_answer(client, survey_id, {**GOOD_ANSWER, "score": 12, "language": "en"})
    polish = post_answer(client, survey_id, {**GOOD_ANSWER, "score": 12, "language": "pl"})

    # The Polish catalog may not translate the message yet, so the test
    # compares each response with the message rendered in its own locale.
    assert english.get_json()["error"]["message"] == error_text(client.application, "en", 12)
    assert polish.get_json()["error"]["message"] == error_text(client.application, "pl", 12)


def error_text(app, language: str, value: int) -> str:
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with app.test_request_context(), force_locale(language):
        return _(
            "The score %(value)s is invalid. Send a whole number from %(low)d to %(high)d.",
            value=str(value),
            low=0,
            high=10,
        )


# --- Storing answers --------------------------------------------------------


def test_answer_stored(any_db_app):
    public_id = create_survey(any_db_app)
    client = any_db_app.test_client()

    response = post_answer(
        client,
        public_id,
        {
            "score": 10,
            "comment": "  Very helpful staff  ",
            "language": "pl-PL",
            "page_url": "https://muzeum.example/bilety?order=123#done",
        },
        headers={"Origin": ALLOWED_ORIGIN},
    )

    assert response.status_code == 201
    [row] = stored_responses(any_db_app)
    assert response.get_json() == {"id": row.id}
    assert row.score == 10
    assert row.comment == "Very helpful staff"
    assert row.language == "pl"
    assert row.page_url == "https://muzeum.example/bilety"
    assert row.received_at is not None
    with any_db_app.app_context():
        assert db.session.get(Response, row.id).survey.public_id == public_id


@pytest.mark.parametrize("score", [0, 10])
def test_boundary_scores_stored(app, client, survey_id, score):
    response = post_answer(client, survey_id, {"score": score})

    assert response.status_code == 201
    [row] = stored_responses(app)
    assert row.score == score
    assert row.comment is None
    assert row.page_url is None


def test_blank_comment_stored_as_none(app, client, survey_id):
    post_answer(client, survey_id, {**GOOD_ANSWER, "comment": "   \n "})

    [row] = stored_responses(app)
    assert row.comment is None


def test_answer_to_unknown_survey_404(app, client, survey_id):
    response = post_answer(client, "no-such-survey", GOOD_ANSWER)

    assert response.status_code == 404
    assert stored_responses(app) == []


# --- CORS -------------------------------------------------------------------


def test_allowed_origin_gets_cors_headers(client, survey_id):
    response = post_answer(client, survey_id, GOOD_ANSWER, headers={"Origin": ALLOWED_ORIGIN})

    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "Origin" in response.headers["Vary"]


def test_denied_origin_rejected(app, client, survey_id):
    response = post_answer(client, survey_id, GOOD_ANSWER, headers={"Origin": OTHER_ORIGIN})

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert OTHER_ORIGIN in response.get_json()["error"]["message"]
    assert stored_responses(app) == []


def test_origin_with_other_port_rejected(app, client, survey_id):
    response = post_answer(client, survey_id, GOOD_ANSWER, headers={"Origin": ALLOWED_ORIGIN + ":8443"})

    assert response.status_code == 403
    assert stored_responses(app) == []


def test_request_without_origin_allowed(app, client, survey_id):
    response = post_answer(client, survey_id, GOOD_ANSWER)

    assert response.status_code == 201
    assert "Access-Control-Allow-Origin" not in response.headers
    assert len(stored_responses(app)) == 1


def test_preflight_allowed(client, survey_id):
    response = client.options(
        f"/api/v1/surveys/{survey_id}/responses",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert response.headers["Access-Control-Allow-Methods"] == "POST"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert "Origin" in response.headers["Vary"]


def test_preflight_denied(client, survey_id):
    response = client.options(
        f"/api/v1/surveys/{survey_id}/responses",
        headers={"Origin": OTHER_ORIGIN, "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


# --- No cookies -------------------------------------------------------------


def test_no_endpoint_sets_cookie(client, survey_id):
    path = f"/api/v1/surveys/{survey_id}"
    responses = [
        client.get(f"{path}?lang=en", headers={"Origin": ALLOWED_ORIGIN}),
        client.get(f"{path}?lang=pl"),
        client.get("/api/v1/surveys/missing?lang=en"),
        client.options(f"{path}/responses", headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST"}),
        post_answer(client, survey_id, GOOD_ANSWER, headers={"Origin": ALLOWED_ORIGIN}),
        post_answer(client, survey_id, {"score": "bad"}),
        post_answer(client, survey_id, GOOD_ANSWER, headers={"Origin": OTHER_ORIGIN}),
        client.get("/widget/v1.js"),
    ]

    for response in responses:
        assert "Set-Cookie" not in response.headers, response.request.path
    assert client.get_cookie("session") is None


# --- The widget script ------------------------------------------------------


def test_widget_script_served(client):
    response = client.get("/widget/v1.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.max_age == 300
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert b"window.cxaudit" in response.data


def test_widget_script_gzip_when_accepted(client):
    plain = client.get("/widget/v1.js")
    compressed = client.get("/widget/v1.js", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert plain.headers.get("Content-Encoding") is None
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert gzip.decompress(compressed.data) == plain.data
    assert len(compressed.data) < len(plain.data) / 2
    assert compressed.headers["ETag"] != plain.headers["ETag"]


def test_widget_script_gzip_refused(client):
    response = client.get("/widget/v1.js", headers={"Accept-Encoding": "gzip;q=0, identity"})

    assert response.headers.get("Content-Encoding") is None
    assert b"window.cxaudit" in response.data


def test_widget_script_not_modified(client):
    first = client.get("/widget/v1.js", headers={"Accept-Encoding": "gzip"})

    again = client.get("/widget/v1.js", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
