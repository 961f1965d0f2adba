"""Admin views: launch scans, follow their progress and read the results."""

from __future__ import annotations

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from cxaudit import audit_log, jobs
from cxaudit.access import Permission, institution_ids_with, requires, signed_in, user_can
from cxaudit.admin import bp
from cxaudit.extensions import db
from cxaudit.models import Outcome, Scan, ScanStatus, Site
from cxaudit.scan.audits import collect_scan_settings
from cxaudit.scan.export import EXPORT_FORMATS, MEDIA_TYPES, export_filename, render_export
from cxaudit.scan.history import previous_finished_scan
from cxaudit.scan.crawl_settings import CrawlSettings
from cxaudit.scan.guard import InvalidAllowedNetworks, guard_from_config
from cxaudit.scan.runner import create_scan, find_site, request_cancel
from cxaudit.scan.summary import summarize_scan
from cxaudit.scan.urls import SCOPE_HOST, SCOPE_PATH, InvalidPattern, InvalidScanURL, compile_patterns, validate_scan_url

# Seconds between progress requests of a scan page while the scan is queued
# or running (static/scan-progress.js).
POLL_SECONDS = 3
MAX_PAGES_LIMIT = 1000
# The plugin whose rule selection the scan form offers.
AXE_PLUGIN = "axe"


def _valid_scan_url(form: FlaskForm, field: StringField) -> None:
    try:
        url = validate_scan_url(field.data)
        guard_from_config(current_app.config).check_url(url)
    except (InvalidScanURL, InvalidAllowedNetworks) as error:
        raise ValidationError(str(error)) from error
    site = find_site(url)
    if not user_can(current_user, Permission.SCANS, site.institution_id if site else None):
        raise ValidationError(
            _(
                "%(url)s is not on a site of an institution where you run scans. "
                "Give an address on one of the sites listed on your institution's page.",
                url=url,
            )
        )


def _valid_patterns(form: FlaskForm, field: TextAreaField) -> None:
    try:
        compile_patterns(pattern_lines(field.data))
    except InvalidPattern as error:
        raise ValidationError(str(error)) from error


def _valid_axe_tags(form: FlaskForm, field: StringField) -> None:
    if (field.data or "").strip():
        _check_plugin_settings({"axe_tags": field.data})


def _valid_axe_rules(form: FlaskForm, field: TextAreaField) -> None:
    switches = pattern_lines(field.data)
    if switches:
        _check_plugin_settings({"axe_rules": switches})


def _check_plugin_settings(settings: dict) -> None:
    """Let the plugins check a new scan's settings; their translated message names the value and the fix."""
    try:
        collect_scan_settings(current_app.extensions["cxaudit_plugins"], settings, current_app.config)
    except ValueError as error:
        raise ValidationError(str(error)) from error


def axe_settings(tags: str | None, rules: str | None) -> dict:
    """Return the axe-core rule selection of the form as the command line stores it; empty fields keep the defaults."""
    settings: dict = {}
    if (tags or "").strip():
        settings["axe_tags"] = tags
    if pattern_lines(rules):
        settings["axe_rules"] = pattern_lines(rules)
    return settings


