"""Error pages are translated, and API errors stay JSON."""

import pytest


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Page not found"), ("pl", "Nie znaleziono strony")],
)
def test_missing_page_has_title(client, language, title):
    response = client.get(f"/no-such-page?lang={language}")
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)
    assert f'<html lang="{language}">' in response.get_data(as_text=True)


def test_missing_api_address_is_json(client):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["message"]
    assert "Set-Cookie" not in response.headers


def test_unexpected_error_page(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("broken view")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "broken view" not in response.get_data(as_text=True)


def test_view_description_kept(app, client):
    from flask import abort

    @app.route("/missing-thing")
    def missing_thing():
        abort(404, description="Institution “nie-ma” not found.")

    response = client.get("/missing-thing")
    assert response.status_code == 404
    assert "Institution “nie-ma” not found." in response.get_data(as_text=True)
