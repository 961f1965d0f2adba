"""Waiting until a loaded page has stopped changing.

A scan audits a page once it has loaded and its DOM has not changed for
QUIET_MS. It also audits it after a limit in any case, so scripts that keep
changing the page (carousels, clocks) and a load event that never fires
cannot stall the scan. The driver returns at DOMContentLoaded (the "eager"
page load strategy), so this wait covers the rest of the loading.

A scanning browser counts DOM changes from the moment each top-level
document is created (``watch_dom_changes``). Changes made while the page was
still loading therefore count too, and a page that went quiet while it
loaded its images is audited as soon as it is complete. Without that
watcher (a remote WebDriver without the DevTools command, or a browser
started for something other than a scan), the wait counts changes from its
own start, because it cannot see the changes made before it.
"""

from __future__ import annotations

from typing import Any

from cxaudit.browser import evaluate_on_new_documents

QUIET_MS = 300
DEFAULT_LIMIT_MS = 3000

# Runs at the creation of every document, before the page's own scripts. Only
# the top document is waited for, so frames are left alone.
WATCH_DOM_CHANGES = """
(function () {
  if (window !== window.top) return;
  Object.defineProperty(window, '__cxauditDomChangedAt', {value: Date.now(), writable: true, configurable: true});
  new MutationObserver(() => { window.__cxauditDomChangedAt = Date.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""

# Resolves once the document is complete and no DOM change happened for
# QUIET_MS, or after LIMIT_MS (the optional first argument) in any case.
WAIT_FOR_QUIET_DOM = f"""
const done = arguments[arguments.length - 1];
const QUIET_MS = {QUIET_MS}, started = Date.now();
const LIMIT_MS = typeof arguments[0] === 'number' ? arguments[0] : {DEFAULT_LIMIT_MS};
const watched = typeof window.__cxauditDomChangedAt === 'number';
let last = started;
const observer = watched ? null : new MutationObserver(() => {{ last = Date.now(); }});
if (observer) observer.observe(document, {{subtree: true, childList: true, attributes: true, characterData: true}});
(function check() {{
  const now = Date.now();
  if (watched) last = window.__cxauditDomChangedAt;
  const complete = document.readyState === 'complete';
  if (now - started >= LIMIT_MS || (complete && now - last >= QUIET_MS)) {{
    if (observer) observer.disconnect();
    done(true);
  }} else {{
    // Once complete, look again when the window would end, not on the next tick.
    const quietLeft = complete ? QUIET_MS - (now - last) : 50;
    setTimeout(check, Math.max(10, Math.min(quietLeft, LIMIT_MS - (now - started))));
  }}
}})();
"""


def watch_dom_changes(driver: Any) -> bool:
    """Make ``driver``'s tab record DOM changes in every top document it loads from now on.

    Returns False, and the wait falls back to counting from its own start,
    when the WebDriver has no DevTools command or rejects it.
    """
    return evaluate_on_new_documents(driver, WATCH_DOM_CHANGES)
