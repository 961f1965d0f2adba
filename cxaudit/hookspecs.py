"""The hooks a cxaudit plugin may implement.

A plugin is a module or object whose functions carry ``@cxaudit.hookimpl``
and are named after the specs below. It is found through the ``cxaudit``
entry-point group. An implementation may accept any subset of a hook's
arguments, so new arguments can be added without breaking plugins.

Return convention for every hook: a list (possibly empty) or ``None``.
cxaudit calls each plugin's implementation separately and concatenates the
lists, so one plugin never sees or replaces another's results.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from cxaudit.audit import AuditFinding, PageContext, ScorecardSection, SiteContext, ToolVersion
    from cxaudit.models import Institution, Scan

PROJECT_NAME = "cxaudit"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def cxaudit_scan_settings(settings: dict[str, Any], config: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """Fix a plugin's settings for a new scan, so the scan stores what it runs with.

    Called once when a scan is created, before it is stored.

    :param settings: the settings the caller gave the scan (command-line
        options, for example ``axe_tags``); do not change them.
    :param config: the application's configuration, for the plugin's defaults.
    :return: dicts of settings to store with the scan; keys should start with
        the plugin's name. Raise ``ValueError`` with a translated message that
        names the invalid value and the fix: the scan is then not created and
        the caller shows the message.
    """


@hookspec
def cxaudit_page_audit(page: PageContext) -> list[AuditFinding] | None:
    """Audit one page of a scan.

    Called once for every page that loaded, after the page's DOM settled.

    :param page: the loaded page with its URL, WebDriver and scan settings.
    :return: the violations and needs-review results found on the page, and
        any inventory records of what was checked (never counted). The scan
        engine catches an exception, logs it with the plugin and the page,
        and stores it as an audit error of that page. The scan goes on.
    """


@hookspec
def cxaudit_page_scripts(settings: Mapping[str, Any]) -> list[str] | None:
    """Give JavaScript for the scan's browsers to run in every page before the page's own scripts.

    Called once when a scan starts its browsers. Each browser evaluates the
    scripts at the creation of every document it loads from then on, frames
    included, through the DevTools protocol. A browser without that protocol
    (some remote WebDrivers) does not run them, and a page may undo what they
    did, so ``cxaudit_page_audit`` must still check for what it needs.

    :param settings: the scan's stored settings.
    :return: script sources. A script that should run in the top document only
        must check ``window === window.top`` itself. An exception is logged
        and the scan runs without the plugin's scripts.
    """


@hookspec
def cxaudit_site_audit(site: SiteContext) -> list[AuditFinding] | None:
    """Audit the site as a whole, such as its robots.txt or a declaration page.

    Called once per scan, after every page audit ran.

    :param site: the start URL, the WebDriver and the scan settings.
    :return: findings that belong to the site rather than one page; they are
        stored on a page result for the start URL.
    """


@hookspec
def cxaudit_tool_versions() -> list[ToolVersion] | None:
    """Name the engines the plugin runs and their versions.

    Called once when a scan starts; the versions are stored with the scan so
    a result can be traced to the rules that produced it.

    :return: one ``ToolVersion`` per engine, for example axe-core 4.10.2.
    """


@hookspec
def cxaudit_scorecard_sections(institution: Institution, scans: list[Scan], language: str) -> list[ScorecardSection] | None:
    """Add sections to an institution's scorecard.

    Called each time a scorecard is built, inside the scorecard's language
    (``flask_babel.gettext`` translates into it), with a database session.

    :param institution: the institution the scorecard is for.
    :param scans: the latest finished scan of each of its sites; read the
        plugin's findings from them, for example with
        ``cxaudit.scorecard.sections.plugin_findings``.
    :param language: the scorecard's language code, such as ``"pl"``.
    :return: the plugin's sections. A plugin that returns a section presents
        its findings there, so they leave the accessibility summary. An
        exception is logged and the scorecard names the plugin as errored.
    """


@hookspec
def cxaudit_rule_help(plugin: str, rule: str) -> list[str] | None:
    """Return a description of a rule in the active language, when the plugin has one.

    Called while a scan page, scorecard or export is rendered, inside its
    language, so texts are translated for the reader and not stored.

    :param plugin: the name of the plugin that reported the finding.
    :param rule: the finding's rule id.
    :return: one text for a rule of the plugin's own, otherwise nothing; the
        finding's stored ``help`` is shown when no plugin answers.
    """


@hookspec
def cxaudit_cli_commands() -> list[click.Command] | None:
    """Add commands to the ``cxaudit`` command line.

    Called once when the command line starts.

    :return: click commands or groups; each is added under its own name.
    """
