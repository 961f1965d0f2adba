"""CLI commands on stored scans: list them, export one, compare two."""

from __future__ import annotations

import json
from typing import Any, TextIO

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from cxaudit.cli.scans import USAGE_ERROR, impact_label
from cxaudit.extensions import db
from cxaudit.models import Scan, ScanStatus
from cxaudit.scan.diff import DiffItem, ScanDiff, ScansNotComparable, diff_scans
from cxaudit.scan.export import EXPORT_FORMATS, render_export
from cxaudit.scan.runner import find_site


def register(group: click.Group) -> None:
    """Add the stored-scan commands to the ``scan`` group."""
    group.add_command(list_command)
    group.add_command(export_command)
    group.add_command(diff_command)


@click.command("list")
@click.option("--site", "site_url", default=None, help="Only the scans of the registered site this URL belongs to.")
@click.pass_context
@with_appcontext
def list_command(ctx: click.Context, site_url: str | None) -> None:
    """List stored scans, newest first: id, status, start time, pages done and URL."""
    query = select(Scan).order_by(Scan.id.desc())
    if site_url is not None:
        site = find_site(site_url)
        if site is None:
            click.echo(
                _(
                    "No registered site matches %(url)s. Give an address of a site added with "
                    "`cxaudit site add`, or leave out --site to list every scan.",
                    url=site_url,
                ),
                err=True,
            )
            ctx.exit(USAGE_ERROR)
        query = query.where(Scan.site_id == site.id)

    for scan in db.session.scalars(query):
        started = scan.started_at.strftime("%Y-%m-%d %H:%M") if scan.started_at else "-"
        pages = ngettext("%(num)d page", "%(num)d pages", scan.pages_done)
        click.echo(f"{scan.id}\t{status_label(scan.status)}\t{started}\t{pages}\t{scan.url}")


def status_label(status: ScanStatus) -> str:
    """Return the scan status as the web UI shows it, translated."""
    labels = {
        ScanStatus.QUEUED: _("Queued"),
        ScanStatus.RUNNING: _("Running"),
        ScanStatus.FINISHED: _("Finished"),
        ScanStatus.FAILED: _("Failed"),
        ScanStatus.CANCELLED: _("Cancelled"),
    }
    return labels.get(status, str(status))


@click.command("export")
@click.argument("scan_id", type=int)
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="json", show_default=True, help="Export format.")
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File to write; - (the default) writes to standard output.",
)
@click.pass_context
@with_appcontext
def export_command(ctx: click.Context, scan_id: int, fmt: str, output: TextIO) -> None:
    """Write the stored scan SCAN_ID as JSON, CSV or SARIF."""
    scan = _get_scan_or_exit(ctx, scan_id)
    output.write(render_export(scan, fmt))


@click.command("diff")
@click.argument("base_id", metavar="SCAN_A", type=int)
@click.argument("compared_id", metavar="SCAN_B", type=int)
@click.option("--force", is_flag=True, help="Compare scans of different sites, matching pages by their path.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.pass_context
@with_appcontext
def diff_command(ctx: click.Context, base_id: int, compared_id: int, force: bool, as_json: bool) -> None:
    """Show the violations that are new in SCAN_B, fixed since SCAN_A and remaining.

    Violations match by plugin, rule, page and CSS selector of the element.
    """
    base = _get_scan_or_exit(ctx, base_id)
    compared = _get_scan_or_exit(ctx, compared_id)
    try:
        diff = diff_scans(base, compared, force=force)
    except ScansNotComparable as error:
        click.echo(str(error), err=True)
        if error.different_sites:
            click.echo(_("Add --force to compare them anyway."), err=True)
        ctx.exit(USAGE_ERROR)

    if as_json:
        click.echo(json.dumps(diff_as_json(diff), ensure_ascii=False, indent=2))
        return
    _echo_diff(diff)


def _get_scan_or_exit(ctx: click.Context, scan_id: int) -> Scan:
    scan = db.session.get(Scan, scan_id)
    if scan is None:
        click.echo(
            _("Scan %(id)s not found. `cxaudit scan list` shows the stored scans and their numbers.", id=scan_id),
            err=True,
        )
        ctx.exit(USAGE_ERROR)
    return scan


def _echo_diff(diff: ScanDiff) -> None:
    click.echo(
        _(
            "Scan %(compared)s of %(compared_url)s compared with scan %(base)s of %(base_url)s:",
            compared=diff.compared.id,
            compared_url=diff.compared.url,
            base=diff.base.id,
            base_url=diff.base.url,
        )
    )
    sections = [
        (ngettext("%(num)d new violation", "%(num)d new violations", len(diff.new)), diff.new),
        (ngettext("%(num)d fixed violation", "%(num)d fixed violations", len(diff.fixed)), diff.fixed),
        (ngettext("%(num)d remaining violation", "%(num)d remaining violations", len(diff.remaining)), diff.remaining),
    ]
    for heading, items in sections:
        click.echo()
        click.echo(heading + (":" if items else ""))
        for item in items:
            click.echo(f"  {_item_line(item)}")


def _item_line(item: DiffItem) -> str:
    line = f"{item.key.rule} ({item.key.plugin}, {impact_label(item.impact)}): {item.page_url}"
    return f"{line} {item.key.target}" if item.key.target else line


def diff_as_json(diff: ScanDiff) -> dict[str, Any]:
    """Return the comparison as JSON-ready data, documented in docs/scan-exports.md."""
    return {
        "base_scan": diff.base.id,
        "compared_scan": diff.compared.id,
        "new": [_item_json(item) for item in diff.new],
        "fixed": [_item_json(item) for item in diff.fixed],
        "remaining": [_item_json(item) for item in diff.remaining],
    }


def _item_json(item: DiffItem) -> dict[str, Any]:
    return {
        "plugin": item.key.plugin,
        "rule": item.key.rule,
        "page_url": item.page_url,
        "page_key": item.key.page,
        "target": item.key.target,
        "impact": item.impact,
        "help": item.help,
        "help_url": item.help_url,
    }
