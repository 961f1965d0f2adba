"""Two real scans of a fixture site whose second version fixes one problem and adds another.

Version 1 has a logo without alt text (image-alt on index.html) and an
empty link (link-name on contact.html). Version 2 fixes the logo, keeps the
link and adds a search field without a label (label on exhibitions.html).
The site is scanned once per version, from the command line, and the tests
read the exports, the diff and the history from the command line and the UI.
"""

from __future__ import annotations

import csv
import functools
import http.server
import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from click.testing import Result

from accounts import sign_in
from cxaudit.app import create_app
from cxaudit.cli import cli
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Institution, Site
from scan_rows import add_scan, add_site, violation

PAGES = Path(__file__).parent / "pages" / "exports"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0-subset.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".html": "text/html; charset=utf-8"}

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@dataclass
class Museum:
    """The fixture site after both scans, with the command results and the files they wrote."""

    app: object
    base_url: str
    first: Result
    second: Result
    first_id: int
    second_id: int
    first_csv: Path
    first_sarif: Path
    second_json: Path


def _copy_version(version: str, site_dir: Path) -> None:
    for page in (PAGES / version).iterdir():
        shutil.copy(page, site_dir / page.name)


@pytest.fixture(scope="module")
def museum(tmp_path_factory, browser_config):
    root = tmp_path_factory.mktemp("history")
    site_dir = root / "site"
    site_dir.mkdir()
    _copy_version("v1", site_dir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_port}"

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{root / 'cxaudit.db'}",
            "HUEY_SQLITE_PATH": str(root / "jobs.db"),
            "DEFAULT_LANGUAGE": "en",
            "ENABLED_PLUGINS": ["axe"],
            **browser_config,
        }
    )
    with app.app_context():
        upgrade_database()
        db.session.add(Site(institution=Institution(slug="muzeum-map", name="Muzeum Map"), base_url=f"{base_url}/"))
        db.session.commit()

    runner = app.test_cli_runner()
    paths = {"first_csv": root / "first.csv", "first_sarif": root / "first.sarif", "second_json": root / "second.json"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CXAUDIT_LANGUAGE", "en")
        first = runner.invoke(
            cli,
            ["scan", f"{base_url}/index.html", "--csv", str(paths["first_csv"]), "--sarif", str(paths["first_sarif"]), "--fail-on", "critical"],
        )
        _copy_version("v2", site_dir)
        second = runner.invoke(cli, ["scan", f"{base_url}/index.html", "--json", str(paths["second_json"])])

    yield Museum(app, base_url, first, second, first_id=1, second_id=2, **paths)

    server.shutdown()
    server.server_close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def cli_runner(museum):
    return museum.app.test_cli_runner()


@pytest.fixture(scope="module")
def client(museum):
    client = museum.app.test_client()
    sign_in(museum.app, client)
    return client


def test_first_scan_fails_on_critical(museum):
    assert museum.first.exit_code == 3, museum.first.output
    assert "1 violation of impact critical or worse found (--fail-on critical)." in museum.first.stderr
    assert "3 pages audited" in museum.first.stdout


def test_second_scan_without_fail_on_passes(museum):
    assert museum.second.exit_code == 0, museum.second.output
    assert "critical or worse" not in museum.second.output


def test_scan_writes_csv_file(museum):
    with museum.first_csv.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))

    assert [(row["page_url"], row["rule"], row["targets"], row["impact"]) for row in rows] == [
        (f"{museum.base_url}/index.html", "image-alt", "#logo", "critical"),
        (f"{museum.base_url}/contact.html", "link-name", "#map-link", "serious"),
    ]
    assert rows[0]["wcag"] == "1.1.1"
    assert "/rules/axe/4.10/image-alt" in rows[0]["help_url"]


