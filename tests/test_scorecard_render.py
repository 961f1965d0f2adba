"""Scorecard as HTML, PDF and JSON: the routes, the partial and the CLI."""

from __future__ import annotations

import dataclasses
import json
import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import render_template_string
from flask_babel import force_locale

from accounts import sign_in
from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.inquiries.imports import import_csv
from cxaudit.models import (
    Finding,
    Institution,
    Outcome,
    PageResult,
    PageStatus,
    Response,
    Scan,
    ScanStatus,
    Site,
    Survey,
    SurveyKind,
)
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.render import render_html

POLISH_NAME = "Muzeum Łódzkie – Żółć"


def _add_museum(name: str = POLISH_NAME, slug: str = "muzeum-lodzkie") -> None:
    """An institution with the worked-example answers (NPS 30 ± 15.3) and one finished scan."""
    institution = Institution(slug=slug, name=name, default_language="pl")
    db.session.add(institution)
    db.session.flush()
    survey = Survey(institution_id=institution.id, kind=SurveyKind.NPS)
    db.session.add(survey)
    db.session.flush()
    scores = [10] * 50 + [7] * 30 + [2] * 20
    db.session.add_all(Response(survey_id=survey.id, score=score, language="pl") for score in scores)

    site = Site(institution_id=institution.id, base_url="http://127.0.0.1:9/")
    db.session.add(site)
    db.session.flush()
    scan = Scan(site_id=site.id, url=site.base_url, status=ScanStatus.FINISHED, finished_at=datetime.now(UTC))
    db.session.add(scan)
    db.session.flush()
    page = PageResult(scan_id=scan.id, url="http://127.0.0.1:9/", status=PageStatus.AUDITED)
    db.session.add(page)
    db.session.flush()
    db.session.add(
        Finding(
            page_id=page.id,
            plugin="axe",
            rule="image-alt",
            outcome=Outcome.VIOLATION,
            impact="critical",
            count=3,
            help="Images must have alternative text",
            help_url="https://dequeuniversity.com/rules/axe/4.10/image-alt",
        )
    )
    db.session.commit()


@pytest.fixture
def museum_app(app):
    with app.app_context():
        _add_museum()
        _add_museum(name="Teatr <script>alert('x')</script>", slug="teatr")
        db.session.add(Institution(slug="pusta", name="Biblioteka bez danych", default_language="en"))
        db.session.commit()
    return app


@pytest.fixture
def signed_in(museum_app, client):
    sign_in(museum_app, client, login="auditor")
    return client


