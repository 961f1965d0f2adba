"""What each axe-core rule asks for, in cxaudit's own words and in the viewer's language.

axe-core reports its rule descriptions in English only. These texts are
keyed by rule id and translated when a page, scorecard or export is
rendered, so nothing language-specific is stored with a finding. A rule
without a text here keeps the English help that axe-core reported.
"""

from __future__ import annotations

from cxaudit_axe.i18n import domain

PLUGIN_NAME = "axe"

_l = domain.lazy_gettext

RULE_HELP = {
    # Text alternatives (WCAG 1.1.1).
    "area-alt": _l("Give every clickable area of an image map a text alternative"),
    "image-alt": _l("Give every image a text alternative, or an empty alt when it only decorates"),
    "input-image-alt": _l("Give every image button a text alternative that says what it does"),
    "object-alt": _l("Give every embedded object a text alternative"),
    "role-img-alt": _l("Give every element with role=\"img\" a text alternative"),
    "svg-img-alt": _l("Give every SVG image with an image role a text alternative"),
    "image-redundant-alt": _l("Do not repeat the text next to an image in its alternative text"),
    "server-side-image-map": _l("Replace server-side image maps with links that keyboard users can reach"),
    # Names of controls and widgets (WCAG 4.1.2).
    "button-name": _l("Give every button a name that can be read out"),
    "input-button-name": _l("Give every input button a name that can be read out"),
    "link-name": _l("Give every link a name that can be read out"),
    "label": _l("Give every form field a label"),
    "select-name": _l("Give every drop-down list a label"),
    "form-field-multiple-labels": _l("Give each form field one label, not several"),
    "label-title-only": _l("Label form fields with a visible label, not only a title or aria-describedby"),
    "aria-command-name": _l("Give every ARIA button, link and menu item a name that can be read out"),
    "aria-input-field-name": _l("Give every ARIA input field a name that can be read out"),
    "aria-toggle-field-name": _l("Give every ARIA switch, checkbox and radio button a name"),
    "aria-meter-name": _l("Give every ARIA meter a name"),
    "aria-progressbar-name": _l("Give every ARIA progress bar a name"),
    "aria-tooltip-name": _l("Give every ARIA tooltip a name"),
    "aria-dialog-name": _l("Give every ARIA dialog and alert dialog a name"),
    "aria-treeitem-name": _l("Give every ARIA tree item a name"),
    "summary-name": _l("Give every summary element (the toggle of a details block) a name"),
    "frame-title": _l("Give every frame and iframe a title that says what it contains"),
    "frame-title-unique": _l("Give each frame a title that differs from the other frames' titles"),
    "nested-interactive": _l("Do not put links, buttons or fields inside another interactive element"),
    "label-content-name-mismatch": _l("Make the name of a control contain the words of its visible label"),
    # ARIA roles and attributes (WCAG 4.1.2).
    "aria-allowed-attr": _l("Use only the ARIA attributes that the element's role allows"),
    "aria-allowed-role": _l("Use only the ARIA roles that suit the element"),
    "aria-braille-equivalent": _l("Give ARIA braille attributes a matching attribute without braille"),
    "aria-conditional-attr": _l("Use ARIA attributes only as the element's role allows them"),
    "aria-deprecated-role": _l("Do not use ARIA roles that are deprecated"),
    "aria-hidden-body": _l("Do not hide the whole page body from assistive technology with aria-hidden"),
    "aria-hidden-focus": _l("Do not let keyboard focus reach elements hidden with aria-hidden"),
    "aria-prohibited-attr": _l("Remove ARIA attributes that the element's role forbids"),
    "aria-required-attr": _l("Add the ARIA attributes that the element's role requires"),
    "aria-required-children": _l("Give ARIA roles the child elements they require"),
    "aria-required-parent": _l("Put ARIA roles inside the parent elements they require"),
    "aria-roledescription": _l("Use aria-roledescription only on elements with a suitable role"),
    "aria-roles": _l("Use only valid ARIA role values"),
    "aria-text": _l("Do not give role=\"text\" to elements that can receive focus"),
    "aria-valid-attr": _l("Spell ARIA attribute names correctly"),
    "aria-valid-attr-value": _l("Give ARIA attributes allowed values"),
    "presentation-role-conflict": _l("Do not give a presentational role to elements that keep a name or focus"),
    "duplicate-id": _l("Give each element a unique id"),
    "duplicate-id-active": _l("Give each focusable element a unique id"),
    "duplicate-id-aria": _l("Give each element referred to by ARIA or a label a unique id"),
    # Structure, lists and tables (WCAG 1.3.1).
    "definition-list": _l("Put only term and description groups inside a definition list"),
    "dlitem": _l("Put terms and descriptions inside a definition list"),
    "list": _l("Put only list items inside a list"),
    "listitem": _l("Put list items inside a list"),
    "empty-heading": _l("Give every heading text that can be read out"),
    "empty-table-header": _l("Give every table header text that can be read out"),
    "heading-order": _l("Do not skip heading levels"),
    "page-has-heading-one": _l("Start the page content with a level-one heading"),
    "p-as-heading": _l("Mark headings up as headings, not as bold or large paragraphs"),
    "scope-attr-valid": _l("Use the scope attribute of table headers correctly"),
    "table-duplicate-name": _l("Do not repeat a table's caption in its summary"),
    "table-fake-caption": _l("Use a caption element for a table's title, not a merged first row"),
    "td-has-header": _l("Link the cells of large tables to their headers"),
    "td-headers-attr": _l("Make the headers attribute of a cell point to headers of the same table"),
    "th-has-data-cells": _l("Make every table header describe some data cells"),
    # Landmarks and skipping repeated content (WCAG 2.4.1).
    "bypass": _l("Let users skip repeated blocks, with a skip link, headings or landmarks"),
    "skip-link": _l("Make every skip link point to a place that exists and can receive focus"),
    "region": _l("Put all page content inside landmarks such as header, main, nav and footer"),
    "landmark-one-main": _l("Give the page one main landmark"),
    "landmark-no-duplicate-main": _l("Give the page no more than one main landmark"),
    "landmark-no-duplicate-banner": _l("Give the page no more than one banner (page header) landmark"),
    "landmark-no-duplicate-contentinfo": _l("Give the page no more than one contentinfo (page footer) landmark"),
    "landmark-banner-is-top-level": _l("Do not put the banner (page header) landmark inside another landmark"),
    "landmark-contentinfo-is-top-level": _l("Do not put the contentinfo (page footer) landmark inside another landmark"),
    "landmark-main-is-top-level": _l("Do not put the main landmark inside another landmark"),
    "landmark-complementary-is-top-level": _l("Do not put a complementary (aside) landmark inside another landmark"),
    "landmark-unique": _l("Give landmarks of the same kind different names"),
    # Language of the page (WCAG 3.1).
    "html-has-lang": _l("Set the page language in the lang attribute of the html element"),
    "html-lang-valid": _l("Set the page language to a valid language code"),
    "html-xml-lang-mismatch": _l("Give lang and xml:lang of the page the same language"),
    "valid-lang": _l("Use valid language codes in lang attributes"),
    # Page titles, frames and keyboard use.
    "document-title": _l("Give the page a title that says what it is about"),
    "frame-focusable-content": _l("Do not take frames with focusable content out of the keyboard order"),
    "frame-tested": _l("Make sure frames could be audited (load axe-core in them)"),
    "scrollable-region-focusable": _l("Let keyboard users reach and scroll every scrollable area"),
    "tabindex": _l("Do not use a tabindex above 0"),
    "accesskeys": _l("Give each access key a different key"),
    "focus-order-semantics": _l("Give elements in the keyboard order a role that suits them"),
    # Colour, text spacing and layout.
    "color-contrast": _l("Make text contrast enough with its background (at least 4.5:1, or 3:1 for large text)"),
    "color-contrast-enhanced": _l("Make text contrast strongly with its background (at least 7:1, or 4.5:1 for large text)"),
    "link-in-text-block": _l("Make links in running text stand out by more than colour alone"),
    "avoid-inline-spacing": _l("Let users change letter, word and line spacing: do not fix them with !important"),
    "css-orientation-lock": _l("Do not lock the page to portrait or landscape orientation"),
    "meta-viewport": _l("Do not stop users from zooming the page"),
    "meta-viewport-large": _l("Let users zoom the page to at least five times its size"),
    "target-size": _l("Make touch targets large enough, or far enough apart"),
    "hidden-content": _l("Check hidden content, which the audit could not examine"),
    # Timing, movement and media.
    "meta-refresh": _l("Do not reload or redirect the page after a delay"),
    "meta-refresh-no-exceptions": _l("Do not reload or redirect the page after any delay"),
    "blink": _l("Do not use blinking text"),
    "marquee": _l("Do not use scrolling marquee text"),
    "no-autoplay-audio": _l("Do not play sound for more than 3 seconds by itself, or give a way to stop it"),
    "audio-caption": _l("Give audio recordings captions or a transcript"),
    "video-caption": _l("Give videos captions"),
    # Forms and links.
    "autocomplete-valid": _l("Use valid autocomplete values that say what a field asks for"),
    "identical-links-same-purpose": _l("Make links with the same name lead to the same place"),
}


def rule_help(plugin: str, rule: str) -> list[str]:
    """Return the text of an axe-core ``rule`` in the active language, or nothing for another plugin's rule."""
    if plugin != PLUGIN_NAME or rule not in RULE_HELP:
        return []
    return [str(RULE_HELP[rule])]