def test_scan_writes_sarif_file(museum):
    sarif = json.loads(museum.first_sarif.read_text(encoding="utf-8"))

    jsonschema.validate(sarif, SARIF_SCHEMA)
    run = sarif["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["axe/image-alt", "axe/link-name"]
    assert [(result["ruleId"], result["level"]) for result in run["results"]] == [
        ("axe/image-alt", "error"),
        ("axe/link-name", "error"),
    ]
    location = run["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == f"{museum.base_url}/index.html"
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "#logo"


def test_export_command_repeats_files(museum, cli_runner):
    csv_export = cli_runner.invoke(cli, ["scan", "export", "1", "--format", "csv"])
    sarif_export = cli_runner.invoke(cli, ["scan", "export", "1", "--format", "sarif"])
    json_export = cli_runner.invoke(cli, ["scan", "export", "2"])

    assert csv_export.exit_code == 0, csv_export.output
    assert csv_export.stdout_bytes == museum.first_csv.read_bytes()
    assert json.loads(sarif_export.stdout) == json.loads(museum.first_sarif.read_text(encoding="utf-8"))
    assert json.loads(json_export.stdout) == json.loads(museum.second_json.read_text(encoding="utf-8"))


def test_export_command_writes_file(cli_runner, tmp_path):
    output = tmp_path / "scan.sarif"

    result = cli_runner.invoke(cli, ["scan", "export", "2", "--format", "sarif", "-o", str(output)])

    assert result.exit_code == 0, result.output
    assert json.loads(output.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_export_command_unknown_scan(cli_runner):
    result = cli_runner.invoke(cli, ["scan", "export", "99"])

    assert result.exit_code == 2
    assert result.stderr.strip() == "Scan 99 not found. `cxaudit scan list` shows the stored scans and their numbers."


def test_diff_command_text(museum, cli_runner):
    base = museum.base_url

    result = cli_runner.invoke(cli, ["scan", "diff", "1", "2"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Scan 2 of {base}/index.html compared with scan 1 of {base}/index.html:",
        "",
        "1 new violation:",
        f"  label (axe, critical): {base}/exhibitions.html #search",
        "",
        "1 fixed violation:",
        f"  image-alt (axe, critical): {base}/index.html #logo",
        "",
        "1 remaining violation:",
        f"  link-name (axe, serious): {base}/contact.html #map-link",
    ]


def test_diff_command_json(museum, cli_runner):
    result = cli_runner.invoke(cli, ["scan", "diff", "1", "2", "--json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["base_scan"] == 1
    assert data["compared_scan"] == 2
    assert [(item["rule"], item["page_key"], item["target"]) for item in data["new"]] == [("label", "/exhibitions.html", "#search")]
    assert [item["rule"] for item in data["fixed"]] == ["image-alt"]
    assert [item["rule"] for item in data["remaining"]] == ["link-name"]
    assert data["new"][0]["page_url"] == f"{museum.base_url}/exhibitions.html"


def test_diff_command_reversed(cli_runner):
    result = cli_runner.invoke(cli, ["scan", "diff", "2", "1", "--json"])

    data = json.loads(result.stdout)
    assert [item["rule"] for item in data["new"]] == ["image-alt"]
    assert [item["rule"] for item in data["fixed"]] == ["label"]


@pytest.fixture(scope="module")
def theatre_scan_id(museum):
    with museum.app.app_context():
        site = add_site("https://teatr.example/", "teatr")
        return add_scan(site, {"https://teatr.example/contact.html": [violation("link-name", ["#map-link"])]}).id


def test_diff_command_rejects_other_site(museum, cli_runner, theatre_scan_id):
    result = cli_runner.invoke(cli, ["scan", "diff", "1", str(theatre_scan_id)])

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Scans 1 and {theatre_scan_id} belong to different sites ({museum.base_url}/ and https://teatr.example/). "
        "Compare two scans of the same site, or force the comparison to match pages by their path.",
        "Add --force to compare them anyway.",
    ]


def test_diff_command_forced(cli_runner, theatre_scan_id):
    result = cli_runner.invoke(cli, ["scan", "diff", "1", str(theatre_scan_id), "--force", "--json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [item["rule"] for item in data["remaining"]] == ["link-name"]
    assert [item["rule"] for item in data["fixed"]] == ["image-alt"]


def test_diff_command_unknown_scan(cli_runner):
    result = cli_runner.invoke(cli, ["scan", "diff", "1", "99"])

    assert result.exit_code == 2
    assert "Scan 99 not found." in result.stderr


def test_list_command_filters_by_site(museum, cli_runner, theatre_scan_id):
    result = cli_runner.invoke(cli, ["scan", "list", "--site", f"{museum.base_url}/contact.html"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["2", "1"]
    assert lines[0].split("\t")[1] == "Finished"
    assert lines[0].split("\t")[3] == "3 pages"


def test_list_command_unknown_site(cli_runner):
    result = cli_runner.invoke(cli, ["scan", "list", "--site", "https://nieznane.example/"])

    assert result.exit_code == 2
    assert "No registered site matches https://nieznane.example/." in result.stderr


def test_scan_page_offers_downloads(client):
    page = client.get("/scans/2?lang=en").get_data(as_text=True)

    assert 'href="/scans/2.json"' in page
    assert 'href="/scans/2.csv"' in page
    assert 'href="/scans/2.sarif"' in page
    assert "Download the results (SARIF)" in page
    assert 'href="/scans/diff?base=1&amp;compared=2"' in page
    assert 'href="/sites/1"' in page


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [("csv", "text/csv; charset=utf-8"), ("sarif", "application/sarif+json"), ("json", "application/json")],
)
def test_download_matches_cli_export(museum, client, cli_runner, fmt, media_type):
    response = client.get(f"/scans/1.{fmt}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="cxaudit-scan-1.{fmt}"'
    exported = cli_runner.invoke(cli, ["scan", "export", "1", "--format", fmt]).stdout_bytes
    assert response.get_data() == exported


def test_download_unknown_format(client):
    assert client.get("/scans/1.xml").status_code == 404


def test_institution_page_links_history(client):
    page = client.get("/institutions/muzeum-map?lang=en").get_data(as_text=True)

    assert 'href="/sites/1"' in page


def test_site_page_lists_scans_and_trend(museum, client):
    page = client.get("/sites/1?lang=en").get_data(as_text=True)

    assert f"Scans of {museum.base_url}/" in page
    assert page.index('href="/scans/2">Scan 2</a>') < page.index('href="/scans/1">Scan 1</a>')
    assert '<form method="get" action="/scans/diff"' in page
    assert '<option selected value="1">' in page or '<option value="1" selected>' in page
    trend = page[page.index('id="trend-heading"'):]
    assert "Pages where each rule was violated, in the last 2 finished scans" in trend
    rows = trend.split("<tr>")[2:]
    assert "<code>image-alt</code>" in rows[-1]
    assert "<td>1</td><td>0</td>" in rows[-1]
    label = next(row for row in rows if "<code>label</code>" in row)
    assert "<td>0</td><td>1</td>" in label
    link_name = next(row for row in rows if "<code>link-name</code>" in row)
    assert "<td>1</td><td>1</td>" in link_name


def test_site_page_unknown_site(client):
    assert client.get("/sites/99").status_code == 404


def test_diff_page_shows_changes(client):
    response = client.get("/scans/diff?base=1&compared=2&lang=en")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 new violation" in page
    assert "1 fixed violation" in page
    assert "1 remaining violation" in page
    new = page[page.index('id="new-heading"'):page.index('id="fixed-heading"')]
    fixed = page[page.index('id="fixed-heading"'):page.index('id="remaining-heading"')]
    remaining = page[page.index('id="remaining-heading"'):page.index('id="diff-form-heading"')]
    assert "<code>label</code>" in new
    assert "<code>#search</code>" in new
    assert "<code>image-alt</code>" in fixed
    assert "<code>#logo</code>" in fixed
    assert "<code>link-name</code>" in remaining
    assert "<code>#map-link</code>" in remaining


def test_diff_page_in_polish(client):
    page = client.get("/scans/diff?base=1&compared=2&lang=pl").get_data(as_text=True)

    assert "1 nowe naruszenie" in page
    assert "Porównanie skanów" in page


def test_diff_page_rejects_other_site(client, theatre_scan_id):
    response = client.get(f"/scans/diff?base=1&compared={theatre_scan_id}&lang=en")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "belong to different sites" in page
    assert f'href="/scans/diff?base=1&amp;compared={theatre_scan_id}&amp;force=y"' in page


def test_diff_page_forced(client, theatre_scan_id):
    response = client.get(f"/scans/diff?base=1&compared={theatre_scan_id}&force=y&lang=en")

    assert response.status_code == 200
    assert "1 remaining violation" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["base=1", "base=x&compared=2", "base=0&compared=2"])
def test_diff_page_rejects_bad_query(client, query):
    response = client.get(f"/scans/diff?{query}&lang=en")

    assert response.status_code == 400
    assert "Please correct the form" in response.get_data(as_text=True)


def test_diff_page_unknown_scan(client):
    assert client.get("/scans/diff?base=1&compared=99").status_code == 404


def test_history_pages_need_login(museum):
    anonymous = museum.app.test_client()

    for url in ("/sites/1", "/scans/diff?base=1&compared=2", "/scans/1.csv"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
