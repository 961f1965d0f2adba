"""The crawl options of one scan, checked once and stored in ``scan.settings``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from cxaudit.scan.urls import SCOPE_HOST, SCOPES, InvalidPattern, compile_patterns


class InvalidCrawlSetting(ValueError):
    """A crawl option has an invalid value; the translated message names it and the fix."""


@dataclass(frozen=True)
class CrawlSettings:
    """Crawl options of one scan besides ``max_pages``, explained in docs/scanning.md."""

    max_depth: int | None = None
    scope: str = SCOPE_HOST
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    sitemap: bool = True
    # For a site the auditor's institution owns: robots.txt rules do not apply,
    # and a robots.txt that cannot be fetched does not stop the scan.
    ignore_robots: bool = False

    @classmethod
    def build(
        cls,
        max_depth: Any = None,
        scope: Any = None,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        sitemap: Any = True,
        ignore_robots: Any = False,
    ) -> CrawlSettings:
        """Check the options and return them.

        :raises InvalidCrawlSetting: naming the first invalid value and the fix.
        """
        settings = cls(
            max_depth=_check_depth(max_depth),
            scope=_check_scope(scope),
            include=_clean_patterns(include),
            exclude=_clean_patterns(exclude),
            sitemap=bool(sitemap),
            ignore_robots=bool(ignore_robots),
        )
        try:
            compile_patterns(settings.include + settings.exclude)
        except InvalidPattern as error:
            raise InvalidCrawlSetting(str(error)) from error
        return settings

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], config: Mapping[str, Any]) -> CrawlSettings:
        """Read the options stored with a scan; a missing one takes the deployment's default."""
        return cls.build(
            max_depth=settings.get("max_depth", config.get("SCAN_MAX_DEPTH")),
            scope=settings.get("scope"),
            include=settings.get("include"),
            exclude=settings.get("exclude"),
            sitemap=settings.get("sitemap", True),
            ignore_robots=settings.get("ignore_robots", False),
        )

    def to_settings(self) -> dict[str, Any]:
        return {
            "max_depth": self.max_depth,
            "scope": self.scope,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "sitemap": self.sitemap,
            "ignore_robots": self.ignore_robots,
        }


def _check_depth(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        depth = int(value)
    except (TypeError, ValueError):
        depth = -1
    if depth < 0 or str(depth) != str(value).strip():
        raise InvalidCrawlSetting(
            _(
                "Invalid maximum depth: %(value)s. Give a whole number of 0 or more "
                "(0 audits only the start page), or leave it empty for no limit.",
                value=value,
            )
        )
    return depth


def _check_scope(value: Any) -> str:
    if value is None or value == "":
        return SCOPE_HOST
    if value not in SCOPES:
        raise InvalidCrawlSetting(
            _(
                "Invalid scope: %(value)s. Give host (every page on the start page's host) or path "
                "(only pages under the start page's folder).",
                value=value,
            )
        )
    return str(value)


def _clean_patterns(patterns: Iterable[str] | None) -> tuple[str, ...]:
    if not patterns:
        return ()
    if isinstance(patterns, str):
        patterns = patterns.splitlines()
    return tuple(pattern.strip() for pattern in patterns if pattern and pattern.strip())
