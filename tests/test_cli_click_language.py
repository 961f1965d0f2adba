"""Click's own messages ("Usage:", "Error: ...") follow the command line's
language, and a plugin that fails to load is reported in one translated line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CXAUDIT = Path(sys.executable).parent / "cxaudit"
TESTS_DIR = Path(__file__).parent
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


UNSUPPORTED_LANGUAGE_WARNING = (
    "Ostrzeżenie: wiersz poleceń nie jest przetłumaczony na język CXAUDIT_LANGUAGE={value}, "
    "więc używa języka pl. Dostępne języki: pl, en.\n"
)


@pytest.mark.parametrize("value", ["uk", "de-DE"])
def test_unsupported_language_warns_once(tmp_path, value):
    result = run_cxaudit("--help", cwd=tmp_path, CXAUDIT_LANGUAGE=value)

    assert result.returncode == 0
    assert result.stderr == UNSUPPORTED_LANGUAGE_WARNING.format(value=value)
    assert result.stdout.startswith("Użycie: cxaudit")


def test_unsupported_language_warns_before_command(tmp_path):
    result = run_cxaudit("scna", cwd=tmp_path, CXAUDIT_LANGUAGE="uk")

    assert result.returncode == 2
    assert result.stderr.startswith(UNSUPPORTED_LANGUAGE_WARNING.format(value="uk"))
    assert result.stderr.count("Ostrzeżenie:") == 1
    assert "Błąd: Nie ma polecenia 'scna'." in result.stderr


@pytest.mark.parametrize("value", ["pl", "pl_PL.UTF-8", "en", "en-GB", "C"])
def test_supported_language_no_warning(tmp_path, value):
    result = run_cxaudit("--help", cwd=tmp_path, CXAUDIT_LANGUAGE=value)

    assert result.returncode == 0
    assert result.stderr == ""


def install_broken_plugin(site: Path) -> None:
    """Install a distribution into ``site`` whose ``cxaudit`` entry point fails to import.

    importlib.metadata finds a distribution by its .dist-info folder on
    sys.path, as pip leaves it, so adding ``site`` to PYTHONPATH installs it.
    """
    dist_info = site / "cxaudit_failing-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: cxaudit-failing\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text("[cxaudit]\nfailing = plugins.failing_import\n")


@pytest.fixture
def broken_plugin_path(tmp_path) -> str:
    """A PYTHONPATH with a plugin whose import raises ImportError (tests/plugins/failing_import.py)."""
    site = tmp_path / "site-packages"
    install_broken_plugin(site)
    return os.pathsep.join([str(site), str(TESTS_DIR)])


def test_broken_plugin_one_line_in_polish(tmp_path, broken_plugin_path):
    result = run_cxaudit("plugins", cwd=tmp_path, CXAUDIT_LANGUAGE="pl", PYTHONPATH=broken_plugin_path)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Błąd: Nie udało się zaimportować wtyczki failing (plugins.failing_import): ")
    assert "needs a library that is not installed" in result.stderr
    assert "Zainstaluj ją ponownie lub usuń ze środowiska." in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_plugin_one_line_in_english(tmp_path, broken_plugin_path):
    result = run_cxaudit("plugins", cwd=tmp_path, CXAUDIT_LANGUAGE="en", PYTHONPATH=broken_plugin_path)

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: Plugin failing (plugins.failing_import) failed to import: ")
    assert "Reinstall it or remove it from the environment." in result.stderr


def test_broken_plugin_help_still_lists_commands(tmp_path, broken_plugin_path):
    result = run_cxaudit("--help", cwd=tmp_path, CXAUDIT_LANGUAGE="pl", PYTHONPATH=broken_plugin_path)

    assert result.returncode == 0
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Błąd: Nie udało się zaimportować wtyczki failing")
    assert "Traceback" not in result.stderr
    assert "\nPolecenia:\n" in result.stdout
    assert "  scan " in result.stdout
