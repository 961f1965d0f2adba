"""Admin views: the funnels of an institution, defined from the steps its pages report."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from cxaudit import audit_log
from cxaudit.access import Permission, requires
from cxaudit.admin import bp
from cxaudit.admin.institutions import get_institution_or_404
from cxaudit.api.events import sessions_per_step
from cxaudit.extensions import db
from cxaudit.forms.funnels import FunnelForm
from cxaudit.models import Funnel, Institution


@bp.route("/institutions/<slug>/funnels", methods=["GET", "POST"])
@requires(Permission.SURVEYS)
def funnels(slug: str) -> Response | str | tuple[str, int]:
    """List the institution's funnels and add one."""
    institution = get_institution_or_404(slug)
    form = bound_form(institution, None, FunnelForm(formdata=None) if request.method == "GET" else FunnelForm())
    if request.method == "GET":
        return render_funnels(institution, form)
    if not form.validate_on_submit():
        return render_funnels(institution, form), 400

    funnel = Funnel(institution_id=institution.id, name=form.clean_name, steps=form.clean_steps)
    if not save(funnel, form):
        return render_funnels(institution, form), 400
    audit_log.record("funnel_added", institution, target=funnel.name)
    flash(_("Funnel %(name)s added.", name=funnel.name), "success")
    return redirect(url_for("admin.funnels", slug=slug))


@bp.route("/institutions/<slug>/funnels/<int:funnel_id>", methods=["GET", "POST"])
@requires(Permission.SURVEYS, scoped=["funnel_id"])
def edit_funnel(slug: str, funnel_id: int) -> Response | str | tuple[str, int]:
    """Rename a funnel or change its steps. The scorecard counts them again from the stored events."""
    institution = get_institution_or_404(slug)
    funnel = get_funnel_or_404(institution, funnel_id)
    if request.method == "GET":
        form = bound_form(institution, funnel, FunnelForm(formdata=None, name=funnel.name, steps="\n".join(funnel.steps)))
        return render_edit(institution, funnel, form)
    form = bound_form(institution, funnel, FunnelForm())
    if not form.validate_on_submit():
        return render_edit(institution, funnel, form), 400

    funnel.name, funnel.steps = form.clean_name, form.clean_steps
    if not save(funnel, form):
        return render_edit(institution, funnel, form), 400
    audit_log.record("funnel_changed", institution, target=funnel.name)
    flash(_("Funnel %(name)s saved.", name=funnel.name), "success")
    return redirect(url_for("admin.funnels", slug=slug))


@bp.route("/institutions/<slug>/funnels/<int:funnel_id>/delete", methods=["POST"])
@requires(Permission.SURVEYS, scoped=["funnel_id"])
def delete_funnel(slug: str, funnel_id: int) -> Response:
    """Delete a funnel definition. The funnel events stay, so defining it again restores its figures."""
    institution = get_institution_or_404(slug)
    funnel = get_funnel_or_404(institution, funnel_id)
    name = funnel.name
    db.session.delete(funnel)
    db.session.commit()
    audit_log.record("funnel_deleted", institution, target=name)
    flash(_("Funnel %(name)s deleted. The recorded steps are kept.", name=name), "success")
    return redirect(url_for("admin.funnels", slug=slug))


def bound_form(institution: Institution, funnel: Funnel | None, form: FunnelForm) -> FunnelForm:
    """Give the form the institution and funnel its name check needs."""
    form.institution = institution
    form.funnel = funnel
    return form


def save(funnel: Funnel, form: FunnelForm) -> bool:
    """Commit the funnel and return True, or return False with an error on the name field
    when another request stored the same name first."""
    db.session.add(funnel)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.name.errors = [_("A funnel named %(name)s already exists. Choose another name.", name=form.clean_name)]
        return False
    return True


def get_funnel_or_404(institution: Institution, funnel_id: int) -> Funnel:
    funnel = db.session.scalar(select(Funnel).where(Funnel.id == funnel_id, Funnel.institution_id == institution.id))
    if funnel is None:
        abort(404)
    return funnel


def render_funnels(institution: Institution, form: FunnelForm) -> str:
    return render_template(
        "admin/funnels/index.html",
        institution=institution,
        form=form,
        recorded_steps=sorted(sessions_per_step(institution.id).items()),
    )


def render_edit(institution: Institution, funnel: Funnel, form: FunnelForm) -> str:
    return render_template(
        "admin/funnels/edit.html",
        institution=institution,
        funnel=funnel,
        form=form,
        recorded_steps=sorted(sessions_per_step(institution.id).items()),
    )
