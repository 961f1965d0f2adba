"""Admin views: surveys of an institution."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from cxaudit.admin import bp
from cxaudit.admin.institutions import get_institution_or_404, redirect_after_language_switch, render_institution
from cxaudit.extensions import db
from cxaudit.forms.surveys import SurveyForm, create_survey
from cxaudit.models import Survey

logger = logging.getLogger(__name__)


@bp.route("/institutions/<slug>/surveys", methods=["GET", "POST"])
@login_required
def add_survey(slug: str) -> Response | tuple[str, int]:
    if request.method == "GET":
        return redirect_after_language_switch("admin.institution", slug=slug)
    institution = get_institution_or_404(slug)
    form = SurveyForm()
    if not form.validate_on_submit():
        return render_institution(institution, survey_form=form), 400

    survey = create_survey(institution, form.kind.data, form.origins)
    logger.info("Survey %s added to institution %s", survey.public_id, institution.slug)
    flash(_("Survey added. Paste its snippet into the pages of your site."), "success")
    return redirect(url_for("admin.institution", slug=institution.slug, _anchor=f"survey-{survey.public_id}"))


@bp.route("/institutions/<slug>/surveys/<public_id>/active", methods=["POST"])
@login_required
def toggle_survey(slug: str, public_id: str) -> Response:
    """Switch the ``active`` flag of a survey. CSRFProtect checks the token of this POST."""
    institution = get_institution_or_404(slug)
    survey = db.session.scalar(
        select(Survey).where(Survey.public_id == public_id, Survey.institution_id == institution.id)
    )
    if survey is None:
        abort(404)

    survey.active = not survey.active
    db.session.commit()
    logger.info("Survey %s %s", survey.public_id, "activated" if survey.active else "deactivated")
    if survey.active:
        flash(_("The survey is active again."), "success")
    else:
        flash(_("The survey is paused."), "success")
    return redirect(url_for("admin.institution", slug=institution.slug, _anchor=f"survey-{survey.public_id}"))
