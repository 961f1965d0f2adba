"""The funnel form and the rules for funnel names and steps.

The rule functions raise InvalidValue with a translated message that names
the value, so the form shows which name or step is wrong and how to fix it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from cxaudit.api.events import STEP_NAME
from cxaudit.extensions import db
from cxaudit.forms import InvalidValue
from cxaudit.models import Funnel, Institution

NAME_MAX_LENGTH = 100
MIN_STEPS = 2
MAX_STEPS = 10


def check_funnel_name(name: str, institution: Institution, funnel: Funnel | None = None) -> str:
    """Return the stripped name when it is not empty, short enough and not used by another funnel of the institution."""
    name = name.strip()
    if not name:
        raise InvalidValue(_("The name is empty. Give the funnel a name, such as Ticket booking."))
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidValue(
            _("The name %(name)s is too long: use at most %(maximum)d characters.", name=name, maximum=NAME_MAX_LENGTH)
        )
    query = select(Funnel.id).where(Funnel.institution_id == institution.id, Funnel.name == name)
    if funnel is not None and funnel.id is not None:
        query = query.where(Funnel.id != funnel.id)
    if db.session.scalar(query) is not None:
        raise InvalidValue(_("A funnel named %(name)s already exists. Choose another name.", name=name))
    return name


def parse_steps(text: str) -> list[str]:
    """Return the steps written one a line, in order, without blank lines.

    :raises InvalidValue: naming the first invalid or repeated step, or when there are too few or too many.
    """
    steps = [line.strip() for line in text.splitlines() if line.strip()]
    for step in steps:
        if not STEP_NAME.fullmatch(step):
            raise InvalidValue(
                _(
                    "The step %(step)s is invalid. Name it as the page reports it with cxaudit('track', STEP): "
                    "1 to 64 letters, digits or the characters _ . : -, such as booking_completed.",
                    step=step,
                )
            )
    seen = set()
    for step in steps:
        if step in seen:
            raise InvalidValue(_("The step %(step)s appears twice. List each step once, in order.", step=step))
        seen.add(step)
    if len(steps) < MIN_STEPS:
        raise InvalidValue(
            ngettext(
                "A funnel needs at least %(minimum)d steps, one a line; %(num)d step was given.",
                "A funnel needs at least %(minimum)d steps, one a line; %(num)d steps were given.",
                len(steps),
                minimum=MIN_STEPS,
            )
        )
    if len(steps) > MAX_STEPS:
        raise InvalidValue(
            ngettext(
                "A funnel has at most %(maximum)d steps; %(num)d step was given.",
                "A funnel has at most %(maximum)d steps; %(num)d steps were given.",
                len(steps),
                maximum=MAX_STEPS,
            )
        )
    return steps


class FunnelForm(FlaskForm):
    """A funnel's name and its steps, one a line. Set ``institution`` and ``funnel`` before validating."""

    name = StringField(_l("Name"), render_kw={"maxlength": NAME_MAX_LENGTH})
    steps = TextAreaField(
        _l("Steps"),
        description=_l(
            "One step a line, in the order visitors take them, as your pages report them with "
            "cxaudit('track', STEP), such as booking_started, payment, booking_completed."
        ),
        render_kw={"rows": 5, "spellcheck": "false", "autocapitalize": "none"},
    )
    submit = SubmitField(_l("Save funnel"))

    institution: Institution
    funnel: Funnel | None = None

    def validate_name(self, field) -> None:
        try:
            self.clean_name = check_funnel_name(field.data or "", self.institution, self.funnel)
        except InvalidValue as error:
            raise ValidationError(str(error)) from error

    def validate_steps(self, field) -> None:
        try:
            self.clean_steps = parse_steps(field.data or "")
        except InvalidValue as error:
            raise ValidationError(str(error)) from error
