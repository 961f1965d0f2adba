"""Forms for accounts: members of an institution, users of the deployment, API tokens."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from cxaudit.models import Role

ROLE_NAMES = {
    Role.ADMIN: _l("Admin: everything, including sites, members and the audit log"),
    Role.AUDITOR: _l("Auditor: runs scans and reads their results"),
    Role.EDITOR: _l("Editor: edits surveys and reads their answers"),
    Role.VIEWER: _l("Viewer: reads the scorecard"),
}

ROLE_SHORT_NAMES = {
    Role.ADMIN: _l("admin"),
    Role.AUDITOR: _l("auditor"),
    Role.EDITOR: _l("editor"),
    Role.VIEWER: _l("viewer"),
}


def role_field(label) -> SelectField:
    return SelectField(
        label,
        choices=[SelectChoice(role.value, name) for role, name in ROLE_NAMES.items()],
        default=Role.VIEWER.value,
        validators=[DataRequired(message=_l("Choose a role."))],
    )


def login_field() -> StringField:
    return StringField(
        _l("Login"),
        validators=[
            DataRequired(message=_l("Enter a login, such as anna.kowalska.")),
            Length(max=64, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


class MemberForm(FlaskForm):
    """Add a person to an institution: an existing login, or a new account."""

    login = login_field()
    role = role_field(_l("Role"))
    password = PasswordField(
        _l("Password for a new account"),
        validators=[Optional()],
        description=_l(
            "Only when the login is new. Leave it empty to have a password generated; it is shown once."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Add member"))


class MemberRoleForm(FlaskForm):
    role = role_field(_l("Role"))
    submit = SubmitField(_l("Change role"))


class UserForm(FlaskForm):
    """A new account, added by a deployment administrator."""

    login = login_field()
    password = PasswordField(
        _l("Password"),
        validators=[Optional()],
        description=_l("At least 8 characters. Leave it empty to have one generated; it is shown once."),
        render_kw={"autocomplete": "new-password"},
    )
    deployment_admin = BooleanField(
        _l("Deployment administrator"),
        description=_l("Manages every institution and every account."),
    )
    submit = SubmitField(_l("Add user"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        validators=[
            DataRequired(message=_l("Name the token after where it is used, such as “CI of the main site”.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
        description=_l("The token starts scans of this institution's sites and reads their results, as an auditor."),
    )
    submit = SubmitField(_l("Create token"))


class DeleteUserForm(FlaskForm):
    """Confirmation of an account's deletion: typing the login again prevents deleting by a stray click."""

    confirmation = StringField(
        _l("Type the login to confirm"),
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Delete the account"))

    def __init__(self, login: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.login = login

    def validate_confirmation(self, field: StringField) -> None:
        if (field.data or "").strip() != self.login:
            raise ValidationError(
                _("“%(value)s” is not the login. Type %(login)s to delete this account.", value=field.data or "", login=self.login)
            )


class RemoveMemberForm(FlaskForm):
    """Confirmation of a member's removal from an institution; the account stays."""

    submit = SubmitField(_l("Remove from the institution"))
