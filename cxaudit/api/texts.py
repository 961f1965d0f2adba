"""The texts the widget shows, translated on the server so the widget's
JavaScript contains no user-facing strings."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from cxaudit.api.settings import EDITABLE_TEXTS, custom_text
from cxaudit.models import SCORE_RANGES, Survey, SurveyKind

# A number that falls in each CLDR plural category of the widget's languages:
# the widget picks the form with Intl.PluralRules, the server fills them in.
PLURAL_SAMPLES = {"one": 1, "few": 2, "many": 5, "other": 5}


def default_question(survey: Survey) -> str:
    name = survey.institution.name
    if survey.kind is SurveyKind.CSAT:
        return _("How satisfied are you with %(institution)s?", institution=name)
    if survey.kind is SurveyKind.CES:
        return _("How easy was it to do what you came to do today?")
    if survey.kind is SurveyKind.HELPFUL:
        return _("Was this page helpful?")
    return _("How likely is it that you would recommend %(institution)s to a friend?", institution=name)


def choice_labels(kind: SurveyKind) -> dict[str, str]:
    """Return the words that name each point of the scale, keyed by score.

    NPS and CES points are numbers with the two ends described; CSAT points
    and the yes/no answer are each named in words."""
    if kind is SurveyKind.CSAT:
        return {
            "1": _("Very dissatisfied"),
            "2": _("Dissatisfied"),
            "3": _("Neither satisfied nor dissatisfied"),
            "4": _("Satisfied"),
            "5": _("Very satisfied"),
        }
    if kind is SurveyKind.HELPFUL:
        return {"1": _("Yes"), "0": _("No")}
    return {}


def scale_ends(kind: SurveyKind) -> tuple[str, str] | None:
    if kind is SurveyKind.NPS:
        return _("0 – not at all likely"), _("10 – extremely likely")
    if kind is SurveyKind.CES:
        return _("1 – very difficult"), _("7 – very easy")
    return None


def default_texts(survey: Survey) -> dict[str, str]:
    if survey.kind is SurveyKind.HELPFUL:
        comment_label = _("What could we improve on this page? (optional)")
    else:
        comment_label = _("What is the main reason for your score? (optional)")
    return {
        "question": default_question(survey),
        "comment_label": comment_label,
        "thanks": _("Thank you! Your answer has been sent."),
    }


def widget_texts(survey: Survey, language: str) -> dict[str, str]:
    """Return every text the widget shows, in the current locale, keyed by
    the part of the widget that shows it. Texts the administrator wrote for
    ``language`` replace the catalog defaults."""
    texts = default_texts(survey)
    for name in EDITABLE_TEXTS:
        texts[name] = custom_text(survey, language, name) or texts[name]
    ends = scale_ends(survey.kind)
    if ends:
        texts["scale_low"], texts["scale_high"] = ends
    texts.update(
        {
            "submit": _("Send"),
            "close": _("Close the survey"),
            "send_failed": _("Your answer could not be sent. Check your connection and try again."),
            "saved_offline": _("There is no connection now. Your answer is saved and will be sent automatically."),
            "next_visitor": _("The survey is ready for the next person."),
        }
    )
    return texts


def widget_plurals() -> dict[str, dict[str, str]]:
    """Return the plural texts of the widget as one form per CLDR category,
    with ``{n}`` where the widget puts the number."""
    return {
        "characters_left": {
            category: ngettext("%(num)d character left", "%(num)d characters left", sample).replace(
                str(sample), "{n}", 1
            )
            for category, sample in PLURAL_SAMPLES.items()
        }
    }


def score_range(kind: SurveyKind) -> tuple[int, int]:
    return SCORE_RANGES[kind]
