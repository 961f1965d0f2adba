"""The scorecard's "Response times" section in HTML, PDF and JSON."""

from __future__ import annotations

import subprocess

import pytest
from flask_babel import force_locale

from cxaudit.extensions import db
from cxaudit.inquiries.imports import import_csv
from cxaudit.models import Institution
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.render import render_html, render_json, render_pdf
from cxaudit.scorecard.spreadsheets import render_csv, scorecard_sheets
from inquiries_helpers import CSV_FILE, add_museum


# November and December 2026, which hold every row of the test CSV.
TEST_PERIOD = "2026-11-01..2026-12-31"


def scorecard_with_csv(app, language: str, period: str = TEST_PERIOD):
    with app.app_context(), app.test_request_context():
        museum = add_museum()
        import_csv(museum, CSV_FILE.read_bytes())
        return build_scorecard(db.session.get(Institution, museum.id), language, parse_period(period))


def pdf_text(pdf: bytes) -> str:
    completed = subprocess.run(["/usr/bin/pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return completed.stdout.decode("utf-8")


def test_json_figures_in_seconds(any_db_app):
    scorecard = scorecard_with_csv(any_db_app, "en")
    with any_db_app.app_context():
        data = scorecard.to_dict()["response_times"]

    assert data["durations_unit"] == "seconds"
    assert data["overall"]["inquiries"] == 5
    # Median of [1800, 7200, 151200, 237600] and the share 2 of 5 within 24 hours.
    assert data["overall"]["first_response"]["median"] == 79200
    assert data["overall"]["share_within_24h"] == 0.4
    assert data["overall"]["share_never_answered"] == 0.2
    assert [group["group"] for group in data["by_month"]] == ["2026-11", "2026-12"]
    assert data["business_hours"]["holiday_country"] == "PL"


def test_json_no_data_is_null(app):
    with app.app_context():
        scorecard = build_scorecard(add_museum(), "en", parse_period(TEST_PERIOD))
        assert scorecard.to_dict()["response_times"] is None


def test_period_limits_inquiries(app):
    # December holds T-4 (answered after 30 minutes) and T-5 (never answered).
    scorecard = scorecard_with_csv(app, "en", period="2026-12")
    with app.app_context():
        overall = scorecard.to_dict()["response_times"]["overall"]

    assert overall["inquiries"] == 2
    assert overall["never_answered"] == 1
    assert overall["first_response"]["median"] == 1800


def test_period_without_inquiries_no_data(app):
    scorecard = scorecard_with_csv(app, "en", period="2026-10")
    assert scorecard.response_times is None


def test_html_shows_hours_and_shares(app):
    scorecard = scorecard_with_csv(app, "en")
    with app.app_context(), app.test_request_context():
        html = render_html(scorecard)

    assert "Response times" in html
    # 79200 s is 22 hours; 2 of 5 is 40%.
    assert "First response in 22 h (median)" in html
    assert "40% of inquiries answered within 24 hours" in html
    assert "Contact form" in html
    assert "2026-12" in html


def test_html_in_polish(app):
    scorecard = scorecard_with_csv(app, "pl")
    with app.app_context(), app.test_request_context():
        html = render_html(scorecard)

    assert "Czas odpowiedzi" in html
    # 211680 s is 58.8 hours, written with a decimal comma in Polish.
    assert "58,8 godz." in html


def test_html_without_inquiries_says_no_data(app):
    with app.app_context(), app.test_request_context():
        html = render_html(build_scorecard(add_museum(), "en", parse_period(TEST_PERIOD)))

    assert "No data: no inquiries were received in this period." in html
    assert "First response in" not in html


def test_pdf_has_section(app):
    scorecard = scorecard_with_csv(app, "pl")
    with app.app_context(), app.test_request_context():
        text = pdf_text(render_pdf(scorecard))

    assert "Czas odpowiedzi" in text
    assert "22 godz." in text


def test_spreadsheets_hold_response_times(app):
    scorecard = scorecard_with_csv(app, "pl")
    with app.app_context(), app.test_request_context():
        sheets = {sheet.name: sheet.rows for sheet in scorecard_sheets(scorecard)}
        csv_text = render_csv(scorecard).decode("utf-8-sig")

    rows = sheets["Czas odpowiedzi"]
    # 79200 s is 22 hours; 2 of 5 within 24 hours is 40%; 1 of 5 never answered is 20%.
    overall = next(row for row in rows if row and row[0] == "Wszystkie zapytania")
    assert overall[1:5] == [5, 22.0, overall[3], 40.0]
    assert overall[7] == 20.0
    assert [row[0] for row in rows if row and row[0] in ("2026-11", "2026-12")] == ["2026-11", "2026-12"]
    assert any(row and row[0] == "E-mail" for row in rows)
    assert "Czas odpowiedzi" in csv_text
    assert "Pierwsza odpowiedź, mediana (godz.)" in csv_text


def test_html_shows_minutes_below_one_hour(app):
    # December's only answer came after 30 minutes.
    scorecard = scorecard_with_csv(app, "pl", period="2026-12")
    with app.app_context(), app.test_request_context():
        html = render_html(scorecard)

    assert "Pierwsza odpowiedź po 30 min (mediana)" in html
    assert "0,5 godz." not in html


def test_month_period_agrees_with_month_table(app):
    # 00:30 on 1 December in Warsaw is still 30 November in UTC.
    rows = (
        b"id,channel,received_at\n"
        b"N-1,email,2026-11-01 00:30\n"
        b"D-1,email,2026-12-01 00:30\n"
    )
    with app.app_context(), app.test_request_context():
        museum = add_museum()
        import_csv(museum, rows)
        scorecard = build_scorecard(db.session.get(Institution, museum.id), "en", parse_period("2026-11"))

    assert [group.group for group in scorecard.response_times.by_month] == ["2026-11"]
    assert scorecard.response_times.overall.inquiries == 1


def test_small_sample_warning_on_response_times(app):
    # The test CSV holds 5 inquiries, far below 30.
    scorecard = scorecard_with_csv(app, "en")
    with app.app_context(), app.test_request_context():
        html = render_html(scorecard)
        data = scorecard.to_dict()["response_times"]
        rows = {sheet.name: sheet.rows for sheet in scorecard_sheets(scorecard)}["Response times"]

    warning = "Small sample: with fewer than 30 inquiries the medians and 90th percentiles are unreliable"
    assert warning in html
    assert any(row and str(row[0]).startswith(warning) for row in rows)
    assert data["overall"]["small_sample"] is True
    assert data["by_channel"][0]["small_sample"] is True
