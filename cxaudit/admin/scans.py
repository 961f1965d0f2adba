"""Admin views: launch scans, follow their progress and read the results."""

from __future__ import annotations

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from cxaudit import audit_log, jobs
from cxaudit.access import Permission, institution_ids_with, requires, signed_in, user_can
from cxaudit.admin import bp
from cxaudit.extensions import db
from cxaudit.models import Outcome, Scan, ScanStatus, Site
from cxaudit.scan.export import EXPORT_FORMATS, MEDIA_TYPES, export_filename, render_export
from cxaudit.scan.history import previous_finished_scan
from cxaudit.scan.runner import create_scan, find_site
from cxaudit.scan.summary import summarize_scan
from cxaudit.scan.urls import InvalidScanURL, validate_scan_url

# Seconds between reloads of a scan page while the scan is queued or running.
REFRESH_SECONDS = 3
MAX_PAGES_LIMIT = 1000


def _valid_scan_url(form: FlaskForm, field: StringField) -> None:
    try:
        url = validate_scan_url(field.data)
    except InvalidScanURL as error:
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
    allow_submit = BooleanField(
        _l("Allow form submissions"),
        description=_l("Only on sites that allow it: the forms audit submits each form empty to check its error messages."),
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
        # "Scan this site" links pass the site's address.
        form.url.data = request.args.get("url", "")
    if form.validate_on_submit():
        scan = create_scan(form.url.data, form.max_pages.data, allow_submit=bool(form.allow_submit.data))
        jobs.enqueue_scan(scan.id)
        audit_log.record("scan_started", scan.site.institution_id if scan.site else None, target=scan.url, scan=scan.id)
        flash(_("Scan of %(url)s queued.", url=scan.url), "success")
        return redirect(url_for("admin.scan_detail", scan_id=scan.id))

    return render_template("admin/scans/index.html", form=form, scans=visible_scans())


@bp.route("/scans/<int:scan_id>")
@requires(Permission.SCANS)
def scan_detail(scan_id: int):
    scan = db.get_or_404(Scan, scan_id)
    running = scan.status in (ScanStatus.QUEUED, ScanStatus.RUNNING)
    summary = None if running else summarize_scan(scan, top=None)
    return render_template(
        "admin/scans/detail.html",
        scan=scan,
        summary=summary,
        running=running,
        refresh_seconds=REFRESH_SECONDS,
        violation=Outcome.VIOLATION,
        export_formats=EXPORT_FORMATS,
        previous_scan=previous_finished_scan(scan) if scan.status == ScanStatus.FINISHED else None,
    )


@bp.route("/scans/<int:scan_id>/progress")
@requires(Permission.SCANS)
def scan_progress(scan_id: int):
    scan = db.get_or_404(Scan, scan_id)
    return jsonify(
        id=scan.id,
        status=str(scan.status),
        pages_done=scan.pages_done,
        pages_queued=scan.pages_queued,
        error=scan.error,
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
