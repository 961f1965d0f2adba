"""Forms for surveys, the rule for allowed origins, and the snippet a webmaster pastes."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from cxaudit.api.settings import EDITABLE_TEXTS, WIDGET_LANGUAGES, survey_settings
from cxaudit.extensions import db
from cxaudit.forms import InvalidValue
from cxaudit.models import Institution, Survey, SurveyKind

DEFAULT_PORTS = {"http": 80, "https": 443}
KIND_LABELS = {
    SurveyKind.NPS: _l("NPS: how likely visitors are to recommend you (0–10)"),
    SurveyKind.CSAT: _l("CSAT: how satisfied visitors are (1–5, each point named)"),
    SurveyKind.CES: _l("CES: how easy it was to do what they came for (1–7)"),
    SurveyKind.HELPFUL: _l("Was this page helpful? (yes or no)"),
}


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



# --- Editing a survey -------------------------------------------------------

LANGUAGE_NAMES = {"pl": "Polski", "en": "English", "uk": "Українська"}
TEXT_LABELS = {
    "question": _l("Question"),
    "comment_label": _l("Label of the comment field"),
    "thanks": _l("Thank-you message"),
}
SCRUB_CHOICES = {
    "default": _l("As set for the whole deployment"),
    "on": _l("Replace e-mail addresses and phone numbers before storing the comment"),
    "off": _l("Store comments as sent"),
}
URL_RULE_LINE = re.compile(r"^(equals|contains|regex)\s+(\S.*)$")
EVENT_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def parse_url_rules(text: str) -> list[dict[str, str]]:
    """Read one rule a line, ``equals /path``, ``contains text`` or ``regex pattern``.
    Raises InvalidValue naming the first wrong line."""
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = URL_RULE_LINE.match(line.strip())
        if not match:
            raise InvalidValue(
                _(
                    "Line %(number)d, %(line)s, is not a URL rule. Start it with equals, contains or regex, "
                    "then a space and the path, such as contains /tickets.",
                    number=number,
                    line=line.strip(),
                )
            )
        kind, value = match.group(1), match.group(2).strip()
        if kind == "regex":
            try:
                re.compile(value)
            except re.error as error:
                raise InvalidValue(
                    _(
                        "Line %(number)d: %(pattern)s is not a valid regular expression (%(reason)s). Correct it or use contains.",
                        number=number,
                        pattern=value,
                        reason=str(error),
                    )
                ) from None
        rules.append({"match": kind, "value": value})
    return rules


def format_url_rules(rules: list[dict[str, str]]) -> str:
    return "\n".join(f"{rule['match']} {rule['value']}" for rule in rules)


def parse_event_names(text: str) -> list[str]:
    names = [name for name in re.split(r"[\s,]+", text or "") if name]
    for name in names:
        if not EVENT_NAME.match(name):
            raise InvalidValue(
                _(
                    "%(name)s is not a valid step name. Use 1 to 64 letters, digits or the characters _ . : -, such as booking_completed.",
                    name=name,
                )
            )
    return list(dict.fromkeys(names))


class SurveySettingsForm(FlaskForm):
    """Everything an administrator sets for one survey. Text fields per
    language are added below the class as ``<text>_<language>``."""

    kind = SelectField(_l("Kind"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()])
    active = BooleanField(_l("Active: show the survey and accept answers"))
    allowed_origins = TextAreaField(
        _l("Allowed origins"),
        description=_l("Sites whose pages may show the survey, one per line, such as https://www.example.org."),
        render_kw={"rows": 3, "spellcheck": "false", "autocapitalize": "none"},
    )
    delay_seconds = IntegerField(
        _l("Show after this many seconds"),
        description=_l("0 shows the survey as soon as the page has loaded; leave empty to wait for another trigger."),
        validators=[Optional(), NumberRange(min=0, max=3600)],
    )
    scroll_percent = IntegerField(
        _l("Show after scrolling this percentage of the page"),
        validators=[Optional(), NumberRange(min=1, max=100)],
    )
    exit_intent = BooleanField(_l("Show when the pointer leaves the page towards the browser's tabs (desktop only)"))
    events = StringField(
        _l("Show after these funnel steps"),
        description=_l("Step names the page sends with cxaudit('track', STEP), separated by spaces, such as booking_completed."),
    )
    url_rules = TextAreaField(
        _l("Pages"),
        description=_l(
            "One rule a line: equals /path, contains text or regex pattern. The survey shows on pages whose path matches any rule; leave empty for every page."
        ),
        render_kw={"rows": 3, "spellcheck": "false", "autocapitalize": "none"},
    )
    sample_percent = IntegerField(
        _l("Ask this percentage of visitors"), validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    snooze_days = IntegerField(
        _l("Do not ask again for this many days after an answer or a dismissal"),
        validators=[InputRequired(), NumberRange(min=0, max=365)],
    )
    scrub_comments = SelectField(
        _l("E-mail addresses and phone numbers in comments"),
        choices=[SelectChoice(value, label) for value, label in SCRUB_CHOICES.items()],
        default="default",
        description=_l(
            "Visitors sometimes leave their contact details in a comment. Replaced details never reach the "
            "database, its backups or the exports; comments stored earlier stay as they are."
        ),
    )
    submit = SubmitField(_l("Save survey"))

    def validate_allowed_origins(self, field) -> None:
        try:
            self.origins = normalise_origins((field.data or "").splitlines())
        except InvalidValue as error:
            raise ValidationError(str(error)) from error

    def validate_url_rules(self, field) -> None:
        try:
            self.rules = parse_url_rules(field.data or "")
        except InvalidValue as error:
            raise ValidationError(str(error)) from error

    def validate_events(self, field) -> None:
        try:
            self.event_names = parse_event_names(field.data or "")
        except InvalidValue as error:
            raise ValidationError(str(error)) from error

    def text_fields(self, language: str) -> list:
        return [self[f"{name}_{language}"] for name in EDITABLE_TEXTS]

    @classmethod
    def for_survey(cls, survey: Survey) -> SurveySettingsForm:
        """Return the form filled from ``survey`` (GET) or from the request (POST)."""
        settings = survey_settings(survey)
        triggers = settings["triggers"]
        data = {
            "kind": survey.kind.value,
            "active": survey.active,
            "allowed_origins": "\n".join(survey.allowed_origins or []),
            "delay_seconds": triggers["delay_seconds"],
            "scroll_percent": triggers["scroll_percent"],
            "exit_intent": triggers["exit_intent"],
            "events": " ".join(triggers["events"]),
            "url_rules": format_url_rules(settings["url_rules"]),
            "sample_percent": settings["sample_percent"],
            "snooze_days": settings["snooze_days"],
            "scrub_comments": scrub_choice(survey),
        }
        for language, texts in settings["texts"].items():
            for name, value in texts.items():
                data[f"{name}_{language}"] = value
        return cls(data=data)

    def apply_to(self, survey: Survey) -> None:
        """Store the form's values in ``survey``; call after validate_on_submit()."""
        survey.kind = SurveyKind(self.kind.data)
        survey.active = self.active.data
        survey.allowed_origins = self.origins
        texts = {}
        for language in WIDGET_LANGUAGES:
            values = {name: self[f"{name}_{language}"].data.strip() for name in EDITABLE_TEXTS if (self[f"{name}_{language}"].data or "").strip()}
            if values:
                texts[language] = values
        # Settings the editor does not show are kept. Without its own
        # scrub_comments, the survey follows the deployment's SCRUB_COMMENTS.
        kept = {key: value for key, value in (survey.settings or {}).items() if key != "scrub_comments"}
        if self.scrub_comments.data != "default":
            kept["scrub_comments"] = self.scrub_comments.data == "on"
        survey.settings = {
            **kept,
            "texts": texts,
            "triggers": {
                "delay_seconds": self.delay_seconds.data,
                "scroll_percent": self.scroll_percent.data,
                "exit_intent": self.exit_intent.data,
                "events": self.event_names,
            },
            "url_rules": self.rules,
            "sample_percent": self.sample_percent.data,
            "snooze_days": self.snooze_days.data,
        }


def scrub_choice(survey: Survey) -> str:
    """Return the survey's own scrubbing setting as a choice of SCRUB_CHOICES."""
    own = (survey.settings or {}).get("scrub_comments")
    if isinstance(own, bool):
        return "on" if own else "off"
    return "default"


for _language in WIDGET_LANGUAGES:
    for _name in EDITABLE_TEXTS:
        setattr(
            SurveySettingsForm,
            f"{_name}_{_language}",
            StringField(TEXT_LABELS[_name], validators=[Optional(), Length(max=500)], render_kw={"lang": _language}),
        )
