"""The texts the widget shows, translated on the server so the widget's
JavaScript contains no user-facing strings."""

from __future__ import annotations

from flask_babel import gettext as _

from cxaudit.models import Survey


def nps_texts(survey: Survey) -> dict[str, str]:
    """Return the NPS widget's texts in the current locale, keyed by the
    part of the widget that shows them."""
    return {
        "question": _(
            "How likely is it that you would recommend %(institution)s to a friend?",
            institution=survey.institution.name,
        ),
        "scale_low": _("0 – not at all likely"),
        "scale_high": _("10 – extremely likely"),
        "comment_label": _("What is the main reason for your score? (optional)"),
        "submit": _("Send"),
        "close": _("Close the survey"),
        "thanks": _("Thank you! Your answer has been sent."),
        "send_failed": _("Your answer could not be sent. Check your connection and try again."),
    }
