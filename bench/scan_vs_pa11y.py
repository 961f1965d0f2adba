"""Pages per minute and agreement of cxaudit and pa11y-ci on the W3C before-and-after pages.

Serves CXAUDIT_CORPUS/wai-bad/site on 127.0.0.1 and audits the ten pages
before/ and after/ of home, news, tickets, survey and template twice in one
run: with ``cxaudit scan`` (axe plugin only, one scan over an index page that
links the ten pages) and with pa11y-ci (axe runner, bench/pa11y). Both run
axe-core 4.10.2 with the tags pa11y's axe runner uses for WCAG2AA (wcag2a,
wcag21a, wcag2aa, wcag21aa, best-practice) in headless /usr/bin/chromium.

pa11y-ci reports axe's needs-review results as issues too, so agreement is
judged on violations only: for every page, the set of axe rule ids violated.
Each tool's time is wall-clock from start to results: for cxaudit the app,
its SQLite database and the scan in this process; for pa11y-ci the whole
Node process. cxaudit also audits the index page, which counts as a page.

Each tool starts Chromium with its own switches: cxaudit with
cxaudit.browser.CHROMIUM_ARGUMENTS, pa11y-ci with the usual headless ones
and those that keep it off the network. cxaudit's include switching off the
address bar's popup pages, which saves about 0.5 s of CPU per browser
start. Given that switch too, pa11y-ci ran 37.7 to 39.2 pages per minute in
three runs instead of 33.6 to 37.1 (5 December 2026, two-core machine).

Set up pa11y-ci once: ``cd bench/pa11y && PUPPETEER_SKIP_DOWNLOAD=true npm ci``.
Run from the project root: ``CXAUDIT_CORPUS=... .venv/bin/python bench/scan_vs_pa11y.py``.
The last line is ``RESULT cxaudit_ppm=... pa11y_ppm=... ratio=... agree=yes|no``.
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from cxaudit import browser as browser_module
from cxaudit.app import create_app
from cxaudit.cli import cli
from cxaudit.database import upgrade_database

BENCH_DIR = Path(__file__).parent
PA11Y_DIR = BENCH_DIR / "pa11y"
PA11Y_CI = PA11Y_DIR / "node_modules" / ".bin" / "pa11y-ci"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

PAGE_NAMES = ("home", "news", "tickets", "survey", "template")
VERSIONS = ("before", "after")
INDEX_PATH = "/bench-index.html"
# The tags of pa11y's axe runner for the WCAG2AA standard (pa11y 9, lib/runners/axe.js).
AXE_TAGS = ("wcag2a", "wcag21a", "wcag2aa", "wcag21aa", "best-practice")
TARGET_RATIO = 3

# Every host name except 127.0.0.1 resolves to "not found" in both browsers,
# so a link or resource on the web never leaves the machine.
BLOCK_OTHER_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
PA11Y_CHROMIUM_ARGUMENTS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--no-first-run",
    "--no-pings",
    BLOCK_OTHER_HOSTS,
]

logger = logging.getLogger("bench.scan_vs_pa11y")


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the demo site as UTF-8, plus an index page that links the ten audited pages."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".html": "text/html; charset=utf-8"}
    index_html = b""

    def do_GET(self):
        if self.path != INDEX_PATH:
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.index_html)))
        self.end_headers()
        self.wfile.write(self.index_html)

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


def page_paths() -> list[str]:
    return [f"/{version}/{name}.html" for version in VERSIONS for name in PAGE_NAMES]


def serve_site(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in page_paths())
    index = f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pages</title></head><body><ul>{links}</ul></body></html>'
    handler = type("IndexedSiteHandler", (_SiteHandler,), {"index_html": index.encode("utf-8")})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def run_cxaudit(base_url: str, work_dir: Path) -> tuple[float, int, dict[str, set[str]]]:
    """Scan the index and its ten pages; return seconds, pages audited and violated rules per URL."""
    output = work_dir / "cxaudit.json"
    browser_module.CHROMIUM_ARGUMENTS = (*browser_module.CHROMIUM_ARGUMENTS, BLOCK_OTHER_HOSTS)
    # chrome_options reads the tuple on every start; stop if that changes, rather than go online.
    if BLOCK_OTHER_HOSTS not in browser_module.chrome_options({}).arguments:
        raise RuntimeError("cxaudit.browser no longer takes CHROMIUM_ARGUMENTS; the host rule would not apply")
    started = time.perf_counter()

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{work_dir / 'cxaudit.db'}",
            "HUEY_SQLITE_PATH": str(work_dir / "jobs.db"),
            "SECRET_KEY": "bench",
            "CHROMIUM_PATH": CHROMIUM,
            "CHROMEDRIVER_PATH": CHROMEDRIVER,
            "ENABLED_PLUGINS": ["axe"],
            # The demo site is served on this machine, which the SSRF guard blocks by default.
            "SCAN_ALLOWED_NETWORKS": "127.0.0.1/32",
        }
    )
    with app.app_context():
        upgrade_database()
    arguments = ["scan", f"{base_url}{INDEX_PATH}", "--max-pages", str(len(page_paths()) + 1),
                 "--axe-tags", ",".join(AXE_TAGS), "--json", str(output)]
    result = app.test_cli_runner().invoke(cli, arguments)

    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(f"cxaudit scan failed with status {result.exit_code}: {result.output}")
    pages = json.loads(output.read_text(encoding="utf-8"))["pages"]
    violated = {
        page["url"]: {finding["rule"] for finding in page["findings"] if finding["outcome"] == "violation"}
        for page in pages
    }
    audited = sum(1 for page in pages if page["status"] == "audited")
    return seconds, audited, violated


def run_pa11y(base_url: str, work_dir: Path) -> tuple[float, int, dict[str, set[str]]]:
    """Run pa11y-ci on the ten pages; return seconds, pages audited and violated rules per URL."""
    report_file = work_dir / "pa11y-ci-results.json"
    config = {
        "defaults": {
            # Node cuts a large report on a pipe at 64 KiB, so the report goes to a file.
            "reporters": [["json", {"fileName": str(report_file)}]],
            "runners": ["axe"],
            "standard": "WCAG2AA",
            "includeWarnings": True,
            "includeNotices": True,
            "timeout": 30000,
            "chromeLaunchConfig": {"executablePath": CHROMIUM, "args": PA11Y_CHROMIUM_ARGUMENTS},
        },
        "urls": [f"{base_url}{path}" for path in page_paths()],
    }
    config_file = work_dir / "pa11y-ci.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    environment = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "true"}
    started = time.perf_counter()

    completed = subprocess.run(
        [str(PA11Y_CI), "--config", str(config_file)],
        cwd=PA11Y_DIR, env=environment, capture_output=True, text=True, timeout=600, check=False,
    )

    seconds = time.perf_counter() - started
    # pa11y-ci exits with 2 when it finds issues; the report is written either way.
    if completed.returncode not in (0, 2) or not report_file.exists():
        raise RuntimeError(f"pa11y-ci failed with status {completed.returncode}: {completed.stderr.strip()}")
    results = json.loads(report_file.read_text(encoding="utf-8"))["results"]
    violated = {
        url: {issue["code"] for issue in issues if not (issue.get("runnerExtras") or {}).get("needsFurtherReview")}
        for url, issues in results.items()
        if isinstance(issues, list)
    }
    audited = sum(1 for issues in results.values() if isinstance(issues, list) and not _is_error_entry(issues))
    return seconds, audited, violated


def _is_error_entry(issues: list) -> bool:
    # pa11y-ci lists a page it could not load as one entry with a message and no code.
    return len(issues) == 1 and "code" not in issues[0]


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    corpus = os.environ.get("CXAUDIT_CORPUS")
    if not corpus or not (Path(corpus) / "wai-bad" / "site").is_dir():
        print("Set CXAUDIT_CORPUS to the corpus folder that contains wai-bad/site.", file=sys.stderr)
        return 2
    if not PA11Y_CI.exists():
        print("pa11y-ci is not installed: run `cd bench/pa11y && PUPPETEER_SKIP_DOWNLOAD=true npm ci`.", file=sys.stderr)
        return 2

    server, base_url = serve_site(Path(corpus) / "wai-bad" / "site")
    work_dir = Path(tempfile.mkdtemp(prefix="cxaudit-bench-"))
    try:
        cx_seconds, cx_pages, cx_violated = run_cxaudit(base_url, work_dir)
        pa_seconds, pa_pages, pa_violated = run_pa11y(base_url, work_dir)
    finally:
        server.shutdown()
        shutil.rmtree(work_dir, ignore_errors=True)

    cx_ppm = cx_pages / cx_seconds * 60
    pa_ppm = pa_pages / pa_seconds * 60
    ratio = cx_ppm / pa_ppm
    print(f"cxaudit:  {cx_pages} pages in {cx_seconds:.1f} s = {cx_ppm:.1f} pages per minute")
    print(f"pa11y-ci: {pa_pages} pages in {pa_seconds:.1f} s = {pa_ppm:.1f} pages per minute")
    print(f"ratio {ratio:.2f} (target {TARGET_RATIO} or more)")

    agree = True
    for path in page_paths():
        url = base_url + path
        ours, theirs = cx_violated.get(url), pa_violated.get(url)
        same = ours is not None and ours == theirs
        agree = agree and same
        print(f"{path}: {'same' if same else 'DIFFERENT'} violated rules "
              f"cxaudit={sorted(ours or [])} pa11y-ci={sorted(theirs or [])}")

    print(f"RESULT cxaudit_ppm={cx_ppm:.1f} pa11y_ppm={pa_ppm:.1f} ratio={ratio:.2f} agree={'yes' if agree else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
