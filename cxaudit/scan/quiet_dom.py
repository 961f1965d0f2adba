"""Waiting until a loaded page has stopped changing.

A scan audits a page once it has loaded and its DOM has not changed for
QUIET_MS. It also audits it after a limit in any case, so scripts that keep
changing the page (carousels, clocks) and a load event that never fires
cannot stall the scan. The driver returns at DOMContentLoaded (the "eager"
page load strategy), so this wait covers the rest of the loading.

A scanning browser watches each top-level document from its creation
(``watch_page_activity``). It records the time of the last DOM change, so
changes made while the page was still loading count too. It also counts the
work still pending that could change the page: fetch and XMLHttpRequest
requests and the reading of their responses, timers set to QUIET_MS or less,
animation frames, running CSS animations and transitions, web fonts, and
scripts, style sheets and frames added after the load event. A complete page
with nothing pending is audited SETTLE_MS after its last change instead of
QUIET_MS: most pages have no work left once they have loaded, and the fixed
window was then only idle time. A page with work pending still gets the
whole window from its last change, so the watcher never audits later than
the window alone would.

Without the watcher (a remote WebDriver without the DevTools command, or a
browser started for something other than a scan), the wait counts changes
from its own start and always waits QUIET_MS, because it can see neither the
changes made before it nor the pending work.
"""

from __future__ import annotations

from typing import Any

from cxaudit.browser import evaluate_on_new_documents

QUIET_MS = 300
# Less than QUIET_MS, so that the tasks queued by the page's last change
# (a promise chain, a zero-delay timer set by a handler) have run.
SETTLE_MS = 50
DEFAULT_LIMIT_MS = 3000

# Runs at the creation of every document, before the page's own scripts. Only
# the top document is waited for, so frames are left alone. The page keeps
# working as before: each wrapper calls the browser's own function and
# returns its result; what it adds is a count. Work whose end cannot be seen
# (a timer cancelled by clearInterval, an element removed before it loaded)
# at worst leaves the count above zero, and the wait falls back to QUIET_MS.
WATCH_PAGE_ACTIVITY = f"""
(function () {{
  if (window !== window.top) return;
  const SHORT_TIMER_MS = {QUIET_MS};
  const timers = new Set(), frames = new Set();
  let loads = 0;
  const setTimer = window.setTimeout, clearTimer = window.clearTimeout, clearRepeating = window.clearInterval;
  const requestFrame = window.requestAnimationFrame, cancelFrame = window.cancelAnimationFrame;
  const finish = () => {{ loads -= 1; }};
  const track = promise => {{ loads += 1; promise.then(finish, finish); return promise; }};

  const activity = {{
    changedAt: Date.now(),
    // The wait's own timer must not count as the page's work.
    setTimeout: setTimer.bind(window),
    clearTimeout: clearTimer.bind(window),
    pending() {{
      if (loads > 0 || timers.size > 0 || frames.size > 0) return true;
      if (document.fonts && document.fonts.status === 'loading') return true;
      return typeof document.getAnimations === 'function'
        && document.getAnimations().some(animation => animation.playState === 'running');
    }}
  }};
  Object.defineProperty(window, '__cxauditActivity', {{value: activity, configurable: true}});

  new MutationObserver(records => {{
    activity.changedAt = Date.now();
    // Until the load event the document's ready state covers what the parser
    // and the scripts add; after it, their loads are counted here.
    if (document.readyState === 'complete') records.forEach(record => record.addedNodes.forEach(watchLoad));
  }}).observe(document, {{subtree: true, childList: true, attributes: true, characterData: true}});

  function watchLoad(node) {{
    const loading = (node.localName === 'script' && node.src)
      || (node.localName === 'link' && /\\bstylesheet\\b/i.test(node.rel) && node.href)
      || node.localName === 'iframe';
    if (!loading) return;
    loads += 1;
    let done = false;
    const end = () => {{ if (!done) {{ done = true; finish(); }} }};
    node.addEventListener('load', end, {{once: true}});
    node.addEventListener('error', end, {{once: true}});
  }}

  window.setTimeout = function (handler, delay, ...rest) {{
    if (typeof handler !== 'function' || Number(delay) > SHORT_TIMER_MS) return setTimer.call(window, handler, delay, ...rest);
    const id = setTimer.call(window, function () {{ timers.delete(id); return handler.apply(this, arguments); }}, delay, ...rest);
    timers.add(id);
    return id;
  }};
  window.clearTimeout = function (id) {{ timers.delete(id); return clearTimer.call(window, id); }};
  window.clearInterval = function (id) {{ timers.delete(id); return clearRepeating.call(window, id); }};

  if (requestFrame) {{
    window.requestAnimationFrame = function (callback) {{
      const id = requestFrame.call(window, time => {{ frames.delete(id); return callback(time); }});
      frames.add(id);
      return id;
    }};
    window.cancelAnimationFrame = function (id) {{ frames.delete(id); return cancelFrame.call(window, id); }};
  }}

  if (window.fetch) {{
    const fetchResource = window.fetch;
    window.fetch = function () {{ return track(fetchResource.apply(this, arguments)); }};
  }}
  if (window.Response) {{
    ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text'].forEach(name => {{
      const read = Response.prototype[name];
      if (read) Response.prototype[name] = function () {{ return track(read.apply(this, arguments)); }};
    }});
  }}
  if (window.XMLHttpRequest) {{
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function () {{
      loads += 1;
      this.addEventListener('loadend', finish, {{once: true}});
      try {{
        return send.apply(this, arguments);
      }} catch (error) {{
        this.removeEventListener('loadend', finish);
        finish();
        throw error;
      }}
    }};
  }}
}})();
"""

