"""The admin pages for scans: launch through the form, follow progress, read results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from accounts import sign_in
from cxaudit.extensions import db
from cxaudit.models import Institution, PageResult, PageStatus, Scan, ScanStatus, Site
from scan_rows import add_scan, add_site, violation

PAGES = Path(__file__).parent / "pages" / "scan"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client) -> str:
    page = client.get("/scans?lang=en").get_data(as_text=True)
    match = CSRF_FIELD.search(page)
    assert match, "the scan form has no CSRF token"
    return match.group(1)


@pytest.fixture
def immediate_app(make_app, browser_config):
    return make_app(HUEY_IMMEDIATE=True, **browser_config)


@pytest.fixture
def signed_in(immediate_app):
    client = immediate_app.test_client()
    sign_in(immediate_app, client)
    return client


def test_scans_page_needs_login(client):
    response = client.get("/scans")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_scans_page_shows_form(signed_in):
    page = signed_in.get("/scans?lang=en").get_data(as_text=True)

    assert '<label for="url">Address to scan</label>' in page
    assert 'name="max_pages"' in page
    assert 'value="50"' in page
    assert "No scans yet." in page


@pytest.mark.parametrize(
    ("url", "max_pages", "message"),
    [
        ("ftp://files.example/", "5", "Invalid URL to scan: ftp://files.example/."),
        ("", "5", "Enter the address of the page to start from."),
        ("http://127.0.0.1:9/", "0", "Enter a number from 1 to 1000."),
    ],
)
def test_scan_form_rejects_bad_input(immediate_app, signed_in, url, max_pages, message):
    token = csrf_token(signed_in)

    response = signed_in.post("/scans?lang=en", data={"csrf_token": token, "url": url, "max_pages": max_pages})

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with immediate_app.app_context():
        assert db.session.query(Scan).count() == 0


@pytest.mark.browser
def test_scan_launched_from_form_shows_results(immediate_app, signed_in, serve_directory):
    base_url = serve_directory(PAGES)
    with immediate_app.app_context():
        institution = Institution(slug="muzeum-testowe", name="Muzeum Testowe")
        db.session.add(Site(institution=institution, base_url=f"{base_url}/"))
        db.session.commit()

    response = signed_in.post(
        "/scans?lang=en",
        data={"csrf_token": csrf_token(signed_in), "url": f"{base_url}/index.html", "max_pages": "10"},
    )

    assert response.status_code == 302
    with immediate_app.app_context():
        scan = db.session.query(Scan).one()
        assert scan.status == ScanStatus.FINISHED
        assert scan.site.institution.slug == "muzeum-testowe"
        scan_id = scan.id
    assert response.headers["Location"].endswith(f"/scans/{scan_id}")

    page = signed_in.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page
    # missing.html answers 404: an error page, not an audited one.
    assert "4 pages audited" in page
    assert "1 error page (HTTP 400 or above)" in page
    assert "0 pages failed" in page
    assert "Muzeum Testowe" in page
    ranking = page[page.index("Rules violated on most pages") : page.index("To review by a person")]
    assert ranking.index("<code>image-alt</code>") < ranking.index("<code>html-has-lang</code>")
    assert "<code>link-name</code>" in ranking
    assert "Give every image a text alternative, or an empty alt when it only decorates" in ranking

    listing = signed_in.get("/scans?lang=en").get_data(as_text=True)
    assert f"{base_url}/index.html</a>" in listing
    assert "Finished" in listing


@pytest.mark.browser
def test_scan_json_download(immediate_app, signed_in, serve_directory):
    base_url = serve_directory(PAGES)
    signed_in.post(
        "/scans?lang=en",
        data={"csrf_token": csrf_token(signed_in), "url": f"{base_url}/visit.html", "max_pages": "1"},
    )
    with immediate_app.app_context():
        scan_id = db.session.query(Scan).one().id

    response = signed_in.get(f"/scans/{scan_id}.json")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="cxaudit-scan-{scan_id}.json"'
    data = json.loads(response.get_data(as_text=True))
    assert data["scan"]["id"] == scan_id
    assert [finding["rule"] for finding in data["pages"][0]["findings"]] == ["link-name"]


def test_running_scan_page_offers_progress(app, client):
    sign_in(app, client)
    with app.app_context():
        scan = Scan(url="http://127.0.0.1:9/", status=ScanStatus.RUNNING, settings={}, pages_done=2, pages_queued=3)
        db.session.add(scan)
        db.session.commit()
        scan_id = scan.id

    page = client.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)
    progress = client.get(f"/scans/{scan_id}/progress").get_json()

    assert 'http-equiv="refresh"' not in page
    assert f'<p id="scan-refresh"><a href="/scans/{scan_id}">Refresh</a></p>' in page
    assert f'data-progress-url="/scans/{scan_id}/progress"' in page
    assert "scan-progress.js" in page
    assert "Running: 2 pages done,\n3 pages waiting" in page
    assert progress == {
        "id": scan_id,
        "status": "running",
        "running": True,
        "pages_done": 2,
        "pages_queued": 3,
        "error": None,
        "text": "Running: 2 pages done,\n3 pages waiting",
    }


def test_progress_text_follows_language(app, client):
    sign_in(app, client)
    with app.app_context():
        scan = Scan(url="http://127.0.0.1:9/", status=ScanStatus.CANCELLED, settings={}, pages_done=1)
        db.session.add(scan)
        db.session.commit()
        scan_id = scan.id

    client.get("/scans?lang=pl")
    progress = client.get(f"/scans/{scan_id}/progress").get_json()

    assert progress["running"] is False
    assert progress["text"] == "Anulowano"


def test_failed_scan_shows_error(app, client):
    sign_in(app, client)
    with app.app_context():
        scan = Scan(url="http://127.0.0.1:9/", status=ScanStatus.FAILED, settings={}, error="Chromium could not start: x.")
        db.session.add(scan)
        db.session.commit()
        scan_id = scan.id

    page = client.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)

    assert "Chromium could not start: x." in page
    assert 'http-equiv="refresh"' not in page


def test_unknown_scan_is_404(app, client):
    sign_in(app, client)

    assert client.get("/scans/999?lang=en").status_code == 404
    assert client.get("/scans/999.json").status_code == 404


def test_failed_scan_describes_its_error_page(app, client):
    sign_in(app, client)
    with app.app_context():
        scan = Scan(url="http://127.0.0.1:9/startt.html", status=ScanStatus.FAILED, settings={}, pages_done=1, error="x")
        scan.pages.append(
            PageResult(url=scan.url, status=PageStatus.HTTP_ERROR, error="HTTP 404: the server answered with an error page.")
        )
        db.session.add(scan)
        db.session.commit()
        scan_id = scan.id

    page = client.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)
    listing = client.get("/scans?lang=en").get_data(as_text=True)

    assert "0 pages audited,\n   1 error page (HTTP 400 or above)," in page
    assert "<td>Broken link</td>" in page
    assert "HTTP 404: the server answered with an error page." in page
    assert "Pages visited" in listing


def test_pages_table_lists_each_rule_once(app, client):
    sign_in(app, client)
    with app.app_context():
        site = add_site("http://127.0.0.1:9/", slug="szkola")
        two_forms = [
            violation("forms-field-no-name", ["form#newsletter input"], plugin="forms"),
            violation("forms-field-no-name", ["form#search input"], plugin="forms"),
            violation("image-alt", ["#logo"], "critical"),
        ]
        scan_id = add_scan(site, {"http://127.0.0.1:9/kontakt": two_forms}).id

    page = client.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)
    pages_table = page[page.index("<h2>Pages</h2>"):]

    assert pages_table.count("<code>forms-field-no-name</code>") == 1
    assert "<code>forms-field-no-name</code> ×2" in pages_table
    assert "<code>image-alt</code> ×" not in pages_table
