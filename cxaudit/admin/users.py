"""Admin views: the members of an institution and the accounts of the deployment.

An institution's admins add people to it (an existing login, or a new
account), set their roles and remove them after a confirmation page.
Deployment administrators do the same in every institution, add and delete
accounts and name other deployment administrators.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from cxaudit import audit_log
from cxaudit.access import Permission, deployment_admin_required, requires
from cxaudit.admin import bp
from cxaudit.admin.institutions import get_institution_or_404
from cxaudit.auth import (
    AccountError,
    check_keeps_an_admin,
    check_password_strength,
    check_user_deletable,
    create_user,
    delete_user,
    deployment_admin_count,
    find_membership,
    find_user,
    generate_password,
    set_membership,
)
from cxaudit.extensions import db
from cxaudit.forms.users import (
    ROLE_NAMES,
    ROLE_SHORT_NAMES,
    DeleteUserForm,
    MemberForm,
    MemberRoleForm,
    RemoveMemberForm,
    UserForm,
)
from cxaudit.models import ApiToken, Institution, Membership, Role, User


@bp.route("/institutions/<slug>/members", methods=["GET", "POST"])
@requires(Permission.MANAGE)
def members(slug: str) -> str | tuple[str, int]:
    """List the institution's members; a POST adds one."""
    institution = get_institution_or_404(slug)
    form = MemberForm()
    if not form.validate_on_submit():
        return render_members(institution, form), 400 if form.is_submitted() else 200

    try:
        user, new_password = member_account(form)
    except AccountError as error:
        form.login.errors = [str(error)]
        return render_members(institution, form), 400
    if find_membership(user.id, institution.id) is not None:
        form.login.errors = [
            _("%(login)s is already a member. Change the role in the list of members.", login=user.login)
        ]
        return render_members(institution, form), 400

    membership = set_membership(user, institution, form.role.data)
    audit_log.record("member_added", institution, target=user.login, role=membership.role.value)
    flash(_("%(login)s is now a member with the role %(role)s.", login=user.login, role=ROLE_SHORT_NAMES[membership.role]), "success")
    # A generated password is shown in this response only, never stored in the session.
    return render_members(institution, MemberForm(formdata=None), new_account=(user.login, new_password))


def member_account(form: MemberForm) -> tuple[User, str | None]:
    """Return the account the form names, creating it when the login is new,
    with the generated password when one was generated."""
    login = form.login.data.strip()
    user = find_user(login)
    if user is not None:
        if form.password.data:
            raise AccountError(
                _("%(login)s already has an account and keeps its password. Leave the password empty.", login=login)
            )
        return user, None

    generated = not form.password.data
    password = generate_password() if generated else form.password.data
    user = create_user(login, password)
    audit_log.record("user_added", target=user.login)
    return user, password if generated else None


@bp.post("/institutions/<slug>/members/<int:user_id>/role")
@requires(Permission.MANAGE, scoped=["user_id"])
def change_member_role(slug: str, user_id: int) -> Response:
    institution = get_institution_or_404(slug)
    membership = membership_or_404(institution, user_id)
    form = MemberRoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles listed."), "error")
        return redirect(url_for("admin.members", slug=slug))

    new_role = Role(form.role.data)
    try:
        check_keeps_an_admin(membership, new_role)
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.members", slug=slug))
    old_role = membership.role
    set_membership(membership.user, institution, new_role)
    audit_log.record("member_role_changed", institution, target=membership.user.login, old=old_role.value, new=new_role.value)
    flash(_("%(login)s now has the role %(role)s.", login=membership.user.login, role=ROLE_SHORT_NAMES[new_role]), "success")
    return redirect(url_for("admin.members", slug=slug))


