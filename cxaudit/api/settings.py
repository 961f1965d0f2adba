"""The per-survey settings stored in ``Survey.settings``: when the widget
appears, on which pages, for what share of visitors, and texts that replace
the catalog defaults.

The stored JSON may be older or partial, so readers always go through
``survey_settings``, which fills in every missing value.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from cxaudit.models import Survey

WIDGET_LANGUAGES = ("pl", "en", "uk")
# Texts an administrator may replace per language; the rest come from the catalogs.
EDITABLE_TEXTS = ("question", "comment_label", "thanks")
URL_MATCHES = ("equals", "contains", "regex")
MAX_EVENT_NAME_LENGTH = 64

DEFAULT_SETTINGS: dict[str, Any] = {
    "texts": {},
    "triggers": {
        # 0 shows the survey as soon as the page has loaded; None waits for another trigger.
        "delay_seconds": 0,
        "scroll_percent": None,
        "exit_intent": False,
        "events": [],
    },
    "url_rules": [],
    "sample_percent": 100,
    "snooze_days": 30,
}


def survey_settings(survey: Survey) -> dict[str, Any]:
    """Return the survey's settings with defaults for every missing value."""
    stored = survey.settings or {}
    settings = copy.deepcopy(DEFAULT_SETTINGS)
    for key, value in stored.items():
        if key == "triggers" and isinstance(value, dict):
            settings["triggers"].update(value)
        elif key in settings:
            settings[key] = value
    return settings


def custom_text(survey: Survey, language: str, name: str) -> str | None:
    """Return the administrator's text ``name`` in ``language``, or None for the default."""
    texts = survey_settings(survey)["texts"].get(language) or {}
    value = texts.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def path_pattern(url_rules: list[dict[str, str]]) -> str | None:
    """Join the URL rules into one regular expression that the widget tests
    page paths with, or None when there are no rules (every page matches).

    ``equals`` and ``contains`` values are escaped with ``re.escape``, and
    JavaScript reads its escapes the same way. ``regex`` values are used as
    the administrator wrote them.
    """
    alternatives = []
    for rule in url_rules:
        value = rule.get("value", "")
        if rule.get("match") == "equals":
            alternatives.append(f"^{re.escape(value)}$")
        elif rule.get("match") == "contains":
            alternatives.append(re.escape(value))
        else:
            alternatives.append(value)
    if not alternatives:
        return None
    return "|".join(f"(?:{alternative})" for alternative in alternatives)
