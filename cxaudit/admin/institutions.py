"""Admin views: institutions and their sites."""

from __future__ import annotations


from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from cxaudit import audit_log
from cxaudit.access import Permission, can, deployment_admin_required, requires, signed_in, visible_institutions
from cxaudit.admin import bp
from cxaudit.extensions import db
from cxaudit.forms import InvalidValue
from cxaudit.forms.institutions import InstitutionForm, SiteForm, create_institution, create_site, find_institution
from cxaudit.forms.surveys import SurveyForm, public_base_url, survey_snippet
from cxaudit.models import Institution


SCORECARD_FORMATS = ("html", "pdf", "json")


@bp.app_context_processor
def admin_template_helpers() -> dict:
    # Lets templates link to views of other areas only when they are installed.
    return {"has_endpoint": lambda endpoint: endpoint in current_app.view_functions, "can": can}


@bp.route("/")
@signed_in
def index() -> str:
    return render_index(InstitutionForm())


@bp.route("/institutions", methods=["GET", "POST"])
@deployment_admin_required
def add_institution() -> Response | tuple[str, int]:
    if request.method == "GET":
        return redirect_after_language_switch("admin.index")
    form = InstitutionForm()
    if not form.validate_on_submit():
        return render_index(form), 400

    try:
        institution = create_institution(form.slug.data, form.name.data, form.default_language.data)
    except IntegrityError:
        # Another request stored the same slug between the check and the insert.
        db.session.rollback()
        form.slug.errors = [
            _("An institution with the slug %(slug)s already exists. Choose another slug.", slug=form.slug.data)
        ]
        return render_index(form), 400

    audit_log.record("institution_added", institution, target=institution.slug)
    flash(_("Institution %(name)s added.", name=institution.name), "success")
    return redirect(url_for("admin.institution", slug=institution.slug))


@bp.route("/institutions/<slug>")
@requires(Permission.VIEW)
def institution(slug: str) -> str:
    return render_institution(get_institution_or_404(slug))


@bp.route("/institutions/<slug>/sites", methods=["GET", "POST"])
@requires(Permission.MANAGE)
def add_site(slug: str) -> Response | tuple[str, int]:
    if request.method == "GET":
        return redirect_after_language_switch("admin.institution", slug=slug)
    institution = get_institution_or_404(slug)
    form = SiteForm()
    if not form.validate_on_submit():
        return render_institution(institution, site_form=form), 400

    try:
        site = create_site(institution, form.base_url.data)
    except InvalidValue as error:
        form.base_url.errors.append(str(error))
        return render_institution(institution, site_form=form), 400
    site.settings = {**site.settings, "allow_submit": bool(form.allow_submit.data)}
    db.session.commit()
    audit_log.record("site_added", institution, target=site.base_url)
    flash(_("Site %(url)s added.", url=site.base_url), "success")
    return redirect(url_for("admin.institution", slug=institution.slug, _anchor="sites"))


def redirect_after_language_switch(endpoint: str, **values: str) -> Response:
    """Redirect a GET of a form's address to the page that shows the form.

    The language links are relative (``?lang=en``), so on a page rendered
    after a failed POST they request the form's address with GET.
    """
    return redirect(url_for(endpoint, **values, lang=request.args.get("lang")))


def get_institution_or_404(slug: str) -> Institution:
    institution = find_institution(slug)
    if institution is None:
        abort(404)
    return institution


def render_index(form: InstitutionForm) -> str:
    institutions = visible_institutions(current_user)
    return render_template("admin/index.html", institutions=institutions, form=form)


def render_institution(
    institution: Institution,
    site_form: SiteForm | None = None,
    survey_form: SurveyForm | None = None,
) -> str:
    """Render an institution's page; the form given carries the errors of a failed submit."""
    base_url = public_base_url()
    return render_template(
        "admin/institution.html",
        institution=institution,
        site_form=site_form or SiteForm(formdata=None),
        survey_form=survey_form or SurveyForm(formdata=None),
        snippets={survey.id: survey_snippet(survey, base_url) for survey in institution.surveys},
        scorecard=build_scorecard_if_installed(institution),
        scorecard_formats=SCORECARD_FORMATS,
    )


def build_scorecard_if_installed(institution: Institution):
    """Return the institution's scorecard, or None when the scorecard module is not installed."""
    if "scorecard.show" not in current_app.view_functions:
        return None
    try:
        from cxaudit.scorecard.data import build_scorecard
    except ImportError:
        return None
    return build_scorecard(institution, str(get_locale() or institution.default_language))
