"""The texts of the needs-review findings, rendered from a message id and its parameters.

A needs-review finding stores its message id and parameters in ``data``.
The scan writes ``help`` in the scan's language, and the scorecard renders
the text again in the scorecard's language from the stored id and
parameters. Parameters are plain values (URLs, ids, dates, status codes),
never translated words, so they read the same in every language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cxaudit.audit import AuditFinding
from cxaudit_declaration.elements import ELEMENTS
from cxaudit_declaration.i18n import _, ngettext

Renderer = Callable[..., str]
RENDERERS: dict[str, Renderer] = {}


def message(key: str) -> Callable[[Renderer], Renderer]:
    """Register the decorated function as the renderer of message ``key``."""

    def register(renderer: Renderer) -> Renderer:
        RENDERERS[key] = renderer
        return renderer

    return register


def render(key: str, params: dict[str, Any]) -> str:
    """Return the text of message ``key`` with ``params`` in the active language."""
    return RENDERERS[key](**params)


def review_finding(rule: str, key: str, params: dict[str, Any], impact: str = "minor", **fields: Any) -> AuditFinding:
    """Build a needs-review finding whose text can be rendered again from its ``data``."""
    return AuditFinding(
        rule=rule,
        outcome="needs-review",
        impact=impact,
        help=render(key, params),
        data={"message": key, "params": params},
        **fields,
    )


def stored_text(finding: Any) -> str:
    """Return a stored finding's text in the active language, or its ``help`` when it has no known message id."""
    data = finding.data or {}
    key = data.get("message")
    if key in RENDERERS:
        try:
            return render(key, data.get("params") or {})
        except (KeyError, TypeError, ValueError):
            # Parameters written by another version of the plugin: the stored text is still right.
            return finding.help or ""
    return finding.help or ""


def status_label(status: str) -> str:
    labels = {
        "compliant": _("compliant (zgodna)"),
        "partial": _("partially compliant (częściowo zgodna)"),
        "non-compliant": _("non-compliant (niezgodna)"),
    }
    return labels[status]


@message("meta-missing")
def meta_missing(url: str) -> str:
    return _(
        "The start page of the scan has no <meta name=\"deklaracja-dostępności\" content=\"%(url)s\"> tag. It is "
        "recommended, not required: it lets software find the declaration.",
        url=url,
    )


@message("home-unreachable")
def home_unreachable(urls: list[str]) -> str:
    return _(
        "The start page of the scan (%(urls)s) did not load as an HTML page, so the link to the declaration could not be "
        "looked for. Check that the site works and scan it again.",
        urls=", ".join(urls),
    )


@message("off-site")
def off_site(url: str) -> str:
    return _(
        "The declaration link points to %(url)s, outside the scanned site, so cxaudit did not load it. "
        "Check that declaration by hand, or scan that site too.",
        url=url,
    )


@message("id-duplicate")
def id_duplicate(ids: list[str]) -> str:
    return ngettext(
        "The id %(ids)s is used more than once; software reads only the first element. "
        "Keep the id on one element.",
        "The ids %(ids)s are used more than once; software reads only the first element of each. "
        "Keep each id on one element.",
        len(ids),
        ids=", ".join(ids),
    )


@message("legacy-elements")
def legacy_elements(ids: list[str]) -> str:
    return ngettext(
        "The declaration uses %(ids)s from the 2019 technical conditions. It is accepted, but "
        "version 2.0 (2024) no longer names it: review the declaration against the current template.",
        "The declaration uses %(ids)s from the 2019 technical conditions. They are accepted, but "
        "version 2.0 (2024) no longer names them: review the declaration against the current template.",
        len(ids),
        ids=", ".join(ids),
    )


@message("id-malformed")
def id_malformed(id: str, raw: str) -> str:  # noqa: A002 - the parameter is the element's id
    return _(
        "The element meant as %(id)s has the id %(raw)s. cxaudit read it anyway, but software that looks for "
        "the exact id does not find it. Write the id exactly as id=\"%(id)s\", with straight quotes and no spaces.",
        id=id,
        raw=raw,
    )


@message("element-unmarked")
def element_unmarked(id: str, excerpt: str, heading: str = "") -> str:  # noqa: A002 - the parameter is the element's id
    content = ELEMENTS[id].content
    if heading:
        return _(
            "No element has the id %(id)s, but the declaration's text contains %(content)s under the heading "
            "\"%(heading)s\": \"%(excerpt)s\". cxaudit counts the element as present. So that software finds it too, "
            "mark that text, or the heading of its section, with id=\"%(id)s\".",
            id=id,
            content=content,
            heading=heading,
            excerpt=excerpt,
        )
    return _(
        "No element has the id %(id)s, but the declaration's text contains %(content)s: \"%(excerpt)s\". cxaudit "
        "counts the element as present. So that software finds it too, mark that text, or the heading of its "
        "section, with id=\"%(id)s\".",
        id=id,
        content=content,
        excerpt=excerpt,
    )


@message("conditional-unknown")
def conditional_unknown(ids: list[str]) -> str:
    return _(
        "Check whether the declaration needs %(ids)s, which cxaudit could not decide from the pages: "
        "a11y-ocena is needed when an external body assessed the website, a11y-aplikacje when the body "
        "publishes mobile apps.",
        ids=", ".join(ids),
    )


@message("status")
def status_summary(url: str, status: str, updated: str, prepared: str) -> str:
    return _(
        "The declaration at %(url)s states that the website is %(status)s (last update of the website: "
        "%(updated)s, declaration prepared: %(prepared)s). Check that the status and the list of inaccessible "
        "content match the audit results.",
        url=url,
        status=status_label(status),
        updated=updated,
        prepared=prepared,
    )


@message("axe-not-installed")
def axe_not_installed(url: str) -> str:
    return _(
        "The declaration page %(url)s was not checked by axe because the axe plugin is not installed. "
        "Install cxaudit-axe or check the page by hand: the declaration must be accessible itself.",
        url=url,
    )


@message("axe-failed")
def axe_failed(url: str, error: str) -> str:
    return _(
        "axe failed on the declaration page %(url)s (%(error)s). Check the page by hand: the "
        "declaration must be accessible itself.",
        url=url,
        error=error,
    )
