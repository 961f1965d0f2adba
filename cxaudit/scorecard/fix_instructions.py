"""Plain instructions for the rules that fail most often, shown in the list of fixes.

Other rules fall back to the help text stored with the finding.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The axe-core rules museums and theatres fail most often.
HOW_TO_FIX = {
    "image-alt": _l("Give every informative image a short text alternative (alt) that says what it shows; give decorative images alt=\"\"."),
    "color-contrast": _l("Darken the text or lighten its background until the contrast ratio is at least 4.5:1 (3:1 for large text)."),
    "label": _l("Give every form field a visible label tied to it with <label for>, not only a placeholder."),
    "link-name": _l("Give every link text that says where it leads; for a link that is only an icon, add a text alternative."),
    "button-name": _l("Give every button text that says what it does; for a button that is only an icon, add aria-label."),
    "html-has-lang": _l("Set the page language on the html element, for example <html lang=\"pl\">."),
    "html-lang-valid": _l("Use a valid language code in the lang attribute, for example pl or en."),
    "document-title": _l("Give every page a title that names the page and the institution."),
    "heading-order": _l("Use headings in order, without skipping levels: h2 under h1, h3 under h2."),
    "page-has-heading-one": _l("Give every page one main heading (h1) that names its content."),
    "region": _l("Put all content inside landmarks such as header, nav, main and footer."),
    "landmark-one-main": _l("Mark the main content of every page with one main element."),
    "list": _l("Put only li elements directly inside ul and ol lists."),
    "listitem": _l("Put every li element inside a ul or ol list."),
    "frame-title": _l("Give every iframe a title that says what it contains, such as a map or a video."),
    "select-name": _l("Give every drop-down list a visible label tied to it."),
    "meta-viewport": _l("Let visitors zoom: remove user-scalable=no and maximum-scale from the viewport meta tag."),
    "link-in-text-block": _l("Make links in text stand out by more than colour, for example by underlining them."),
}

# The forms plugin's help texts name every field concerned, which is too
# long for the first page; these say what to do in one sentence.
FORMS_HOW_TO_FIX = {
    "forms-field-no-name": _l("Give every form field a name that screen readers announce: a <label for> tied to it, or aria-labelledby."),
    "forms-label-not-visible": _l("Show a visible label next to every field; a placeholder or a title that disappears is not a label."),
    "forms-label-wrong-target": _l("Point each label's for attribute at the id of the field it names."),
    "forms-label-not-in-name": _l("Start each field's accessible name with the words of its visible label, so voice control can reach it."),
    "forms-group-unnamed": _l("Put each group of radio buttons or check boxes in a fieldset whose legend is the question."),
    "forms-autocomplete-missing": _l("Add autocomplete to fields for the visitor's own data, such as autocomplete=\"email\" or \"given-name\"."),
    "forms-autocomplete-invalid": _l("Use only valid autocomplete values, such as email, tel or postal-code."),
    "forms-email-type": _l("Make e-mail fields type=\"email\", so phones show the right keyboard."),
    "forms-required-not-programmatic": _l("Mark required fields in the code too, with the required attribute or aria-required=\"true\"."),
    "forms-required-not-visible": _l("Show on screen which fields are required, not only in the code."),
    "forms-required-asterisk-unexplained": _l("Explain above the form what the asterisk means, for example \"* required field\"."),
    "forms-keyboard-unreachable": _l("Let every field and button be reached with the Tab key."),
    "forms-focus-order": _l("Make the Tab key move through the form in the order the fields are shown."),
    "forms-positive-tabindex": _l("Remove tabindex values above 0 and let the page order set the focus order."),
    "forms-focus-not-visible": _l("Show where the keyboard focus is, for example with an outline; do not remove the browser's outline."),
    "forms-paste-blocked": _l("Let visitors paste into every field, including e-mail and password fields."),
    "forms-not-https": _l("Serve the page with the form and the address it sends to over HTTPS."),
    "forms-privacy-notice-missing": _l("Link the privacy notice next to every form that collects personal data."),
    "forms-consent-prechecked": _l("Leave consent check boxes unticked until the visitor ticks them."),
    "forms-captcha-no-alternative": _l("Offer an alternative to the CAPTCHA, such as an audio version or another way to send the message."),
    "forms-error-not-linked": _l("Tie every error message to its field with aria-describedby, and name the field in the message."),
    "forms-error-not-shown": _l("Show an error message in the page when a form is sent with missing or wrong values."),
}


def instruction_for(plugin: str, rule: str) -> str | None:
    """Return cxaudit's plain instruction for a rule, translated in the current locale, or None."""
    instructions = {"axe": HOW_TO_FIX, "forms": FORMS_HOW_TO_FIX}.get(plugin, {})
    instruction = instructions.get(rule)
    return str(instruction) if instruction else None
