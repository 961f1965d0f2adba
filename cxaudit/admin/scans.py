"""Admin views: launch scans, follow their progress and read the results."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from cxaudit import jobs
from cxaudit.admin import bp
from cxaudit.extensions import db
from cxaudit.models import Outcome, Scan, ScanStatus
from cxaudit.scan.export import export_scan
from cxaudit.scan.runner import create_scan, request_cancel
from cxaudit.scan.summary import summarize_scan
from cxaudit.scan.urls import InvalidScanURL, validate_scan_url

# Seconds between reloads of a scan page while the scan is queued or running.
REFRESH_SECONDS = 3
MAX_PAGES_LIMIT = 1000


def _valid_scan_url(form: FlaskForm, field: StringField) -> None:
    try:
        validate_scan_url(field.data)
    except InvalidScanURL as error:
        raise ValidationError(str(error)) from error


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


@bp.route("/scans", methods=["GET", "POST"])
@login_required
def scans():
    form = ScanForm()
    if not form.is_submitted():
        form.max_pages.data = current_app.config["SCAN_MAX_PAGES"]
        # "Scan this site" links pass the site's address.
        form.url.data = request.args.get("url", "")
    if form.validate_on_submit():
        scan = create_scan(form.url.data, form.max_pages.data, allow_submit=bool(form.allow_submit.data))
        jobs.enqueue_scan(scan.id)
        flash(_("Scan of %(url)s queued.", url=scan.url), "success")
        return redirect(url_for("admin.scan_detail", scan_id=scan.id))

    all_scans = db.session.scalars(select(Scan).order_by(Scan.id.desc())).all()
    return render_template("admin/scans/index.html", form=form, scans=all_scans)


@bp.route("/scans/<int:scan_id>")
@login_required
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
    )


@bp.route("/scans/<int:scan_id>/cancel", methods=["POST"])
@login_required
def cancel_scan(scan_id: int):
    """Ask a queued or running scan to stop. CSRFProtect checks the token of this POST."""
    scan = db.get_or_404(Scan, scan_id)
    if not request_cancel(scan):
        flash(_("The scan has already ended; there is nothing to cancel."), "error")
    elif scan.status == ScanStatus.CANCELLED:
        flash(_("The scan is cancelled."), "success")
    else:
        flash(_("The scan stops after the pages being visited now; the pages already audited are kept."), "success")
    return redirect(url_for("admin.scan_detail", scan_id=scan.id))


@bp.route("/scans/<int:scan_id>/progress")
@login_required
def scan_progress(scan_id: int):
    scan = db.get_or_404(Scan, scan_id)
    return jsonify(
        id=scan.id,
        status=str(scan.status),
        pages_done=scan.pages_done,
        pages_queued=scan.pages_queued,
        error=scan.error,
    )


@bp.route("/scans/<int:scan_id>.json")
@login_required
def scan_export(scan_id: int):
    scan = db.get_or_404(Scan, scan_id)
    body = json.dumps(export_scan(scan), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="cxaudit-scan-{scan.id}.json"'},
    )
