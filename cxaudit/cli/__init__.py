"""The ``cxaudit`` command line.

Commands live in one module per area; plugins add theirs through the
``cxaudit_cli_commands`` hook.
"""

from __future__ import annotations

import json
import logging
import os
import sys

import click
from flask.cli import FlaskGroup, ScriptInfo, routes_command
from flask.cli import shell_command as flask_shell_command
from flask_babel import lazy_gettext as _l

from cxaudit.app import configure_logging, create_app
from cxaudit.cli import admin, inquiries, privacy, scans, scorecards
from cxaudit.cli.help_text import translate_help
from cxaudit.i18n import (
    COMMAND_LINE_DEFAULT_LANGUAGE,
    COMMAND_LINE_LANGUAGES,
    in_command_line_language,
    select_click_language,
    unsupported_command_line_language,
)
from cxaudit.plugins import PluginLoadError, PluginRegistry

logger = logging.getLogger(__name__)

# Long-running commands whose INFO logs (starts, stops, each scan) operators
# read. Every other command logs only warnings and errors unless --verbose.
SERVICE_COMMANDS = frozenset({"serve", "worker"})

# Developer tools with English-only help: Flask's routes and Flask-Limiter's
# limiter, which Flask adds from the "flask.commands" entry points. They
# still run, but --help leaves them out.
DEVELOPER_COMMANDS = frozenset({"limiter", "routes"})


def _create_app_for_cli():
    try:
        return create_app()
    except PluginLoadError as error:
        # Click prints a ClickException as one "Error: ..." line. Uncaught,
        # the error would end in a traceback with its message in English,
        # because no app context exists yet to translate it.
        raise click.ClickException(in_command_line_language(error.args[0])) from error


class CommandLineGroup(FlaskGroup):
    """The root command group: FlaskGroup, with developer commands hidden and a one-line error when ``--help`` cannot create the app."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except click.ClickException as error:
            # FlaskGroup.list_commands would print this error's traceback.
            # The built-in commands are listed without the app's.
            error.show()
            return sorted(self.commands)
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None and name in DEVELOPER_COMMANDS:
            command.hidden = True
        return command


@click.group(cls=CommandLineGroup, create_app=_create_app_for_cli, add_default_commands=False, add_version_option=False)
@click.version_option(package_name="cxaudit")
@click.option("--verbose", "-v", is_flag=True, help="Also log progress messages (INFO), such as each page a scan audits, to stderr.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Measure and improve the digital service of cultural institutions."""
    # Runs before the subcommand creates the app, whose own default is INFO.
    verbose = verbose or ctx.invoked_subcommand in SERVICE_COMMANDS
    configure_logging(logging.INFO if verbose else logging.WARNING)


# cxaudit always builds its own app, so Flask's options for choosing an app
# (--app, --env-file, --debug) would only confuse users.
cli.params = [param for param in cli.params if param.name not in {"app", "env_file", "debug"}]

for module in (admin, inquiries, privacy, scans, scorecards):
    module.register(cli)
# Flask's shell, with a help text that translate_help can translate.
shell_command = click.Command(
    "shell",
    callback=flask_shell_command.callback,
    help="Open an interactive Python shell with the cxaudit app loaded, for operators.",
)
cli.add_command(shell_command)
cli.add_command(routes_command)


def _add_plugin_commands(group: click.Group) -> None:
    enabled = os.environ.get("CXAUDIT_ENABLED_PLUGINS")
    registry = PluginRegistry(enabled=json.loads(enabled) if enabled else None)
    try:
        registry.load_entry_points()
    except PluginLoadError as error:
        # The built-in commands must still work. Creating the app loads the
        # same plugins and _create_app_for_cli reports the error in the
        # command line's language, so it is not printed here as well.
        # NOTE: when ENABLED_PLUGINS in config.py leaves the broken plugin
        # out, the app starts and the missing plugin commands go unreported.
        logger.info("Plugin commands not added: %s", error)
        return
    for call in registry.call_each("cxaudit_cli_commands"):
        for command in call.result:
            if command.name in group.commands:
                logger.warning("Plugin %s: command %s already exists and was not added", call.plugin, command.name)
                continue
            group.add_command(command)


def _warn_about_unsupported_language() -> None:
    value = unsupported_command_line_language()
    if value is None:
        return
    message = _l(
        "Warning: the command line is not translated into CXAUDIT_LANGUAGE=%(value)s, so it uses %(default)s. "
        "Available languages: %(languages)s.",
        value=value,
        default=COMMAND_LINE_DEFAULT_LANGUAGE,
        languages=", ".join(COMMAND_LINE_LANGUAGES),
    )
    click.echo(in_command_line_language(message), err=True)


def main() -> None:
    # Already chosen when the console script (cxaudit.__main__) starts, but a
    # caller of this function gets Click's messages translated as well.
    select_click_language()
    _warn_about_unsupported_language()
    # Before plugin commands are added, because those are translated with the plugins' own catalogs.
    translate_help(cli)
    _add_plugin_commands(cli)
    cli.main(prog_name="cxaudit", args=sys.argv[1:])
