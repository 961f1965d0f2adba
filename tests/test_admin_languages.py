"""The web UI speaks only the languages it is fully translated into (Polish
and English). Ukrainian, translated only for the survey widget and the
hosted page, is never offered in the UI and falls back cleanly."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Survey, SurveyKind

from accounts import sign_in

HTML_LANG = re.compile(r'<html lang="([^"]+)"')


def page_language(response) -> str:
    return HTML_LANG.search(response.get_data(as_text=True)).group(1)


@pytest.fixture
def polish_app(make_app):
    """The app with the product's default language, Polish."""
    return make_app(DEFAULT_LANGUAGE="pl")


def test_ukrainian_query_ignored_in_ui(polish_app):
    client = polish_app.test_client()

    client.get("/login?lang=en")
    response = client.get("/login?lang=uk")

    assert page_language(response) == "en"
    assert page_language(client.get("/login")) == "en"


def test_ukrainian_browser_gets_next_language(polish_app):
    client = polish_app.test_client()

    response = client.get("/login", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})

    assert page_language(response) == "en"


def test_ukrainian_only_browser_gets_default(polish_app):
    client = polish_app.test_client()

    response = client.get("/login", headers={"Accept-Language": "uk-UA,uk;q=0.9"})

    assert page_language(response) == "pl"
    assert "Zaloguj" in response.get_data(as_text=True)


def test_ui_offers_no_ukrainian(polish_app):
    client = polish_app.test_client()
    sign_in(polish_app, client)

    html = client.get("/", headers={"Accept-Language": "uk"}).get_data(as_text=True)

    assert 'hreflang="pl"' in html
    assert 'hreflang="en"' in html
    assert 'hreflang="uk"' not in html
    assert "Українська" not in html


def test_partial_language_setting_rejected(make_app):
    with pytest.raises(ValueError) as raised:
        make_app(LANGUAGES=["pl", "en", "uk"])

    message = str(raised.value)
    assert "uk" in message
    assert "LANGUAGES" in message


def test_hosted_page_still_ukrainian(polish_app):
    with polish_app.app_context():
        survey = Survey(institution=Institution(slug="muzeum", name="Muzeum"), kind=SurveyKind.NPS)
        db.session.add(survey)
        db.session.commit()
        public_id = db.session.scalar(select(Survey.public_id))
    client = polish_app.test_client()

    response = client.get(f"/s/{public_id}", headers={"Accept-Language": "uk"})

    assert page_language(response) == "uk"
