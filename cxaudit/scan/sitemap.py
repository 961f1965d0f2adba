"""Reading sitemaps: ``urlset`` files, sitemap indexes and plain-text lists of URLs.

Sitemaps come from the scanned site, so they are parsed with defusedxml,
which rejects entity expansion and external entities (the "billion laughs"
and XXE attacks). Gzip files are unpacked by the fetcher.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

logger = logging.getLogger(__name__)

# A site may nest indexes or name the same sitemap twice; this many files
# are read at most per scan.
MAX_SITEMAP_FILES = 50


def iter_sitemap_urls(sitemap_urls: list[str], fetch_text: Callable[[str], str | None]) -> Iterator[str]:
    """Yield the page URLs listed by ``sitemap_urls`` and the sitemaps their indexes name.

    Files are read breadth first, each once, up to ``MAX_SITEMAP_FILES``. A
    file that is missing or invalid is logged and skipped. The caller stops
    the iteration once it has enough URLs, so no more files are fetched.
    """
    queue = deque(dict.fromkeys(sitemap_urls))
    read: set[str] = set(queue)
    files = 0
    while queue and files < MAX_SITEMAP_FILES:
        sitemap_url = queue.popleft()
        files += 1
        text = fetch_text(sitemap_url)
        if not text:
            continue
        pages, nested = parse_sitemap(sitemap_url, text)
        for nested_url in nested:
            if nested_url not in read:
                read.add(nested_url)
                queue.append(nested_url)
        yield from pages
    if queue:
        logger.warning("Sitemaps not read, more than %s files: %s", MAX_SITEMAP_FILES, ", ".join(queue))


def parse_sitemap(sitemap_url: str, text: str) -> tuple[list[str], list[str]]:
    """Return the page URLs and the nested sitemap URLs of one sitemap file."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("<"):
        # The sitemap protocol also allows a text file with one URL per line.
        lines = (line.strip() for line in stripped.splitlines())
        return [line for line in lines if line.startswith(("http://", "https://"))], []

    try:
        root = fromstring(stripped)
    except (ParseError, DefusedXmlException) as error:
        logger.info("Sitemap %s is not valid XML: %s", sitemap_url, error)
        return [], []
    locations = [location for location in _locations(root) if location]
    if _local_name(root) == "sitemapindex":
        return [], locations
    return locations, []


def _locations(root: Element) -> Iterator[str]:
    # Namespaces vary between sitemaps in the wild, so elements are matched
    # by local name: <urlset><url><loc> or <sitemapindex><sitemap><loc>.
    for entry in root:
        for child in entry:
            if _local_name(child) == "loc" and child.text:
                yield child.text.strip()


def _local_name(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]
