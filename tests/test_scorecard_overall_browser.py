"""The overall score and the fixes from a real scan of pages in headless Chromium, down to the XLSX download."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Finding, Outcome, PageResult, PageStatus

PAGES = Path(__file__).parent / "pages" / "scorecard"
WEIGHTS = {"critical": 10, "serious": 7, "moderate": 3, "minor": 1}

pytestmark = pytest.mark.browser


def _expected_score(app) -> float:
    """Recompute the accessibility score in Python from the stored findings."""
    with app.app_context():
        pages = db.session.scalars(select(PageResult).where(PageResult.status == PageStatus.AUDITED)).all()
        lost = 0
        for page in pages:
            violations = db.session.scalars(
                select(Finding).where(Finding.page_id == page.id, Finding.outcome == Outcome.VIOLATION, Finding.plugin == "axe")
            ).all()
            lost += min(100, sum(WEIGHTS.get(finding.impact, 3) for finding in violations))
        return 100 - lost / len(pages)


def test_scan_to_overall_score_and_fixes(make_app, browser_config, serve_directory, tmp_path):
    app = make_app(**browser_config)
    runner = app.test_cli_runner()
    base_url = serve_directory(PAGES)

    assert runner.invoke(cli, ["institution", "add", "miniatury", "--name", "Muzeum Miniatur"]).exit_code == 0
    assert runner.invoke(cli, ["site", "add", "miniatury", f"{base_url}/"]).exit_code == 0
    scanned = runner.invoke(cli, ["scan", f"{base_url}/index.html", "--max-pages", "2"])
    assert scanned.exit_code == 0, scanned.output

    output = tmp_path / "karta.xlsx"
    written = runner.invoke(cli, ["scorecard", "miniatury", "--format", "xlsx", "--lang", "pl", "-o", str(output)])
    assert written.exit_code == 0, written.output

    expected = _expected_score(app)
    assert expected < 100
    workbook = openpyxl.load_workbook(io.BytesIO(output.read_bytes()))
    overview = [[cell.value for cell in row] for row in workbook["Przegląd"].iter_rows()]
    # Accessibility is the only dimension with data, so the overall score equals it.
    assert ["Ocena ogólna", round(expected, 2)] == overview[3][:2]
    assert ["Formularze", "Brak danych"] == [row for row in overview if row[0] == "Formularze"][0][:2]
    fixes = [[cell.value for cell in row] for row in workbook["Poprawki"].iter_rows()]
    assert fixes[1][:3] == ["image-alt", "krytyczny", 1]
    assert fixes[1][5].startswith("Dodaj do każdego obrazka")
