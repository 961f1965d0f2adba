"""Exporting and deleting one institution with everything it owns, from the
command line and the admin UI."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Institution, Membership, Role, User
from cxaudit.privacy.delete import delete_institution
from cxaudit.privacy.export import export_institution
from privacy_rows import FORMULA_COMMENT, add_institution, counts
from test_admin import PASSWORD, csrf_token, sign_in, signed_in, user  # noqa: F401  (fixtures)

TABLES = (
    "institution", "site", "scan", "page_result", "finding", "survey", "response", "funnel_event", "funnel",
    "inquiry", "inquiry_settings",
)


def find(slug: str) -> Institution:
    return db.session.scalar(select(Institution).where(Institution.slug == slug))


def exported(slug: str) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    export_institution(find(slug), buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_export_holds_every_owned_table(any_db_app):
    with any_db_app.app_context():
        add_institution("muzeum")
        add_institution("teatr")

        archive = exported("muzeum")

        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["institution"] == "muzeum"
        expected = {table: (2 if table in {"response", "funnel_event", "inquiry"} else 1) for table in TABLES}
        # Accounts' tables of the institution are exported too; this one has none of their rows.
        assert manifest["rows"] == {**expected, "membership": 0, "api_token": 0, "audit_entry": 0}
        for table in TABLES:
            rows = json.loads(archive.read(f"{table}.json"))
            assert len(rows) == manifest["rows"][table], table
            assert len(rows) >= 1, table


def test_export_leaves_out_other_institutions(any_db_app):
    with any_db_app.app_context():
        add_institution("muzeum")
        add_institution("teatr")

        archive = exported("muzeum")

        sites = json.loads(archive.read("site.json"))
        assert [site["base_url"] for site in sites] == ["https://muzeum.example/"]
        assert len(json.loads(archive.read("response.json"))) == 2


def test_export_keeps_comment_in_json_and_guards_csv(any_db_app):
    with any_db_app.app_context():
        add_institution("muzeum")

        archive = exported("muzeum")

        comments = [row["comment"] for row in json.loads(archive.read("response.json"))]
        cells = [cell for row in csv.reader(io.StringIO(archive.read("response.csv").decode())) for cell in row]
        assert FORMULA_COMMENT in comments
        assert "'" + FORMULA_COMMENT in cells
        assert FORMULA_COMMENT not in cells


def test_delete_removes_only_that_institution(any_db_app):
    with any_db_app.app_context():
        add_institution("muzeum")
        add_institution("teatr")
        before = counts()

        deleted = delete_institution(find("muzeum"))

        assert deleted["response"] == 2
        assert counts() == {table: count // 2 for table, count in before.items()}
        assert find("muzeum") is None
        assert find("teatr") is not None


def test_cli_export_writes_zip(app, tmp_path):
    with app.app_context():
        add_institution("muzeum")
    output = tmp_path / "muzeum.zip"

    result = app.test_cli_runner().invoke(cli, ["institution", "export", "muzeum", "--output", str(output)])

    assert result.exit_code == 0, result.output
    assert "Exported 14 records of muzeum" in result.output
    assert "response.csv" in zipfile.ZipFile(output).namelist()


def test_cli_export_keeps_existing_file(app, tmp_path):
    with app.app_context():
        add_institution("muzeum")
    output = tmp_path / "muzeum.zip"
    output.write_bytes(b"earlier export")

    result = app.test_cli_runner().invoke(cli, ["institution", "export", "muzeum", "--output", str(output)])

    assert result.exit_code == 1
    assert "exists already" in result.output
    assert output.read_bytes() == b"earlier export"


def test_cli_delete_needs_yes(app):
    with app.app_context():
        add_institution("muzeum")

    result = app.test_cli_runner().invoke(cli, ["institution", "delete", "muzeum"])

    assert result.exit_code == 1
    assert "add --yes" in result.output
    with app.app_context():
        assert find("muzeum") is not None


def test_cli_delete_with_yes(app):
    with app.app_context():
        add_institution("muzeum")

    result = app.test_cli_runner().invoke(cli, ["institution", "delete", "muzeum", "--yes"])

    assert result.exit_code == 0, result.output
    assert "Deleted muzeum and 14 records." in result.output
    with app.app_context():
        assert set(counts().values()) == {0}


@pytest.fixture
def stored(app) -> str:
    with app.app_context():
        add_institution("muzeum")
    return "muzeum"


def test_admin_delete_needs_typed_slug(signed_in, app, stored):  # noqa: F811
    token = csrf_token(signed_in, "/institutions/muzeum/delete")

    response = signed_in.post("/institutions/muzeum/delete", data={"confirmation": "muzeumm", "csrf_token": token})

    assert response.status_code == 400
    assert "is not the slug" in response.get_data(as_text=True)
    with app.app_context():
        assert find("muzeum") is not None


def test_admin_delete_with_slug(signed_in, app, stored):  # noqa: F811
    token = csrf_token(signed_in, "/institutions/muzeum/delete")

    response = signed_in.post("/institutions/muzeum/delete", data={"confirmation": "muzeum", "csrf_token": token})

    assert response.status_code == 302
    with app.app_context():
        assert set(counts().values()) == {0}


def test_admin_export_download(signed_in, stored):  # noqa: F811
    response = signed_in.get("/institutions/muzeum/export.zip")

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(response.data)).namelist()


def test_institution_page_links_export_and_delete(signed_in, stored):  # noqa: F811
    html = signed_in.get("/institutions/muzeum").get_data(as_text=True)

    assert "/institutions/muzeum/export.zip" in html
    assert "/institutions/muzeum/delete" in html


def test_non_admin_may_not_export_or_delete(app, client, stored):
    with app.app_context():
        viewer = User(login="widz")
        viewer.set_password(PASSWORD)
        viewer.memberships.append(Membership(institution=find("muzeum"), role=Role.VIEWER))
        db.session.add(viewer)
        db.session.commit()
    sign_in(client, login="widz")

    assert client.get("/institutions/muzeum/export.zip").status_code == 403
    assert client.get("/institutions/muzeum/delete").status_code == 403
    assert "/institutions/muzeum/delete" not in client.get("/institutions/muzeum").get_data(as_text=True)
