"""Tell what a form is for from its fields, labels and surrounding text, in Polish and English."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cxaudit_forms.model import Form

KINDS = ("contact", "newsletter", "booking", "search", "login", "other")

# Word stems per kind. A hit in the fields or the button counts twice. A hit
# in the heading, the form's text or the page address counts once.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "contact": ("kontakt", "contact", "wiadomo", "message", "pytani", "question", "zapytani", "enquiry",
                "inquiry", "napisz", "write to us"),
    "newsletter": ("newsletter", "subskryp", "subscri", "zapisz się do", "sign up", "mailing", "biuletyn"),
    "booking": ("rezerw", "reserv", "bilet", "ticket", "booking", "book ", "rejestr", "registr", "zapisy",
                "termin", "date", "wydarzen", "event", "uczestni", "participant", "liczba osób",
                "number of people", "wizyt", "visit", "grup"),
}
# Forms with a text area that are not for contacting the institution: a
# comment, a review or a route planner is "other".
OTHER_WORDS = ("komentarz", "comment", "opini", "review", "recenzj", "trasę", "trasa", "route", "directions")
SEARCH_NAMES = re.compile(r"^(q|s|query|search|szukaj|phrase|fraza|keywords?)$", re.IGNORECASE)
SEARCH_WORDS = re.compile(r"szukaj|wyszukaj|search|find", re.IGNORECASE)


def classify(form: Form, page_url: str) -> str:
    """Return one of ``KINDS`` for ``form``."""
    fields = form.live_fields or form.fields
    if is_search(form, fields):
        return "search"
    if any(item.type == "password" for item in fields) and len(fields) <= 3:
        return "login"
    field_text = " ".join(item.descriptor for item in fields)
    button_text = (form.submit or {}).get("text", "")
    strong = f"{field_text} {button_text}".lower()
    if hits(strong, OTHER_WORDS):
        return "other"
    weak = f"{form.heading} {form.text} {urlsplit(page_url).path} {urlsplit(form.action).path}".lower()
    scores = {kind: 2 * hits(strong, words) + hits(weak, words) for kind, words in KEYWORDS.items()}
    if any(item.tag == "textarea" for item in fields):
        scores["contact"] += 2
    best = max(scores, key=lambda kind: scores[kind])
    return best if scores[best] > 0 else "other"


def is_search(form: Form, fields) -> bool:
    text_fields = [item for item in fields if item.accepts_text]
    if form.role == "search" or any(item.type == "search" for item in fields):
        return True
    if len(text_fields) > 2 or any(item.tag == "textarea" for item in fields):
        return False
    named = any(SEARCH_NAMES.match(item.name or item.id) for item in text_fields)
    worded = bool(SEARCH_WORDS.search(f"{(form.submit or {}).get('text', '')} {' '.join(i.descriptor for i in text_fields)}"))
    return bool(text_fields) and (named or worded)


def hits(text: str, words: tuple[str, ...]) -> int:
    return sum(1 for word in words if word in text)
