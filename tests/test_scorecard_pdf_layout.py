"""The scorecard PDF: the summary fills page 1, and long tables print a bounded number of rows.

The institution has what a large one shows on its first page: ten fixes
with long instructions, an NPS with its interval, a small CSAT sample and a
scan that ran with other settings than the one before it.
"""

from __future__ import annotations

import re
import subprocess
import zlib
from datetime import UTC, datetime, timedelta

import pytest

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Site, Survey, SurveyKind
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.render import PDF_TABLE_ROWS, render_html, render_pdf
from scan_rows import add_scan, review, violation

SITE = "http://127.0.0.1:9/muzeum/"
# The axe-core rules with cxaudit's own instructions, most pages first, so the
# fixes rank them in this order within each impact.
RULES = [
    ("image-alt", "critical"), ("label", "critical"), ("button-name", "critical"), ("color-contrast", "serious"),
    ("link-name", "serious"), ("html-has-lang", "serious"), ("frame-title", "serious"), ("meta-viewport", "serious"),
    ("region", "moderate"), ("heading-order", "moderate"), ("landmark-one-main", "moderate"), ("list", "minor"),
]
REVIEW_RULES = PDF_TABLE_ROWS + 5
PAGES = 12


def _answers(survey: Survey, scores: list[int]) -> None:
    received = datetime.now(UTC) - timedelta(days=3)
    db.session.add_all(Response(survey_id=survey.id, score=score, language="pl", received_at=received) for score in scores)


def _latest_scan_pages() -> dict:
    pages = {}
    for number in range(PAGES):
        # Rule n fails on the first PAGES - n pages, so every rule has its own page count.
        findings = [violation(rule, ["#main img"], impact) for index, (rule, impact) in enumerate(RULES) if number < PAGES - index]
        findings += [review(f"review-rule-{index:02d}", ["#main"]) for index in range(REVIEW_RULES) if number <= index]
        pages[f"{SITE}strona-{number:02d}"] = findings
    return pages


@pytest.fixture
def museum(make_app):
    app = make_app(ENABLED_PLUGINS=["axe"])
    with app.app_context():
        institution = Institution(slug="muzeum-narodowe", name="Muzeum Narodowe w Krakowie", default_language="pl")
        site = Site(institution=institution, base_url=SITE)
        db.session.add(site)
        db.session.flush()
        nps = Survey(institution_id=institution.id, kind=SurveyKind.NPS)
        csat = Survey(institution_id=institution.id, kind=SurveyKind.CSAT)
        db.session.add_all([nps, csat])
        db.session.flush()
        _answers(nps, [10] * 50 + [8] * 40 + [3] * 30)
        _answers(csat, [5, 4, 4, 2, 1])
        db.session.commit()

        previous = add_scan(site, {f"{SITE}strona-00": [violation("image-alt", ["img"], "critical")]})
        latest = add_scan(site, _latest_scan_pages())
        latest.settings = {**previous.settings, "max_pages": 200}
        db.session.commit()
        institution_id = institution.id
    return app, institution_id


def _scorecard(app, institution_id: int, language: str):
    return build_scorecard(db.session.get(Institution, institution_id), language)


