"""Starting the app loads neither pygal nor WeasyPrint, which only charts and PDFs need."""

from __future__ import annotations

import subprocess
import sys

# Builds the app as every command and worker does, then lists the heavy modules it loaded.
SCRIPT = """
import sys, tempfile
from cxaudit.app import create_app
folder = tempfile.mkdtemp()
create_app({"DATABASE_URL": f"sqlite:///{folder}/app.db", "SECRET_KEY": "test", "HUEY_SQLITE_PATH": f"{folder}/jobs.db"})
print(sorted(name for name in ("pygal", "weasyprint") if name in sys.modules))
"""


def test_app_start_skips_chart_libraries():
    completed = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == "[]"
