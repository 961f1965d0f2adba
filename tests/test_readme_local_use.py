"""Both READMEs tell a new user how to change the port and how to scan a site on their own machine."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
READMES = ["README.md", "README.pl.md"]
LOCAL_SCAN = "CXAUDIT_SCAN_ALLOWED_NETWORKS=127.0.0.0/8,::1/128 .venv/bin/cxaudit scan http://127.0.0.1:8000/"


def planned_commands(*arguments: str) -> str:
    """Return the commands ``make run`` would run, without running them."""
    result = subprocess.run(["make", "-n", "run", *arguments], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout


def test_make_run_serves_on_chosen_port():
    assert ".venv/bin/cxaudit serve --port 8081" in planned_commands("PORT=8081")


def test_make_run_default_port_is_5000():
    assert ".venv/bin/cxaudit serve --port 5000" in planned_commands()


@pytest.mark.parametrize("readme", READMES)
def test_readme_explains_port(readme):
    text = " ".join((ROOT / readme).read_text(encoding="utf-8").split())

    assert "`make run PORT=8080`" in text
    assert "`.venv/bin/cxaudit serve --port 8080`" in text


@pytest.mark.parametrize("readme", READMES)
def test_readme_shows_local_scan_setting(readme):
    assert LOCAL_SCAN in (ROOT / readme).read_text(encoding="utf-8")
