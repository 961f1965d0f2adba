"""The axe rule selection: parsing, defaults, storing it with the scan and showing it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cxaudit_axe.bundle import AXE_SCRIPT, bundled_rules, bundled_tags
from cxaudit_axe.selection import DEFAULT_TAGS, AxeSelection, InvalidAxeSelection, parse_rule_switches, parse_tags, resolve_selection

from accounts import sign_in
from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Scan
from cxaudit.scan.runner import create_scan

PAGES = Path(__file__).parent / "pages" / "scan"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def test_tags_from_text_and_list():
    assert parse_tags("wcag2a, wcag2aa best-practice") == ("wcag2a", "wcag2aa", "best-practice")
    assert parse_tags(["wcag22aa", "wcag22aa"]) == ("wcag22aa",)


@pytest.mark.parametrize(("value", "message"), [("wcag2x", "Unknown axe-core tag: wcag2x."), (" , ", "No axe-core tag given.")])
def test_tags_rejected(value, message):
    with pytest.raises(InvalidAxeSelection) as error:
        parse_tags(value)

    assert message in str(error.value)


def test_rule_switches_from_text_list_and_mapping():
    assert parse_rule_switches("empty-heading=on,color-contrast=off") == {"empty-heading": True, "color-contrast": False}
    assert parse_rule_switches(["region=ON"]) == {"region": True}
    assert parse_rule_switches({"region": False}) == {"region": False}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("empty-heading", "Invalid axe-core rule switch: empty-heading. Write RULE=on or RULE=off"),
        ("empty-headings=on", "Unknown axe-core rule: empty-headings."),
        ("empty-heading=maybe", "Invalid switch for axe-core rule empty-heading: maybe. Use on or off."),
    ],
)
def test_rule_switches_rejected(value, message):
    with pytest.raises(InvalidAxeSelection) as error:
        parse_rule_switches(value)

    assert message in str(error.value)


def test_selection_prefers_scan_then_config():
    config = {"AXE_TAGS": "wcag2a", "AXE_RULES": "region=on"}

    assert resolve_selection({}, {}) == AxeSelection(tags=DEFAULT_TAGS, rules={})
    assert resolve_selection({}, {"AXE_TAGS": "", "AXE_RULES": ""}) == AxeSelection(tags=DEFAULT_TAGS, rules={})
    assert resolve_selection({}, config) == AxeSelection(tags=("wcag2a",), rules={"region": True})
    assert resolve_selection({"axe_tags": ["wcag2aa"]}, config) == AxeSelection(tags=("wcag2aa",), rules={"region": True})
    assert resolve_selection({"axe_rules": {}}, config) == AxeSelection(tags=("wcag2a",), rules={})


def test_scan_empty_tags_rejected():
    with pytest.raises(InvalidAxeSelection) as error:
        resolve_selection({"axe_tags": ""}, {"AXE_TAGS": "wcag2a"})

    assert "No axe-core tag given." in str(error.value)


def test_run_options_keep_frame_tested():
    options = AxeSelection(tags=("wcag2a",), rules={"color-contrast": False}).run_options()

    assert options["runOnly"] == {"type": "tag", "values": ["wcag2a"]}
    assert options["rules"] == {"color-contrast": {"enabled": False}, "frame-tested": {"enabled": True}}


@pytest.mark.browser
def test_bundled_rules_match_axe(browser, serve_directory):
    browser.get(f"{serve_directory(PAGES)}/clean.html")
    browser.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))

    rules = browser.execute_script("return axe.getRules().map(rule => [rule.ruleId, rule.tags])")

    assert bundled_rules() == {rule_id: tuple(tags) for rule_id, tags in rules}
    assert {"wcag2a", "wcag21aa", "best-practice"} <= bundled_tags()


def test_create_scan_stores_selection(any_db_app):
    with any_db_app.app_context():
        scan = create_scan("http://127.0.0.1:9/", settings={"axe_rules": ["empty-heading=on"]})

        stored = db.session.get(Scan, scan.id).settings

    assert stored["axe_tags"] == list(DEFAULT_TAGS)
    assert stored["axe_rules"] == {"empty-heading": True}


def test_create_scan_uses_configured_tags(make_app):
    app = make_app(AXE_TAGS="wcag2a,wcag21a", AXE_RULES="color-contrast=off")
    with app.app_context():
        scan = create_scan("http://127.0.0.1:9/")

    assert scan.settings["axe_tags"] == ["wcag2a", "wcag21a"]
    assert scan.settings["axe_rules"] == {"color-contrast": False}


def test_scan_command_rejects_unknown_tag(runner, app):
    result = runner.invoke(cli, ["scan", "http://127.0.0.1:9/", "--axe-tags", "wcag2a,wcag-2aa"])

    assert result.exit_code == 2
    assert "Unknown axe-core tag: wcag-2aa." in result.output
    with app.app_context():
        assert db.session.query(Scan).count() == 0


def test_scan_command_rejects_unknown_rule(runner):
    result = runner.invoke(cli, ["scan", "http://127.0.0.1:9/", "--axe-rule", "emptyheading=on"])

    assert result.exit_code == 2
    assert "Unknown axe-core rule: emptyheading." in result.output


@pytest.mark.browser
def test_scan_command_applies_selection(make_app, browser_config, serve_directory, tmp_path):
    runner = make_app(**browser_config).test_cli_runner()
    base_url = serve_directory(PAGES)
    output = tmp_path / "scan.json"

    result = runner.invoke(
        cli,
        ["scan", f"{base_url}/index.html", "--max-pages", "1", "--json", str(output),
         "--axe-tags", "wcag2aa", "--axe-rule", "image-alt=on", "--axe-rule", "region=on"],
    )

    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["scan"]["settings"]["axe_tags"] == ["wcag2aa"]
    assert data["scan"]["settings"]["axe_rules"] == {"image-alt": True, "region": True}
    rules = {finding["rule"] for finding in data["pages"][0]["findings"]}
    # image-alt is level A, so only its switch runs it; html-has-lang stays out.
    assert "image-alt" in rules
    assert "html-has-lang" not in rules


def test_scan_page_shows_selection(app):
    with app.app_context():
        scan = create_scan("http://127.0.0.1:9/", settings={"axe_tags": "wcag2a", "axe_rules": "region=on,color-contrast=off"})
        scan_id = scan.id
    client = app.test_client()
    sign_in(app, client)

    page = client.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)

    assert "axe-core tags</dt><dd><code>wcag2a</code></dd>" in page
    assert "axe-core rules added by id</dt><dd><code>region</code></dd>" in page
    assert "axe-core rules left out by id</dt><dd><code>color-contrast</code></dd>" in page


def test_scan_form_shows_configured_tag_error(make_app):
    app = make_app(AXE_TAGS="wcag2a,wcag9")
    client = app.test_client()
    sign_in(app, client)
    token = CSRF_FIELD.search(client.get("/scans?lang=en").get_data(as_text=True)).group(1)

    response = client.post("/scans?lang=en", data={"csrf_token": token, "url": "http://127.0.0.1:9/", "max_pages": "5"})

    assert response.status_code == 200
    assert "Unknown axe-core tag: wcag9." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Scan).count() == 0
