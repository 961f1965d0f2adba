"""The built-in axe plugin: mapping axe-core results and running it in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from cxaudit_axe.bundle import bundled_axe_version
from cxaudit_axe.plugin import cxaudit_page_audit, cxaudit_tool_versions
from cxaudit_axe.frames import CROSS_ORIGIN, FrameRecord
from cxaudit_axe.results import findings_from_results, flatten_target, wcag_criteria
from cxaudit_axe.untested import frame_not_tested_findings

from cxaudit.audit import AuditFinding, PageContext

PAGES = Path(__file__).parent / "pages" / "scan"


@pytest.mark.parametrize(
    ("tags", "criteria"),
    [
        (["wcag2a", "wcag111", "section508"], ["1.1.1"]),
        (["wcag21aa", "wcag1410"], ["1.4.10"]),
        (["wcag22aa", "wcag2411"], ["2.4.11"]),
        (["wcag2aa", "wcag143", "wcag146", "EN-301-549"], ["1.4.3", "1.4.6"]),
        (["best-practice", "cat.keyboard", "wcag2aaa"], []),
    ],
)
def test_wcag_criteria_from_tags(tags, criteria):
    assert wcag_criteria(tags) == criteria


@pytest.mark.parametrize(
    ("target", "flat"),
    [
        (["#logo"], "#logo"),
        (["iframe", "img"], "iframe >>> img"),
        ([["museum-card", "img"]], "museum-card >>> img"),
        (["#frame", ["x-card", "button"]], "#frame >>> x-card >>> button"),
    ],
)
def test_flatten_target(target, flat):
    assert flatten_target(target) == flat


def test_incomplete_is_needs_review():
    results = {
        "violations": [
            {
                "id": "image-alt",
                "impact": "critical",
                "tags": ["wcag2a", "wcag111"],
                "nodes": [{"target": ["img.a"]}, {"target": ["img.b"]}],
                "help": "Images must have alternative text",
                "helpUrl": "https://dequeuniversity.com/rules/axe/4.10/image-alt",
            }
        ],
        "incomplete": [
            {"id": "color-contrast", "impact": None, "tags": ["wcag143"], "nodes": [{"target": ["p"]}], "help": "h", "helpUrl": "u"}
        ],
        "passes": [{"id": "html-has-lang", "tags": [], "nodes": [{"target": ["html"]}]}],
    }

    findings = findings_from_results(results)

    assert findings == [
        AuditFinding(
            rule="image-alt",
            outcome="violation",
            impact="critical",
            wcag=["1.1.1"],
            count=2,
            targets=["img.a", "img.b"],
            help="Images must have alternative text",
            help_url="https://dequeuniversity.com/rules/axe/4.10/image-alt",
        ),
        AuditFinding(
            rule="color-contrast", outcome="needs-review", impact=None, wcag=["1.4.3"], count=1, targets=["p"], help="h", help_url="u"
        ),
    ]


def test_frame_tested_becomes_frame_not_tested():
    results = {
        "incomplete": [
            {
                "id": "frame-tested",
                "nodes": [
                    {"target": ["#shop"], "html": '<iframe id="shop" src="https://tickets.example/" data-cxaudit-frame="0">'},
                    {"target": ["#late"], "html": '<iframe id="late" src="/late.html">'},
                ],
            }
        ]
    }

    marked, unmarked = frame_not_tested_findings(results, [FrameRecord(url="https://tickets.example/", reason=CROSS_ORIGIN)])

    assert findings_from_results(results) == []
    assert (marked.rule, marked.outcome, marked.targets) == ("frame-not-tested", "needs-review", ["#shop"])
    assert "https://tickets.example/ from another origin" in marked.help
    assert (unmarked.rule, unmarked.outcome, unmarked.targets) == ("frame-not-tested", "needs-review", ["#late"])
    assert "/late.html did not respond to axe-core" in unmarked.help


@pytest.mark.browser
def test_tool_version_matches_page(browser, serve_directory):
    base_url = serve_directory(PAGES)
    browser.get(f"{base_url}/clean.html")
    cxaudit_page_audit(PageContext(url=f"{base_url}/clean.html", driver=browser, settings={}))

    [tool] = cxaudit_tool_versions()

    assert tool.name == "axe-core"
    assert tool.version == browser.execute_script("return axe.version")
    assert tool.version == bundled_axe_version()
    assert tool.version.startswith("4.10.")


@pytest.mark.browser
def test_page_audit_in_chromium(browser, serve_directory):
    url = f"{serve_directory(PAGES)}/axe/review.html"
    browser.get(url)

    findings = {finding.rule: finding for finding in cxaudit_page_audit(PageContext(url=url, driver=browser, settings={}))}

    assert findings["image-alt"].outcome == "violation"
    assert findings["image-alt"].targets == ["museum-card >>> img"]
    assert findings["color-contrast"].outcome in {"violation", "needs-review"}
    review = [finding for finding in findings.values() if finding.outcome == "needs-review"]
    assert review, "the text over a background image should need review"


@pytest.mark.browser
def test_page_audit_uses_axe_tags(browser, serve_directory):
    url = f"{serve_directory(PAGES)}/index.html"
    browser.get(url)

    default_rules = {finding.rule for finding in cxaudit_page_audit(PageContext(url=url, driver=browser, settings={}))}
    # image-alt and html-has-lang are level A rules, so an AA-only run leaves them out.
    level_aa = PageContext(url=url, driver=browser, settings={"axe_tags": ["wcag2aa"]})
    level_aa_rules = {finding.rule for finding in cxaudit_page_audit(level_aa)}

    assert {"image-alt", "html-has-lang"} <= default_rules
    assert "image-alt" not in level_aa_rules
    assert "html-has-lang" not in level_aa_rules


@pytest.mark.browser
def test_page_audit_reaches_iframes(browser, serve_directory):
    url = f"{serve_directory(PAGES)}/axe/frames.html"
    browser.get(url)

    findings = {finding.rule: finding for finding in cxaudit_page_audit(PageContext(url=url, driver=browser, settings={}))}

    assert findings["image-alt"].outcome == "violation"
    assert findings["image-alt"].targets == ["#shop >>> img"]
