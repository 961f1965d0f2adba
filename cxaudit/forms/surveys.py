"""Forms for surveys, the rule for allowed origins, and the snippet a webmaster pastes."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from cxaudit.extensions import db
from cxaudit.forms import InvalidValue
from cxaudit.models import Institution, Survey, SurveyKind

DEFAULT_PORTS = {"http": 80, "https": 443}
KIND_LABELS = {SurveyKind.NPS: _l("NPS: how likely visitors are to recommend you (0–10)")}


def normalise_origin(value: str) -> str:
    """Return an origin as browsers send it: ``scheme://host[:port]`` in lowercase,
    without a default port. One trailing slash is accepted and dropped."""
    text = value.strip()
    if text.endswith("/") and text.count("/") == 3:
        text = text[:-1]
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        parts, port = None, None

    valid = (
        parts is not None
        and parts.scheme.lower() in DEFAULT_PORTS
        and parts.hostname
        and not parts.username
        and not parts.password
        and not parts.path
        and not parts.query
        and not parts.fragment
        and "#" not in text
        and "?" not in text
    )
    if not valid:
        raise InvalidValue(
            _(
                "%(origin)s is not a valid origin. Write scheme://host[:port] with no path, such as https://www.example.org.",
                origin=value,
            )
        )

    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def normalise_origins(values: list[str]) -> list[str]:
    """Normalise each origin and drop blank values and repeats.

    Raises InvalidValue for the first invalid origin.
    """
    origins: list[str] = []
    for value in values:
        if not value.strip():
            continue
        origin = normalise_origin(value)
        if origin not in origins:
            origins.append(origin)
    return origins


def normalise_base_url(value: str) -> str:
    """Return the public address of this server without a trailing slash."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname or parts.query or parts.fragment:
        raise InvalidValue(
            _(
                "%(url)s is not a valid base URL. Give the http or https address where cxaudit is served, such as https://cxaudit.example.org.",
                url=value,
            )
        )
    return text.rstrip("/")


def public_base_url() -> str:
    """Return the address visitors' browsers load the widget from: PUBLIC_URL when
    set, else the host of the current request."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    return request.host_url.rstrip("/")


def survey_snippet(survey: Survey, base_url: str) -> str:
    """Return the ``<script>`` line that shows ``survey`` on a page."""
    source = escape(f"{base_url}/widget/v1.js")
    return f'<script src="{source}" data-survey="{escape(survey.public_id)}" async></script>'


def create_survey(institution: Institution, kind: SurveyKind | str, origins: list[str]) -> Survey:
    """Store a new active survey. Raises InvalidValue, and stores nothing, when an origin is invalid."""
    survey = Survey(institution=institution, kind=SurveyKind(kind), allowed_origins=normalise_origins(origins))
    db.session.add(survey)
    db.session.commit()
    return survey


class SurveyForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()])
    allowed_origins = TextAreaField(
        _l("Allowed origins"),
        description=_l(
            "Sites whose pages may show the survey, one per line, such as https://www.example.org. Answers from other sites are rejected."
        ),
        render_kw={"rows": 3, "spellcheck": "false", "autocapitalize": "none"},
    )
    submit = SubmitField(_l("Add survey"))

    def validate_allowed_origins(self, field) -> None:
        try:
            self.origins = normalise_origins((field.data or "").splitlines())
        except InvalidValue as error:
            raise ValidationError(str(error)) from error

