"""Admin views: API tokens that let a site's CI start scans of one institution."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from cxaudit import audit_log
from cxaudit.access import Permission, requires
from cxaudit.admin import bp
from cxaudit.admin.institutions import get_institution_or_404
from cxaudit.auth import AccountError, create_api_token, revoke_api_token
from cxaudit.extensions import db
from cxaudit.forms.users import TokenForm
from cxaudit.models import ApiToken, Institution


@bp.route("/institutions/<slug>/tokens", methods=["GET", "POST"])
@requires(Permission.SCANS)
def tokens(slug: str) -> str | tuple[str, int]:
    """List the institution's tokens; a POST creates one and shows its secret, once."""
    institution = get_institution_or_404(slug)
    form = TokenForm()
    if not form.validate_on_submit():
        return render_tokens(institution, form), 400 if form.is_submitted() else 200

    try:
        token, secret = create_api_token(institution, form.name.data, current_user._get_current_object())
    except AccountError as error:
        form.name.errors = [str(error)]
        return render_tokens(institution, form), 400
    audit_log.record("token_created", institution, target=token.name, token=token.prefix)
    # The secret is in this response only: neither the database nor the session keeps it.
    return render_tokens(institution, TokenForm(formdata=None), new_secret=(token, secret))


@bp.post("/institutions/<slug>/tokens/<int:token_id>/revoke")
@requires(Permission.SCANS, scoped=["token_id"])
def revoke_token(slug: str, token_id: int) -> Response:
    institution = get_institution_or_404(slug)
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.institution_id == institution.id))
    if token is None:
        abort(404)
    revoke_api_token(token)
    audit_log.record("token_revoked", institution, target=token.name, token=token.prefix)
    flash(_("The token %(name)s is revoked: calls with it are refused from now on.", name=token.name), "success")
    return redirect(url_for("admin.tokens", slug=slug))


def render_tokens(institution: Institution, form: TokenForm, new_secret: tuple[ApiToken, str] | None = None) -> str:
    institution_tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.institution_id == institution.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "admin/tokens.html", institution=institution, tokens=institution_tokens, form=form, new_secret=new_secret
    )
