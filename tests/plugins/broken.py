"""Plugins that cxaudit must reject when it starts."""

from cxaudit.hookspecs import hookimpl


class UnknownHook:
    """Implements a hook name that cxaudit does not define."""

    @hookimpl
    def cxaudit_page_audits(self, page):
        return []


class WrongArgument:
    """Asks for an argument the page audit hook does not have."""

    @hookimpl
    def cxaudit_page_audit(self, page, browser):
        return []
