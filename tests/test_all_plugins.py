"""Every installed plugin together, as `make run` loads them, on one small site."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

from cxaudit.extensions import db
from cxaudit.models import Institution, Scan, ScanStatus, Site
from cxaudit.plugins import ENTRY_POINT_GROUP
from cxaudit.scan.runner import create_scan, run_stored_scan
from cxaudit.scorecard.data import build_scorecard

pytestmark = pytest.mark.browser

PAGES = Path(__file__).parent / "pages" / "scan"


def installed_plugins() -> list[str]:
    return sorted(entry_point.name for entry_point in entry_points(group=ENTRY_POINT_GROUP))


def test_all_plugins_scan_without_errors(make_app, browser_config, serve_directory):
    app = make_app(ENABLED_PLUGINS=None, **browser_config)
    site_url = serve_directory(PAGES)

    with app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum", default_language="pl")
        db.session.add(Site(institution=institution, base_url=f"{site_url}/"))
        db.session.commit()
        scan_id = create_scan(f"{site_url}/index.html", max_pages=4).id
        run_stored_scan(scan_id)

        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED
        assert sorted(scan.settings["plugins"]) == installed_plugins()
        assert [page.audit_errors for page in scan.pages] == [[] for _ in scan.pages]

        scorecard = build_scorecard(institution, "pl").to_dict()
        assert scorecard["errored_plugins"] == []
        section_plugins = {section["plugin"] for section in scorecard["sections"]}
        assert {"forms", "declaration"} <= section_plugins


def test_core_plugins_are_installed():
    assert {"axe", "forms", "declaration"} <= set(installed_plugins())