def _pdf_text(pdf: bytes) -> str:
    completed = subprocess.run(["/usr/bin/pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return completed.stdout.decode("utf-8")


def test_html_in_polish(signed_in):
    response = signed_in.get("/institutions/muzeum-lodzkie/scorecard.html?lang=pl")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert '<html lang="pl">' in html
    assert POLISH_NAME in html
    assert "NPS 30" in html
    # Polish writes decimals with a comma.
    assert "±15,3" in html
    assert "14,7" in html


def test_html_in_english(signed_in):
    html = signed_in.get("/institutions/muzeum-lodzkie/scorecard.html?lang=en").get_data(as_text=True)

    assert '<html lang="en">' in html
    assert "NPS 30" in html
    assert "±15.3" in html
    assert "Net Promoter Score" in html


def test_default_language_is_institutions(signed_in):
    polish = signed_in.get("/institutions/muzeum-lodzkie/scorecard.html").get_data(as_text=True)
    english = signed_in.get("/institutions/pusta/scorecard.html").get_data(as_text=True)

    assert '<html lang="pl">' in polish
    assert '<html lang="en">' in english


def test_html_escapes_stored_name(signed_in):
    html = signed_in.get("/institutions/teatr/scorecard.html?lang=en").get_data(as_text=True)

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html


def test_html_lists_accessibility(signed_in):
    html = signed_in.get("/institutions/muzeum-lodzkie/scorecard.html?lang=en").get_data(as_text=True)

    # cxaudit's own text for the rule replaces the English help stored from axe-core.
    assert "Give every image a text alternative, or an empty alt when it only decorates" in html
    assert '<a href="https://dequeuniversity.com/rules/axe/4.10/image-alt">image-alt</a>' in html
    assert '<th scope="col">' in html
    assert "<caption>" in html


def test_html_without_data_says_so(signed_in):
    html = signed_in.get("/institutions/pusta/scorecard.html?lang=en").get_data(as_text=True)

    assert "No data: no NPS answers in this period." in html
    assert "No data: no site of this institution has a finished scan." in html
    assert "NPS 0" not in html


def test_html_has_no_external_resources(signed_in):
    html = signed_in.get("/institutions/muzeum-lodzkie/scorecard.html").get_data(as_text=True)

    assert "<link" not in html
    assert "<script" not in html
    # Trend charts are images carried in the page itself.
    assert re.findall(r'src="(?!data:image/svg\+xml;base64,)', html) == []


def test_pdf_contains_polish_name_and_nps(signed_in):
    response = signed_in.get("/institutions/muzeum-lodzkie/scorecard.pdf?lang=pl")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    assert POLISH_NAME in text
    assert "NPS 30" in text
    assert "±15,3" in text


def test_json_has_documented_keys(signed_in):
    response = signed_in.get("/institutions/muzeum-lodzkie/scorecard.json?lang=en")
    data = json.loads(response.get_data(as_text=True))

    assert set(data) == {
        "institution",
        "generated_at",
        "language",
        "nps",
        "accessibility",
        "sections",
        "errored_plugins",
        "period",
        "previous_period",
        "satisfaction",
        "funnels",
        "overall",
        "dimensions",
        "fixes",
        "benchmark",
        "response_times",
        "scan_changes",
    }
    assert data["institution"] == {"slug": "muzeum-lodzkie", "name": POLISH_NAME}
    assert data["language"] == "en"
    assert data["nps"]["score"] == 30.0
    assert data["nps"]["margin"] == 15.31
    assert data["nps"]["responses"] == 100
    assert data["accessibility"]["pages_audited"] == 1
    assert data["accessibility"]["top_rules"][0]["rule"] == "image-alt"
    # Polish letters are written as they are, not as \\u escapes.
    assert POLISH_NAME in response.get_data(as_text=True)


def test_json_without_data_is_null(signed_in):
    data = signed_in.get("/institutions/pusta/scorecard.json").get_json()

    assert data["nps"] is None
    assert data["accessibility"] is None


@pytest.mark.parametrize(
    ("fmt", "mimetype"),
    [("pdf", "application/pdf"), ("html", "text/html"), ("json", "application/json")],
)
def test_download_headers(signed_in, fmt, mimetype):
    response = signed_in.get(f"/institutions/muzeum-lodzkie/scorecard.{fmt}?lang=en&period=2026-11")

    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Type"].count("charset") <= 1
    assert response.headers["Content-Disposition"] == f'attachment; filename="scorecard-muzeum-lodzkie-2026-11.{fmt}"'


@pytest.mark.parametrize(
    ("query", "filename"),
    [
        ("lang=pl&period=2026-11", "karta-muzeum-lodzkie-2026-11.pdf"),
        ("lang=en&period=2026-11-01..2026-11-15", "scorecard-muzeum-lodzkie-2026-11-01_2026-11-15.pdf"),
    ],
)
def test_download_named_after_period_and_language(signed_in, query, filename):
    response = signed_in.get(f"/institutions/muzeum-lodzkie/scorecard.pdf?{query}")

    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_download_unknown_format(signed_in):
    response = signed_in.get("/institutions/muzeum-lodzkie/scorecard.docx?lang=en")

    assert response.status_code == 404
    assert "Unknown scorecard format “docx”. Choose one of: pdf, html, json, csv, xlsx, ods." in response.get_data(as_text=True)


def test_unknown_slug_is_404(signed_in):
    page = signed_in.get("/institutions/nie-ma/scorecard?lang=en")
    download = signed_in.get("/institutions/nie-ma/scorecard.pdf")

    assert page.status_code == 404
    assert "Institution “nie-ma” not found." in page.get_data(as_text=True)
    assert download.status_code == 404


def test_unknown_language_is_400(signed_in):
    response = signed_in.get("/institutions/muzeum-lodzkie/scorecard.html?lang=de")

    assert response.status_code == 400
    assert "de" in response.get_data(as_text=True)


def test_show_page_links_downloads(signed_in):
    response = signed_in.get("/institutions/muzeum-lodzkie/scorecard?lang=en")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    for fmt in ("pdf", "html", "json"):
        assert f'href="/institutions/muzeum-lodzkie/scorecard.{fmt}?lang=en"' in html


def test_show_page_links_without_language(signed_in):
    html = signed_in.get("/institutions/muzeum-lodzkie/scorecard").get_data(as_text=True)

    assert 'href="/institutions/muzeum-lodzkie/scorecard.pdf"' in html
    assert '<html lang="pl">' in html


def test_downloaded_html_has_no_download_links(signed_in):
    html = signed_in.get("/institutions/muzeum-lodzkie/scorecard.html").get_data(as_text=True)

    assert "scorecard.pdf" not in html


def test_routes_need_sign_in(client, museum_app):
    for path in ("/institutions/muzeum-lodzkie/scorecard", "/institutions/muzeum-lodzkie/scorecard.json"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_summary_partial(museum_app):
    with museum_app.test_request_context(), force_locale("en"):
        museum = db.session.execute(db.select(Institution).filter_by(slug="muzeum-lodzkie")).scalar_one()
        empty = db.session.execute(db.select(Institution).filter_by(slug="pusta")).scalar_one()
        # One inquiry from yesterday fills the response-times part of the summary.
        yesterday = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0).isoformat()
        import_csv(museum, f"id,channel,received_at,first_response_at\nQ-1,email,{yesterday},{yesterday}\n".encode())
        template = '{% include "scorecard/_summary.html" %}'
        filled = render_template_string(template, scorecard=build_scorecard(museum, "en"))
        blank = render_template_string(template, scorecard=build_scorecard(empty, "en"))

    assert "NPS 30" in filled
    assert "100 responses" in filled
    assert '<tr><th scope="row">critical</th><td class="number">1</td></tr>' in filled
    assert '<tr><th scope="row">serious</th><td class="number">0</td></tr>' in filled
    assert "image-alt</a></th><td>critical</td><td class=\"number\">1</td>" in filled
    assert "No data" not in filled
    assert "No data: no NPS answers in this period." in blank
    assert "No data: no site of this institution has a finished scan." in blank


@pytest.mark.parametrize("fmt", ["pdf", "html", "json"])
def test_cli_writes_file(museum_app, tmp_path, fmt):
    output = tmp_path / f"card.{fmt}"
    result = museum_app.test_cli_runner().invoke(cli, ["scorecard", "muzeum-lodzkie", "--format", fmt, "-o", str(output), "--lang", "pl"])

    assert result.exit_code == 0, result.output
    content = output.read_bytes()
    if fmt == "pdf":
        assert content.startswith(b"%PDF")
        assert POLISH_NAME in _pdf_text(content)
    elif fmt == "html":
        assert '<html lang="pl">' in content.decode("utf-8")
        assert POLISH_NAME in content.decode("utf-8")
    else:
        assert json.loads(content)["nps"]["score"] == 30.0


def test_cli_json_to_stdout(museum_app):
    result = museum_app.test_cli_runner().invoke(cli, ["scorecard", "muzeum-lodzkie", "--format", "json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["institution"]["name"] == POLISH_NAME


def test_cli_pdf_to_piped_stdout(museum_app):
    result = museum_app.test_cli_runner().invoke(cli, ["scorecard", "muzeum-lodzkie", "--format", "pdf"])

    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF")


def test_cli_unknown_slug(museum_app, monkeypatch):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", "en")
    result = museum_app.test_cli_runner().invoke(cli, ["scorecard", "nie-ma", "--format", "json"])

    assert result.exit_code == 2
    assert "nie-ma" in result.stderr
    assert "cxaudit institution list" in result.stderr
    assert result.stdout == ""


def test_cli_unknown_language(museum_app, monkeypatch):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", "en")
    result = museum_app.test_cli_runner().invoke(cli, ["scorecard", "muzeum-lodzkie", "--lang", "de"])

    assert result.exit_code == 2
    assert "“de”" in result.stderr


def test_cli_pdf_refuses_terminal(museum_app, tmp_path):
    # A pseudo-terminal replaces the user's terminal on standard output.
    environment = {
        **os.environ,
        "CXAUDIT_DATABASE_URL": museum_app.config["DATABASE_URL"],
        "CXAUDIT_HUEY_SQLITE_PATH": str(tmp_path / "cli-jobs.db"),
        "CXAUDIT_SECRET_KEY": "test-secret",
        "CXAUDIT_LANGUAGE": "en",
    }
    primary, secondary = pty.openpty()
    try:
        completed = subprocess.run(
            [str(Path(sys.executable).parent / "cxaudit"), "scorecard", "muzeum-lodzkie", "--format", "pdf"],
            stdout=secondary,
            stderr=subprocess.PIPE,
            env=environment,
            timeout=60,
        )
    finally:
        os.close(secondary)
        os.close(primary)

    assert completed.returncode == 2
    assert "Give a file with -o" in completed.stderr.decode("utf-8")


def test_polish_heading_once_translated(signed_in):
    from babel.messages.mofile import read_mo

    compiled = Path(__file__).parents[1] / "translations" / "pl" / "LC_MESSAGES" / "messages.mo"
    if not compiled.exists():
        pytest.skip("the Polish catalog is not compiled: run `make catalogs`")
    with compiled.open("rb") as handle:
        message = read_mo(handle).get("Digital service scorecard")
    if message is None or not message.string:
        pytest.skip("the scorecard heading has no Polish translation yet")

    polish = signed_in.get("/institutions/muzeum-lodzkie/scorecard.html?lang=pl").get_data(as_text=True)
    english = signed_in.get("/institutions/muzeum-lodzkie/scorecard.html?lang=en").get_data(as_text=True)

    assert message.string in polish
    assert "Digital service scorecard" not in polish
    assert "Digital service scorecard" in english


@pytest.mark.parametrize(
    ("generated_at", "language", "shown"),
    [
        (datetime(2026, 12, 5, 13, 0, tzinfo=UTC), "pl", "Wygenerowano 5 gru 2026, 14:00:00, czas warszawski"),
        (datetime(2026, 7, 1, 10, 30, tzinfo=UTC), "en", "Generated on Jul 1, 2026, 12:30:00\u202fPM, Warsaw time"),
    ],
)
def test_generated_time_in_warsaw_time(museum_app, generated_at, language, shown):
    # The periods are in Warsaw time, so the time of generation is too, in winter and in summer.
    with museum_app.test_request_context():
        institution = db.session.scalar(db.select(Institution).where(Institution.slug == "muzeum-lodzkie"))
        scorecard = dataclasses.replace(build_scorecard(institution, language), generated_at=generated_at)
        html = render_html(scorecard)

    assert shown in html
