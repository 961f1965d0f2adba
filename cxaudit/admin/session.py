"""Admin views: signing in and out."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from cxaudit.admin import bp
from cxaudit.auth import authenticate, is_same_site_path
from cxaudit.forms.session import LoginForm

logger = logging.getLogger(__name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Show the sign-in form; on success go to ``next`` when it is a path on this site."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))

    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")

    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("admin/login.html", form=form), status

    user = authenticate(form.login.data, form.password.data)
    if user is None:
        # The same message for an unknown login and a wrong password, so the
        # form does not tell which logins exist.
        logger.warning("Failed sign-in for login %r", form.login.data)
        form.form_errors.append(_("The login or the password is wrong. Check both and try again."))
        return render_template("admin/login.html", form=form), 400

    login_user(user)
    logger.info("User %s signed in", user.login)
    target = form.next.data
    return redirect(target if is_same_site_path(target) else url_for("admin.index"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out. Only a POST is accepted, and CSRFProtect checks its token, so
    another site cannot sign a user out."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("admin.login"))


@bp.errorhandler(CSRFError)
def reject_expired_form(error: CSRFError) -> tuple[str, int]:
    """Explain a missing or expired CSRF token in the user's language instead of a bare 400 page."""
    logger.warning("Rejected %s %s: %s", request.method, request.path, error.description)
    return render_template("admin/form_expired.html"), 400
