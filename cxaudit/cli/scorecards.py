"""CLI commands: scorecards."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from cxaudit.forms import InvalidValue
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.render import (
    BINARY_FORMATS,
    FORMATS,
    find_institution,
    needs_page_groups,
    render,
    scorecard_language,
    unknown_language_message,
)

# Exit status for bad input, as click uses for usage errors.
EXIT_BAD_INPUT = 2


@click.command("scorecard")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True, help="Output format.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write the scorecard to. Without it, the scorecard goes to standard output.",
)
@click.option("--lang", help="Scorecard language, pl or en. Without it, the institution's default language is used.")
@click.option(
    "--period",
    help="Days the survey and funnel figures cover: 30d (the last 30 days, the default), "
    "a month such as 2026-11, or dates such as 2026-11-01..2026-11-15.",
)
@with_appcontext
def scorecard_command(slug: str, fmt: str, output: Path | None, lang: str | None, period: str | None) -> None:
    """Write the scorecard of the institution SLUG as PDF, HTML, JSON, CSV, XLSX or ODS."""
    institution = find_institution(slug)
    if institution is None:
        # The same message as the admin commands, so it is translated once.
        message = _("No institution has the slug %(slug)s. Run `cxaudit institution list` to see the slugs.", slug=slug)
        _fail(message)

    language = scorecard_language(lang, institution)
    if language is None:
        _fail(unknown_language_message(lang))

    try:
        chosen_period = parse_period(period)
    except InvalidValue as error:
        _fail(str(error))

    stdout = sys.stdout.buffer
    if output is None and fmt in BINARY_FORMATS and stdout.isatty():
        _fail(
            _(
                "A %(format)s file cannot be written to the terminal. Give a file with -o, for example -o scorecard.%(extension)s.",
                format=fmt.upper(),
                extension=fmt,
            )
        )

    try:
        scorecard = build_scorecard(institution, language, chosen_period, page_groups=needs_page_groups(fmt))
    except InvalidValue as error:
        _fail(str(error))
    content = render(scorecard, fmt)
    if output is None:
        stdout.write(content)
        stdout.flush()
        return
    output.write_bytes(content)
    click.echo(_("Scorecard written to %(path)s.", path=str(output)), err=True)


def _fail(message: str) -> None:
    click.echo(_("Error: %(message)s", message=message), err=True)
    raise click.exceptions.Exit(EXIT_BAD_INPUT)


def register(group: click.Group) -> None:
    """Add this module's commands to ``group``."""
    group.add_command(scorecard_command)
