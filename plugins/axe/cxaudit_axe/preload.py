"""Loading axe-core into the page to audit, evaluated by the browser itself where it can.

axe-core's script is 553 KB. Sending it with a page took 0.12 to 0.35 s on
the W3C before-and-after demo pages on a two-core machine, and up to 0.5 s
for a browser's first page, because Selenium encodes it, chromedriver
forwards it and the page evaluates it. The plugin therefore gives it to the
scan's browsers when they start (``cxaudit_page_scripts``): each browser
evaluates it at the creation of every top-level document, before the page's
own scripts, so it is sent once per browser.

Those scripts may replace ``window.axe`` (a site that bundles another
axe-core, say), and a remote WebDriver without the DevTools protocol does
not run scripts for new documents. ``cxaudit_axe.run`` therefore checks the
version with each run and sends the script in those cases, so the audit
always runs the bundled axe-core.
"""

from __future__ import annotations

from cxaudit_axe.bundle import axe_source


def preload_source() -> str:
    """Return axe-core's script guarded to run in top-level documents only.

    Frames get the script from the plugin when it tests them, only if they
    are on the page's origin (cxaudit_axe.frames).
    """
    return "if (window === window.top) {\n" + axe_source() + "\n}\n"
