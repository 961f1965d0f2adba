"""The admin UI through the Flask test client, with CSRF protection switched on."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from cxaudit.extensions import db
from cxaudit.models import Institution, Site, Survey, User

PASSWORD = "correct-horse-battery"
CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@pytest.fixture
def user(app):
    with app.app_context():
        account = User(login="anna", is_deployment_admin=True)
        account.set_password(PASSWORD)
        db.session.add(account)
        db.session.commit()
    return "anna"


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = CSRF_PATTERN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def sign_in(client, login: str = "anna", password: str = PASSWORD, next_path: str = ""):
    token = csrf_token(client, "/login?lang=en")
    return client.post(
        "/login", data={"login": login, "password": password, "next": next_path, "csrf_token": token}
    )


@pytest.fixture
def signed_in(client, user):
    response = sign_in(client)
    assert response.status_code == 302
    return client


@pytest.fixture
def museum(app):
    with app.app_context():
        db.session.add(Institution(slug="muzeum", name="Muzeum Narodowe", default_language="pl"))
        db.session.commit()
    return "muzeum"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def field_tag(page: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{field_id}"[^>]*>', page)
    assert match, f"no field {field_id}"
    return match.group(0)


def error_text(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert match, f"no error next to {field_id}"
    return match.group(1)


# signing in


@pytest.mark.parametrize("path", ["/", "/institutions/muzeum"])
def test_admin_pages_redirect_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_login_page_has_labelled_fields(client):
    page = client.get("/login?lang=en").get_data(as_text=True)

    assert '<label for="login">Login</label>' in page
    assert '<label for="password">Password</label>' in page
    assert 'autocomplete="current-password"' in page


@pytest.mark.parametrize(("login", "password"), [("anna", "wrong-password"), ("nobody", PASSWORD)])
def test_login_rejects_wrong_credentials(client, user, login, password):
    response = sign_in(client, login, password)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The login or the password is wrong. Check both and try again." in page
    assert client.get("/").status_code == 302


def test_login_reports_empty_fields(client, user):
    token = csrf_token(client, "/login?lang=en")

    response = client.post("/login", data={"login": "", "password": "", "csrf_token": token})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_text(page, "login") == "Enter your login."
    assert 'aria-invalid="true"' in field_tag(page, "login")
    assert 'aria-describedby="login-error"' in field_tag(page, "login")


def test_login_succeeds_and_follows_next(client, user):
    response = sign_in(client, next_path="/institutions/muzeum")

    assert response.status_code == 302
    assert response.location == "/institutions/muzeum"


@pytest.mark.parametrize("next_path", ["https://example.org/", "//example.org/", "/\\example.org", "/\t/example.org"])
def test_login_ignores_next_to_other_sites(client, user, next_path):
    response = sign_in(client, next_path=next_path)

    assert response.status_code == 302
    assert response.location == "/"


def test_login_page_in_polish(client):
    page = client.get("/login?lang=pl").get_data(as_text=True)

    assert '<html lang="pl">' in page


def test_logout_signs_out(signed_in):
    token = csrf_token(signed_in, "/")

    response = signed_in.post("/logout", data={"csrf_token": token})

    assert response.status_code == 302
    assert response.location == "/login"
    assert signed_in.get("/").status_code == 302


def test_logout_rejects_get(signed_in):
    assert signed_in.get("/logout").status_code == 405
    assert signed_in.get("/").status_code == 200


# CSRF


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login", {"login": "anna", "password": PASSWORD}),
        ("/logout", {}),
        ("/institutions", {"slug": "teatr", "name": "Teatr", "default_language": "pl"}),
    ],
)
def test_post_without_csrf_token_is_rejected(app, signed_in, path, data):
    response = signed_in.post(f"{path}?lang=en", data=data)

    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert count(app, Institution) == 0
    assert signed_in.get("/").status_code == 200


# institutions


def test_index_lists_institutions(signed_in, museum):
    page = signed_in.get("/?lang=en").get_data(as_text=True)

    assert '<a href="/institutions/muzeum">Muzeum Narodowe</a>' in page
    assert "<h1>Institutions</h1>" in page


def test_add_institution(app, signed_in):
    token = csrf_token(signed_in, "/")

    response = signed_in.post(
        "/institutions", data={"slug": "teatr-nowy", "name": " Teatr Nowy ", "default_language": "en", "csrf_token": token}
    )

    assert response.status_code == 302
    assert response.location == "/institutions/teatr-nowy"
    with app.app_context():
        institution = db.session.scalar(select(Institution))
        assert (institution.slug, institution.name, institution.default_language) == ("teatr-nowy", "Teatr Nowy", "en")


def test_add_institution_duplicate_slug_shows_error(app, signed_in, museum):
    token = csrf_token(signed_in, "/?lang=en")

    response = signed_in.post(
        "/institutions", data={"slug": "muzeum", "name": "Inne", "default_language": "pl", "csrf_token": token}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_text(page, "slug") == "An institution with the slug muzeum already exists. Choose another slug."
    slug_input = field_tag(page, "slug")
    assert 'aria-invalid="true"' in slug_input
    assert 'aria-describedby="slug-hint slug-error"' in slug_input
    assert 'value="muzeum"' in slug_input
    assert 'value="Inne"' in field_tag(page, "name")
    with app.app_context():
        assert db.session.scalars(select(Institution.name)).all() == ["Muzeum Narodowe"]


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        (
            {"slug": "Teatr!", "name": "Teatr"},
            "slug",
            "Teatr! is not a valid slug. Use 2 to 64 lowercase letters, digits and hyphens, such as muzeum-narodowe.",
        ),
        ({"slug": "teatr", "name": ""}, "name", "Enter the name of the institution."),
        ({"slug": "", "name": "Teatr"}, "slug", "Enter a slug."),
    ],
)
def test_add_institution_rejects_bad_input(app, signed_in, data, field_id, message):
    token = csrf_token(signed_in, "/?lang=en")

    response = signed_in.post("/institutions", data={**data, "default_language": "pl", "csrf_token": token})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_text(page, field_id) == message
    assert 'aria-invalid="true"' in field_tag(page, field_id)
    assert count(app, Institution) == 0


def test_unknown_institution_is_404(signed_in):
    assert signed_in.get("/institutions/nieznane").status_code == 404


# sites


def test_add_site(app, signed_in, museum):
    token = csrf_token(signed_in, "/institutions/muzeum")

    response = signed_in.post(
        "/institutions/muzeum/sites", data={"base_url": "https://WWW.Muzeum.example/#start", "csrf_token": token}
    )

    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Site.base_url)).all() == ["https://www.muzeum.example/"]
    page = signed_in.get("/institutions/muzeum").get_data(as_text=True)
    assert "https://www.muzeum.example/" in page


def test_add_site_rejects_bad_url(app, signed_in, museum):
    token = csrf_token(signed_in, "/institutions/muzeum?lang=en")

    response = signed_in.post("/institutions/muzeum/sites", data={"base_url": "muzeum.example", "csrf_token": token})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_text(page, "base_url") == (
        "muzeum.example is not a valid site address. Give a full http or https address, such as https://www.example.org/."
    )
    assert 'aria-invalid="true"' in field_tag(page, "base_url")
    assert count(app, Site) == 0


# surveys


def test_add_survey_shows_snippet(app, signed_in, museum):
    token = csrf_token(signed_in, "/institutions/muzeum")

    response = signed_in.post(
        "/institutions/muzeum/surveys",
        data={"kind": "nps", "allowed_origins": "https://www.muzeum.example/\r\n\r\nhttp://localhost:8080", "csrf_token": token},
    )

    assert response.status_code == 302
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        assert survey.allowed_origins == ["https://www.muzeum.example", "http://localhost:8080"]
        assert survey.active
        public_id = survey.public_id
    page = signed_in.get("/institutions/muzeum").get_data(as_text=True)
    snippet = f'&lt;script src=&#34;http://localhost/widget/v1.js&#34; data-survey=&#34;{public_id}&#34; async&gt;&lt;/script&gt;'
    assert snippet in page
    assert 'src="/static/copy.js"' in page


def test_snippet_uses_public_url(make_app):
    app = make_app(PUBLIC_URL="https://ankiety.example.org/")
    client = app.test_client()
    with app.app_context():
        account = User(login="jan", is_deployment_admin=True)
        account.set_password(PASSWORD)
        institution = Institution(slug="muzeum", name="Muzeum", default_language="pl")
        db.session.add_all([account, institution, Survey(institution=institution, kind="nps")])
        db.session.commit()
    sign_in(client, login="jan")

    page = client.get("/institutions/muzeum").get_data(as_text=True)

    assert "https://ankiety.example.org/widget/v1.js" in page


def test_add_survey_rejects_bad_origin(app, signed_in, museum):
    token = csrf_token(signed_in, "/institutions/muzeum?lang=en")

    response = signed_in.post(
        "/institutions/muzeum/surveys",
        data={"kind": "nps", "allowed_origins": "https://ok.example\nhttps://ok.example/bilety", "csrf_token": token},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_text(page, "allowed_origins") == (
        "https://ok.example/bilety is not a valid origin. Write scheme://host[:port] with no path, such as https://www.example.org."
    )
    textarea = field_tag(page, "allowed_origins")
    assert 'aria-invalid="true"' in textarea
    assert 'aria-describedby="allowed_origins-hint allowed_origins-error"' in textarea
    assert "https://ok.example/bilety" in page
    assert count(app, Survey) == 0


def test_toggle_survey_active(app, signed_in, museum):
    with app.app_context():
        institution = db.session.scalar(select(Institution))
        survey = Survey(institution=institution, kind="nps")
        db.session.add(survey)
        db.session.commit()
        public_id = survey.public_id
    path = f"/institutions/muzeum/surveys/{public_id}/active"

    token = csrf_token(signed_in, "/institutions/muzeum")
    assert signed_in.post(path, data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Survey.active)) is False

    assert signed_in.post(path, data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Survey.active)) is True


def test_toggle_survey_of_other_institution_is_404(app, signed_in, museum):
    with app.app_context():
        other = Institution(slug="teatr", name="Teatr", default_language="pl")
        survey = Survey(institution=other, kind="nps")
        db.session.add_all([other, survey])
        db.session.commit()
        public_id = survey.public_id
    token = csrf_token(signed_in, "/institutions/muzeum")

    response = signed_in.post(f"/institutions/muzeum/surveys/{public_id}/active", data={"csrf_token": token})

    assert response.status_code == 404


def test_institution_page_shows_scorecard_summary(app, signed_in, museum):
    if "scorecard.show" not in app.view_functions:
        pytest.skip("the scorecard views are not installed")

    page = signed_in.get("/institutions/muzeum?lang=en").get_data(as_text=True)

    assert 'id="scorecard-summary-heading"' in page
    assert 'href="/institutions/muzeum/scorecard.pdf"' in page


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/institutions?lang=en", "/?lang=en"),
        ("/institutions/muzeum/sites?lang=pl", "/institutions/muzeum?lang=pl"),
        ("/institutions/muzeum/surveys?lang=en", "/institutions/muzeum?lang=en"),
    ],
)
def test_language_switch_after_failed_post(signed_in, museum, path, expected):
    response = signed_in.get(path)

    assert response.status_code == 302
    assert response.location == expected


def test_scan_link_fills_address(signed_in):
    response = signed_in.get("/scans?url=http://127.0.0.1:9/muzeum/")
    assert 'value="http://127.0.0.1:9/muzeum/"' in response.get_data(as_text=True)


def test_duplicate_site_rejected(app, signed_in, museum):
    token = csrf_token(signed_in, f"/institutions/{museum}?lang=en")
    data = {"base_url": "http://127.0.0.1:9/", "csrf_token": token}
    first = signed_in.post(f"/institutions/{museum}/sites", data=data)
    second = signed_in.post(f"/institutions/{museum}/sites", data=data)
    assert first.status_code == 302
    assert second.status_code == 400
    assert "Muzeum Narodowe already has the site http://127.0.0.1:9/" in second.get_data(as_text=True)
    assert count(app, Site) == 1


def test_site_form_stores_allow_submit(app, signed_in, museum):
    token = csrf_token(signed_in, f"/institutions/{museum}?lang=en")
    signed_in.post(f"/institutions/{museum}/sites", data={"base_url": "http://127.0.0.1:9/a/", "csrf_token": token})
    signed_in.post(
        f"/institutions/{museum}/sites",
        data={"base_url": "http://127.0.0.1:9/b/", "allow_submit": "y", "csrf_token": token},
    )
    with app.app_context():
        settings = {site.base_url: site.settings for site in db.session.scalars(select(Site))}
    assert settings["http://127.0.0.1:9/a/"]["allow_submit"] is False
    assert settings["http://127.0.0.1:9/b/"]["allow_submit"] is True


def test_site_form_checkbox_is_labelled(signed_in, museum):
    html = signed_in.get(f"/institutions/{museum}?lang=en").get_data(as_text=True)
    assert '<label for="allow_submit">' in html
    assert 'type="checkbox"' in html
