"""How much the survey widget costs a host page.

Reports the raw, gzip and brotli bytes of the widget script as host pages
download it (minified by the server), against a budget of 5 KB (5,120 bytes)
gzip for all survey kinds together, since one script serves every kind.
Then loads a host page in headless Chromium with the widget shown at once
and checks that the widget adds no layout shift and blocks no rendering.

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
from cxaudit.widget import widget_script_bytes

BUDGET_GZIP_BYTES = 5 * 1024
WAIT_SECONDS = 15
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host page</title></head>
<body><main><h1>Opening hours</h1><p>Tuesday to Sunday, 10:00 to 18:00.</p></main>
<script src="{api}/widget/v1.js" data-survey="{survey}" async></script></body></html>
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
        "gzip": len(gzip.compress(script, compresslevel=9)),
        "brotli": len(brotli.compress(script, quality=11)),
    }


def serve_in_thread(server) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


def measure_in_chromium(workdir: Path) -> dict:
    """Show the widget on a host page and return its layout shift and render-blocking status."""
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
    (site / "index.html").write_text(
        HOST_PAGE.format(api=f"http://127.0.0.1:{api.server_port}", survey=public_id), encoding="utf-8"
    )
    browser = start_browser(
        {
            "CHROMIUM_PATH": shutil.which("chromium") or "/usr/bin/chromium",
            "CHROMEDRIVER_PATH": shutil.which("chromedriver") or "/usr/bin/chromedriver",
            "SCAN_PAGE_TIMEOUT": WAIT_SECONDS,
        }
    )
    try:
        browser.get(f"{origin}/index.html")
        WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(PANEL_SHOWN))
        return browser.execute_async_script(MEASURE)
    finally:
        browser.quit()
        api.shutdown()
        static.shutdown()


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    measured = sizes()
    within_budget = measured["gzip"] <= BUDGET_GZIP_BYTES
    print(f"widget script: {measured['raw']} bytes raw, {measured['gzip']} gzip, {measured['brotli']} brotli")
    print(f"budget: {BUDGET_GZIP_BYTES} bytes gzip for all kinds together: {'within' if within_budget else 'OVER'}")
    with tempfile.TemporaryDirectory() as workdir:
        chromium = measure_in_chromium(Path(workdir))
    shift = round(chromium["shift"], 4)
    blocking = chromium["blocking"] != "non-blocking"
    print(f"layout shift added by the widget: {shift} (budget 0)")
    print(f"render blocking: {chromium['blocking']} (budget: non-blocking)")
    print(
        f"RESULT widget_raw_bytes={measured['raw']} widget_gzip_bytes={measured['gzip']} "
        f"widget_brotli_bytes={measured['brotli']} budget_gzip_bytes={BUDGET_GZIP_BYTES} "
        f"within_budget={'yes' if within_budget else 'no'} layout_shift={shift} "
        f"render_blocking={'yes' if blocking else 'no'}"
    )
    return 0 if within_budget and shift == 0 and not blocking else 1


if __name__ == "__main__":
    sys.exit(main())
