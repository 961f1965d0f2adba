"""Loading axe-core into same-origin frames and naming the frames it cannot test.

axe-core audits a frame's content only when its own script is loaded in that
frame: ``axe.run`` then sends each frame a request over ``postMessage``, and
its ``frame-tested`` rule lists the frames that do not respond within half a
second (axe-core's default ``pingWaitTime`` of 500 ms). With ``iframes:
true``, the default, a nested frame is reached through each frame above it,
so every level needs the script. axe-selenium-python 3.0's ``Axe.inject``
loads the script into the top document only, so the plugin loads it into
every same-origin frame itself, at any nesting depth up to
``MAX_FRAME_DEPTH``, including frames inside open shadow roots.

Frames on another origin, sandboxed without ``allow-same-origin``, blocked
by the browser or failed to load are left alone: their content is not the
scanned site's, or cannot be reached. Each gets a marker attribute before
the run, so the ``frame-tested`` result can be told apart by reason and URL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from selenium.common.exceptions import WebDriverException

logger = logging.getLogger(__name__)

# Frames nested deeper than this are not given axe-core, so axe-core reports
# them as not tested. A frame in the top document is 1 deep.
MAX_FRAME_DEPTH = 5
MARKER = "data-cxaudit-untested"

CROSS_ORIGIN = "cross-origin"
SANDBOXED = "sandboxed"
NOT_LOADED = "not-loaded"
TOO_DEEP = "too-deep"
NO_RESPONSE = "no-response"

# Collects the frames of the current document, in light DOM and open shadow
# roots. A frame whose document the parent cannot read (contentDocument is
# null) cannot run axe-core either, so it gets the marker with its index.
DESCRIBE_FRAMES = """
const marker = arguments[0], firstIndex = arguments[1];
const frames = [];
(function collect(root) {
  for (const element of root.querySelectorAll('*')) {
    if (element.localName === 'iframe' || element.localName === 'frame') frames.push(element);
    if (element.shadowRoot) collect(element.shadowRoot);
  }
})(document);
return frames.map((frame, offset) => {
  let readable = false;
  try { readable = frame.contentDocument !== null; } catch (error) { readable = false; }
  const sandbox = frame.getAttribute('sandbox');
  const sandboxed = sandbox !== null && !sandbox.split(/\\s+/).includes('allow-same-origin');
  let url = frame.src || (frame.hasAttribute('srcdoc') ? 'about:srcdoc' : 'about:blank');
  let crossOrigin = false;
  try { crossOrigin = new URL(url).origin !== location.origin && !url.startsWith('about:'); } catch (error) {}
  if (!readable) frame.setAttribute(marker, String(firstIndex + offset));
  return {element: frame, readable: readable, url: url, sandboxed: sandboxed, crossOrigin: crossOrigin};
});
"""

MARK_FRAME = "arguments[0].setAttribute(arguments[1], arguments[2]);"

# Removes the markers from the top document and every frame it can read.
REMOVE_MARKERS = """
const marker = arguments[0];
(function clean(root) {
  for (const element of root.querySelectorAll('*')) {
    element.removeAttribute(marker);
    if (element.shadowRoot) clean(element.shadowRoot);
    let inner = null;
    try { inner = element.contentDocument; } catch (error) {}
    if (inner) clean(inner);
  }
})(document);
"""


@dataclass(frozen=True)
class UntestedFrame:
    """A frame axe-core cannot test: its URL and why (one of the reason constants above)."""

    url: str
    reason: str


def prepare_frames(driver: Any, axe_source: str) -> list[UntestedFrame]:
    """Load axe-core into every readable frame and mark the others.

    Returns the frames left untested; a marker value is the index in this list.
    Leaves the driver on the top document.
    """
    untested: list[UntestedFrame] = []
    driver.switch_to.default_content()
    try:
        _prepare_document(driver, axe_source, untested, depth=1)
    finally:
        driver.switch_to.default_content()
    return untested


def remove_markers(driver: Any) -> None:
    """Remove the marker attributes, so the page is as the scan found it."""
    try:
        driver.switch_to.default_content()
        driver.execute_script(REMOVE_MARKERS, MARKER)
    except WebDriverException as error:
        logger.warning("Could not remove the frame markers from the page: %s", error)


def _prepare_document(driver: Any, axe_source: str, untested: list[UntestedFrame], depth: int) -> None:
    frames = driver.execute_script(DESCRIBE_FRAMES, MARKER, len(untested)) or []
    for frame in frames:
        if not frame["readable"]:
            untested.append(UntestedFrame(url=frame["url"], reason=_unreadable_reason(frame)))
            continue
        if depth > MAX_FRAME_DEPTH:
            driver.execute_script(MARK_FRAME, frame["element"], MARKER, str(len(untested)))
            untested.append(UntestedFrame(url=frame["url"], reason=TOO_DEEP))
            continue
        _prepare_frame(driver, axe_source, frame["element"], untested, depth)


def _prepare_frame(driver: Any, axe_source: str, element: Any, untested: list[UntestedFrame], depth: int) -> None:
    try:
        driver.switch_to.frame(element)
    except WebDriverException as error:
        # The frame was removed since it was found. If it is back, it does not
        # respond to axe-core, which then reports it as not tested.
        logger.info("Frame could not be entered, so axe-core is not loaded in it: %s", error)
        return
    try:
        driver.execute_script(axe_source)
        _prepare_document(driver, axe_source, untested, depth + 1)
    finally:
        driver.switch_to.parent_frame()


def _unreadable_reason(frame: dict[str, Any]) -> str:
    if frame["sandboxed"]:
        return SANDBOXED
    if frame["crossOrigin"]:
        return CROSS_ORIGIN
    return NOT_LOADED
