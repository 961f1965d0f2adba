"""The elements of an accessibility declaration, marked by their ``id``.

The ids come from "Warunki techniczne publikacji oraz struktura dokumentu
elektronicznego deklaracji dostępności", version 2.0 (Ministry of Digital
Affairs, July 2024). Older declarations written to the 2019 version still use
``a11y-deklaracja``, ``a11y-osoba`` and ``a11y-audytor``; those are accepted
with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cxaudit_declaration.i18n import _l


@dataclass(frozen=True)
class Element:
    """One declaration element: its id and a description of its content (a lazily translated string)."""

    id: str
    content: Any


MANDATORY = (
    Element("a11y-wstep", _l("the opening statement that the body undertakes to make its website accessible")),
    Element("a11y-podmiot", _l("the name of the public body")),
    Element("a11y-zakres", _l("the website or mobile app the declaration covers")),
    Element("a11y-url", _l("a link to the website")),
    Element("a11y-data-publikacja", _l("the date the website was published")),
    Element("a11y-data-aktualizacja", _l("the date of the website's last major update")),
    Element("a11y-status", _l("the compliance status: compliant, partially compliant or non-compliant")),
    Element("a11y-kontakt", _l("the section with feedback and contact details")),
    Element("a11y-email", _l("the contact e-mail address")),
    Element("a11y-telefon", _l("the contact phone number")),
    Element("a11y-procedura", _l("the request and complaint procedure")),
    Element("a11y-data-sporzadzenie", _l("the date the declaration was prepared")),
    Element("a11y-architektura", _l("the section on the architectural accessibility of the buildings")),
    Element("a11y-komunikacja", _l("the section on communication accessibility, such as sign language interpreting")),
)

CONDITIONAL = (
    Element("a11y-data-przeglad", _l("the date the declaration was last reviewed")),
    Element("a11y-ocena", _l("a link to the result of the external accessibility assessment")),
    Element("a11y-aplikacje", _l("the list of the body's mobile apps with links to their declarations")),
    Element("a11y-architektura-url", _l("the link to the architectural accessibility information")),
)

# Elements of the 2019 conditions that version 2.0 no longer names.
LEGACY_IDS = ("a11y-deklaracja", "a11y-osoba", "a11y-audytor")

DATE_IDS = ("a11y-data-publikacja", "a11y-data-aktualizacja", "a11y-data-sporzadzenie", "a11y-data-przeglad")

# Sections that must have content of their own, not just a heading.
SECTION_IDS = ("a11y-kontakt", "a11y-procedura", "a11y-architektura", "a11y-komunikacja")

MANDATORY_IDS = tuple(element.id for element in MANDATORY)
CONDITIONAL_IDS = tuple(element.id for element in CONDITIONAL)
ELEMENTS = {element.id: element for element in (*MANDATORY, *CONDITIONAL)}