def _pdf_text(pdf: bytes, page: int | None = None) -> str:
    """Return the text of one page, or of the whole PDF without ``page``."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    completed = subprocess.run(
        ["/usr/bin/pdftotext", "-enc", "UTF-8", *pages, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return completed.stdout.decode("utf-8")


SUMMARY_TEXTS = {
    "pl": {
        "overall": "Ocena ogólna",
        "dimensions": "Wymiary",
        "interval": "Przedział ufności 95%",
        "small_sample": "Mała próba",
        "scan_changes": "nieporównywalne",
        "fixes": "Co poprawić najpierw: 10 najważniejszych poprawek",
        "annex": "Załącznik: szczegółowe wyniki",
    },
    "en": {
        "overall": "Overall score",
        "dimensions": "Dimensions",
        "interval": "95% interval",
        "small_sample": "Small sample",
        "scan_changes": "not comparable",
        "fixes": "What to fix first: the 10 fixes that matter most",
        "annex": "Annex: detailed figures",
    },
}


@pytest.mark.parametrize("language", ["pl", "en"])
def test_summary_fills_page_one(museum, language):
    app, institution_id = museum
    with app.test_request_context():
        scorecard = _scorecard(app, institution_id, language)
        pdf = render_pdf(scorecard)
    # Lines may wrap anywhere between words, so whitespace is compared as one space.
    first, second = (re.sub(r"\s+", " ", _pdf_text(pdf, page)) for page in (1, 2))
    texts = SUMMARY_TEXTS[language]

    assert len(scorecard.fixes) == 10
    for key in ("overall", "dimensions", "interval", "small_sample", "scan_changes", "fixes"):
        assert texts[key] in first, f"{key} is not on page 1"
    assert "NPS" in first
    for fix in scorecard.fixes:
        assert re.search(rf"\b{re.escape(fix.rule)}\b", first), f"fix {fix.rule} is not on page 1"
    assert texts["annex"] not in first
    assert texts["annex"] in second


@pytest.mark.parametrize("language", ["pl", "en"])
def test_pdf_is_tagged_in_its_language(museum, language):
    app, institution_id = museum
    with app.test_request_context():
        pdf = render_pdf(_scorecard(app, institution_id, language))

    info = subprocess.run(["/usr/bin/pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    structure = subprocess.run(
        ["/usr/bin/pdfinfo", "-struct", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert _catalog_language(pdf) == language
    # Screen readers announce headings and read table cells with their headers.
    tags = set(re.findall(r"^\s*(\w+)", structure, re.MULTILINE))
    assert {"H1", "H2", "Table", "TH", "TD"} <= tags


def _catalog_language(pdf: bytes) -> str | None:
    """Return the /Lang of the PDF's catalog, which may sit in a compressed object stream."""
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            data = zlib.decompress(pdf[match.end():end])
        except zlib.error:
            data = pdf[match.end():end]
        found = re.search(rb"/Type /Catalog.*?/Lang \((\w+)\)", data, re.DOTALL)
        if found:
            return found.group(1).decode()
    return None


def test_pdf_prints_bounded_table_with_note(museum):
    app, institution_id = museum
    with app.test_request_context():
        scorecard = _scorecard(app, institution_id, "en")
        html = render_html(scorecard, for_pdf=True)
        pdf_text = _pdf_text(render_pdf(scorecard))
    review_rules = sorted(set(re.findall(r"review-rule-\d\d", html)))

    assert len(scorecard.accessibility.needs_review) == REVIEW_RULES
    assert len(review_rules) == PDF_TABLE_ROWS
    # The checks to review are ranked by pages, so the PDF keeps those on the most pages.
    assert review_rules == [f"review-rule-{index:02d}" for index in range(REVIEW_RULES - PDF_TABLE_ROWS, REVIEW_RULES)]
    assert "5 more rows are left out of the PDF; the CSV, XLSX, ODS and JSON downloads list every row." in html
    assert "5 more rows are left out of the PDF" in re.sub(r"\s+", " ", pdf_text)


def test_html_keeps_every_row(museum):
    app, institution_id = museum
    with app.test_request_context():
        html = render_html(_scorecard(app, institution_id, "en"))

    assert len(set(re.findall(r"review-rule-\d\d", html))) == REVIEW_RULES
    assert "left out of the PDF" not in html
    assert '<caption>By page group (first part of the page address)</caption>' in html


def test_pdf_names_left_out_tables_in_polish(museum):
    app, institution_id = museum
    with app.test_request_context():
        html = render_html(_scorecard(app, institution_id, "pl"), for_pdf=True)

    assert "Według grupy stron" not in html
    assert "Pominięto w PDF jeszcze 5 wierszy" in html


# A4 is 595.28 points wide and the page's right margin is 13 mm (36.85 points).
TEXT_RIGHT_EDGE = 595.28 - 36.85


def _word_right_edges(pdf: bytes) -> list[tuple[str, float]]:
    """Return every word of the PDF with the x coordinate of its right edge, as pdftotext places it."""
    completed = subprocess.run(
        ["/usr/bin/pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', completed.stdout.decode("utf-8"))
    return [(text, float(right)) for right, text in words]


def test_declaration_table_fits_the_page(make_app):
    app = make_app(ENABLED_PLUGINS=["axe", "declaration"])
    with app.app_context():
        institution = Institution(slug="teatr", name="Teatr Miejski", default_language="pl")
        site = Site(institution=institution, base_url=SITE)
        db.session.add(site)
        db.session.commit()
        not_found = violation("declaration-not-found", ["html"], "critical", plugin="declaration", wcag=[])
        scan = add_scan(site, {SITE: [not_found]})
        scan.settings = {**scan.settings, "plugins": ["axe", "declaration"]}
        db.session.commit()

        scorecard = build_scorecard(db.session.get(Institution, institution.id), "pl")
        words = _word_right_edges(render_pdf(scorecard))

    # The caption of the declaration's table of eight columns.
    assert "każdej witryny" in " ".join(text for text, _right in words)
    outside = [(text, right) for text, right in words if right > TEXT_RIGHT_EDGE + 1]
    assert outside == []
