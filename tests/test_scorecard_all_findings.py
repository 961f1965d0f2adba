"""Every plugin's violations reach the scorecard, and the accessibility block says what it counts.

The case comes from a trial: a home page links to a declaration on another
site under a wrong name, so the declaration gets no score, yet the badly
named link is a serious violation that must be shown.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts import sign_in
from cxaudit.extensions import db
from cxaudit.models import Institution, Scan, Site
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.render import render_html
from scan_rows import add_scan, review, violation

LINK_NAME_HELP = 'The link to the declaration is named "Deklaracja zgodnosci"; name it "Deklaracja dostępności".'


@pytest.fixture
def app(make_app):
    return make_app(ENABLED_PLUGINS=["axe", "declaration"])


@pytest.fixture
def planetarium(app):
    """A site whose only findings come from the declaration plugin."""
    with app.app_context():
        institution = Institution(slug="planetarium", name="Planetarium")
        site = Site(institution=institution, base_url="http://127.0.0.1:9/")
        db.session.add(site)
        db.session.commit()
        off_site = review("declaration-off-site", [], impact="moderate")
        off_site.plugin = "declaration"
        off_site.help_url = "http://declaration.localhost/deklaracja"
        link_name = violation(
            "declaration-link-name",
            ['a[href="http://declaration.localhost/deklaracja"]'],
            plugin="declaration",
            help=LINK_NAME_HELP,
            help_url=None,
        )
        add_scan(site, {"http://127.0.0.1:9/": [off_site, link_name]})
        return institution.id


def _scorecard_html(app, institution_id: int, language: str = "en") -> str:
    with app.test_request_context():
        institution = db.session.get(Institution, institution_id)
        return render_html(build_scorecard(institution, language))


def test_unscored_declaration_lists_its_violation(app, planetarium):
    html = _scorecard_html(app, planetarium)

    declaration = html.split("Accessibility declaration", 1)[1]
    assert LINK_NAME_HELP.replace('"', "&#34;") in declaration
    assert "No score: see the tables below" in declaration


def test_accessibility_block_names_what_it_counts(app, planetarium):
    html = _scorecard_html(app, planetarium)

    assert "No violations were found" not in html
    assert "The axe-core accessibility rules found no violations on the audited pages." in html
    assert "Other checks found problems, listed in their own sections:" in html
    assert "Accessibility declaration: 1 problem." in html


def test_accessibility_summary_counts_other_plugins(app, planetarium):
    with app.test_request_context():
        institution = db.session.get(Institution, planetarium)
        summary = build_scorecard(institution, "en").accessibility

    assert summary.violation_findings == 0
    assert [(item.plugin, item.findings) for item in summary.other_plugins] == [("declaration", 1)]


def test_scorecard_labels_axe_only_counts(app, planetarium):
    html = _scorecard_html(app, planetarium)

    assert "<caption>Violations of the axe-core accessibility rules by impact</caption>" in html
    assert "<h3>axe-core results that need review</h3>" in html


def test_scan_page_labels_all_checks(app, client, planetarium):
    sign_in(app, client)
    with app.app_context():
        scan_id = db.session.scalars(select(Scan.id)).one()

    page = client.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)

    assert "<caption>Violations by impact, all checks (axe-core and the other plugins)</caption>" in page
