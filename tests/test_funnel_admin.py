"""Defining funnels in the admin UI through the test client, with CSRF protection on."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from accounts import sign_in
from cxaudit.extensions import db
from cxaudit.models import Funnel, FunnelEvent, Institution, Survey, SurveyKind

CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE = "/institutions/muzeum/funnels"


@pytest.fixture
def admin_client(app):
    with app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum Narodowe", default_language="pl")
        db.session.add(institution)
        db.session.flush()
        survey = Survey(institution_id=institution.id, kind=SurveyKind.NPS)
        db.session.add(survey)
        db.session.flush()
        db.session.add(
            FunnelEvent(
                survey_id=survey.id,
                session_id="session-one",
                step="booking_started",
                occurred_at=datetime(2026, 11, 10, tzinfo=UTC),
            )
        )
        db.session.commit()
    client = app.test_client()
    sign_in(app, client)
    return client


def csrf_token(client, path: str) -> str:
    match = CSRF_PATTERN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_funnel(client, name: str, steps: str, path: str = PAGE, lang: str = "en"):
    token = csrf_token(client, f"{path}?lang={lang}")
    return client.post(f"{path}?lang={lang}", data={"name": name, "steps": steps, "csrf_token": token})


def stored_funnels(app) -> list[tuple[str, list[str]]]:
    with app.app_context():
        return [(funnel.name, funnel.steps) for funnel in db.session.scalars(select(Funnel).order_by(Funnel.id))]


def field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert match, f"no error next to {field_id}"
    return match.group(1)


def test_page_needs_sign_in(app):
    with app.app_context():
        db.session.add(Institution(slug="muzeum", name="Muzeum", default_language="pl"))
        db.session.commit()

    response = app.test_client().get(PAGE)

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_page_lists_recorded_steps(admin_client):
    page = admin_client.get(f"{PAGE}?lang=en").get_data(as_text=True)

    assert "No funnels yet." in page
    assert "<code>booking_started</code>" in page


def test_add_funnel(app, admin_client):
    response = post_funnel(admin_client, "  Ticket booking ", "booking_started\n\npayment\r\nbooking_completed\n")

    assert response.status_code == 302
    assert stored_funnels(app) == [("Ticket booking", ["booking_started", "payment", "booking_completed"])]
    page = admin_client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Funnel Ticket booking added." in page
    assert "<code>booking_started</code> → <code>payment</code>" in page


def test_institution_page_links_funnels(app, admin_client):
    post_funnel(admin_client, "Booking", "a\nb")

    page = admin_client.get("/institutions/muzeum?lang=en").get_data(as_text=True)

    assert "1 funnel defined." in page
    assert f'href="{PAGE}"' in page


@pytest.mark.parametrize(
    ("name", "steps", "field", "message"),
    [
        ("", "a\nb", "name", "The name is empty."),
        ("x" * 101, "a\nb", "name", "is too long: use at most 100 characters."),
        ("Booking", "", "steps", "A funnel needs at least 2 steps, one a line; 0 steps were given."),
        ("Booking", "only_one", "steps", "A funnel needs at least 2 steps, one a line; 1 step was given."),
        ("Booking", "start\npay ment", "steps", "The step pay ment is invalid."),
        ("Booking", "start\npay\nstart", "steps", "The step start appears twice."),
        ("Booking", "\n".join(f"s{n}" for n in range(11)), "steps", "at most 10 steps; 11 steps were given."),
    ],
)
def test_invalid_funnel_is_rejected(app, admin_client, name, steps, field, message):
    response = post_funnel(admin_client, name, steps)

    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), field)
    assert stored_funnels(app) == []


def test_invalid_step_in_polish(app, admin_client):
    response = post_funnel(admin_client, "Rezerwacja", "start\nzapłata teraz", lang="pl")

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "steps")
    assert "zapłata teraz" in error
    assert "jest nieprawidłowy" in error


def test_duplicate_name_is_rejected(app, admin_client):
    post_funnel(admin_client, "Booking", "a\nb")

    response = post_funnel(admin_client, "Booking", "c\nd")

    assert response.status_code == 400
    assert "A funnel named Booking already exists." in field_error(response.get_data(as_text=True), "name")
    assert stored_funnels(app) == [("Booking", ["a", "b"])]


def test_edit_funnel(app, admin_client):
    post_funnel(admin_client, "Booking", "a\nb")
    with app.app_context():
        funnel_id = db.session.scalar(select(Funnel.id))
    path = f"{PAGE}/{funnel_id}"

    form = admin_client.get(f"{path}?lang=en").get_data(as_text=True)
    response = post_funnel(admin_client, "Booking", "a\nb\nc", path=path)

    assert 'value="Booking"' in form
    assert response.status_code == 302
    assert stored_funnels(app) == [("Booking", ["a", "b", "c"])]


def test_edit_keeps_funnel_on_invalid_input(app, admin_client):
    post_funnel(admin_client, "Booking", "a\nb")
    post_funnel(admin_client, "Newsletter", "x\ny")
    with app.app_context():
        funnel_id = db.session.scalar(select(Funnel.id).where(Funnel.name == "Booking"))

    response = post_funnel(admin_client, "Newsletter", "a\nb", path=f"{PAGE}/{funnel_id}")

    assert response.status_code == 400
    assert "A funnel named Newsletter already exists." in response.get_data(as_text=True)
    assert stored_funnels(app) == [("Booking", ["a", "b"]), ("Newsletter", ["x", "y"])]


def test_delete_funnel_keeps_events(app, admin_client):
    post_funnel(admin_client, "Booking", "a\nb")
    with app.app_context():
        funnel_id = db.session.scalar(select(Funnel.id))
    token = csrf_token(admin_client, f"{PAGE}?lang=en")

    response = admin_client.post(f"{PAGE}/{funnel_id}/delete?lang=en", data={"csrf_token": token})

    assert response.status_code == 302
    assert stored_funnels(app) == []
    with app.app_context():
        assert db.session.scalar(select(FunnelEvent.step)) == "booking_started"


def test_delete_needs_csrf_token(app, admin_client):
    post_funnel(admin_client, "Booking", "a\nb")
    with app.app_context():
        funnel_id = db.session.scalar(select(Funnel.id))

    response = admin_client.post(f"{PAGE}/{funnel_id}/delete")

    assert response.status_code == 400
    assert stored_funnels(app) == [("Booking", ["a", "b"])]


def test_funnel_of_other_institution_is_404(app, admin_client):
    with app.app_context():
        other = Institution(slug="teatr", name="Teatr", default_language="pl")
        db.session.add(other)
        db.session.flush()
        funnel = Funnel(institution_id=other.id, name="Bilety", steps=["a", "b"])
        db.session.add(funnel)
        db.session.commit()
        funnel_id = funnel.id

    assert admin_client.get(f"{PAGE}/{funnel_id}").status_code == 404
