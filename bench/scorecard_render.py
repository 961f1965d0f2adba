"""How long rendering one scorecard takes in each format, without building it.

Builds the large institution's scorecard for the last 30 days once, from a
database that bench/scorecard.py filled, then times only the rendering of
each format, REPEATS times each (median, wall-clock and CPU seconds of this
process). The database is only read. Run from the project root::

    .venv/bin/python bench/scorecard_render.py DATABASE_URL [--profile FORMAT] [--language pl|en]

``--profile FORMAT`` renders that format once under cProfile instead and
prints the 40 functions with the most cumulative time. The last line of a
timing run is ``RESULT name=value ...`` with seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from cxaudit.app import create_app
from cxaudit.extensions import db
from cxaudit.models import Institution
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.render import FORMATS, render

REPEATS = 5
LARGE_INSTITUTION = "duze-muzeum"


def median_seconds(action) -> tuple[float, float]:
    """Run ``action`` REPEATS times; return the median wall-clock and CPU seconds of this process."""
    wall, cpu = [], []
    for _repeat in range(REPEATS):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="database URL filled by bench/scorecard.py; only read")
    parser.add_argument("--profile", choices=FORMATS, help="profile one rendering of this format instead of timing")
    parser.add_argument("--language", default="pl", help="scorecard language (default: pl)")
    return parser.parse_args()


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    arguments = parse_arguments()
    folder = Path(tempfile.mkdtemp(prefix="cxaudit-bench-render-"))
    app = create_app({"DATABASE_URL": arguments.url, "SECRET_KEY": "bench", "HUEY_SQLITE_PATH": str(folder / "jobs.db"),
                      "ENABLED_PLUGINS": None})
    with app.app_context(), app.test_request_context():
        institution = db.session.scalars(select(Institution).filter_by(slug=LARGE_INSTITUTION)).one()
        scorecard = build_scorecard(institution, arguments.language, parse_period("30d"))
        # Warm up, because importing WeasyPrint and openpyxl is not rendering.
        for fmt in FORMATS:
            render(scorecard, fmt)

        if arguments.profile:
            profiler = cProfile.Profile()
            profiler.runcall(render, scorecard, arguments.profile)
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
            return 0

        results = {fmt: median_seconds(lambda fmt=fmt: render(scorecard, fmt)) for fmt in FORMATS}
        sizes = {fmt: len(render(scorecard, fmt)) for fmt in FORMATS}

    print(f"load average before timing: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    for fmt, (wall, cpu) in results.items():
        print(f"{fmt}: {wall:.3f} s to render ({cpu:.3f} s CPU), {sizes[fmt]} bytes, median of {REPEATS}")
    figures = " ".join(f"{fmt}_s={wall:.3f} {fmt}_cpu_s={cpu:.3f}" for fmt, (wall, cpu) in results.items())
    print(f"RESULT language={arguments.language} {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
