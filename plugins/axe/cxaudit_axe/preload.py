"""Loading axe-core into the page to audit, once per browser instead of once per page.

axe-core's script is 553 KB. Sending it with a page took 0.12 to 0.35 s on
the W3C before-and-after demo pages on a two-core machine, because Selenium
encodes it, chromedriver forwards it and the page evaluates it. After the
first page, the plugin has the browser evaluate the script itself at the
creation of every later top-level document
(``Page.addScriptToEvaluateOnNewDocument``), so the script is sent once per
browser. It then runs before the page's own scripts.

Those scripts may replace ``window.axe`` (a site that bundles another
axe-core, say). Such a page, a remote WebDriver without the DevTools command
and the first page of each browser get the script sent as before: the
version check in ``load_axe`` decides, so the audit always runs the bundled
axe-core.
"""

from __future__ import annotations

import weakref
from typing import Any

from cxaudit.browser import evaluate_on_new_documents
from cxaudit_axe.bundle import axe_source, bundled_axe_version

HAS_BUNDLED_AXE = "return !!(window.axe && window.axe.version === arguments[0]);"

# The browsers that evaluate axe-core in every new top-level document. Weak,
# so a browser that quits is forgotten with its driver.
_preloading: weakref.WeakSet[Any] = weakref.WeakSet()


def load_axe(driver: Any) -> None:
    """Make sure the current top document runs the bundled axe-core, and preload it in later ones."""
    if not driver.execute_script(HAS_BUNDLED_AXE, bundled_axe_version()):
        driver.execute_script(axe_source())
    if driver not in _preloading:
        _preload_in_new_documents(driver)


def preload_source() -> str:
    """Return axe-core's script guarded to run in top-level documents only.

    Frames get the script from the plugin when it tests them, only if they
    are on the page's origin (cxaudit_axe.frames).
    """
    return "if (window === window.top) {\n" + axe_source() + "\n}\n"


def _preload_in_new_documents(driver: Any) -> None:
    # Recorded before the request, so a browser that rejects it gets only one request.
    _preloading.add(driver)
    evaluate_on_new_documents(driver, preload_source())
