"""CLI commands: scan a site, list plugins, run the job worker."""

from __future__ import annotations

import logging
from typing import TextIO

import click
from click_default_group import DefaultGroup
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from cxaudit.audit import IMPACTS
from cxaudit.extensions import db
from cxaudit.jobs import LeaseSweeper
from cxaudit.models import PageResult, PageStatus, Scan, ScanStatus
from cxaudit.scan.crawl_settings import CrawlSettings
from cxaudit.scan.export import render_export
from cxaudit.scan.fail_on import EXIT_VIOLATIONS_FOUND, count_violations_at_or_above
from cxaudit.scan.runner import create_scan, request_cancel, run_stored_scan
from cxaudit.scan.summary import ImpactTotal, ScanSummary, summarize_scan

logger = logging.getLogger(__name__)

USAGE_ERROR = 2


def register(group: click.Group) -> None:
    """Add this module's commands to ``group``."""
    # Imported here because those commands use this module's helpers.
    from cxaudit.cli import scan_reports

    scan_reports.register(scan_group)
    group.add_command(scan_group)
    group.add_command(plugins_command)
    group.add_command(worker_command)


# `cxaudit scan URL` runs a scan, `cxaudit scan list|export|diff` read
# stored scans and `cxaudit scan cancel` stops one. A URL is never a
# subcommand's name, so the group passes it to the default subcommand `run`.
@click.group("scan", cls=DefaultGroup, default="run")
def scan_group() -> None:
    """Scan a site (cxaudit scan URL), list stored scans, export one, compare two or cancel one."""


