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

Frames on another origin, sandboxed without ``allow-same-origin`` or
``allow-scripts``, blocked by the browser or failed to load are left alone:
their content is not the scanned site's, or cannot be reached. Every frame
gets a marker attribute with its index before the run, so each
``frame-tested`` result can be matched with the frame's URL and the reason.
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
MARKER = "data-cxaudit-frame"

CROSS_ORIGIN = "cross-origin"
SANDBOXED = "sandboxed"
SCRIPTS_BLOCKED = "scripts-blocked"
NOT_LOADED = "not-loaded"
TOO_DEEP = "too-deep"
NO_RESPONSE = "no-response"

# Collects the frames of the current document, in light DOM and open shadow
# roots, and marks each with its index in the list prepare_frames returns.
# A frame whose document the parent cannot read (contentDocument is null)
# cannot run axe-core either.
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
  frame.setAttribute(marker, String(firstIndex + offset));
  let readable = false;
  try { readable = frame.contentDocument !== null; } catch (error) { readable = false; }
  const sandbox = frame.hasAttribute('sandbox') ? frame.getAttribute('sandbox').split(/\\s+/) : null;
  const url = frame.src || (frame.hasAttribute('srcdoc') ? 'about:srcdoc' : 'about:blank');
  let crossOrigin = false;
  try { crossOrigin = !url.startsWith('about:') && new URL(url).origin !== location.origin; } catch (error) {}
  return {
    element: frame,
    readable: readable,
    url: url,
    crossOrigin: crossOrigin,
    sandboxed: sandbox !== null && !sandbox.includes('allow-same-origin'),
    scriptsBlocked: sandbox !== null && !sandbox.includes('allow-scripts')
  };
});
"""

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
class FrameRecord:
    """A frame of the page: its URL, and why axe-core cannot test it if it does not respond.

    ``reason`` is one of the constants above. ``NO_RESPONSE`` marks a frame
    that was given axe-core: it matters only if axe-core still reports it.
    """

    url: str
    reason: str


def prepare_frames(driver: Any, axe_source: str) -> list[FrameRecord]:
    """Load axe-core into every readable frame and mark every frame with its index.

    Returns one record per frame; a marker value is the index in this list.
    Leaves the driver on the top document.
    """
    records: list[FrameRecord] = []
    driver.switch_to.default_content()
    try:
        _prepare_document(driver, axe_source, records, depth=1)
    except BaseException:
        # Each frame entered is left for its parent, so only a failure can leave the driver inside one.
        driver.switch_to.default_content()
        raise
    return records


def remove_markers(driver: Any, records: list[FrameRecord]) -> None:
    """Remove the marker attributes of the frames in ``records``, so the page is as the scan found it."""
    if not records:
        # A page without frames got no marker; this saves two round trips to the browser.
        return
    try:
        driver.switch_to.default_content()
        driver.execute_script(REMOVE_MARKERS, MARKER)
    except WebDriverException as error:
        logger.warning("Could not remove the frame markers from the page: %s", error)


def _prepare_document(driver: Any, axe_source: str, records: list[FrameRecord], depth: int) -> None:
    # The frames of one document take consecutive indices, so they are all
    # recorded before any of them is entered and records its own frames.
    frames = driver.execute_script(DESCRIBE_FRAMES, MARKER, len(records)) or []
    reasons = [_reason_not_entered(frame, depth) for frame in frames]
    records.extend(FrameRecord(url=frame["url"], reason=reason or NO_RESPONSE) for frame, reason in zip(frames, reasons))

    for frame, reason in zip(frames, reasons):
        if reason is None:
            _prepare_frame(driver, axe_source, frame["element"], records, depth)


def _reason_not_entered(frame: dict[str, Any], depth: int) -> str | None:
    if not frame["readable"]:
        if frame["sandboxed"]:
            return SANDBOXED
        return CROSS_ORIGIN if frame["crossOrigin"] else NOT_LOADED
    if frame["scriptsBlocked"]:
        return SCRIPTS_BLOCKED
    if depth > MAX_FRAME_DEPTH:
        return TOO_DEEP
    return None


def _prepare_frame(driver: Any, axe_source: str, element: Any, records: list[FrameRecord], depth: int) -> None:
    try:
        driver.switch_to.frame(element)
    except WebDriverException as error:
        # The frame was removed since it was found. If it is back, it does not
        # respond to axe-core, which then reports it as not tested.
        logger.info("Frame could not be entered, so axe-core is not loaded in it: %s", error)
        return
    try:
        driver.execute_script(axe_source)
        _prepare_document(driver, axe_source, records, depth + 1)
    except WebDriverException as error:
        # The frame navigated or was removed during the injection; it does not
        # respond, and axe-core reports it as not tested.
        logger.info("axe-core could not be loaded into a frame: %s", error)
    finally:
        driver.switch_to.parent_frame()
