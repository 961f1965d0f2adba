"""CLI commands for personal data: the retention run, and the export and
deletion of one institution with everything it owns."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from cxaudit.cli.admin import fail, institution_group, require_institution, survey_group
from cxaudit.extensions import db
from cxaudit.models import Survey
from cxaudit.privacy.delete import delete_institution
from cxaudit.privacy.export import export_filename, export_institution
from cxaudit.retention import run_retention

retention_group = AppGroup("retention", help="Delete visitors' answers, inquiries and funnel events older than the retention period.")

# The longest period accepted, so a typo such as 1200 is caught: 50 years.
MAX_RETENTION_MONTHS = 600


def register(group: click.Group) -> None:
    """Add this module's commands to ``group``; the institution commands join ``cxaudit institution``."""
    group.add_command(retention_group)
    institution_group.add_command(export_command)
    institution_group.add_command(delete_command)
    institution_group.add_command(retention_command)
    survey_group.add_command(scrub_command)


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def run_command(dry_run: bool) -> None:
    """Delete answers, inquiries and funnel events older than each institution's retention period."""
    results = run_retention(dry_run=dry_run)
    if not results:
        click.echo(_("No retention period is set, so nothing was deleted. Set CXAUDIT_RETENTION_MONTHS or `cxaudit institution retention`."))
    for result in results:
        answers = ngettext("%(num)d answer", "%(num)d answers", result.answers)
        events = ngettext("%(num)d funnel event", "%(num)d funnel events", result.events)
        inquiries = ngettext("%(num)d inquiry", "%(num)d inquiries", result.inquiries)
        values = {"slug": result.slug, "answers": answers, "inquiries": inquiries, "events": events, "cutoff": result.cutoff.date().isoformat()}
        if dry_run:
            message = _("%(slug)s: would delete %(answers)s, %(inquiries)s and %(events)s from before %(cutoff)s.", **values)
        else:
            message = _("%(slug)s: deleted %(answers)s, %(inquiries)s and %(events)s from before %(cutoff)s.", **values)
        click.echo(message)


@click.command("export")
@with_appcontext
@click.argument("slug")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Zip file to write [default: cxaudit-SLUG-DATE.zip].")
def export_command(slug: str, output: Path | None) -> None:
    """Write every record of the institution SLUG to a zip of JSON and CSV files."""
    institution = require_institution(slug)
    output = output or Path(export_filename(institution))
    if output.exists():
        fail(_("The file %(path)s exists already. Choose another name with --output.", path=output))
    try:
        with output.open("wb") as file:
            counts = export_institution(institution, file)
    except OSError as error:
        output.unlink(missing_ok=True)
        fail(_("Could not write %(path)s: %(error)s.", path=output, error=error.strerror or error))
    total = sum(counts.values())
    click.echo(ngettext("Exported %(num)d record of %(slug)s to %(path)s.", "Exported %(num)d records of %(slug)s to %(path)s.", total, slug=slug, path=output))


@click.command("delete")
@with_appcontext
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Confirm the deletion; without it nothing is deleted.")
def delete_command(slug: str, yes: bool) -> None:
    """Delete the institution SLUG with its sites, scans, surveys, answers and funnels."""
    institution = require_institution(slug)
    if not yes:
        fail(_("Deleting %(slug)s removes all its sites, scans, surveys, answers, inquiries and funnels for good. Export them first with `cxaudit institution export %(slug)s`, then add --yes.", slug=slug))
    counts = delete_institution(institution)
    total = sum(counts.values())
    click.echo(ngettext("Deleted %(slug)s and %(num)d record.", "Deleted %(slug)s and %(num)d records.", total, slug=slug))


@click.command("retention")
@with_appcontext
@click.argument("slug")
@click.argument("months", required=False, type=int)
@click.option("--default", "use_default", is_flag=True, help="Use the deployment's CXAUDIT_RETENTION_MONTHS again.")
def retention_command(slug: str, months: int | None, use_default: bool) -> None:
    """Keep the answers of the institution SLUG for MONTHS months, or show the current period."""
    institution = require_institution(slug)
    if use_default:
        institution.retention_months = None
        db.session.commit()
        click.echo(_("%(slug)s now uses the deployment's retention period.", slug=slug))
        return
    if months is None:
        current = institution.retention_months
        if current:
            click.echo(ngettext("%(slug)s keeps answers for %(num)d month.", "%(slug)s keeps answers for %(num)d months.", current, slug=slug))
        else:
            click.echo(_("%(slug)s uses the deployment's retention period.", slug=slug))
        return
    if not 1 <= months <= MAX_RETENTION_MONTHS:
        fail(_("%(months)d months is not a valid retention period. Give a number from 1 to %(max)d.", months=months, max=MAX_RETENTION_MONTHS))
    institution.retention_months = months
    db.session.commit()
    click.echo(ngettext("%(slug)s now keeps answers for %(num)d month.", "%(slug)s now keeps answers for %(num)d months.", months, slug=slug))


@click.command("scrub")
@click.argument("public_id")
@click.argument("choice", type=click.Choice(["on", "off", "default"]))
@with_appcontext
def scrub_command(public_id: str, choice: str) -> None:
    """Turn the scrubbing of e-mail addresses and phone numbers in the comments to survey PUBLIC_ID on or off."""
    survey = db.session.scalar(select(Survey).where(Survey.public_id == public_id))
    if survey is None:
        fail(_("No survey has the id %(public_id)s. Copy it from the survey's page in cxaudit.", public_id=public_id))
    settings = {key: value for key, value in (survey.settings or {}).items() if key != "scrub_comments"}
    if choice != "default":
        settings["scrub_comments"] = choice == "on"
    survey.settings = settings
    db.session.commit()
    messages = {
        "on": _("Comments to survey %(public_id)s are now stored without e-mail addresses and phone numbers."),
        "off": _("Comments to survey %(public_id)s are now stored as sent."),
        "default": _("Survey %(public_id)s now follows CXAUDIT_SCRUB_COMMENTS."),
    }
    click.echo(messages[choice] % {"public_id": public_id})
