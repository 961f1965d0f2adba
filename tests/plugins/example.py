"""Small third-party plugins for the scan tests, registered with ``registry.register``."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from cxaudit.audit import AuditFinding, PageContext, SiteContext, ToolVersion
from cxaudit.hookspecs import hookimpl


class AlwaysRaises:
    """A plugin whose page scripts fail for every scan and whose page audit fails on every page."""

    @hookimpl
    def cxaudit_page_scripts(self) -> list[str]:
        raise RuntimeError("cannot give page scripts")

    @hookimpl
    def cxaudit_page_audit(self, page: PageContext) -> list[AuditFinding]:
        raise RuntimeError(f"cannot audit {page.url}")


class MarksPages:
    """A page script that marks every top document it runs in, and a page audit that reports
    the mark as a needs-review finding."""

    @hookimpl
    def cxaudit_page_scripts(self) -> list[str]:
        return ["if (window === window.top) { window.__markedAtStart = document.readyState; }"]

    @hookimpl
    def cxaudit_page_audit(self, page: PageContext) -> list[AuditFinding]:
        mark = page.driver.execute_script("return window.__markedAtStart || 'none'")
        return [AuditFinding(rule="marked-at-start", outcome="needs-review", targets=["html"], help=mark)]


class SiteTitle:
    """A site audit that reports one needs-review finding for the start page, and a tool version."""

    @hookimpl
    def cxaudit_site_audit(self, site: SiteContext) -> list[AuditFinding]:
        site.driver.get(site.start_url)
        return [
            AuditFinding(
                rule="site-title-check",
                outcome="needs-review",
                targets=["title"],
                help=f"Check the title {site.driver.title!r}",
            )
        ]

    @hookimpl
    def cxaudit_tool_versions(self) -> list[ToolVersion]:
        return [ToolVersion(name="site-title", version="1.2.3")]


class KillsBrowserOn:
    """A page audit that kills the Chromium processes of the scan's browser on pages whose
    URL ends with ``suffix``, as a renderer or browser crash would."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.kills = 0

    @hookimpl
    def cxaudit_page_audit(self, page: PageContext) -> list[AuditFinding]:
        if page.url.endswith(self.suffix):
            for pid in _child_processes(page.driver.service.process.pid):
                os.kill(pid, signal.SIGKILL)
            self.kills += 1
        return []


def _child_processes(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children
