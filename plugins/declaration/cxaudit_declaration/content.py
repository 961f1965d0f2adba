"""Checks of the text of declaration elements: contact details, procedure, assessment."""

from __future__ import annotations

import re
from urllib.parse import unquote

from cxaudit_declaration.status import fold

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Polish numbers have nine digits; with a country code and extensions up to 15 (E.164).
PHONE_DIGITS = (9, 15)

# Words are matched in text folded by ``status.fold`` (lower case, no diacritics).
SEVEN_DAYS = re.compile(r"\b7\s*dni|\bsiedmiu\s+dni|\b7\s*(calendar\s+)?days|\bseven\s+(calendar\s+)?days")
TWO_MONTHS = re.compile(r"\b2\s*miesi|\bdwoch\s+miesi|\b2\s*months|\btwo\s+months")
OMBUDSMAN = re.compile(r"rzecznik\w*\s+praw\s+obywatelskich|\bombudsman|commissioner\s+for\s+human\s+rights|rpo\.gov\.pl")

EXTERNAL_ASSESSMENT = re.compile(
    r"(podmiot\w*|audyt\w*|firm\w*|ekspert\w*)\s+zewnetrzn|zewnetrzn\w*\s+(audyt|ocen|podmiot|firm|ekspert)"
    r"|external\s+(audit|assessment|evaluation|auditor)|third[- ]party\s+(audit|assessment)"
)
SELF_ASSESSMENT = re.compile(r"samoocen|self[- ]assessment|self[- ]evaluation")


def email_address(text: str, href: str | None) -> str | None:
    """Return the e-mail address of a ``mailto:`` link or of the text, or ``None``."""
    if href and href.lower().startswith("mailto:"):
        address = unquote(href[len("mailto:"):]).split("?")[0].strip()
        if EMAIL.fullmatch(address):
            return address
    match = EMAIL.search(text or "")
    return match.group(0) if match else None


def phone_number(text: str, href: str | None) -> str | None:
    """Return the phone number of a ``tel:`` link or of the text, when it has 9 to 15 digits."""
    candidates = []
    if href and href.lower().startswith("tel:"):
        candidates.append(unquote(href[len("tel:"):]))
    candidates.append(text or "")
    for candidate in candidates:
        for match in re.finditer(r"\+?[\d(][\d ()./-]{6,}\d", candidate):
            digits = re.sub(r"\D", "", match.group(0))
            if PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
                return match.group(0).strip()
    return None


def missing_procedure_parts(section_text: str) -> list[str]:
    """Return the parts the procedure text lacks: ``"7-days"``, ``"2-months"``, ``"ombudsman"``."""
    folded = fold(section_text)
    parts = {"7-days": SEVEN_DAYS, "2-months": TWO_MONTHS, "ombudsman": OMBUDSMAN}
    return [name for name, pattern in parts.items() if not pattern.search(folded)]


def assessment_kind(text: str) -> str | None:
    """Return ``"external"`` or ``"self"`` from how the declaration says it was prepared, or ``None``."""
    folded = fold(text)
    if EXTERNAL_ASSESSMENT.search(folded):
        return "external"
    if SELF_ASSESSMENT.search(folded):
        return "self"
    return None
