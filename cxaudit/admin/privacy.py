"""Admin views for personal data: download everything an institution owns,
and delete the institution with all of it after a typed confirmation.

The export is for the institution's admins, because it contains visitors'
comments; the deletion, which cannot be undone, for deployment
administrators, who manage institutions.
"""

from __future__ import annotations

import io
import logging

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from cxaudit import audit_log
from cxaudit.access import Permission, deployment_admin_required, requires
from cxaudit.admin import bp
from cxaudit.admin.institutions import get_institution_or_404
from cxaudit.forms.privacy import DeleteInstitutionForm
from cxaudit.privacy.delete import delete_institution
from cxaudit.privacy.export import export_filename, export_institution

logger = logging.getLogger(__name__)


@bp.get("/institutions/<slug>/export.zip")
@requires(Permission.MANAGE)
def export_institution_zip(slug: str) -> Response:
    """Send every record of the institution as a zip of JSON and CSV files."""
    institution = get_institution_or_404(slug)
    buffer = io.BytesIO()
    export_institution(institution, buffer)
    logger.info("User %s exported institution %s", current_user.login, slug)
    audit_log.record("institution_exported", institution, target=slug)
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(institution)}"'
    return response


@bp.route("/institutions/<slug>/delete", methods=["GET", "POST"])
@deployment_admin_required
def delete_institution_page(slug: str) -> Response | str | tuple[str, int]:
    """Ask for the slug, then delete the institution and everything it owns."""
    institution = get_institution_or_404(slug)
    form = DeleteInstitutionForm(slug)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("admin/institution_delete.html", institution=institution, form=form), status

    name = institution.name
    counts = delete_institution(institution)
    logger.info("User %s deleted institution %s", current_user.login, slug)
    total = sum(counts.values())
    # The institution's own log entries are deleted with it, so this entry belongs to no institution.
    audit_log.record("institution_deleted", None, target=slug, rows=total)
    flash(ngettext("Deleted %(name)s and %(num)d record.", "Deleted %(name)s and %(num)d records.", total, name=name), "success")
    return redirect(url_for("admin.index"))