# A function of (limit, done) that calls done once the document is complete
# and its DOM has not changed for SETTLE_MS with no work pending ("settled")
# or for QUIET_MS ("quiet"), or after the limit in milliseconds in any case
# ("limit"). A limit that is not a number means DEFAULT_LIMIT_MS.
QUIET_DOM_WAIT = f"""(function (limit, done) {{
const QUIET_MS = {QUIET_MS}, SETTLE_MS = {SETTLE_MS}, started = Date.now();
const LIMIT_MS = typeof limit === 'number' ? limit : {DEFAULT_LIMIT_MS};
const activity = window.__cxauditActivity;
const later = activity ? activity.setTimeout : setTimeout;
const cancel = activity ? activity.clearTimeout : clearTimeout;
let last = started, finished = false, timer = null;
const observer = activity ? null : new MutationObserver(() => {{ last = Date.now(); }});
if (observer) observer.observe(document, {{subtree: true, childList: true, attributes: true, characterData: true}});
function check() {{
  if (finished) return;
  cancel(timer);
  const now = Date.now();
  if (activity) last = activity.changedAt;
  const complete = document.readyState === 'complete';
  const idle = activity && !activity.pending();
  const quietFor = now - last;
  let reason = null;
  if (complete && idle && quietFor >= SETTLE_MS) reason = 'settled';
  else if (complete && quietFor >= QUIET_MS) reason = 'quiet';
  else if (now - started >= LIMIT_MS) reason = 'limit';
  if (reason) {{
    finished = true;
    if (observer) observer.disconnect();
    window.removeEventListener('load', check);
    done(reason);
    return;
  }}
  // Look again when the page may be ready: at the load event, when the
  // window (or the short one, with nothing pending) would end, or soon
  // while work is pending.
  let next = 50;
  if (complete && !activity) next = QUIET_MS - quietFor;
  else if (complete) next = idle ? SETTLE_MS - quietFor : Math.min(QUIET_MS - quietFor, 25);
  timer = later(check, Math.max(5, Math.min(next, LIMIT_MS - (now - started))));
}}
if (document.readyState !== 'complete') window.addEventListener('load', check);
check();
}})"""

# Resolves with the reason of QUIET_DOM_WAIT; the optional first argument is the limit.
WAIT_FOR_QUIET_DOM = QUIET_DOM_WAIT + "(arguments[0], arguments[arguments.length - 1]);"


def watch_page_activity(driver: Any) -> bool:
    """Make ``driver``'s tab watch DOM changes and pending work in every top document it loads from now on.

    Returns False, and the wait falls back to counting from its own start,
    when the WebDriver has no DevTools command or rejects it.
    """
    return evaluate_on_new_documents(driver, WATCH_PAGE_ACTIVITY)
