"""Help texts of the command line, translated into the command line's language.

``--help`` is printed before any Flask app exists, so flask_babel cannot
translate it. The command and option help texts stay plain English strings
in the source (docstrings and ``help=``). :func:`translate_help` replaces
each one, when the command line starts, with its translation from the main
catalog in the language ``CXAUDIT_LANGUAGE`` (then ``LC_ALL``,
``LC_MESSAGES``, ``LANG``) selects. :func:`extract_help` puts the same texts
into the catalog template (babel.cfg names it for cxaudit/cli).
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from functools import cache
from typing import IO, Any

import click
from babel.messages.extract import extract_python
from babel.support import NullTranslations, Translations

from cxaudit.i18n import current_command_line_language
from cxaudit.paths import TRANSLATIONS_DIR

COMMAND_DECORATORS = ("command", "group")


@cache
def _catalog(language: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS_DIR), [language])


def translated(text: str) -> str:
    """Return ``text`` in the command line's language, or unchanged when the catalog lacks it."""
    return _catalog(current_command_line_language()).gettext(text)


def translate_help(command: click.Command) -> None:
    """Translate the help of ``command``, its options and its subcommands, recursively.

    click formats option help as plain strings, so the texts are replaced
    with their translations rather than wrapped in lazy proxies. Call it
    once, when the command line starts and its language is known.
    """
    if command.help:
        command.help = translated(inspect.cleandoc(command.help))
    for parameter in command.params:
        help_text = getattr(parameter, "help", None)
        if help_text:
            parameter.help = translated(help_text)
    for subcommand in getattr(command, "commands", {}).values():
        translate_help(subcommand)


def extract_help(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """Babel extractor: the messages of ``gettext`` calls, then every CLI help text of the file.

    Help texts are the string ``help=`` arguments and the docstrings of
    functions decorated with a click command or group.
    """
    yield from extract_python(fileobj, keywords, comment_tags, options)

    fileobj.seek(0)
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "help":
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                yield node.value.lineno, None, inspect.cleandoc(node.value.value), []
        elif isinstance(node, ast.FunctionDef) and _is_command(node):
            docstring = ast.get_docstring(node, clean=True)
            if docstring:
                yield node.body[0].lineno, None, docstring, []


def _is_command(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in COMMAND_DECORATORS:
            return True
    return False
