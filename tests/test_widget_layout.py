"""The widget moves nothing on the host page: an inline survey renders into
the space the page keeps for it, and the thanks that replace the form do
not pull the content below up."""

from __future__ import annotations

import pytest
from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import add_survey, keyboard_answer, open_page, wait_for_thanks

from cxaudit.models import SurveyKind

# Layout shifts reported since the page started (buffered), after two frames
# so that shifts caused by the latest change have been reported.
LAYOUT_SHIFT = """
const done = arguments[arguments.length - 1];
let shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { shift += entry.value; } }
}).observe({type: "layout-shift", buffered: true});
requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(shift), 200)));
"""
AFTER_TOP = "return document.getElementById('after').getBoundingClientRect().top"


def show_inline(browser, publish, app, site, page_name: str, kind: SurveyKind, width: int) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500}
    )
    survey = add_survey(app, site[1], kind=kind)
    open_page(browser, publish(page_name, survey, mode="inline", target="#feedback"))


@pytest.mark.parametrize("kind", [SurveyKind.NPS, SurveyKind.CSAT])
@pytest.mark.parametrize("width", [320, 1280])
def test_inline_in_reserved_space_shifts_nothing(app, browser, publish, site, kind, width):
    show_inline(browser, publish, app, site, "inline-reserved.html", kind, width)

    assert browser.execute_async_script(LAYOUT_SHIFT) == 0


def test_inline_without_reserved_space_shifts(app, browser, publish, site):
    # The measurement itself can fail: the same survey in an empty container
    # pushes the paragraph below it down.
    show_inline(browser, publish, app, site, "inline.html", SurveyKind.NPS, 1280)

    assert browser.execute_async_script(LAYOUT_SHIFT) > 0


@pytest.mark.parametrize("kind", [SurveyKind.NPS, SurveyKind.CSAT])
def test_inline_thanks_keep_height(app, browser, publish, site, kind):
    show_inline(browser, publish, app, site, "inline-reserved.html", kind, 1280)

    keyboard_answer(browser, 3, "")
    top_before_thanks = browser.execute_script(AFTER_TOP)
    wait_for_thanks(browser)

    assert browser.execute_script(AFTER_TOP) == top_before_thanks
