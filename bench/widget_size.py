"""How much the survey widget costs a host page.

Reports the bytes of the widget script as host pages download it: raw
(minified by the server), the gzip stream the server sends (compressed with
Zopfli), plain gzip -9 and brotli for comparison. The budget is 5 KB (5,120
bytes) gzip for all survey kinds together, since one script serves every
kind, checked against the stream the server sends.

Then loads two host pages in headless Chromium: one with the survey in the
corner, shown at once, and one with an inline survey in a container that
keeps room for it, as the README recommends. It checks that neither adds a layout
shift, that the script blocks no rendering, and that the inline survey's
thanks do not move the paragraph below it.

Run from the project root: ``.venv/bin/python bench/widget_size.py``.
The last line is ``RESULT name=value ...``; the exit status is 1 when a
check fails or the budget is exceeded.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import logging
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import brotli
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from cxaudit.app import create_app
from cxaudit.browser import start_browser
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Institution, Survey, SurveyKind
from cxaudit.widget import widget_script_bytes, widget_script_gzip_bytes

BUDGET_GZIP_BYTES = 5 * 1024
WAIT_SECONDS = 15
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host page</title></head>
<body><main><h1>Opening hours</h1><p>Tuesday to Sunday, 10:00 to 18:00.</p></main>
<script src="{api}/widget/v1.js" data-survey="{survey}" async></script></body></html>
"""
# The README's advice for inline mode: keep 21em for the survey.
INLINE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host page</title><style>#survey {{ min-height: 21em; }}</style></head>
<body><main><h1>Opening hours</h1><p>Tuesday to Sunday, 10:00 to 18:00.</p>
<section id="survey" aria-label="Survey"></section><p id="after">Last updated in November.</p></main>
<script src="{api}/widget/v1.js" data-survey="{survey}" data-mode="inline" data-target="#survey" async></script></body></html>
"""
ANSWER_INLINE = """
const done = arguments[arguments.length - 1];
const panel = document.querySelector("[data-cxaudit-widget]").shadowRoot.querySelector(".panel");
const after = () => document.getElementById("after").getBoundingClientRect().top;
// Choosing a score opens the comment step; sending then swaps the form for the thanks.
panel.querySelector("input[value='8']").click();
const before = after();
panel.querySelector("form").requestSubmit();
const check = () => panel.querySelector(".thanks").textContent ? done(after() - before) : setTimeout(check, 50);
check();
"""
MEASURE = """
const done = arguments[arguments.length - 1];
let shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { shift += entry.value; } }
}).observe({type: "layout-shift", buffered: true});
const script = performance.getEntriesByType("resource").find((entry) => entry.name.endsWith("/widget/v1.js"));
// Let a frame pass so shifts from the widget's entrance are reported.
requestAnimationFrame(() => setTimeout(() => done({
  shift, blocking: script ? script.renderBlockingStatus : "missing",
}), 500));
"""
PANEL_SHOWN = """
const host = document.querySelector("[data-cxaudit-widget]");
return !!host && !host.shadowRoot.querySelector(".panel").hidden;
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


def sizes() -> dict[str, int]:
    script = widget_script_bytes()
    return {
        "raw": len(script),
        "served_gzip": len(widget_script_gzip_bytes()),
        "gzip9": len(gzip.compress(script, compresslevel=9)),
        "brotli": len(brotli.compress(script, quality=11)),
    }


def serve_in_thread(server) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


def measure_page(browser, url: str, inline: bool) -> dict:
    """Open ``url``, wait for the survey and return its layout shift, render-blocking
    status and, for an inline survey, how far its thanks moved the content below."""
    browser.get(url)
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(PANEL_SHOWN))
    measured = browser.execute_async_script(MEASURE)
    measured["thanks_move"] = browser.execute_async_script(ANSWER_INLINE) if inline else 0
    return measured


def measure_in_chromium(workdir: Path) -> dict[str, dict]:
    """Show the widget in the corner and inline on host pages and measure each."""
    site = workdir / "site"
    site.mkdir()
    static = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    origin = f"http://127.0.0.1:{static.server_port}"
    app = create_app(
        {"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}", "HUEY_SQLITE_PATH": str(workdir / "jobs.db")}
    )
    with app.app_context():
        upgrade_database()
        survey = Survey(institution=Institution(slug="bench", name="Bench Museum"), kind=SurveyKind.NPS, allowed_origins=[origin])
        db.session.add(survey)
        db.session.commit()
        public_id = survey.public_id
    api = make_server("127.0.0.1", 0, app, threaded=True)
    serve_in_thread(static)
    serve_in_thread(api)
    api_url = f"http://127.0.0.1:{api.server_port}"
    (site / "index.html").write_text(HOST_PAGE.format(api=api_url, survey=public_id), encoding="utf-8")
    (site / "inline.html").write_text(INLINE_PAGE.format(api=api_url, survey=public_id), encoding="utf-8")
    browser = start_browser(
        {
            "CHROMIUM_PATH": shutil.which("chromium") or "/usr/bin/chromium",
            "CHROMEDRIVER_PATH": shutil.which("chromedriver") or "/usr/bin/chromedriver",
            "SCAN_PAGE_TIMEOUT": WAIT_SECONDS,
        }
    )
    try:
        return {
            "corner": measure_page(browser, f"{origin}/index.html", inline=False),
            "inline": measure_page(browser, f"{origin}/inline.html", inline=True),
        }
    finally:
        browser.quit()
        api.shutdown()
        static.shutdown()


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    measured = sizes()
    within_budget = measured["served_gzip"] <= BUDGET_GZIP_BYTES
    print(
        f"widget script: {measured['raw']} bytes raw, {measured['served_gzip']} gzip as served (Zopfli), "
        f"{measured['gzip9']} with gzip -9, {measured['brotli']} brotli"
    )
    print(f"budget: {BUDGET_GZIP_BYTES} bytes gzip for all kinds together: {'within' if within_budget else 'OVER'}")
    with tempfile.TemporaryDirectory() as workdir:
        pages = measure_in_chromium(Path(workdir))
    corner_shift = round(pages["corner"]["shift"], 4)
    inline_shift = round(pages["inline"]["shift"], 4)
    thanks_move = round(pages["inline"]["thanks_move"], 4)
    blocking = any(page["blocking"] != "non-blocking" for page in pages.values())
    print(f"layout shift added by the corner survey: {corner_shift} (budget 0)")
    print(f"layout shift added by the inline survey in its kept space: {inline_shift} (budget 0)")
    print(f"pixels the inline survey's thanks moved the content below: {thanks_move} (budget 0)")
    print(f"render blocking: {pages['corner']['blocking']} (budget: non-blocking)")
    print(
        f"RESULT widget_raw_bytes={measured['raw']} widget_gzip_bytes={measured['served_gzip']} "
        f"widget_gzip9_bytes={measured['gzip9']} widget_brotli_bytes={measured['brotli']} "
        f"budget_gzip_bytes={BUDGET_GZIP_BYTES} within_budget={'yes' if within_budget else 'no'} "
        f"layout_shift={corner_shift} inline_layout_shift={inline_shift} inline_thanks_move={thanks_move} "
        f"render_blocking={'yes' if blocking else 'no'}"
    )
    passed = within_budget and corner_shift == 0 and inline_shift == 0 and thanks_move == 0 and not blocking
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
