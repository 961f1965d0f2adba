"""Forms of the admin inquiries page: the import upload and the own addresses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from cxaudit.inquiries.imports import FORMATS


class InquiryImportForm(FlaskForm):
    files = MultipleFileField(
        _l("Files"),
        description=_l("A CSV file, or mbox files: choose the Inbox and the Sent folder together."),
        validators=[InputRequired(message=_l("Choose a file to import."))],
    )
    format = SelectField(
        _l("Format"), choices=[SelectChoice(name, name.upper()) for name in FORMATS], default="csv"
    )
    submit = SubmitField(_l("Import"))


class OwnAddressesForm(FlaskForm):
    addresses = TextAreaField(
        _l("Own mail addresses"),
        description=_l(
            "One a line. A mail from one of these addresses is a reply. Start a line with @ for a whole domain, "
            "such as @muzeum.pl."
        ),
        render_kw={"rows": 4, "spellcheck": "false"},
    )
    submit = SubmitField(_l("Save addresses"))
