"""robots.txt rules for the user agent ``cxaudit``, parsed with Protego.

Protego follows RFC 9309 (the group of the most specific user agent wins,
``*`` and ``$`` in paths, the longest matching rule decides) and reads
``Crawl-delay`` and ``Sitemap`` lines, which the RFC leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

# The product token matched against User-agent lines of robots.txt.
ROBOTS_AGENT = "cxaudit"


@dataclass
class RobotsRules:
    """The rules of one origin's robots.txt; ``text=None`` (no file, or not fetched) allows everything."""

    text: str | None
    _parser: Protego | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self._parser = Protego.parse(self.text) if self.text else None

    def allows(self, url: str) -> bool:
        return self._parser is None or self._parser.can_fetch(url, ROBOTS_AGENT)

    def crawl_delay(self) -> float | None:
        """Return the Crawl-delay in seconds that the file sets for cxaudit, or ``None``."""
        if self._parser is None:
            return None
        delay = self._parser.crawl_delay(ROBOTS_AGENT)
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        return list(self._parser.sitemaps) if self._parser is not None else []


def robots_url(origin_url: str) -> str:
    """Return the robots.txt address of the origin ``scheme://host[:port]``."""
    return f"{origin_url.rstrip('/')}/robots.txt"
