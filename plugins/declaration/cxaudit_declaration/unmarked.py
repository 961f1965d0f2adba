"""Finding a mandatory element in the declaration's text when no element has its id.

Declarations written to the 2019 template often lack the ids a11y-zakres,
a11y-telefon and a11y-komunikacja, or write an id with typographic quotes,
yet give the content. Each recogniser below checks whether one block of
text (a paragraph, list item, cell, heading or loose text) gives the content
of one element, in Polish or English wording. Elements that cannot be told
apart by their words (the body's name, the link, the dates, the status, the
contact and procedure sections) are not looked for and must carry their id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cxaudit_declaration import content
from cxaudit_declaration.status import fold

EXCERPT_LENGTH = 160
HEADING_LENGTH = 80
# A sentence ends at a full stop, question or exclamation mark or semicolon before a capital letter,
# unless the stop ends one of these abbreviations.
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZĄĆĘŁŃÓŚŹŻ])")
ABBREVIATIONS = frozenset({"im.", "ul.", "al.", "pl.", "św.", "nr.", "tel.", "np.", "dr.", "prof.", "ok.", "godz.",
                           "m.in.", "tj.", "tzw.", "e.g.", "i.e.", "st.", "mr.", "mrs.", "ms.", "no."})

# Patterns match text folded by ``status.fold`` (lower case, no diacritics).
OPENING = re.compile(
    r"zobowiazuje sie zapewnic dostepnosc|(is|are) committed to (making|ensuring)\b.{0,80}\baccessib"
    r"|undertakes? to (make|ensure)\b.{0,80}\baccessib"
)
SCOPE = re.compile(
    r"ma zastosowanie do (strony|serwisu|aplikacji|witryny)"
    r"|(deklaracj\w*|oswiadczeni\w*)( \w+){0,3} dotyczy (strony|serwisu|aplikacji|witryny)"
    r"|(statement|declaration)( \w+){0,3} appl(y|ies) to (the )?(following )?(website|web ?site|site|mobile app)"
)
ARCHITECTURE = re.compile(r"dostepnosc\w* architektoniczn|architectural accessibility|physical accessibility")
COMMUNICATION = re.compile(
    r"jezyk\w* migow|tlumacz\w*( \w+){0,2} migow|petl\w* indukcyjn|\bpjm\b"
    r"|sign language|induction loop|hearing loop"
)
EMAIL_WORDS = re.compile(r"e-?mail|poczt\w* elektroniczn|adres\w* e-?mail")
PHONE_WORDS = re.compile(r"\btel\b|telefon|\bphone|telephone")


@dataclass(frozen=True)
class TextBlock:
    """One block of the page's text: its CSS selector, its text and the heading above it."""

    selector: str
    text: str
    heading: str = ""


@dataclass(frozen=True)
class TextMatch:
    """The place where an element's content was found: the block's selector, the sentence and the heading above it."""

    selector: str
    excerpt: str
    heading: str


def gives_email(text: str, folded: str) -> re.Match | None:
    return EMAIL_WORDS.search(folded) if content.email_address(text, None) else None


def gives_phone(text: str, folded: str) -> re.Match | None:
    return PHONE_WORDS.search(folded) if content.phone_number(text, None) else None


def pattern_search(pattern: re.Pattern) -> Callable[[str, str], re.Match | None]:
    return lambda _text, folded: pattern.search(folded)


RECOGNISERS: dict[str, Callable[[str, str], re.Match | None]] = {
    "a11y-wstep": pattern_search(OPENING),
    "a11y-zakres": pattern_search(SCOPE),
    "a11y-email": gives_email,
    "a11y-telefon": gives_phone,
    "a11y-architektura": pattern_search(ARCHITECTURE),
    "a11y-komunikacja": pattern_search(COMMUNICATION),
}


def find_unmarked(blocks: list[TextBlock], element_id: str) -> TextMatch | None:
    """Return the first block whose text gives the content of ``element_id``, or ``None``."""
    recognise = RECOGNISERS.get(element_id)
    if recognise is None:
        return None
    for block in blocks:
        match = recognise(block.text, fold(block.text))
        if match is not None:
            return TextMatch(block.selector, sentence_at(block.text, match.start()), shorten(block.heading, HEADING_LENGTH))
    return None


def sentences(text: str) -> list[tuple[int, str]]:
    """Split ``text`` into sentences, each with the position where it starts."""
    result: list[tuple[int, str]] = []
    start = 0
    for boundary in SENTENCE_END.finditer(text):
        sentence = text[start:boundary.start()]
        last_word = sentence.rsplit(" ", 1)[-1].lower()
        if last_word in ABBREVIATIONS:
            continue
        result.append((start, sentence))
        start = boundary.end()
    result.append((start, text[start:]))
    return result


def sentence_at(text: str, position: int) -> str:
    """Return the sentence of ``text`` around ``position``, shortened to ``EXCERPT_LENGTH`` characters."""
    around = [sentence for start, sentence in sentences(text) if start <= position]
    return shorten(around[-1], EXCERPT_LENGTH)


def shorten(text: str, length: int) -> str:
    """Cut ``text`` at the last word boundary within ``length`` characters and add an ellipsis."""
    text = text.strip()
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(" ,;:-–") + "…"
