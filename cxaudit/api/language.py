"""Choosing the language of widget texts and API error messages.

The API never calls the app's locale selector, because that selector stores a
``?lang=`` choice in the session and so would set a cookie. Callers pass the
language chosen here to ``flask_babel.force_locale`` instead.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from cxaudit.api.settings import WIDGET_LANGUAGES
from cxaudit.i18n import normalise_language

# A page in a language cxaudit does not translate gets the widget in English,
# which more visitors read than Polish.
FALLBACK_LANGUAGE = "en"


def widget_languages() -> list[str]:
    """Return the languages the widget speaks: the app's languages plus
    Ukrainian, which the widget and hosted page offer before the admin does."""
    languages = list(current_app.config["LANGUAGES"])
    return languages + [code for code in WIDGET_LANGUAGES if code not in languages]


def widget_language(value: Any) -> str:
    """Reduce language tags from the page to a supported language.

    ``value`` is one tag (``pl-PL``, ``en``, ``de``) or the widget's
    comma-separated candidates in order of preference (its ``data-lang``,
    the page's ``lang``, the browser's languages). The first supported one
    wins, and English stands in when none is supported.
    """
    languages = widget_languages()
    fallback = FALLBACK_LANGUAGE if FALLBACK_LANGUAGE in languages else current_app.config["DEFAULT_LANGUAGE"]
    if not isinstance(value, str):
        return fallback
    for candidate in value.split(","):
        language = normalise_language(candidate, languages, "")
        if language:
            return language
    return fallback


def header_language() -> str:
    """Return the best supported language of the ``Accept-Language`` header,
    or the default language when the header matches none."""
    languages = widget_languages()
    return request.accept_languages.best_match(languages) or current_app.config["DEFAULT_LANGUAGE"]


def response_language(requested: Any) -> str:
    """Pick the language of an API response: the one the caller names
    (``?lang=`` or the body's ``language``), else ``Accept-Language``."""
    if isinstance(requested, str) and requested.strip():
        return widget_language(requested)
    return header_language()