@bp.route("/institutions/<slug>/members/<int:user_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE, scoped=["user_id"])
def remove_member(slug: str, user_id: int) -> Response | str:
    """Ask for confirmation, then remove the member from the institution; the account stays."""
    institution = get_institution_or_404(slug)
    membership = membership_or_404(institution, user_id)
    try:
        check_keeps_an_admin(membership, None)
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.members", slug=slug))
    form = RemoveMemberForm()
    if not form.validate_on_submit():
        return render_template(
            "admin/member_remove.html",
            institution=institution,
            membership=membership,
            form=form,
            role_short_names=ROLE_SHORT_NAMES,
        )

    login = membership.user.login
    db.session.delete(membership)
    db.session.commit()
    audit_log.record("member_removed", institution, target=login)
    flash(_("%(login)s is no longer a member of %(name)s.", login=login, name=institution.name), "success")
    return redirect(url_for("admin.members", slug=slug))


def membership_or_404(institution: Institution, user_id: int) -> Membership:
    membership = find_membership(user_id, institution.id)
    if membership is None:
        abort(404)
    return membership


def render_members(institution: Institution, form: MemberForm, new_account: tuple[str, str | None] | None = None) -> str:
    memberships = db.session.scalars(
        select(Membership).join(User).where(Membership.institution_id == institution.id).order_by(User.login)
    ).all()
    return render_template(
        "admin/members.html",
        institution=institution,
        memberships=memberships,
        form=form,
        role_form=MemberRoleForm(formdata=None),
        role_names=ROLE_NAMES,
        role_short_names=ROLE_SHORT_NAMES,
        new_account=new_account,
    )


# --- Accounts of the deployment ------------------------------------------------


@bp.route("/users", methods=["GET", "POST"])
@deployment_admin_required
def users() -> str | tuple[str, int]:
    """List every account with its memberships; a POST adds an account."""
    form = UserForm()
    if not form.validate_on_submit():
        return render_users(form), 400 if form.is_submitted() else 200

    generated = not form.password.data
    password = generate_password() if generated else form.password.data
    try:
        check_password_strength(password)
    except AccountError as error:
        form.password.errors = [str(error)]
        return render_users(form), 400
    try:
        user = create_user(form.login.data, password, deployment_admin=bool(form.deployment_admin.data))
    except AccountError as error:
        form.login.errors = [str(error)]
        return render_users(form), 400
    audit_log.record("user_added", target=user.login, deployment_admin=user.is_deployment_admin)
    flash(_("User %(login)s added. Add them to institutions on each institution's Members page.", login=user.login), "success")
    return render_users(UserForm(formdata=None), new_account=(user.login, password if generated else None))


@bp.post("/users/<int:user_id>/deployment-admin")
@deployment_admin_required
def toggle_deployment_admin(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    if user.is_deployment_admin and deployment_admin_count() <= 1:
        flash(_("%(login)s is the only deployment administrator. Name another one first.", login=user.login), "error")
        return redirect(url_for("admin.users"))

    user.is_deployment_admin = not user.is_deployment_admin
    db.session.commit()
    if user.is_deployment_admin:
        audit_log.record("deployment_admin_granted", target=user.login)
        flash(_("%(login)s is now a deployment administrator.", login=user.login), "success")
    else:
        audit_log.record("deployment_admin_revoked", target=user.login)
        flash(_("%(login)s is no longer a deployment administrator.", login=user.login), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@deployment_admin_required
def reset_password(user_id: int) -> str:
    """Give an account a generated password, shown once, for a person who lost theirs.

    The new password also signs the person out everywhere, because the
    session names the password hash.
    """
    user = db.get_or_404(User, user_id)
    password = generate_password()
    user.set_password(password)
    db.session.commit()
    audit_log.record("password_reset", target=user.login)
    return render_users(UserForm(formdata=None), new_account=(user.login, password))


@bp.route("/users/<int:user_id>/delete", methods=["GET", "POST"])
@deployment_admin_required
def delete_user_page(user_id: int) -> Response | str | tuple[str, int]:
    """Ask for the login, then delete the account; its audit entries stay with its login."""
    user = db.get_or_404(User, user_id)
    try:
        check_user_deletable(user, current_user._get_current_object())
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.users"))
    form = DeleteUserForm(user.login)
    if not form.validate_on_submit():
        tokens = db.session.scalars(
            select(ApiToken).where(ApiToken.created_by_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
        ).all()
        status = 400 if form.is_submitted() else 200
        page = render_template(
            "admin/user_delete.html", account=user, form=form, tokens=tokens, role_short_names=ROLE_SHORT_NAMES
        )
        return page, status

    login = user.login
    institutions = [membership.institution for membership in user.memberships]
    delete_user(user)
    audit_log.record("user_deleted", target=login)
    # Each institution's admins read only their own log, so each membership ends there too.
    for institution in institutions:
        audit_log.record("member_removed", institution, target=login, account_deleted=True)
    flash(_("The account %(login)s is deleted. The audit log keeps its entries.", login=login), "success")
    return redirect(url_for("admin.users"))


def render_users(form: UserForm, new_account: tuple[str, str | None] | None = None) -> str:
    accounts = db.session.scalars(select(User).order_by(User.login)).all()
    return render_template(
        "admin/users.html",
        accounts=accounts,
        form=form,
        role_short_names=ROLE_SHORT_NAMES,
        new_account=new_account,
        current_user_id=current_user.id,
    )
