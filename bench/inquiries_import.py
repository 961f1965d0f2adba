"""How long a large CSV import and the response-time figures take.

Writes a CSV of 20,000 inquiries over one year (a large institution's
helpdesk export), imports it into a new SQLite database, imports it again
(every row an update), and builds the scorecard's response times. There is
no set target: the peer figure is the first import, against which the
re-import and the figures can be compared.

Run from the project root: ``.venv/bin/python bench/inquiries_import.py``.
The last line is ``RESULT name=value ...`` with times in seconds.
"""

from __future__ import annotations

import logging
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.inquiries.imports import import_csv
from cxaudit.models import Institution
from cxaudit.scorecard.response_times import institution_response_times

ROWS = 20_000
CHANNELS = ("email", "form", "facebook", "phone", "other")


def make_csv(rows: int) -> bytes:
    """Build a CSV where 90% of inquiries are answered within 0–96 hours and half of those resolved."""
    generator = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lines = ["id,channel,received_at,first_response_at,resolved_at"]
    for number in range(rows):
        received = start + timedelta(minutes=generator.randrange(365 * 24 * 60))
        answered = received + timedelta(minutes=generator.randrange(96 * 60)) if generator.random() < 0.9 else None
        resolved = answered + timedelta(hours=generator.randrange(48)) if answered and generator.random() < 0.5 else None
        lines.append(
            ",".join(
                [
                    f"HD-{number}",
                    generator.choice(CHANNELS),
                    received.isoformat(),
                    answered.isoformat() if answered else "",
                    resolved.isoformat() if resolved else "",
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode()


def timed(action) -> tuple[float, object]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    content = make_csv(ROWS)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
                "HUEY_SQLITE_PATH": str(Path(folder) / "jobs.db"),
            }
        )
        with app.app_context():
            upgrade_database()
            museum = Institution(slug="bench", name="Bench", default_language="pl")
            db.session.add(museum)
            db.session.commit()

            first_seconds, first = timed(lambda: import_csv(museum, content))
            again_seconds, again = timed(lambda: import_csv(museum, content))
            figures_seconds, times = timed(lambda: institution_response_times(museum.id))
            db.engine.dispose()

    print(f"rows: {ROWS}, first import added {first.created}, re-import updated {again.updated}")
    print(f"first import {first_seconds:.2f} s (peer), re-import {again_seconds:.2f} s, figures {figures_seconds:.2f} s")
    print(f"median first response {times.overall.first_response.median / 3600:.1f} h over {times.overall.inquiries} inquiries")
    print(
        f"RESULT rows={ROWS} import_seconds={first_seconds:.2f} reimport_seconds={again_seconds:.2f} "
        f"figures_seconds={figures_seconds:.2f}"
    )


if __name__ == "__main__":
    main()
