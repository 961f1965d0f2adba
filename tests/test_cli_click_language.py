"""Click's own messages ("Usage:", "Error: ...") follow the command line's language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CXAUDIT = Path(sys.executable).parent / "cxaudit"
LANGUAGE_VARIABLES = ("CXAUDIT_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def run_cxaudit(*arguments: str, cwd: Path, **variables: str) -> subprocess.CompletedProcess:
    """Run the installed ``cxaudit`` as a user would, with no language variable set but those in ``variables``."""
    environment = {name: value for name, value in os.environ.items() if name not in LANGUAGE_VARIABLES}
    environment.pop("CXAUDIT_ENABLED_PLUGINS", None)
    environment.update(variables)
    return subprocess.run([str(CXAUDIT), *arguments], capture_output=True, text=True, env=environment, cwd=cwd, timeout=120)


def test_help_headings_in_polish(tmp_path):
    result = run_cxaudit("--help", cwd=tmp_path, CXAUDIT_LANGUAGE="pl")

    assert result.returncode == 0
    assert result.stdout.startswith("Użycie: cxaudit")
    assert "\nOpcje:\n" in result.stdout
    assert "\nPolecenia:\n" in result.stdout
    assert "Pokaż tę pomoc i zakończ." in result.stdout
    assert "Pokaż wersję i zakończ." in result.stdout
    assert "Usage:" not in result.stdout


def test_help_headings_in_english(tmp_path):
    result = run_cxaudit("--help", cwd=tmp_path, CXAUDIT_LANGUAGE="en")

    assert result.returncode == 0
    assert result.stdout.startswith("Usage: cxaudit")
    assert "\nOptions:\n" in result.stdout
    assert "\nCommands:\n" in result.stdout
    assert "Show this message and exit." in result.stdout


def test_invalid_option_value_in_polish(tmp_path):
    result = run_cxaudit("scan", "run", "--max-pages", "many", "https://example.org/", cwd=tmp_path, CXAUDIT_LANGUAGE="pl")

    assert result.returncode == 2
    assert "Użyj 'cxaudit scan run --help', aby wyświetlić pomoc." in result.stderr
    assert "Błąd: Nieprawidłowa wartość '--max-pages': 'many' nie jest prawidłową liczbą" in result.stderr
    assert "Error" not in result.stderr


def test_invalid_option_value_in_english(tmp_path):
    result = run_cxaudit("scan", "run", "--max-pages", "many", "https://example.org/", cwd=tmp_path, CXAUDIT_LANGUAGE="en")

    assert result.returncode == 2
    assert "Error: Invalid value for '--max-pages': 'many' is not a valid integer range." in result.stderr


def test_unknown_command_in_polish(tmp_path):
    result = run_cxaudit("scna", cwd=tmp_path, CXAUDIT_LANGUAGE="pl")

    assert result.returncode == 2
    assert "Błąd: Nie ma polecenia 'scna'. Czy chodziło o 'scan'?" in result.stderr


def test_unknown_command_in_english(tmp_path):
    result = run_cxaudit("scna", cwd=tmp_path, CXAUDIT_LANGUAGE="en")

    assert result.returncode == 2
    assert "Error: No such command 'scna'. Did you mean 'scan'?" in result.stderr


def test_missing_argument_in_polish(tmp_path):
    result = run_cxaudit("scan", "run", cwd=tmp_path, CXAUDIT_LANGUAGE="pl")

    assert result.returncode == 2
    assert "Błąd: Brak argumentu 'URL'." in result.stderr


def test_path_type_name_in_polish(tmp_path):
    # click.Path translates "file" when the command is defined, before main() runs.
    result = run_cxaudit("inquiries", "import", "museum", "absent.csv", cwd=tmp_path, CXAUDIT_LANGUAGE="pl")

    assert result.returncode == 2
    assert "Plik 'absent.csv' nie istnieje." in result.stderr


def test_version_in_polish(tmp_path):
    result = run_cxaudit("--version", cwd=tmp_path, CXAUDIT_LANGUAGE="pl")

    assert result.returncode == 0
    assert result.stdout.startswith("cxaudit, wersja ")


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "Użycie:"),
        ({"LANG": "C.UTF-8"}, "Użycie:"),
        ({"LANG": "en_US.UTF-8"}, "Usage:"),
        ({"LANG": "pl_PL.UTF-8", "CXAUDIT_LANGUAGE": "en"}, "Usage:"),
        ({"LANGUAGE": "en", "LANG": "pl_PL.UTF-8"}, "Użycie:"),
        ({"LANG": "uk_UA.UTF-8"}, "Użycie:"),
    ],
    ids=["nothing-set", "c-locale", "english-lang", "cxaudit-language-wins", "language-ignored", "ukrainian-lang"],
)
def test_click_language_follows_command_line(tmp_path, variables, expected):
    # The same order as cxaudit.i18n.command_line_language: CXAUDIT_LANGUAGE,
    # then LC_ALL, LC_MESSAGES and LANG, else Polish. LANGUAGE is not read.
    result = run_cxaudit("--help", cwd=tmp_path, **variables)

    assert result.returncode == 0
    assert result.stdout.startswith(expected)