@scan_group.command("run")
@click.argument("url")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Maximum number of pages to audit (default: SCAN_MAX_PAGES, 50).")
@click.option(
    "--max-depth",
    default=None,
    metavar="N",
    help="Follow links at most N clicks from the start page; 0 audits only the start page (default: SCAN_MAX_DEPTH, no limit).",
)
@click.option(
    "--scope",
    default="host",
    metavar="host|path",
    help="host: every page on the start page's host; path: only pages under the start page's folder (default: host).",
)
@click.option(
    "--include",
    multiple=True,
    metavar="PATTERN",
    help="Audit only pages whose /path?query matches; a glob such as /events/*, or re:REGEX. Repeatable.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="PATTERN",
    help="Skip pages whose /path?query matches; a glob such as */print/*, or re:REGEX. Repeatable.",
)
@click.option("--sitemap/--no-sitemap", default=True, help="Also queue the pages listed in the site's sitemaps (default: yes).")
@click.option(
    "--ignore-robots",
    is_flag=True,
    help="Only for a site your institution owns: do not apply robots.txt rules, and scan even when robots.txt cannot be fetched.",
)
@click.option("--json", "json_file", type=click.File("w", encoding="utf-8"), default=None, help="Write the results as JSON to this file; - writes to standard output.")
@click.option("--csv", "csv_file", type=click.File("w", encoding="utf-8"), default=None, help="Write one CSV row per finding and failed page to this file; - writes to standard output.")
@click.option("--sarif", "sarif_file", type=click.File("w", encoding="utf-8"), default=None, help="Write the results as SARIF 2.1.0 to this file; - writes to standard output.")
@click.option(
    "--fail-on",
    type=click.Choice(IMPACTS),
    default=None,
    help="Exit with status 3 when violations of this impact or worse are found; needs-review results never count.",
)
@click.option(
    "--allow-submit",
    is_flag=True,
    help="Let audits submit forms, empty, to check error messages; only on sites added with --allow-submit.",
)
@click.option(
    "--axe-tags",
    default=None,
    metavar="TAGS",
    help="axe-core tags whose rules run, separated by commas (default: AXE_TAGS, else wcag2a,wcag2aa,wcag21a,wcag21aa).",
)
@click.option(
    "--axe-rule",
    "axe_rules",
    multiple=True,
    metavar="RULE=on|off",
    help="Run or skip one axe-core rule whatever its tags, such as empty-heading=on; repeat for more rules.",
)
@click.pass_context
@with_appcontext
def scan_command(
    ctx: click.Context,
    url: str,
    max_pages: int | None,
    max_depth: str | None,
    scope: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    sitemap: bool,
    ignore_robots: bool,
    json_file: TextIO | None,
    csv_file: TextIO | None,
    sarif_file: TextIO | None,
    fail_on: str | None,
    allow_submit: bool,
    axe_tags: str | None,
    axe_rules: tuple[str, ...],
) -> None:
    """Crawl URL's site in headless Chromium, audit every page and print a summary.

    \b
    Exit status: 0 when the scan finished (and found nothing at --fail-on),
    1 when the scan failed or was cancelled, 2 for invalid options,
    3 when --fail-on matched.
    """
    settings = {}
    if axe_tags is not None:
        settings["axe_tags"] = axe_tags
    if axe_rules:
        settings["axe_rules"] = list(axe_rules)
    try:
        if max_depth is None:
            max_depth = current_app.config.get("SCAN_MAX_DEPTH")
        crawl = CrawlSettings.build(
            max_depth=max_depth, scope=scope, include=include, exclude=exclude, sitemap=sitemap, ignore_robots=ignore_robots
        )
        scan = create_scan(url, max_pages, settings=settings, allow_submit=allow_submit, crawl=crawl)
    except ValueError as error:
        # InvalidScanURL, InvalidCrawlSetting, InvalidAllowedNetworks, and a
        # plugin's rejection of its settings such as an unknown axe-core tag.
        click.echo(str(error), err=True)
        ctx.exit(USAGE_ERROR)
    if allow_submit and not scan.settings["allow_submit"]:
        click.echo(
            _(
                "Forms are not submitted: %(url)s does not belong to a site that allows it. "
                "Allow it with `cxaudit site set SITE_URL --allow-submit`, or add the site with "
                "`cxaudit site add SLUG URL --allow-submit`.",
                url=scan.url,
            ),
            err=True,
        )

    click.echo(_("Scan %(id)s of %(url)s started.", id=scan.id, url=scan.url), err=True)
    run_stored_scan(scan.id, progress=_echo_progress)
    db.session.refresh(scan)

    outputs = {"json": json_file, "csv": csv_file, "sarif": sarif_file}
    for fmt, output in outputs.items():
        if output is not None:
            output.write(render_export(scan, fmt))
    # The summary goes to standard error when an export takes standard output.
    to_stderr = any(output is not None and output.name == "<stdout>" for output in outputs.values())
    if scan.status == ScanStatus.FAILED:
        click.echo(_("Scan failed: %(error)s", error=scan.error), err=True)
        ctx.exit(1)
    if scan.status == ScanStatus.CANCELLED:
        click.echo(_("Scan %(id)s was cancelled; the pages audited before are kept.", id=scan.id), err=True)
    _echo_summary(summarize_scan(scan), err=to_stderr)
    if scan.status == ScanStatus.CANCELLED:
        ctx.exit(1)
    if fail_on is not None:
        _apply_fail_on(ctx, scan, fail_on)


@scan_group.command("cancel")
@click.argument("scan_id", type=int)
@click.pass_context
@with_appcontext
def cancel_command(ctx: click.Context, scan_id: int) -> None:
    """Stop scan SCAN_ID after the pages being visited; the pages already stored are kept."""
    scan = db.session.get(Scan, scan_id)
    if scan is None:
        click.echo(_("Scan %(id)s not found. Give the number shown in the list of scans.", id=scan_id), err=True)
        ctx.exit(1)
    if not request_cancel(scan):
        click.echo(
            _("Scan %(id)s has already ended (%(status)s); there is nothing to cancel.", id=scan_id, status=_status_label(scan.status)),
            err=True,
        )
        ctx.exit(1)
    if scan.status == ScanStatus.CANCELLED:
        click.echo(_("Scan %(id)s cancelled before it started.", id=scan_id))
    else:
        click.echo(_("Scan %(id)s stops after the pages being visited now.", id=scan_id))


def _status_label(status: ScanStatus) -> str:
    labels = {
        ScanStatus.QUEUED: _("queued"),
        ScanStatus.RUNNING: _("running"),
        ScanStatus.FINISHED: _("finished"),
        ScanStatus.FAILED: _("failed"),
        ScanStatus.CANCELLED: _("cancelled"),
    }
    return labels[status]


