"""Language selection for the UI, the scorecard and the widget."""

from __future__ import annotations

import gettext
import os
from typing import TYPE_CHECKING

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from cxaudit.paths import TRANSLATIONS_DIR

if TYPE_CHECKING:
    from flask_babel import Domain
    from flask_babel.speaklater import LazyString

# Languages whose catalogs translate the whole interface, the command line and
# the scorecard. Ukrainian is translated only for the survey widget and the
# hosted survey page (cxaudit.api.settings.WIDGET_LANGUAGES), which speak it
# whatever LANGUAGES says.
UI_LANGUAGES = ("pl", "en")

# The command line's languages: the same defaults as the app's LANGUAGES and
# DEFAULT_LANGUAGE settings, which cannot be read before the app exists.
COMMAND_LINE_LANGUAGES = ["pl", "en"]
COMMAND_LINE_DEFAULT_LANGUAGE = "pl"

# The gettext domain of Click's own messages, translations/<language>/LC_MESSAGES/click.po.
CLICK_DOMAIN = "click"


def check_ui_languages(languages: list[str]) -> None:
    """Raise ValueError when ``languages`` names a language the interface is
    not fully translated into, so no user ever sees it half translated."""
    from flask_babel import lazy_gettext as _l

    partial = [code for code in languages if code not in UI_LANGUAGES]
    if partial:
        raise ValueError(
            _l(
                "LANGUAGES contains %(languages)s, but the interface is translated only into %(complete)s. "
                "Remove it from LANGUAGES in instance/config.py; the survey widget and the hosted survey page "
                "speak Ukrainian without it.",
                languages=", ".join(partial),
                complete=", ".join(UI_LANGUAGES),
            )
        )


def supported_languages() -> list[str]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    """Pick the UI language: ``?lang=``, then the user's choice, then the browser.

    A ``lang`` query parameter is remembered in the session so a user can
    switch language once from any page. Outside a request (the command
    line) the language comes from ``CXAUDIT_LANGUAGE``, then ``LANG``.
    """
    languages = supported_languages()
    default = current_app.config["DEFAULT_LANGUAGE"]

    if not has_request_context():
        return command_line_language(languages, default)

    requested = request.args.get("lang")
    if requested in languages:
        session["lang"] = requested
        return requested

    if session.get("lang") in languages:
        return session["lang"]

    if current_user and getattr(current_user, "language", None) in languages:
        return current_user.language

    return request.accept_languages.best_match(languages) or default


def command_line_language(languages: list[str], default: str) -> str:
    for variable in ("CXAUDIT_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return normalise_language(value, languages, default)
    return default


def current_command_line_language() -> str:
    """Return the command line's language, from the environment (see :func:`command_line_language`)."""
    return command_line_language(COMMAND_LINE_LANGUAGES, COMMAND_LINE_DEFAULT_LANGUAGE)


def unsupported_command_line_language() -> str | None:
    """Return the value of ``CXAUDIT_LANGUAGE`` when the command line has no translation for it, else None.

    :func:`command_line_language` falls back to the default language for such
    a value without saying so.
    """
    value = os.environ.get("CXAUDIT_LANGUAGE")
    if not value or value in ("C", "POSIX") or value.startswith("C."):
        return None
    is_supported = bool(normalise_language(value, COMMAND_LINE_LANGUAGES, default=""))
    return None if is_supported else value


def select_click_language() -> str:
    """Make Click's own messages ("Usage:", "Error: ...") follow the command line's language, and return it.

    Click 8 marks its messages with the standard library's ``gettext.gettext``
    and ``ngettext``, which translate with the process's global text domain
    into the languages ``LANGUAGE`` names (then ``LC_ALL``, ``LC_MESSAGES`` and
    ``LANG``). This points that domain at the ``click`` catalog and sets
    ``LANGUAGE`` to :func:`command_line_language`, so Click follows
    ``CXAUDIT_LANGUAGE`` like the rest of the command line. A language
    without a ``click`` catalog, such as English, keeps Click's own texts.
    """
    language = current_command_line_language()
    # gettext takes the language only from the environment. Child processes
    # inherit LANGUAGE too, but the scanner's headless Chromium ignores it.
    # Chromium 156 on Debian 12 (chromium --headless=new --dump-dom) reports
    # navigator.language en-US with LANGUAGE=pl and LANG=pl_PL.UTF-8 alike.
    os.environ["LANGUAGE"] = language
    gettext.bindtextdomain(CLICK_DOMAIN, str(TRANSLATIONS_DIR))
    gettext.textdomain(CLICK_DOMAIN)
    return language


def in_command_line_language(message: LazyString | str) -> str:
    """Render a flask_babel lazy string in the command line's language before any cxaudit app exists.

    flask_babel translates only inside an app context, so a minimal app with
    the main catalog provides one.
    """
    from flask_babel import Babel

    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    Babel(app, locale_selector=current_command_line_language)
    with app.app_context():
        return str(message)


def normalise_language(value: str | None, available: list[str], default: str) -> str:
    """Reduce a language tag such as ``pl-PL`` to one of ``available``."""
    if not value:
        return default
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in available else default


def plugin_domain(catalog_directory: str | os.PathLike) -> Domain:
    """Return a Babel domain for a plugin's own catalogs.

    A plugin keeps its messages in ``messages.pot`` and
    ``<language>/LC_MESSAGES/messages.po`` under ``catalog_directory``, so it
    can be translated and released apart from cxaudit. The domain translates
    into the language active in cxaudit (a request's, or the one set with
    ``flask_babel.force_locale``).
    """
    from flask_babel import Domain

    return Domain(translation_directories=str(catalog_directory))
