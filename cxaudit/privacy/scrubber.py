"""Removing e-mail addresses and phone numbers from visitors' comments.

Visitors sometimes leave their contact details in a comment although the
survey is anonymous. With scrubbing on, they are replaced before the answer
is stored, so they never reach the database, its backups or the exports.
Deployment-wide with ``CXAUDIT_SCRUB_COMMENTS``; a survey's
``scrub_comments`` setting replaces it for that survey.
"""

from __future__ import annotations

import re

from flask import current_app

from cxaudit.models import Survey

EMAIL_MARK = "[e-mail]"
PHONE_MARK = "[tel.]"

EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")

# Polish numbers have nine digits: mobiles are usually written 3-3-3
# (601 234 567) and landlines 2-3-2-2 with the area code, sometimes in
# brackets ((22) 123 45 67). Either may start with +48 or 0048.
_SEPARATOR = r"[ \-.]?"
_COUNTRY = rf"(?:(?:\+|00)48{_SEPARATOR})?"
_MOBILE = rf"\d{{3}}{_SEPARATOR}\d{{3}}{_SEPARATOR}\d{{3}}"
_LANDLINE = rf"\(?\d{{2}}\)?{_SEPARATOR}\d{{3}}{_SEPARATOR}\d{{2}}{_SEPARATOR}\d{{2}}"
# The look-arounds keep longer digit runs (account numbers, order ids) intact.
PHONE = re.compile(rf"(?<![\d+]){_COUNTRY}(?:{_MOBILE}|{_LANDLINE})(?!\d)")


def scrub(text: str) -> str:
    """Return ``text`` with e-mail addresses and Polish phone numbers replaced by marks."""
    return PHONE.sub(PHONE_MARK, EMAIL.sub(EMAIL_MARK, text))


def scrubbing_enabled(survey: Survey) -> bool:
    """Tell whether comments to ``survey`` are scrubbed: its own setting, else the deployment's."""
    own = (survey.settings or {}).get("scrub_comments")
    if isinstance(own, bool):
        return own
    return bool(current_app.config.get("SCRUB_COMMENTS"))


def comment_to_store(survey: Survey, comment: str | None) -> str | None:
    """Return the comment as it should be stored for ``survey``."""
    if comment is None or not scrubbing_enabled(survey):
        return comment
    return scrub(comment)
