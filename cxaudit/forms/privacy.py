"""The form that confirms deleting an institution by typing its slug."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import ValidationError


class DeleteInstitutionForm(FlaskForm):
    """Confirmation of a deletion: typing the slug again prevents deleting by a stray click."""

    confirmation = StringField(_l("Type the institution's slug to confirm"))
    submit = SubmitField(_l("Delete the institution and all its data"))

    def __init__(self, slug: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.slug = slug

    def validate_confirmation(self, field: StringField) -> None:
        if (field.data or "").strip() != self.slug:
            raise ValidationError(
                _("“%(value)s” is not the slug. Type %(slug)s to delete this institution.", value=field.data or "", slug=self.slug)
            )
