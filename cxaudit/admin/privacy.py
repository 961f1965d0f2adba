"""Admin views for personal data: download everything an institution owns,
and delete the institution with all of it after a typed confirmation.

Both are for administrators only, because the export contains visitors'
comments and the deletion cannot be undone.
"""

from __future__ import annotations

import io
import logging

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from cxaudit.admin import bp
from cxaudit.admin.institutions import get_institution_or_404
from cxaudit.forms.privacy import DeleteInstitutionForm
from cxaudit.models import Role
from cxaudit.privacy.delete import delete_institution
from cxaudit.privacy.export import export_filename, export_institution

logger = logging.getLogger(__name__)


def require_admin() -> None:
    if current_user.role != Role.ADMIN:
        logger.info("User %s, not an administrator, was denied an institution export or deletion", current_user.login)
        abort(403)


@bp.get("/institutions/<slug>/export.zip")
@login_required
def export_institution_zip(slug: str) -> Response:
    """Send every record of the institution as a zip of JSON and CSV files."""
    require_admin()
    institution = get_institution_or_404(slug)
    buffer = io.BytesIO()
    export_institution(institution, buffer)
    logger.info("User %s exported institution %s", current_user.login, slug)
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(institution)}"'
    return response


@bp.route("/institutions/<slug>/delete", methods=["GET", "POST"])
@login_required
def delete_institution_page(slug: str) -> Response | str | tuple[str, int]:
    """Ask for the slug, then delete the institution and everything it owns."""
    require_admin()
    institution = get_institution_or_404(slug)
    form = DeleteInstitutionForm(slug)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("admin/institution_delete.html", institution=institution, form=form), status

    name = institution.name
    counts = delete_institution(institution)
    logger.info("User %s deleted institution %s", current_user.login, slug)
    total = sum(counts.values())
    flash(ngettext("Deleted %(name)s and %(num)d record.", "Deleted %(name)s and %(num)d records.", total, name=name), "success")
    return redirect(url_for("admin.index"))