def pattern_lines(text: str | None) -> list[str]:
    """Return the patterns of a text area, one per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ScanForm(FlaskForm):
    url = StringField(
        _l("Address to scan"),
        validators=[InputRequired(_l("Enter the address of the page to start from.")), _valid_scan_url],
        description=_l("The scan follows links on the same site, starting from this page."),
    )
    max_pages = IntegerField(
        _l("Maximum number of pages"),
        validators=[
            InputRequired(_l("Enter the maximum number of pages, a whole number.")),
            NumberRange(min=1, max=MAX_PAGES_LIMIT, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    max_depth = IntegerField(
        _l("Maximum depth"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Enter a whole number of 0 or more, or leave the field empty.")),
        ],
        description=_l("How many clicks from the start page the scan follows links; 0 audits only the start page. Empty: no limit."),
    )
    scope = SelectField(
        _l("Scope"),
        choices=[
            SelectChoice(SCOPE_HOST, _l("The whole host of the start page")),
            SelectChoice(SCOPE_PATH, _l("Only pages under the start page's folder")),
        ],
        default=SCOPE_HOST,
    )
    include = TextAreaField(
        _l("Only pages matching"),
        validators=[_valid_patterns],
        description=_l("One pattern per line, matched against the path and query, such as /events/*; re: starts a regular expression. Empty: every page."),
    )
    exclude = TextAreaField(
        _l("Skip pages matching"),
        validators=[_valid_patterns],
        description=_l("One pattern per line, such as */print/* or re:[?&]page=."),
    )
    sitemap = BooleanField(
        _l("Read the sitemaps"),
        default=True,
        description=_l("Also scan the pages listed in the site's sitemap.xml and in the sitemaps named in robots.txt."),
    )
    ignore_robots = BooleanField(
        _l("Ignore robots.txt"),
        description=_l(
            "Only for a site your institution owns: the scan does not apply the rules of robots.txt, "
            "and runs even when robots.txt cannot be fetched."
        ),
    )
    allow_submit = BooleanField(
        _l("Allow form submissions"),
        description=_l("Only on sites that allow it: the forms audit submits each form empty to check its error messages."),
    )
    axe_tags = StringField(
        _l("axe-core tags"),
        validators=[_valid_axe_tags],
        description=_l(
            "Tags whose rules run, separated by commas, such as wcag2a,wcag2aa,wcag21a,wcag21aa,best-practice. "
            "Empty: the deployment's default."
        ),
    )
    axe_rules = TextAreaField(
        _l("axe-core rules switched on or off"),
        validators=[_valid_axe_rules],
        description=_l("One rule per line, whatever its tags: RULE=on or RULE=off, such as empty-heading=on."),
    )


def visible_scans() -> list[Scan]:
    """Return the scans of the institutions where the user runs scans, newest first."""
    query = select(Scan).order_by(Scan.id.desc())
    allowed = institution_ids_with(current_user, Permission.SCANS)
    if allowed is not None:
        query = query.join(Site, Scan.site_id == Site.id).where(Site.institution_id.in_(allowed))
    return list(db.session.scalars(query))


@bp.route("/scans", methods=["GET", "POST"])
@signed_in
def scans():
    form = ScanForm()
    if not form.is_submitted():
        form.max_pages.data = current_app.config["SCAN_MAX_PAGES"]
        form.max_depth.data = current_app.config.get("SCAN_MAX_DEPTH")
        # "Scan this site" links pass the site's address.
        form.url.data = request.args.get("url", "")
    if form.validate_on_submit():
        crawl = CrawlSettings.build(
            max_depth=form.max_depth.data,
            scope=form.scope.data,
            include=pattern_lines(form.include.data),
            exclude=pattern_lines(form.exclude.data),
            sitemap=form.sitemap.data,
            ignore_robots=form.ignore_robots.data,
        )
        try:
            scan = create_scan(
                form.url.data,
                form.max_pages.data,
                settings=axe_settings(form.axe_tags.data, form.axe_rules.data),
                allow_submit=bool(form.allow_submit.data),
                crawl=crawl,
            )
        except ValueError as error:
            # A plugin rejected the configured defaults, such as an unknown tag in CXAUDIT_AXE_TAGS.
            flash(str(error), "error")
        else:
            jobs.enqueue_scan(scan.id)
            audit_log.record(
                "scan_started", scan.site.institution_id if scan.site else None, target=scan.url, scan=scan.id
            )
            flash(_("Scan of %(url)s queued.", url=scan.url), "success")
            return redirect(url_for("admin.scan_detail", scan_id=scan.id))

    allowed = institution_ids_with(current_user, Permission.SCANS)
    return render_template(
        "admin/scans/index.html",
        form=form,
        scans=visible_scans(),
        may_start_scans=allowed is None or bool(allowed),
        axe_enabled=AXE_PLUGIN in {info.name for info in current_app.extensions["cxaudit_plugins"].infos()},
    )


def is_running(scan: Scan) -> bool:
    return scan.status in (ScanStatus.QUEUED, ScanStatus.RUNNING)


@bp.route("/scans/<int:scan_id>")
@requires(Permission.SCANS)
def scan_detail(scan_id: int):
    scan = db.get_or_404(Scan, scan_id)
    running = is_running(scan)
    summary = None if running else summarize_scan(scan, top=None)
    return render_template(
        "admin/scans/detail.html",
        scan=scan,
        summary=summary,
        running=running,
        poll_seconds=POLL_SECONDS,
        violation=Outcome.VIOLATION,
        export_formats=EXPORT_FORMATS,
        previous_scan=previous_finished_scan(scan) if scan.status == ScanStatus.FINISHED else None,
    )


@bp.route("/scans/<int:scan_id>/cancel", methods=["POST"])
@requires(Permission.SCANS)
def cancel_scan(scan_id: int):
    """Ask a queued or running scan to stop. CSRFProtect checks the token of this POST."""
    scan = db.get_or_404(Scan, scan_id)
    if not request_cancel(scan):
        flash(_("The scan has already ended; there is nothing to cancel."), "error")
        return redirect(url_for("admin.scan_detail", scan_id=scan.id))

    audit_log.record("scan_cancelled", scan.site.institution_id if scan.site else None, target=scan.url, scan=scan.id)
    if scan.status == ScanStatus.CANCELLED:
        flash(_("The scan is cancelled."), "success")
    else:
        flash(_("The scan stops after the pages being visited now; the pages already audited are kept."), "success")
    return redirect(url_for("admin.scan_detail", scan_id=scan.id))


@bp.route("/scans/<int:scan_id>/progress")
@requires(Permission.SCANS)
def scan_progress(scan_id: int):
    """Return a scan's progress as JSON, with the scan page's status line in the user's language as ``text``."""
    scan = db.get_or_404(Scan, scan_id)
    running = is_running(scan)
    return jsonify(
        id=scan.id,
        status=str(scan.status),
        running=running,
        pages_done=scan.pages_done,
        pages_queued=scan.pages_queued,
        error=scan.error,
        text=render_template("admin/scans/_progress.html", scan=scan, running=running).strip(),
    )


@bp.route("/scans/<int:scan_id>.<any(json, csv, sarif):fmt>")
@requires(Permission.SCANS)
def scan_export(scan_id: int, fmt: str):
    scan = db.get_or_404(Scan, scan_id)
    audit_log.record(
        "scan_exported", scan.site.institution_id if scan.site else None, target=scan.url, scan=scan.id, format=fmt
    )
    return Response(
        render_export(scan, fmt),
        mimetype=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{export_filename(scan, fmt)}"'},
    )
