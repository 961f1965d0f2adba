"""CLI commands: importing inquiries and setting an institution's own addresses and API token."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from cxaudit.forms import InvalidValue
from cxaudit.forms.institutions import find_institution
from cxaudit.inquiries.addresses import own_addresses, parse_own_addresses, set_own_addresses
from cxaudit.inquiries.imap import SECURITY_MODES, ImapAccount, ImapError, read_imap
from cxaudit.inquiries.imports import FORMATS, import_csv, import_mail, import_mbox, require_own_addresses
from cxaudit.inquiries.records import InvalidInquiries
from cxaudit.inquiries.store import ImportResult, generate_api_token
from cxaudit.models import InquirySource, Institution

# Exit status for bad input, as click uses for usage errors.
EXIT_BAD_INPUT = 2
PASSWORD_VARIABLE = "CXAUDIT_IMAP_PASSWORD"

inquiries_group = AppGroup("inquiries", help="Import visitors' inquiries for the response times.")


def register(group: click.Group) -> None:
    """Add this module's commands to ``group``."""
    group.add_command(inquiries_group)


def fail(message: str) -> None:
    click.echo(_("Error: %(message)s", message=message), err=True)
    raise click.exceptions.Exit(EXIT_BAD_INPUT)


def institution_or_fail(slug: str) -> Institution:
    institution = find_institution(slug)
    if institution is None:
        fail(_("No institution has the slug %(slug)s. Run `cxaudit institution list` to see the slugs.", slug=slug))
    return institution


def report(result: ImportResult) -> None:
    click.echo(
        _(
            "%(added)s, %(updated)s.",
            added=ngettext("%(num)d inquiry added", "%(num)d inquiries added", result.created),
            updated=ngettext("%(num)d updated", "%(num)d updated", result.updated),
        )
    )
    if result.skipped_threads:
        click.echo(
            ngettext(
                "%(num)d thread had no message from a visitor and was left out.",
                "%(num)d threads had no message from a visitor and were left out.",
                result.skipped_threads,
            )
        )
    if not result.replies_found:
        click.echo(
            _(
                "No reply from the institution's own addresses was found, so every inquiry looks unanswered. "
                "Import the Sent folder together with the Inbox."
            ),
            err=True,
        )
    if result.skipped_messages:
        click.echo(
            ngettext(
                "%(num)d message had no readable Date header and was left out.",
                "%(num)d messages had no readable Date header and were left out.",
                result.skipped_messages,
            ),
            err=True,
        )


def fail_invalid(error: InvalidInquiries) -> None:
    for line in error.errors:
        click.echo(line, err=True)
    fail(_("Nothing was imported. Correct the file and import it again."))


@inquiries_group.command("import")
@click.argument("slug")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
    help="csv: one row per inquiry (see docs/inquiries.md); mbox: mail files, give Inbox and Sent together.",
)
def import_command(slug: str, files: tuple[Path, ...], fmt: str) -> None:
    """Import the inquiries of the institution SLUG from FILES. Importing the same data again updates it."""
    institution = institution_or_fail(slug)
    if fmt == "csv" and len(files) > 1:
        fail(_("Give one CSV file at a time."))
    try:
        if fmt == "csv":
            result = import_csv(institution, files[0].read_bytes())
        else:
            result = import_mbox(institution, list(files))
    except InvalidInquiries as error:
        fail_invalid(error)
    report(result)


@inquiries_group.command("imap")
@click.argument("slug")
@click.option("--host", required=True, help="IMAP server name, such as imap.example.org.")
@click.option("--port", type=int, help="IMAP port. Default: 993 with --security ssl, 143 otherwise.")
@click.option("--security", type=click.Choice(SECURITY_MODES), default="ssl", show_default=True,
              help="ssl: TLS from the start; starttls: switch to TLS after connecting; none: no encryption.")
@click.option("--user", required=True, help="User name of the mailbox.")
@click.option("--folder", "folders", multiple=True, default=("INBOX",), show_default=True,
              help="Folder to read; repeat it to read the Sent folder too, such as --folder INBOX --folder Sent.")
def imap_command(slug: str, host: str, port: int | None, security: str, user: str, folders: tuple[str, ...]) -> None:
    """Import the inquiries of the institution SLUG from an IMAP mailbox.

    The password is read from CXAUDIT_IMAP_PASSWORD or asked for; it is never stored.
    """
    institution = institution_or_fail(slug)
    # Without own addresses the import cannot tell replies from visitors' mail, so this check comes before the
    # password prompt and the mailbox read.
    try:
        own = require_own_addresses(institution)
    except InvalidInquiries as error:
        fail(" ".join(error.errors))
    password = os.environ.get(PASSWORD_VARIABLE) or click.prompt(_("Password for %(user)s", user=user), hide_input=True)
    account = ImapAccount(host=host, port=port, security=security, user=user, password=password, folders=folders)
    try:
        result = import_mail(institution, read_imap(account), InquirySource.IMAP, own)
    except ImapError as error:
        fail(str(error))
    except InvalidInquiries as error:
        # fail_invalid ends with a request to correct a file, which IMAP does not have. The error names what to check.
        fail(" ".join(error.errors))
    report(result)


@inquiries_group.command("addresses")
@click.argument("slug")
@click.argument("addresses", nargs=-1)
def addresses_command(slug: str, addresses: tuple[str, ...]) -> None:
    """Set the mail ADDRESSES the institution SLUG replies from (kasa@muzeum.pl, or @muzeum.pl for a domain).

    Without ADDRESSES, print the ones set.
    """
    institution = institution_or_fail(slug)
    if addresses:
        try:
            set_own_addresses(institution, parse_own_addresses(" ".join(addresses)))
        except InvalidValue as error:
            fail(str(error))
    for address in own_addresses(institution):
        click.echo(address)


@inquiries_group.command("token")
@click.argument("slug")
def token_command(slug: str) -> None:
    """Make a new API token for the institution SLUG, replacing the old one, and print it once."""
    institution = institution_or_fail(slug)
    token = generate_api_token(institution)
    click.echo(token)
    click.echo(_("Keep the token safe: it is shown only now. The previous token no longer works."), err=True)
