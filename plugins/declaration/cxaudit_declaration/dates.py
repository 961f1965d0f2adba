"""Dates in a declaration and the yearly review deadline."""

from __future__ import annotations

import re
from datetime import date

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Dates written for people, such as "01.10.2008r." or "1/10/2008".
DAY_FIRST_DATE = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?!\d)")

# The declaration is reviewed and updated by 31 March of every year (art. 10
# of the Act of 4 April 2019 on the digital accessibility of websites and
# mobile applications of public bodies).
REVIEW_MONTH, REVIEW_DAY = 3, 31


def parse_iso_date(value: str | None) -> date | None:
    """Return the date of a ``YYYY-MM-DD`` string (as in ``<time datetime>``), or ``None``."""
    match = ISO_DATE.fullmatch((value or "").strip())
    return _make_date(match.group(1), match.group(2), match.group(3)) if match else None


def parse_text_date(text: str | None) -> date | None:
    """Return the first date found in human-written ``text`` (ISO or day first), or ``None``."""
    text = text or ""
    match = ISO_DATE.search(text)
    if match:
        return _make_date(match.group(1), match.group(2), match.group(3))
    match = DAY_FIRST_DATE.search(text)
    if match:
        return _make_date(match.group(3), match.group(2), match.group(1))
    return None


def _make_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def last_review_deadline(today: date) -> date:
    """Return the last 31 March strictly before ``today``.

    On 31 March itself the deadline of that day has not passed yet, so the
    previous year's one is returned.
    """
    this_year = date(today.year, REVIEW_MONTH, REVIEW_DAY)
    return this_year if this_year < today else date(today.year - 1, REVIEW_MONTH, REVIEW_DAY)


def is_review_current(reviewed: date, today: date) -> bool:
    """Tell whether a review dated ``reviewed`` meets the last passed 31 March deadline.

    A review counts for a deadline when it happened in the twelve months that
    end on that deadline, or later: after 31 March of the year before.
    """
    deadline = last_review_deadline(today)
    return reviewed > deadline.replace(year=deadline.year - 1)
