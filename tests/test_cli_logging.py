"""One-shot commands log only warnings and errors unless --verbose, so users read their own language only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CXAUDIT = Path(sys.executable).parent / "cxaudit"
PAGE = '<!doctype html><html lang="pl"><head><title>Muzeum</title></head><body><main><h1>Muzeum</h1></main></body></html>'


@pytest.fixture
def run_cxaudit(tmp_path):
    """Return a function that runs the installed ``cxaudit`` on a fresh SQLite database in ``tmp_path``."""
    environment = {
        **os.environ,
        "CXAUDIT_SECRET_KEY": "test",
        "CXAUDIT_DATABASE_URL": f"sqlite:///{tmp_path / 'cxaudit.db'}",
        "CXAUDIT_HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"),
        "CXAUDIT_ADMIN_PASSWORD": "correct-horse-battery",
    }

    def run(*arguments: str, language: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(CXAUDIT), *arguments],
            env={**environment, "CXAUDIT_LANGUAGE": language},
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )

    init = run("init", language="en")
    assert init.returncode == 0, init.stderr
    return run


@pytest.mark.parametrize(
    ("language", "confirmation"),
    [("pl", "Dodano instytucję muzeum: Muzeum."), ("en", "Added the institution muzeum: Muzeum.")],
)
def test_institution_add_logs_nothing(run_cxaudit, language, confirmation):
    result = run_cxaudit("institution", "add", "muzeum", "--name", "Muzeum", language=language)

    assert result.returncode == 0, result.stderr
    assert confirmation in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("option", ["--verbose", "-v"])
def test_verbose_shows_info_logs(run_cxaudit, option):
    result = run_cxaudit(option, "institution", "add", "muzeum", "--name", "Muzeum", language="pl")

    assert result.returncode == 0, result.stderr
    assert "INFO cxaudit.audit_log: Audit: institution_added" in result.stderr


@pytest.mark.parametrize(
    ("language", "progress"),
    [("pl", "(0 naruszonych reguł)"), ("en", "(0 rules violated)")],
)
def test_scan_prints_progress_without_logs(run_cxaudit, serve_directory, tmp_path, language, progress):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    url = serve_directory(site)

    result = run_cxaudit("scan", f"{url}/", "--max-pages", "1", language=language)

    assert result.returncode == 0, result.stderr
    assert f"[1/1] {url}/ {progress}" in result.stderr
    assert " INFO " not in result.stderr
    assert "Scan 1: audited" not in result.stderr
