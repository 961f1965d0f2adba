"""One inquiry as an import reads it, and the checks every import applies to it.

CSV rows and API objects share these checks, so both reject the same values
with the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from cxaudit.models import Channel

# Times written without a UTC offset are local time of Polish institutions.
LOCAL_TIME_ZONE = ZoneInfo("Europe/Warsaw")
KEY_MAX_LENGTH = 255
FIELDS = ("id", "channel", "received_at", "first_response_at", "resolved_at")
REQUIRED_FIELDS = ("id", "channel", "received_at")
# A date, then T or a space, then a one-digit hour and a colon.
SINGLE_DIGIT_HOUR = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ])(\d:)")


@dataclass(frozen=True)
class InquiryRecord:
    """An inquiry ready to store; every time carries its zone."""

    key: str
    channel: Channel
    received_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    # The visitor's last message in a mail thread; a stored resolution before it is out of date.
    last_visitor_at: datetime | None = None


@dataclass(frozen=True)
class FieldError:
    """An invalid value: the field (CSV column) it is in, the value as given and a translated fix."""

    field: str
    value: str
    message: str


class InvalidInquiries(ValueError):
    """Invalid values that made an import store nothing. ``errors`` contains one translated line per value."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def parse_time(value: str) -> datetime:
    """Parse an ISO 8601 date and time; without an offset it is Europe/Warsaw local time.

    An hour without its leading zero (2026-11-10 9:00), as spreadsheets often
    write it, is accepted too. Raises ValueError for anything else, including
    a date without a time.
    """
    text = SINGLE_DIGIT_HOUR.sub(r"\g<1>0\g<2>", value.strip())
    if len(text) <= len("2026-11-10"):
        raise ValueError("a date without a time")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIME_ZONE)
    return moment


def invalid_time(field: str, value: str) -> FieldError:
    return FieldError(
        field,
        value,
        _(
            "“%(value)s” is not a date and time. Use ISO 8601, such as 2026-11-10T09:30:00+01:00, "
            "or 2026-11-10 09:30 for Warsaw time.",
            value=value,
        ),
    )


def check_record(values: dict[str, Any]) -> tuple[InquiryRecord | None, list[FieldError]]:
    """Check one inquiry given as field names and text values; return the record or its errors."""
    errors: list[FieldError] = []
    text = {field: str(values.get(field) or "").strip() for field in FIELDS}

    for field in REQUIRED_FIELDS:
        if not text[field]:
            errors.append(FieldError(field, "", _("The value is missing. Fill in %(field)s.", field=field)))

    key = text["id"]
    if len(key) > KEY_MAX_LENGTH:
        errors.append(
            FieldError(
                "id",
                key,
                _("The id is too long: use at most %(maximum)d characters.", maximum=KEY_MAX_LENGTH),
            )
        )

    channel = None
    if text["channel"]:
        try:
            channel = Channel(text["channel"].lower())
        except ValueError:
            choices = ", ".join(member.value for member in Channel)
            errors.append(
                FieldError(
                    "channel",
                    text["channel"],
                    _("“%(value)s” is not a channel. Use one of: %(choices)s.", value=text["channel"], choices=choices),
                )
            )

    times: dict[str, datetime | None] = {}
    for field in ("received_at", "first_response_at", "resolved_at"):
        times[field] = None
        if not text[field]:
            continue
        try:
            times[field] = parse_time(text[field])
        except ValueError:
            errors.append(invalid_time(field, text[field]))

    errors.extend(check_order(times, text))
    if errors:
        return None, errors
    record = InquiryRecord(
        key=key,
        channel=channel,
        received_at=times["received_at"],
        first_response_at=times["first_response_at"],
        resolved_at=times["resolved_at"],
    )
    return record, []


def check_order(times: dict[str, datetime | None], text: dict[str, str]) -> list[FieldError]:
    """Check that the answer and the resolution come after the inquiry, and the resolution after an answer."""
    errors = []
    received = times["received_at"]
    for field in ("first_response_at", "resolved_at"):
        if received is not None and times[field] is not None and times[field] < received:
            errors.append(
                FieldError(
                    field,
                    text[field],
                    _(
                        "“%(value)s” is before the time the inquiry was received (%(received)s). "
                        "Check the date and the time zone.",
                        value=text[field],
                        received=text["received_at"],
                    ),
                )
            )
    if text["resolved_at"] and not text["first_response_at"]:
        errors.append(
            FieldError(
                "first_response_at",
                "",
                _("The inquiry is resolved but has no first response. Fill in first_response_at."),
            )
        )
    return errors
