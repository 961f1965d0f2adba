"""Admin views: signing in and out, and changing one's password.

Failed sign-ins are limited per login and per client address with
Flask-Limiter: only a response that rejects the form counts, so people who
sign in right are never slowed down. A login under attack may be blocked for
its owner too until the window passes. That is accepted, because it stops
password guessing against one account from many addresses.

The address is the client's as the app sees it: behind a reverse proxy,
PROXY_FIX_X_FOR must be set, or every client shares the proxy's address and
so its limit.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from cxaudit import audit_log
from cxaudit.access import signed_in
from cxaudit.admin import bp
from cxaudit.auth import AccountError, authenticate, check_password_strength, is_same_site_path
from cxaudit.extensions import db
from cxaudit.forms.session import LoginForm, PasswordChangeForm

logger = logging.getLogger(__name__)


def submitted_login() -> str:
    return "login:" + request.form.get("login", "").strip().lower()


def sign_in_rejected(response: Response) -> bool:
    return response.status_code == 400


def sign_in_blocked(limit: RequestLimit) -> Response:
    """Render the sign-in form with a translated explanation, with status 429."""
    audit_log.record("sign_in_blocked", actor_login=request.form.get("login", "").strip()[:64] or None)
    form = LoginForm()
    form.form_errors.append(_("Too many failed sign-ins. Wait a quarter of an hour and try again."))
    return current_app.make_response((render_template("admin/login.html", form=form), 429))


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
        audit_log.record("sign_in_failed", actor_login=form.login.data.strip()[:64])
        form.form_errors.append(_("The login or the password is wrong. Check both and try again."))
        return render_template("admin/login.html", form=form), 400

    login_user(user)
    audit_log.record("sign_in", actor=user)
    target = form.next.data
    return redirect(target if is_same_site_path(target) else url_for("admin.index"))


# Recorded after the login route, so the view exists when the limits wrap it.
@bp.record_once
def _limit_sign_in(state) -> None:
    init_sign_in_limits(state.app)


def init_sign_in_limits(app: Flask) -> None:
    """Limit failed sign-ins of ``app``; counters live in Redis when REDIS_URL is set."""
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=app.config.get("REDIS_URL") or "memory://",
        key_prefix="cxaudit-login",
    )
    # Flask-Limiter checks a decorated limit in the wrapper it returns, so
    # the app's view is replaced by the wrapped one.
    view = app.view_functions["admin.login"]
    for limit, key in (
        (app.config["LOGIN_RATE_LIMIT_PER_LOGIN"], submitted_login),
        (app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"], get_remote_address),
    ):
        view = limiter.limit(
            limit, key_func=key, methods=["POST"], deduct_when=sign_in_rejected, on_breach=sign_in_blocked
        )(view)
    app.view_functions["admin.login"] = view
    app.extensions["cxaudit_login_limiter"] = limiter


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    """Sign out. Only a POST is accepted, and CSRFProtect checks its token, so
    another site cannot sign a user out."""
    audit_log.record("sign_out")
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("admin.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password() -> Response | str | tuple[str, int]:
    """Change the signed-in user's password; the current one is asked first."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return render_template("admin/password.html", form=form), 400 if form.is_submitted() else 200

    user = current_user._get_current_object()
    if not user.check_password(form.current_password.data):
        form.current_password.errors = [_("The current password is wrong. Type the password you signed in with.")]
        return render_template("admin/password.html", form=form), 400
    try:
        check_password_strength(form.new_password.data)
    except AccountError as error:
        form.new_password.errors = [str(error)]
        return render_template("admin/password.html", form=form), 400

    user.set_password(form.new_password.data)
    db.session.commit()
    # The session names the old password; sign in again so this one stays valid.
    login_user(user)
    audit_log.record("password_changed", target=user.login)
    flash(_("Your password is changed. Other devices signed in with it are signed out."), "success")
    return redirect(url_for("admin.index"))


@bp.errorhandler(CSRFError)
def reject_expired_form(error: CSRFError) -> tuple[str, int]:
    """Explain a missing or expired CSRF token in the user's language instead of a bare 400 page."""
    logger.warning("Rejected %s %s: %s", request.method, request.path, error.description)
    return render_template("admin/form_expired.html"), 400
