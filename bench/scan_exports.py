"""How long exporting and comparing a large stored scan takes.

Stores two synthetic finished scans of one site in a temporary SQLite
database: 1000 pages (the web UI's page limit), each with 10 violated rules
on 3 elements. Then measures the CPU time (the best of three runs, because
the wall clock on a shared machine mostly measures the other processes) of
the JSON, CSV and SARIF exports of one scan and of the diff of the two. No
other tool exports cxaudit's stored results, so there is no peer figure.

Run from the project root: ``.venv/bin/python bench/scan_exports.py``.
The last line is ``RESULT name=value ...`` with seconds of CPU time.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Finding, Institution, Outcome, PageResult, PageStatus, Scan, ScanStatus, Site
from cxaudit.scan.diff import diff_scans
from cxaudit.scan.export import render_export

PAGES = 1000
RULES_PER_PAGE = 10
ELEMENTS_PER_RULE = 3
RUNS = 3
BASE_URL = "https://muzeum.example/"


def store_scan(site: Site, rule_offset: int) -> int:
    """Store a finished scan; ``rule_offset`` shifts the rule names so two scans differ."""
    scan = Scan(site=site, url=BASE_URL, status=ScanStatus.FINISHED, settings={"tools": {"axe-core": "4.10.2"}})
    for page_number in range(PAGES):
        findings = [
            Finding(
                plugin="axe",
                rule=f"rule-{(rule + rule_offset) % 15}",
                outcome=Outcome.VIOLATION,
                impact="serious",
                wcag=["1.1.1"],
                count=ELEMENTS_PER_RULE,
                targets=[f"#element-{rule}-{element}" for element in range(ELEMENTS_PER_RULE)],
                help="Synthetic rule",
                help_url="https://rules.example/",
            )
            for rule in range(RULES_PER_PAGE)
        ]
        scan.pages.append(PageResult(url=f"{BASE_URL}page-{page_number}", status=PageStatus.AUDITED, findings=findings))
    db.session.add(scan)
    db.session.commit()
    return scan.id


def best_cpu_seconds(work: Callable[[], object]) -> float:
    """Run ``work`` on freshly loaded rows ``RUNS`` times and return the least CPU time."""
    timings = []
    for _ in range(RUNS):
        db.session.expire_all()
        start = time.process_time()
        work()
        timings.append(time.process_time() - start)
    return min(timings)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="cxaudit-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "HUEY_SQLITE_PATH": str(folder / "jobs.db"),
            "ENABLED_PLUGINS": ["axe"],
        }
    )
    with app.app_context():
        upgrade_database()
        site = Site(institution=Institution(slug="bench", name="Bench"), base_url=BASE_URL)
        db.session.add(site)
        db.session.commit()
        first_id = store_scan(site, rule_offset=0)
        second_id = store_scan(site, rule_offset=3)

        results = {}
        for fmt in ("json", "csv", "sarif"):
            results[f"export_{fmt}_s"] = best_cpu_seconds(lambda fmt=fmt: render_export(db.session.get(Scan, first_id), fmt))
        results["diff_s"] = best_cpu_seconds(
            lambda: diff_scans(db.session.get(Scan, first_id), db.session.get(Scan, second_id))
        )
        db.engine.dispose()

    elements = PAGES * RULES_PER_PAGE * ELEMENTS_PER_RULE
    print(f"Scan of {PAGES} pages, {elements} violating elements; CPU seconds, best of {RUNS}:")
    for name, seconds in results.items():
        print(f"  {name}: {seconds:.2f}")
    print("  peer: none (no other tool exports cxaudit's stored scans)")
    print("RESULT " + " ".join(f"{name}={seconds:.2f}" for name, seconds in results.items()))


if __name__ == "__main__":
    main()
