"""Forms for institutions and their sites, and the rules for slugs and site URLs.

The rule functions raise InvalidValue with a translated message, so the
admin UI and the CLI reject the same values with the same words.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from babel import Locale
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField, URLField
from wtforms.validators import DataRequired, Length, ValidationError

from cxaudit.extensions import db
from cxaudit.forms import InvalidValue
from cxaudit.models import Institution, Site

SLUG_PATTERN = re.compile(r"[a-z0-9-]{2,64}")
NAME_MAX_LENGTH = 200


def check_slug(value: str) -> str:
    """Return ``value`` when it is a valid slug: 2–64 lowercase letters, digits and hyphens."""
    if not SLUG_PATTERN.fullmatch(value):
        raise InvalidValue(
            _(
                "%(slug)s is not a valid slug. Use 2 to 64 lowercase letters, digits and hyphens, such as muzeum-narodowe.",
                slug=value,
            )
        )
    return value


def check_slug_is_free(slug: str) -> str:
    """Return ``slug`` when no institution uses it yet."""
    if find_institution(slug) is not None:
        raise InvalidValue(
            _("An institution with the slug %(slug)s already exists. Choose another slug.", slug=slug)
        )
    return slug


def check_language(value: str) -> str:
    """Return ``value`` when it is one of the configured LANGUAGES."""
    languages = current_app.config["LANGUAGES"]
    if value not in languages:
        raise InvalidValue(
            _(
                "%(language)s is not a supported language. Use one of: %(languages)s.",
                language=value,
                languages=", ".join(languages),
            )
        )
    return value


def normalise_site_url(value: str) -> str:
    """Return the base URL of a site: http or https with a host, lowercase scheme
    and host, no fragment, and ``/`` as the path when none is given."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidValue(
            _(
                "%(url)s is not a valid site address. Give a full http or https address, such as https://www.example.org/.",
                url=value,
            )
        )

    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def find_institution(slug: str) -> Institution | None:
    return db.session.scalar(select(Institution).where(Institution.slug == slug))


def create_institution(slug: str, name: str, language: str) -> Institution:
    """Store a new institution after checking every value. Raises InvalidValue, and stores nothing, on invalid input."""
    check_slug(slug)
    check_slug_is_free(slug)
    name = name.strip()
    if not name:
        raise InvalidValue(_("The name is empty. Give the name of the institution."))
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidValue(
            _("The name is too long: use at most %(maximum)d characters.", maximum=NAME_MAX_LENGTH)
        )
    check_language(language)

    institution = Institution(slug=slug, name=name, default_language=language)
    db.session.add(institution)
    db.session.commit()
    return institution


def create_site(institution: Institution, url: str) -> Site:
    """Store a site of ``institution`` under its normalised base URL.

    :raises InvalidValue: when the URL is invalid or the institution already has that site.
    """
    base_url = normalise_site_url(url)
    if any(site.base_url == base_url for site in institution.sites):
        raise InvalidValue(
            _("%(name)s already has the site %(url)s. Scan it or add another address.", name=institution.name, url=base_url)
        )
    site = Site(institution=institution, base_url=base_url)
    db.session.add(site)
    db.session.commit()
    return site


def language_choices() -> list[SelectChoice]:
    """Return a choice for each configured language, named in that language."""
    return [
        SelectChoice(code, Locale.parse(code).get_display_name(code).capitalize(), render_kw={"lang": code})
        for code in current_app.config["LANGUAGES"]
    ]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _raise_as_validation_error(rule, field) -> None:
    try:
        rule(field.data or "")
    except InvalidValue as error:
        raise ValidationError(str(error)) from error


class InstitutionForm(FlaskForm):
    slug = StringField(
        _l("Slug"),
        description=_l("Used in addresses: lowercase letters, digits and hyphens, such as muzeum-narodowe."),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter a slug."))],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the name of the institution.")),
            Length(max=NAME_MAX_LENGTH, message=_l("Use at most %(max)d characters.")),
        ],
    )
    default_language = SelectField(_l("Default language"))
    submit = SubmitField(_l("Add institution"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.default_language.choices = language_choices()
        if not self.default_language.data:
            self.default_language.data = current_app.config["DEFAULT_LANGUAGE"]

    def validate_slug(self, field) -> None:
        _raise_as_validation_error(check_slug, field)
        _raise_as_validation_error(check_slug_is_free, field)


class SiteForm(FlaskForm):
    base_url = URLField(
        _l("Site address"),
        description=_l("The home page of the site, such as https://www.example.org/."),
        validators=[DataRequired(message=_l("Enter the address of the site."))],
        render_kw={"autocomplete": "url", "spellcheck": "false"},
    )
    allow_submit = BooleanField(
        _l("Audits may submit this site's forms"),
        description=_l(
            "The forms audit then submits each form empty to check its error messages, in scans that also "
            "allow it. Leave this off unless the site's owner agrees."
        ),
    )
    submit = SubmitField(_l("Add site"))

    def validate_base_url(self, field) -> None:
        _raise_as_validation_error(normalise_site_url, field)
