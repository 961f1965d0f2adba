"""POST /api/v1/inquiries with an institution's bearer token, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cxaudit.extensions import db
from cxaudit.inquiries.store import generate_api_token
from cxaudit.models import Inquiry
from inquiries_helpers import add_museum

URL = "/api/v1/inquiries"
FIRST = {
    "id": "HD-100",
    "channel": "form",
    "received_at": "2026-11-09T09:00:00+01:00",
    "first_response_at": "2026-11-09T10:30:00+01:00",
}
SECOND = {"id": "HD-101", "channel": "phone", "received_at": "2026-11-10 12:00"}


@pytest.fixture
def token(any_db_app):
    with any_db_app.app_context():
        return generate_api_token(add_museum())


def post(app, body, token=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return app.test_client().post(URL, json=body, headers=headers)


def stored_keys(app) -> dict[str, int | None]:
    with app.app_context():
        rows = db.session.execute(select(Inquiry.external_key, Inquiry.first_response_seconds))
        return dict(rows.all())


def test_post_stores_inquiries(any_db_app, token):
    response = post(any_db_app, {"inquiries": [FIRST, SECOND]}, token)

    assert response.status_code == 200
    assert response.get_json() == {"created": 2, "updated": 0}
    # 09:00 to 10:30: 5400 seconds.
    assert stored_keys(any_db_app) == {"HD-100": 5400, "HD-101": None}


def test_post_again_updates(any_db_app, token):
    post(any_db_app, {"inquiries": [FIRST, SECOND]}, token)
    answered = {**SECOND, "first_response_at": "2026-11-10 13:00"}
    response = post(any_db_app, {"inquiries": [answered]}, token)

    assert response.get_json() == {"created": 0, "updated": 1}
    assert stored_keys(any_db_app) == {"HD-100": 5400, "HD-101": 3600}


def test_post_without_token_rejected(any_db_app, token):
    missing = post(any_db_app, {"inquiries": [FIRST]})
    wrong = post(any_db_app, {"inquiries": [FIRST]}, token[:-2] + "xx")

    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert "The API token is missing or not valid." in missing.get_json()["error"]["message"]
    assert wrong.status_code == 401
    assert stored_keys(any_db_app) == {}


def test_post_invalid_inquiry_stores_nothing(any_db_app, token):
    bad = {"id": "HD-102", "channel": "email", "received_at": "yesterday"}
    response = post(any_db_app, {"inquiries": [FIRST, bad]}, token)

    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert errors == [
        "Inquiry 2, field received_at: “yesterday” is not a date and time. Use ISO 8601, such as "
        "2026-11-10T09:30:00+01:00, or 2026-11-10 09:30 for Warsaw time."
    ]
    assert stored_keys(any_db_app) == {}


def test_post_wrong_shape_rejected(app):
    with app.app_context():
        token = generate_api_token(add_museum())

    not_json = app.test_client().post(
        URL, data="id=1", content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    not_list = post(app, {"inquiries": FIRST}, token)
    empty = post(app, {"inquiries": []}, token)

    assert not_json.status_code == 400
    assert "not valid JSON" in not_json.get_json()["error"]["message"]
    assert not_list.status_code == 400
    assert not_list.get_json()["error"]["field"] == "inquiries"
    assert "this one has 0" in empty.get_json()["error"]["message"]


def test_post_error_in_polish(app):
    with app.app_context():
        token = generate_api_token(add_museum())

    response = post(app, {"inquiries": [{**FIRST, "channel": "fax"}]}, token, **{"Accept-Language": "pl"})

    assert response.get_json()["errors"][0].startswith("Zapytanie 1, pole channel: „fax”")


def test_new_token_replaces_old(app):
    with app.app_context():
        museum = add_museum()
        old = generate_api_token(museum)
        new = generate_api_token(museum)

    assert post(app, {"inquiries": [FIRST]}, old).status_code == 401
    assert post(app, {"inquiries": [FIRST]}, new).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 1