def _apply_fail_on(ctx: click.Context, scan: Scan, threshold: str) -> None:
    found = count_violations_at_or_above(scan, threshold)
    if not found:
        return
    click.echo(
        ngettext(
            "%(num)d violation of impact %(impact)s or worse found (--fail-on %(threshold)s).",
            "%(num)d violations of impact %(impact)s or worse found (--fail-on %(threshold)s).",
            found,
            impact=impact_label(threshold),
            threshold=threshold,
        ),
        err=True,
    )
    ctx.exit(EXIT_VIOLATIONS_FOUND)


def _echo_progress(scan: Scan, page: PageResult) -> None:
    total = scan.pages_done + scan.pages_queued
    if page.status == PageStatus.AUDITED:
        violations = sum(1 for finding in page.findings if finding.outcome == "violation")
        state = ngettext("%(num)d rule violated", "%(num)d rules violated", violations)
    elif page.status == PageStatus.HTTP_ERROR:
        # The note starts with "HTTP <status>" and names the page with the broken link when the crawl found one.
        state = page.error
    else:
        state = _("failed: %(error)s", error=page.error)
    click.echo(f"[{scan.pages_done}/{total}] {page.url} ({state})", err=True)


def _echo_summary(summary: ScanSummary, err: bool) -> None:
    def echo(text: str = "") -> None:
        click.echo(text, err=err)

    echo(ngettext("%(num)d page audited", "%(num)d pages audited", summary.pages_audited))
    if summary.pages_http_error:
        echo(
            ngettext(
                "%(num)d error page (HTTP 400 or above)", "%(num)d error pages (HTTP 400 or above)", summary.pages_http_error
            )
        )
    echo(ngettext("%(num)d page failed", "%(num)d pages failed", summary.pages_failed))
    if summary.audit_errors:
        echo(ngettext("%(num)d audit error", "%(num)d audit errors", summary.audit_errors))

    echo()
    echo(_("Violations by impact (one rule result per rule and page):"))
    for total in summary.by_impact:
        echo(format_impact_total(total))

    echo()
    if not summary.failing_rules:
        echo(_("No rule is violated on any page."))
        return
    echo(_("Rules violated on most pages:"))
    for rule in summary.failing_rules:
        pages = ngettext("%(num)d page", "%(num)d pages", rule.pages)
        echo(f"  {rule.rule} ({rule.plugin}, {impact_label(rule.impact)}): {pages}")


def format_impact_total(total: ImpactTotal) -> str:
    """Format one impact's line of the summary, such as ``critical: 25 rule results, 359 elements``."""
    results = ngettext("%(num)d rule result", "%(num)d rule results", total.results)
    elements = ngettext("%(num)d element", "%(num)d elements", total.elements)
    return f"  {impact_label(total.impact)}: {results}, {elements}"


def impact_label(impact: str | None) -> str:
    labels = {
        "critical": _("critical"),
        "serious": _("serious"),
        "moderate": _("moderate"),
        "minor": _("minor"),
    }
    return labels.get(impact or "", _("unknown"))


@click.command("plugins")
@with_appcontext
def plugins_command() -> None:
    """List the installed plugins with their versions and hooks."""
    registry = current_app.extensions["cxaudit_plugins"]
    infos = registry.infos()
    if not infos:
        click.echo(_("No plugins are installed."))
        return
    for info in infos:
        version = info.version or _("unknown version")
        distribution = f" ({info.distribution})" if info.distribution else ""
        click.echo(f"{info.name} {version}{distribution}: {', '.join(info.hooks)}")


@click.command("worker")
@click.option("--threads", type=click.IntRange(min=1), default=None, help="Number of worker threads (default: WORKER_THREADS, 1).")
@with_appcontext
def worker_command(threads: int | None) -> None:
    """Run queued scans in the foreground until stopped with Ctrl+C.

    Run it on any machine that shares the database and Redis with the web
    server. It also resumes scans whose worker stopped mid-scan.
    """
    app = current_app._get_current_object()
    huey = app.extensions["cxaudit_jobs"].huey
    workers = threads or app.config["WORKER_THREADS"]
    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    sweeper = LeaseSweeper(app)
    sweeper.start()
    logger.info("Worker started with %s thread(s)", workers)
    try:
        consumer.run()
    finally:
        sweeper.stop()
