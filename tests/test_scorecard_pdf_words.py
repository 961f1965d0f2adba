"""The scorecard PDF keeps words whole in plugin tables; only addresses may break anywhere.

The words come from a trial, where a Polish PDF split "Deklaracja" and
"przegląd" across lines.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from cxaudit.extensions import db
from cxaudit.models import Institution, Outcome, Site
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.render import render_pdf
from scan_rows import add_scan, violation

SCHOOL = "http://127.0.0.1:9/szkola-podstawowa-nr-12-im-marii-konopnickiej/"
DECLARATION_URL = f"{SCHOOL}strona-glowna/informacje/deklaracja-dostepnosci-cyfrowej-szkoly.html"
WHOLE_WORDS = ("Deklaracja", "Sporządzenie", "przegląd", "deklaracji", "Publikacja", "Brakujące", "zaległy)")


def declaration_finding(rule: str, targets: list[str], **fields):
    return violation(rule, targets, plugin="declaration", help_url=DECLARATION_URL, **fields)


@pytest.fixture
def school(make_app):
    app = make_app(ENABLED_PLUGINS=["axe", "declaration"])
    with app.app_context():
        institution = Institution(slug="szkola", name="Szkoła Podstawowa nr 12", default_language="pl")
        db.session.add(Site(institution=institution, base_url=SCHOOL))
        db.session.commit()
        status = declaration_finding(
            "declaration-status-partial",
            ["#a11y-status"],
            outcome=Outcome.NEEDS_REVIEW,
            data={"dates": {"a11y-data-publikacja": "2019-09-01", "a11y-data-sporzadzenie": "2023-03-30"}},
        )
        findings = [
            status,
            declaration_finding("declaration-review-overdue", ["#a11y-data-sporzadzenie"]),
            declaration_finding("declaration-element-missing", ["#a11y-kontakt", "#a11y-telefon", "#a11y-email"]),
        ]
        add_scan(institution.sites[0], {SCHOOL: findings})
        institution_id = institution.id
    return app, institution_id


def pdf_text(app, institution_id: int) -> str:
    with app.test_request_context():
        scorecard = build_scorecard(db.session.get(Institution, institution_id), "pl")
        pdf = render_pdf(scorecard)
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_plugin_table_words_stay_whole(school):
    text = pdf_text(*school)
    words = set(re.findall(r"\S+", text))

    for word in WHOLE_WORDS:
        assert word in words, f"{word!r} is split or missing in the PDF text"


def test_address_appears_in_full(school):
    text = pdf_text(*school)

    # An address may wrap, but no character of it may be lost. pdftotext drops
    # a hyphen that ends a line, so hyphens are left out of the comparison.
    assert DECLARATION_URL.replace("-", "") in re.sub(r"[\s-]+", "", text)
