"""Measure scan throughput with a pool of browser sessions against one session.

Generates a site of linked pages in a temporary folder, serves it on
127.0.0.1 and scans it twice with the axe plugin: once with one Chromium
session (the serial crawl, the peer) and once with ``--browsers`` sessions.
Prints pages per second for both and ends with one RESULT line.

    .venv/bin/python bench/scan_pool.py --pages 24 --browsers 2
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

PAGE = """<!doctype html>
<html lang="pl">
<head><meta charset="utf-8"><title>Strona {number}</title></head>
<body>
<main>
<h1>Strona {number}</h1>
<p>Opis wystawy numer {number}. {filler}</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<ul>{links}</ul>
</main>
</body>
</html>
"""


def write_site(folder: Path, pages: int) -> None:
    """Write ``pages`` pages; page 0 links to all others, so the crawl is one level deep."""
    filler = "Tekst akapitu. " * 40
    for number in range(pages):
        targets = range(1, pages) if number == 0 else [0, (number % (pages - 1)) + 1]
        links = "".join(f'<li><a href="page-{target}.html">Strona {target}</a></li>' for target in targets)
        (folder / f"page-{number}.html").write_text(PAGE.format(number=number, filler=filler, links=links), encoding="utf-8")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def measure(start_url: str, pages: int, browsers: int, workdir: Path) -> float:
    """Scan ``start_url`` with ``browsers`` sessions and return pages per second."""
    from cxaudit.app import create_app
    from cxaudit.database import upgrade_database
    from cxaudit.extensions import db
    from cxaudit.models import Scan, ScanStatus
    from cxaudit.scan.runner import create_scan, run_stored_scan

    database = workdir / f"bench-{browsers}.db"
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{database}",
            "HUEY_SQLITE_PATH": str(workdir / "jobs.db"),
            "ENABLED_PLUGINS": ["axe"],
            "SCAN_BROWSERS": browsers,
            "SCAN_ALLOWED_NETWORKS": "127.0.0.0/8",
            "DEFAULT_LANGUAGE": "en",
        }
    )
    with app.app_context():
        upgrade_database()
        scan_id = create_scan(start_url, pages).id
        started = time.perf_counter()
        run_stored_scan(scan_id)
        elapsed = time.perf_counter() - started
        scan = db.session.get(Scan, scan_id)
        if scan.status != ScanStatus.FINISHED or scan.pages_done != pages:
            raise SystemExit(f"scan with {browsers} session(s) ended {scan.status} after {scan.pages_done} pages: {scan.error}")
        db.engine.dispose()
    return pages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=24, help="pages in the generated site (at least 2)")
    parser.add_argument("--browsers", type=int, default=os.cpu_count() or 1, help="sessions of the pooled scan")
    options = parser.parse_args()
    os.environ.setdefault("SE_AVOID_STATS", "true")

    workdir = Path(tempfile.mkdtemp(prefix="cxaudit-bench-"))
    site = workdir / "site"
    site.mkdir()
    write_site(site, options.pages)
    server, base_url = serve(site)
    try:
        serial = measure(f"{base_url}/page-0.html", options.pages, 1, workdir)
        pooled = measure(f"{base_url}/page-0.html", options.pages, options.browsers, workdir)
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"one session (peer): {serial:.2f} pages/s")
    print(f"{options.browsers} sessions: {pooled:.2f} pages/s ({pooled / serial:.2f}x)")
    print(
        f"RESULT pool_pages_per_second={pooled:.2f} serial_pages_per_second={serial:.2f} "
        f"speedup={pooled / serial:.2f} browsers={options.browsers} pages={options.pages} cpus={os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
