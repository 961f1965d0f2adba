"""Finding the declaration from the home page: a link by name or address, or the <meta> tag."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

from cxaudit.scan.urls import is_same_origin
from cxaudit_declaration.browser import load, run_script
from cxaudit_declaration.status import fold

# Link names that announce the declaration, folded (lower case, no diacritics).
LINK_NAMES = ("deklaracja dostepnosci", "deklaracji dostepnosci", "accessibility statement", "accessibility declaration")
# Address fragments of declaration pages, used when the link's name is wrong or missing.
ADDRESS_PARTS = ("deklaracja-dostepnosci", "deklaracja_dostepnosci", "deklaracjadostepnosci", "accessibility-statement", "accessibility-declaration")
# A start page with this many a11y-* ids is taken to be the declaration itself.
DECLARATION_ID_THRESHOLD = 3


@dataclass
class Link:
    """A link on a home page: its absolute address, its href as written and its accessible name."""

    href: str
    raw_href: str
    name: str


@dataclass
class Location:
    """The declaration's address and the links and <meta> tag that lead to it from the home pages."""

    home_urls: list[str]
    named_link: Link | None = None
    address_link: Link | None = None
    meta_url: str | None = None
    start_is_declaration: bool = False
    store_links: list[str] = field(default_factory=list)
    # False when neither the start page nor the root loaded as HTML, so nothing could be looked for.
    home_loaded: bool = False

    @property
    def declaration_url(self) -> str | None:
        """The address to check: the start page when it is a declaration, then a link, then the meta tag."""
        if self.start_is_declaration:
            return self.home_urls[0]
        link = self.named_link or self.address_link
        if link:
            return link.href
        return self.meta_url


def home_pages(start_url: str) -> list[str]:
    """Return the start URL and, when it differs, the site root."""
    root = urljoin(start_url, "/")
    return [start_url] if root == start_url else [start_url, root]


def locate_declaration(driver: Any, start_url: str) -> Location:
    """Read the start page and the site root, stopping at the first page with a named link."""
    location = Location(home_urls=home_pages(start_url))
    for index, url in enumerate(location.home_urls):
        page = load(driver, url)
        if page.failed or not page.is_html:
            continue
        location.home_loaded = True
        facts = run_script(driver, "read_home.js")
        links = [
            Link(href=link["href"], raw_href=link.get("rawHref") or link["href"], name=link["name"])
            for link in facts.get("links") or []
        ]
        location.store_links += facts.get("storeLinks") or []
        location.meta_url = location.meta_url or facts.get("metaUrl")
        if index == 0 and len(facts.get("a11yIds") or []) >= DECLARATION_ID_THRESHOLD:
            # The scan starts on the declaration itself, and its own links (such
            # as "back from the declaration") are not home-page links.
            location.start_is_declaration = True
            continue
        location.named_link = location.named_link or first(links, is_named_declaration_link, start_url)
        location.address_link = location.address_link or first(links, is_declaration_address, start_url)
        if location.named_link:
            break
    return location


def first(links: list[Link], predicate: Callable[[Link], bool], start_url: str) -> Link | None:
    """Return the first link that matches, preferring links on the site's own origin."""
    matches = [link for link in links if predicate(link)]
    same_origin = [link for link in matches if is_same_origin(link.href, start_url)]
    return (same_origin or matches or [None])[0]


def is_named_declaration_link(link: Link) -> bool:
    # The name must start with the words: "Powrót z deklaracji dostępności" is not the link.
    name = fold(link.name)
    return name.startswith(LINK_NAMES)


def is_declaration_address(link: Link) -> bool:
    address = fold(unquote(link.href))
    return any(part in address for part in ADDRESS_PARTS)
