"""`cxaudit scan` as a group: a URL runs a scan, names run the stored-scan subcommands."""

from __future__ import annotations

import pytest

from cxaudit.cli import cli

INVALID_URL_MESSAGE = "Invalid URL to scan: ftp://files.example/."


@pytest.mark.parametrize(
    "args",
    [
        ["ftp://files.example/"],
        ["run", "ftp://files.example/"],
        ["--max-pages", "2", "ftp://files.example/"],
        ["--fail-on", "minor", "--allow-submit", "ftp://files.example/"],
        ["--json", "-", "ftp://files.example/", "--sarif", "-"],
    ],
)
def test_url_reaches_scan(runner, args):
    result = runner.invoke(cli, ["scan", *args])

    assert result.exit_code == 2
    assert result.stderr.startswith(INVALID_URL_MESSAGE)


def test_group_help_lists_subcommands(runner):
    result = runner.invoke(cli, ["scan", "--help"])

    assert result.exit_code == 0
    commands = result.output[result.output.index("Commands:"):].split()
    assert {"run*", "list", "export", "diff"} <= set(commands)


def test_run_help_names_exit_statuses(runner):
    result = runner.invoke(cli, ["scan", "run", "--help"])

    assert result.exit_code == 0
    assert "--fail-on" in result.output
    assert "3 when --fail-on matched" in result.output
