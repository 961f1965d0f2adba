"""The admin inquiries page through the test client, with CSRF protection on."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from accounts import sign_in
from cxaudit.extensions import db
from cxaudit.inquiries.imports import import_csv
from cxaudit.inquiries.store import institution_for_token
from cxaudit.models import Inquiry, Institution
from inquiries_helpers import CSV_FILE, DATA_DIR, MBOX_FILE, add_museum

PAGE = "/institutions/muzeum/inquiries"
CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def admin_client(app, client):
    with app.app_context():
        add_museum()
    sign_in(app, client)
    return client


def csrf_token(client) -> str:
    match = CSRF_PATTERN.search(client.get(PAGE).get_data(as_text=True))
    assert match, "no CSRF token on the inquiries page"
    return match.group(1)


def upload(client, files, fmt="csv", token=None):
    data = {
        "csrf_token": token if token is not None else csrf_token(client),
        "format": fmt,
        "files": [(io.BytesIO(path.read_bytes()), path.name) for path in files],
    }
    return client.post(f"{PAGE}/import", data=data, content_type="multipart/form-data", follow_redirects=True)


def inquiry_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Inquiry))


def test_page_needs_sign_in(client, app):
    with app.app_context():
        add_museum()

    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_upload_csv(app, admin_client):
    response = upload(admin_client, [CSV_FILE])
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "5 inquiries added, 0 updated." in page
    assert "5 inquiries stored." in page
    assert inquiry_count(app) == 5


def test_upload_mbox_files_together(app, admin_client):
    response = upload(admin_client, [MBOX_FILE, MBOX_FILE], fmt="mbox")

    assert "3 inquiries added, 0 updated." in response.get_data(as_text=True)
    assert inquiry_count(app) == 3


def test_upload_invalid_csv_lists_errors(app, admin_client):
    response = upload(admin_client, [DATA_DIR / "invalid.csv"])
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "Nothing was imported." in page
    assert "Row 4, column received_at: “9.11.2026 09:00” is not a date and time." in page
    assert inquiry_count(app) == 0


def test_upload_without_csrf_rejected(app, admin_client):
    response = upload(admin_client, [CSV_FILE], token="")

    assert response.status_code == 400
    assert inquiry_count(app) == 0


def test_upload_over_limit_rejected(make_app, tmp_path):
    small_app = make_app(INQUIRY_UPLOAD_MAX_BYTES=1024 * 1024)
    client = small_app.test_client()
    with small_app.app_context():
        add_museum()
    sign_in(small_app, client)
    big = tmp_path / "big.csv"
    big.write_bytes(CSV_FILE.read_bytes() + b"#" * (1024 * 1024 + 1))

    response = upload(client, [big])

    assert response.status_code == 413
    assert "The upload is larger than 1 MiB." in response.get_data(as_text=True)
    assert inquiry_count(small_app) == 0


def test_save_addresses_and_reject_invalid(app, admin_client):
    token = csrf_token(admin_client)
    bad = admin_client.post(f"{PAGE}/addresses", data={"csrf_token": token, "addresses": "info(at)muzeum.pl"})
    good = admin_client.post(
        f"{PAGE}/addresses", data={"csrf_token": token, "addresses": "Info@Muzeum.pl\n@bilety.pl"}, follow_redirects=True
    )

    assert bad.status_code == 400
    assert "“info(at)muzeum.pl” is not a mail address." in bad.get_data(as_text=True)
    assert good.status_code == 200
    assert "info@muzeum.pl\n@bilety.pl" in good.get_data(as_text=True)


def test_new_token_shown_once(app, admin_client):
    response = admin_client.post(f"{PAGE}/token", data={"csrf_token": csrf_token(admin_client)})
    page = response.get_data(as_text=True)
    token = re.search(r'<code id="api-token">([^<]+)</code>', page).group(1)

    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert institution_for_token(token).slug == "muzeum"
    assert token not in admin_client.get(PAGE).get_data(as_text=True)


def test_institution_page_summary(app, admin_client):
    empty = admin_client.get("/institutions/muzeum").get_data(as_text=True)
    # The page covers the last 30 days, so the inquiry is three days old and answered two hours later.
    received = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    answered = received + timedelta(hours=2)
    with app.app_context():
        museum = db.session.scalar(select(Institution).filter_by(slug="muzeum"))
        rows = f"id,channel,received_at,first_response_at\nR-1,email,{received.isoformat()},{answered.isoformat()}\n"
        import_csv(museum, rows.encode())
    filled = admin_client.get("/institutions/muzeum?lang=en").get_data(as_text=True)

    assert "No data: no inquiries were received in this period." in empty
    assert 'href="/institutions/muzeum/inquiries"' in empty
    assert "First response in 2 h (median)" in filled
    assert "1 inquiry" in filled
