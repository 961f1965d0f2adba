"""The command line's help texts follow CXAUDIT_LANGUAGE, and the guard's refusal is not a warning."""

from __future__ import annotations

import inspect
import logging
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cxaudit.cli import cli
from cxaudit.cli.help_text import _catalog
from cxaudit.scan.guard import BlockedAddress, Guard

CXAUDIT = Path(sys.executable).parent / "cxaudit"


def run_help(*arguments: str, language: str) -> str:
    """Run the installed ``cxaudit`` as a user would, with ``language`` chosen by CXAUDIT_LANGUAGE."""
    environment = {**os.environ, "CXAUDIT_LANGUAGE": language}
    result = subprocess.run([str(CXAUDIT), *arguments, "--help"], capture_output=True, text=True, env=environment, check=True)
    return result.stdout


def help_texts(command: click.Command, path: str = "cxaudit") -> list[tuple[str, str]]:
    """List ``(where, text)`` for the help of ``command``, its options and subcommands."""
    texts = [(path, inspect.cleandoc(command.help))] if command.help else []
    texts += [(f"{path} {parameter.name}", parameter.help) for parameter in command.params if getattr(parameter, "help", None)]
    for name, subcommand in getattr(command, "commands", {}).items():
        texts += help_texts(subcommand, f"{path} {name}")
    return texts


def test_every_help_text_has_polish():
    # Flask's routes command and Flask-Limiter's limiter command (newer
    # releases add it) keep their own English help and are hidden. Click's
    # --version help comes from the click catalog (test_cli_click_language).
    foreign = (["routes"], ["limiter"], ["version"])
    ours = [(where, text) for where, text in help_texts(cli) if where.split()[1:2] not in foreign]
    polish = _catalog("pl")

    untranslated = [where for where, text in ours if polish.gettext(text) == text]

    assert len(ours) > 50
    assert untranslated == []


def test_scan_help_in_polish():
    output = run_help("scan", "run", language="pl")

    assert "Przeszukaj witrynę z adresu URL" in output
    assert "Największa liczba stron do sprawdzenia" in output
    assert "Crawl URL's site" not in output


def test_scan_help_in_english():
    output = run_help("scan", "run", language="en")

    assert "Crawl URL's site in headless Chromium" in output


def command_list(help_output: str) -> dict[str, str]:
    """Map each command name listed in ``cxaudit --help`` to its short help."""
    heading = "Polecenia:" if "Polecenia:" in help_output else "Commands:"
    rows = help_output.split(f"\n{heading}\n", 1)[1].splitlines()
    return dict(row.strip().split(None, 1) for row in rows if row.strip())


def test_root_help_in_polish_hides_developer_commands():
    commands = command_list(run_help(language="pl"))

    assert "limiter" not in commands
    assert "routes" not in commands
    assert commands["shell"].startswith("Otwórz interaktywną powłokę Pythona")
    assert "scan" in commands


def test_root_help_in_english_hides_developer_commands():
    commands = command_list(run_help(language="en"))

    assert "limiter" not in commands
    assert "routes" not in commands
    assert commands["shell"].startswith("Open an interactive Python shell")
    assert "scan" in commands


@pytest.mark.parametrize("command", ["routes", "limiter"])
def test_hidden_developer_command_still_runs(command):
    output = run_help(command, language="en")

    assert output.startswith(f"Usage: cxaudit {command}")


def test_serve_help_shows_real_thread_default():
    output = " ".join(run_help("serve", language="en").split())

    assert "[default: WORKER_THREADS]" not in output
    assert "which is 1 unless set" in output


def test_guard_refusal_logged_at_info(caplog):
    guard = Guard(resolver=lambda host: ["10.0.0.5"])

    with caplog.at_level(logging.DEBUG, logger="cxaudit.scan.guard"), pytest.raises(BlockedAddress):
        guard.check_url("http://intranet.localhost/")

    assert [record.levelno for record in caplog.records] == [logging.INFO]
