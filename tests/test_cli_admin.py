"""The set-up and administration commands, run through the real CLI group on a real database."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cxaudit.app import create_app
from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Institution, Role, Site, Survey, SurveyKind, User

ADMIN_PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", "en")
    monkeypatch.delenv("CXAUDIT_ADMIN_PASSWORD", raising=False)


@pytest.fixture
def db_runner(any_db_app):
    """A CLI runner on SQLite and, when configured, on PostgreSQL."""
    return any_db_app.test_cli_runner()


def run(runner, *args, input=None):
    return runner.invoke(cli, list(args), input=input)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def add_museum(runner):
    result = run(runner, "institution", "add", "muzeum", "--name", "Muzeum Narodowe", "--language", "en")
    assert result.exit_code == 0, result.output
    return result


# init


def test_init_creates_admin_with_password_from_environment(any_db_app, db_runner, monkeypatch):
    monkeypatch.setenv("CXAUDIT_ADMIN_PASSWORD", ADMIN_PASSWORD)

    result = run(db_runner, "init")

    assert result.exit_code == 0, result.output
    assert ADMIN_PASSWORD not in result.output
    assert "password from CXAUDIT_ADMIN_PASSWORD" in result.output
    with any_db_app.app_context():
        admin = db.session.scalar(select(User))
        assert admin.login == "admin"
        assert admin.is_deployment_admin
        assert admin.check_password(ADMIN_PASSWORD)


def test_init_twice_keeps_one_admin(any_db_app, db_runner):
    first = run(db_runner, "init")
    second = run(db_runner, "init")

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert count(any_db_app, User) == 1
    assert "Created the user" not in second.output
    assert "The database is up to date." in second.output
    assert "Created the database." not in second.output


def test_init_on_empty_database_says_created(tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"),
        "DEFAULT_LANGUAGE": "en",
    })

    result = run(app.test_cli_runner(), "init")

    assert result.exit_code == 0, result.output
    assert "Created the database." in result.output
    assert "The database is up to date." not in result.output


def test_init_prints_generated_password_once(any_db_app, db_runner):
    result = run(db_runner, "init")

    match = re.search(r"Created the user admin with the password: (\S+)", result.output)
    assert match, result.output
    password = match.group(1)
    assert result.output.count(password) == 1
    with any_db_app.app_context():
        assert db.session.scalar(select(User)).check_password(password)
    assert password not in run(db_runner, "init").output


def test_init_rejects_short_admin_password(app, runner, monkeypatch):
    monkeypatch.setenv("CXAUDIT_ADMIN_PASSWORD", "short")

    result = run(runner, "init")

    assert result.exit_code != 0
    assert "CXAUDIT_ADMIN_PASSWORD is not usable: The password is too short: use at least 8 characters." in result.output
    assert count(app, User) == 0


def test_init_creates_schema_on_empty_database(tmp_path):
    from cxaudit.app import create_app
    from cxaudit.database import schema_is_current

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
            "HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"),
        }
    )
    with app.app_context():
        assert not schema_is_current()

    result = app.test_cli_runner().invoke(cli, ["init"], env={"CXAUDIT_ADMIN_PASSWORD": ADMIN_PASSWORD})

    assert result.exit_code == 0, result.output
    with app.app_context():
        assert schema_is_current()
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        db.engine.dispose()


# institutions


def test_institution_add_and_list(any_db_app, db_runner):
    result = add_museum(db_runner)

    assert "Added the institution muzeum: Muzeum Narodowe." in result.output
    with any_db_app.app_context():
        institution = db.session.scalar(select(Institution))
        assert (institution.slug, institution.name, institution.default_language) == ("muzeum", "Muzeum Narodowe", "en")

    listing = run(db_runner, "institution", "list")
    assert listing.exit_code == 0
    assert listing.stdout.splitlines() == ["muzeum\ten\tMuzeum Narodowe"]


def test_institution_add_uses_default_language(app, runner):
    result = run(runner, "institution", "add", "teatr", "--name", "Teatr")

    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Institution)).default_language == app.config["DEFAULT_LANGUAGE"]


def test_institution_list_empty_prints_nothing_on_stdout(runner):
    result = run(runner, "institution", "list")

    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No institutions yet." in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Muzeum", "--name", "X"],
            "Muzeum is not a valid slug. Use 2 to 64 lowercase letters, digits and hyphens, such as muzeum-narodowe.",
        ),
        (
            ["m", "--name", "X"],
            "m is not a valid slug. Use 2 to 64 lowercase letters, digits and hyphens, such as muzeum-narodowe.",
        ),
        (
            ["muzeum narodowe", "--name", "X"],
            "muzeum narodowe is not a valid slug. Use 2 to 64 lowercase letters, digits and hyphens, such as muzeum-narodowe.",
        ),
        (["teatr", "--name", "   "], "The name is empty. Give the name of the institution."),
        (["teatr", "--name", "Teatr", "--language", "de"], "de is not a supported language. Use one of: pl, en."),
    ],
)
def test_institution_add_rejects_bad_input(app, runner, args, message):
    result = run(runner, "institution", "add", *args)

    assert result.exit_code != 0
    assert message in result.stderr
    assert count(app, Institution) == 0


def test_institution_add_rejects_duplicate_slug(any_db_app, db_runner):
    add_museum(db_runner)

    result = run(db_runner, "institution", "add", "muzeum", "--name", "Another")

    assert result.exit_code != 0
    assert "An institution with the slug muzeum already exists. Choose another slug." in result.stderr
    with any_db_app.app_context():
        assert db.session.scalars(select(Institution.name)).all() == ["Muzeum Narodowe"]


# sites


def test_site_add_normalises_url(any_db_app, db_runner):
    add_museum(db_runner)

    result = run(db_runner, "site", "add", "muzeum", "HTTPS://WWW.Example.ORG/kolekcje#top")

    assert result.exit_code == 0, result.output
    assert "Added the site https://www.example.org/kolekcje to muzeum." in result.output
    with any_db_app.app_context():
        site = db.session.scalar(select(Site))
        assert site.base_url == "https://www.example.org/kolekcje"
        assert site.institution.slug == "muzeum"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["nieznane", "https://example.org"],
            "No institution has the slug nieznane. Run `cxaudit institution list` to see the slugs.",
        ),
        (
            ["muzeum", "ftp://example.org"],
            "ftp://example.org is not a valid site address. Give a full http or https address, such as https://www.example.org/.",
        ),
        (
            ["muzeum", "example.org"],
            "example.org is not a valid site address. Give a full http or https address, such as https://www.example.org/.",
        ),
        (
            ["muzeum", "https://"],
            "https:// is not a valid site address. Give a full http or https address, such as https://www.example.org/.",
        ),
        (
            ["muzeum", "http://example.org:99999/"],
            "http://example.org:99999/ is not a valid site address. Give a full http or https address, such as https://www.example.org/.",
        ),
    ],
)
def test_site_add_rejects_bad_input(app, runner, args, message):
    add_museum(runner)

    result = run(runner, "site", "add", *args)

    assert result.exit_code != 0
    assert message in result.stderr
    assert count(app, Site) == 0


# surveys


def test_survey_add_prints_snippet(any_db_app, db_runner):
    add_museum(db_runner)

    result = run(
        db_runner, "survey", "add", "muzeum", "--kind", "nps",
        "--origin", "https://www.example.org/", "--origin", "HTTP://Example.org:8080",
    )

    assert result.exit_code == 0, result.output
    with any_db_app.app_context():
        survey = db.session.scalar(select(Survey))
        assert survey.kind is SurveyKind.NPS
        assert survey.active
        assert survey.allowed_origins == ["https://www.example.org", "http://example.org:8080"]
        public_id = survey.public_id
    assert result.stdout.strip() == (
        f'<script src="http://127.0.0.1:5000/widget/v1.js" data-survey="{public_id}" async></script>'
    )


def test_survey_add_uses_base_url_option(app, runner):
    add_museum(runner)

    result = run(runner, "survey", "add", "muzeum", "--kind", "nps", "--base-url", "https://cx.example.org/")

    assert result.exit_code == 0, result.output
    assert 'src="https://cx.example.org/widget/v1.js"' in result.stdout
    assert "the survey has no allowed origin" in result.stderr


def test_survey_add_uses_public_url_setting(make_app):
    app = make_app(PUBLIC_URL="https://ankiety.example.org")
    runner = app.test_cli_runner()
    add_museum(runner)

    result = run(runner, "survey", "add", "muzeum", "--kind", "nps", "--origin", "https://example.org")

    assert result.exit_code == 0, result.output
    assert 'src="https://ankiety.example.org/widget/v1.js"' in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["nieznane", "--kind", "nps"],
            "No institution has the slug nieznane. Run `cxaudit institution list` to see the slugs.",
        ),
        (["muzeum", "--kind", "stars"], "stars is not a survey kind. Use one of: nps, csat, ces, helpful."),
        (
            ["muzeum", "--kind", "nps", "--origin", "https://example.org", "--origin", "https://example.org/bilety"],
            "https://example.org/bilety is not a valid origin. Write scheme://host[:port] with no path, such as https://www.example.org.",
        ),
        (
            ["muzeum", "--kind", "nps", "--origin", "example.org"],
            "example.org is not a valid origin. Write scheme://host[:port] with no path, such as https://www.example.org.",
        ),
        (
            ["muzeum", "--kind", "nps", "--origin", "https://example.org?x=1"],
            "https://example.org?x=1 is not a valid origin. Write scheme://host[:port] with no path, such as https://www.example.org.",
        ),
        (
            ["muzeum", "--kind", "nps", "--base-url", "cx.example.org"],
            "cx.example.org is not a valid base URL. Give the http or https address where cxaudit is served, such as https://cxaudit.example.org.",
        ),
    ],
)
def test_survey_add_rejects_bad_input(app, runner, args, message):
    add_museum(runner)

    result = run(runner, "survey", "add", *args)

    assert result.exit_code != 0
    assert message in result.stderr
    assert count(app, Survey) == 0


# users


def test_user_add_reads_password_from_stdin(any_db_app, db_runner):
    run(db_runner, "institution", "add", "muzeum", "--name", "Muzeum")
    result = run(
        db_runner, "user", "add", "anna", "--institution", "muzeum", "--role", "auditor", "--password-stdin",
        input="s3cret-pass\n",
    )

    assert result.exit_code == 0, result.output
    assert "Added the user anna to muzeum with the role auditor." in result.output
    with any_db_app.app_context():
        user = db.session.scalar(select(User))
        assert user.login == "anna"
        assert not user.is_deployment_admin
        assert [(m.institution.slug, m.role) for m in user.memberships] == [("muzeum", Role.AUDITOR)]
        assert user.check_password("s3cret-pass")
        assert user.password_hash != "s3cret-pass"


def test_user_add_prompts_twice_for_password(app, runner):
    result = run(runner, "user", "add", "jan", "--deployment-admin", input="s3cret-pass\ns3cret-pass\n")

    assert result.exit_code == 0, result.output
    assert "s3cret-pass" not in result.output
    with app.app_context():
        assert db.session.scalar(select(User)).check_password("s3cret-pass")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["bob", "--institution", "muzeum", "--role", "boss"],
            "s3cret-pass\n",
            "boss is not a role. Use one of: admin, auditor, editor, viewer.",
        ),
        (["bob", "--deployment-admin"], "short\n", "The password is too short: use at least 8 characters."),
        (["admin", "--deployment-admin"], "s3cret-pass\n", "A user with the login admin already exists. Choose another login."),
        (["bob", "--role", "editor"], "s3cret-pass\n", "A role applies in an institution. Name it with --institution SLUG"),
        (["bob", "--institution", "muzeum"], "s3cret-pass\n", "Give the user's role in muzeum with --role"),
        (["bob"], "s3cret-pass\n", "The user could open nothing."),
        (["bob", "--institution", "teatr", "--role", "viewer"], "s3cret-pass\n", "No institution has the slug teatr."),
    ],
)
def test_user_add_rejects_bad_input(app, runner, monkeypatch, args, stdin, message):
    monkeypatch.setenv("CXAUDIT_ADMIN_PASSWORD", ADMIN_PASSWORD)
    run(runner, "init")

    result = run(runner, "user", "add", *args, "--password-stdin", input=stdin)

    assert result.exit_code != 0
    assert message in result.stderr
    with app.app_context():
        assert db.session.scalars(select(User.login)).all() == ["admin"]


# serve


def test_serve_rejects_uninitialised_database(tmp_path):
    from cxaudit.app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
            "HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"),
        }
    )

    result = app.test_cli_runner().invoke(cli, ["serve", "--port", "0"])

    assert result.exit_code != 0
    assert "The database is not initialised or not up to date. Run `cxaudit init` first." in result.stderr
    with app.app_context():
        db.engine.dispose()


def test_serve_rejects_outdated_database(tmp_path):
    from alembic import command

    from cxaudit.app import create_app
    from cxaudit.database import alembic_config

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}",
            "HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"),
        }
    )
    with app.app_context(), db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")

    result = app.test_cli_runner().invoke(cli, ["serve", "--port", "0"])

    assert result.exit_code != 0
    assert "not up to date. Run `cxaudit init` first." in result.stderr
    with app.app_context():
        db.engine.dispose()


def test_serve_answers_and_stops_on_interrupt(tmp_path):
    environment = {
        **os.environ,
        "CXAUDIT_LANGUAGE": "en",
        "CXAUDIT_SECRET_KEY": "test",
        "CXAUDIT_DATABASE_URL": f"sqlite:///{tmp_path / 'cxaudit.db'}",
        "CXAUDIT_HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"),
        "CXAUDIT_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    command = [sys.executable, "-c", "from cxaudit.cli import main; main()"]
    subprocess.run([*command, "init"], env=environment, check=True, capture_output=True, cwd=tmp_path)

    server = subprocess.Popen(
        [*command, "serve", "--port", "0", "--threads", "1"],
        env=environment, cwd=tmp_path, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = None
        for line in server.stderr:
            match = re.search(r"cxaudit serves on (http://127\.0\.0\.1:\d+)\. Press Ctrl\+C to stop\.", line)
            if match:
                url = match.group(1)
                break
        assert url, "the server never printed its address"

        with urllib.request.urlopen(f"{url}/login?lang=en") as response:
            assert response.status == 200
            assert "Sign in" in response.read().decode()

        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert "Server and worker stopped" in server.stderr.read()


def test_site_allow_submit_reaches_scan(app):
    from cxaudit.scan.runner import create_scan

    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["institution", "add", "opera", "--name", "Opera"]).exit_code == 0
    assert runner.invoke(cli, ["site", "add", "opera", "http://127.0.0.1:9/"]).exit_code == 0

    with app.app_context():
        assert create_scan("http://127.0.0.1:9/kontakt", allow_submit=True).settings["allow_submit"] is False

    result = runner.invoke(cli, ["site", "set", "http://127.0.0.1:9/", "--allow-submit"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert create_scan("http://127.0.0.1:9/kontakt", allow_submit=True).settings["allow_submit"] is True
        assert create_scan("http://127.0.0.1:9/kontakt").settings["allow_submit"] is False
        assert create_scan("http://127.0.0.2:9/", allow_submit=True).settings["allow_submit"] is False


def test_site_set_unknown_address(app):
    result = app.test_cli_runner().invoke(cli, ["site", "set", "http://127.0.0.1:9/nowhere", "--allow-submit"])
    assert result.exit_code == 1
    assert "No site has the address http://127.0.0.1:9/nowhere" in result.output


def test_site_add_duplicate_rejected(app):
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["institution", "add", "opera", "--name", "Opera Wrocławska"]).exit_code == 0
    assert runner.invoke(cli, ["site", "add", "opera", "https://opera.example/"]).exit_code == 0
    result = runner.invoke(cli, ["site", "add", "opera", "https://opera.example/"])
    assert result.exit_code == 1
    assert "Opera Wrocławska already has the site https://opera.example/" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Site)) == 1


def test_user_password_changes_it(app):
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["user", "add", "anna", "--deployment-admin", "--password-stdin"], input="first password\n").exit_code == 0
    result = runner.invoke(cli, ["user", "password", "anna", "--password-stdin"], input="second password\n")
    assert result.exit_code == 0, result.output
    assert "The password of anna is changed." in result.output
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(login="anna"))
        assert user.check_password("second password")
        assert not user.check_password("first password")


@pytest.mark.parametrize(
    ("login", "password", "message"),
    [
        ("nobody", "long enough password", "No user has the login nobody."),
        ("anna", "short", "The password is too short: use at least 8 characters."),
    ],
)
def test_user_password_rejects_bad_input(app, login, password, message):
    runner = app.test_cli_runner()
    runner.invoke(cli, ["user", "add", "anna", "--deployment-admin", "--password-stdin"], input="first password\n")
    result = runner.invoke(cli, ["user", "password", login, "--password-stdin"], input=f"{password}\n")
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(User).filter_by(login="anna")).check_password("first password")
