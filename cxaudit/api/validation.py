"""Checking an answer posted by the widget before it is stored.

Error messages are translated when they are raised, so callers run these
functions inside ``flask_babel.force_locale`` with the visitor's language.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import request
from flask_babel import gettext as _
from flask_babel import ngettext

from cxaudit.api.language import response_language

PAGE_URL_MAX_LENGTH = 2048
# Room for the score, language and page address of an answer, in bytes.
BODY_OVERHEAD_BYTES = 8 * 1024
# A UTF-8 character takes at most four bytes.
MAX_BYTES_PER_CHARACTER = 4
# Values quoted in error messages are cut to this many characters.
QUOTED_VALUE_LENGTH = 60


class InvalidAnswer(Exception):
    """An answer that cannot be stored. ``field`` is None when the body as a
    whole is wrong (not JSON, not an object)."""

    def __init__(self, field: str | None, message: str, status: int = 400) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Answer:
    score: int
    comment: str | None
    language: str
    page_url: str | None
    idempotency_key: str | None


# Keys the widget makes: 16 to 64 URL-safe characters (it sends 32 hex digits).
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def max_body_bytes(comment_max_length: int) -> int:
    """Return the largest request body an answer with the longest allowed
    comment can need, so larger bodies are rejected before they are parsed."""
    return comment_max_length * MAX_BYTES_PER_CHARACTER + BODY_OVERHEAD_BYTES


def quote_value(value: Any) -> str:
    """Show a JSON value as the caller sent it (``"7"``, ``7.5``, ``true``)."""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > QUOTED_VALUE_LENGTH:
        return text[: QUOTED_VALUE_LENGTH - 1] + "…"
    return text


def read_json_object() -> dict[str, Any]:
    """Return the request body as a JSON object, or raise InvalidAnswer."""
    if not request.mimetype:
        raise InvalidAnswer(
            None,
            _("The request has no content type. Send the answer as JSON with the header Content-Type: application/json."),
        )
    if request.mimetype != "application/json":
        raise InvalidAnswer(
            None,
            _(
                "The request has content type %(content_type)s. Send the answer as JSON with the header "
                "Content-Type: application/json.",
                content_type=request.mimetype,
            ),
        )
    try:
        payload = json.loads(request.get_data(as_text=False))
    except (ValueError, UnicodeDecodeError):
        raise InvalidAnswer(
            None, _('The request body is not valid JSON. Send a JSON object such as {"score": 9}.')
        ) from None
    if not isinstance(payload, dict):
        raise InvalidAnswer(
            None,
            _(
                'The request body is %(value)s, not a JSON object. Send an object such as {"score": 9}.',
                value=quote_value(payload),
            ),
        )
    return payload


def parse_answer(payload: dict[str, Any], comment_max_length: int, score_range: tuple[int, int] = (0, 10)) -> Answer:
    """Check every field of ``payload`` and return the answer to store.
    ``score_range`` is the lowest and highest score of the survey's kind."""
    return Answer(
        score=parse_score(payload.get("score"), score_range),
        comment=parse_comment(payload.get("comment"), comment_max_length),
        language=response_language(payload.get("language")),
        page_url=parse_page_url(payload.get("page_url")),
        idempotency_key=parse_idempotency_key(payload.get("key")),
    )


def parse_score(value: Any, score_range: tuple[int, int] = (0, 10)) -> int:
    low, high = score_range
    if value is None:
        raise InvalidAnswer(
            "score", _("The score is missing. Send a whole number from %(low)d to %(high)d.", low=low, high=high)
        )
    # bool is a subclass of int in Python, but true is not a score.
    if type(value) is not int or not low <= value <= high:
        raise InvalidAnswer(
            "score",
            _(
                "The score %(value)s is invalid. Send a whole number from %(low)d to %(high)d.",
                value=quote_value(value),
                low=low,
                high=high,
            ),
        )
    return value


def parse_idempotency_key(value: Any) -> str | None:
    """Return the client's key for this answer; answers without one (older
    widgets, scripts) are stored every time they are sent."""
    if value is None:
        return None
    if not isinstance(value, str) or not IDEMPOTENCY_KEY.fullmatch(value):
        raise InvalidAnswer(
            "key",
            _(
                "The answer key %(value)s is invalid. Send 16 to 64 letters, digits, hyphens or underscores, "
                "made once for each answer.",
                value=quote_value(value),
            ),
        )
    return value


def parse_comment(value: Any, max_length: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidAnswer(
            "comment", _("The comment %(value)s is not text. Send the comment as a string.", value=quote_value(value))
        )
    comment = value.strip()
    if len(comment) > max_length:
        raise InvalidAnswer(
            "comment",
            ngettext(
                "The comment is %(length)d characters long. Shorten it to at most %(num)d character.",
                "The comment is %(length)d characters long. Shorten it to at most %(num)d characters.",
                max_length,
                length=len(comment),
            ),
        )
    return comment or None


def parse_page_url(value: Any) -> str | None:
    """Return the page address without its query string and fragment, which
    may carry a visitor's booking number or e-mail address."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidAnswer(
            "page_url",
            _("The page address %(value)s is not text. Send the address as a string.", value=quote_value(value)),
        )
    if len(value) > PAGE_URL_MAX_LENGTH:
        raise InvalidAnswer(
            "page_url",
            ngettext(
                "The page address is %(length)d characters long. Send at most %(num)d character.",
                "The page address is %(length)d characters long. Send at most %(num)d characters.",
                PAGE_URL_MAX_LENGTH,
                length=len(value),
            ),
        )
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InvalidAnswer(
            "page_url",
            _(
                "The page address %(value)s is invalid. Send the http:// or https:// address of the page "
                "that showed the survey.",
                value=quote_value(value),
            ),
        )
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, "", ""))
