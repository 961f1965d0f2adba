"""Check 5: fields for the visitor's own data have a valid autocomplete, and e-mail fields have type email."""

from __future__ import annotations

import re

from cxaudit_forms.i18n import ngettext
from cxaudit_forms.model import Field, Form
from cxaudit_forms.problems import HTML_INPUT_URL, Problem, names_of, quoted

# Purposes in the order they are tried: "adres e-mail" is an e-mail, not an
# address, and "surname" must be caught before "name".
PURPOSES: list[tuple[str, re.Pattern, frozenset[str]]] = [
    ("email", re.compile(r"e-?mail|poczt[ay] elektr"), frozenset({"email"})),
    ("tel", re.compile(r"\btel\b|telefon|phone|komórk|mobile"), frozenset({"tel", "tel-national", "tel-local"})),
    ("postal-code", re.compile(r"kod pocztowy|postal|\bzip\b|postcode|post code"), frozenset({"postal-code"})),
    ("city", re.compile(r"miejscowo|miasto|\bcity\b|\btown\b"), frozenset({"address-level2"})),
    ("region", re.compile(r"wojew|\bregion\b|\bstate\b|province"), frozenset({"address-level1"})),
    ("country", re.compile(r"\bkraj\b|country"), frozenset({"country", "country-name"})),
    ("street", re.compile(r"ulica|street|\badres\b|address"),
     frozenset({"street-address", "address-line1", "address-line2", "address-line3"})),
    ("username", re.compile(r"user.?name|\blogin\b|nazwa użytkownika"), frozenset({"username", "email"})),
    ("full-name", re.compile(r"imię i nazwisko|imie i nazwisko|full.?name|your name"), frozenset({"name"})),
    ("family-name", re.compile(r"nazwisk|surname|last.?name|family.?name"), frozenset({"family-name"})),
    ("given-name", re.compile(r"\bimi[eę]\b|first.?name|given.?name|\bname\b"), frozenset({"given-name", "name"})),
]
FIELD_NAMES = frozenset("""
name honorific-prefix given-name additional-name family-name honorific-suffix nickname username new-password
current-password one-time-code organization-title organization street-address address-line1 address-line2
address-line3 address-level4 address-level3 address-level2 address-level1 country country-name postal-code
cc-name cc-given-name cc-additional-name cc-family-name cc-number cc-exp cc-exp-month cc-exp-year cc-csc cc-type
transaction-currency transaction-amount language bday bday-day bday-month bday-year sex url photo
""".split())
CONTACT_NAMES = frozenset("tel tel-country-code tel-national tel-area-code tel-local tel-local-prefix tel-local-suffix "
                          "tel-extension email impp".split())
CONTACT_KINDS = frozenset({"home", "work", "mobile", "fax", "pager"})
SKIPPED_TYPES = frozenset({"checkbox", "radio", "password", "search", "file", "range", "color", "textarea"})


def personal_purpose(item: Field) -> tuple[str, frozenset[str]] | None:
    """The personal-data purpose of a field and the autocomplete tokens that fit it, or ``None``."""
    if item.type in SKIPPED_TYPES:
        return None
    if item.type == "email":
        return PURPOSES[0][0], PURPOSES[0][2]
    text = item.descriptor
    for purpose, pattern, tokens in PURPOSES:
        if pattern.search(text):
            return purpose, tokens
    return None


def autocomplete_field_name(value: str) -> str | None:
    """The field name of a valid autocomplete value (HTML Living Standard, 4.10.18.7.1), or ``None`` if invalid."""
    tokens = value.lower().split()
    if tokens and tokens[-1] == "webauthn":
        tokens = tokens[:-1]
    if tokens and tokens[0].startswith("section-"):
        tokens = tokens[1:]
    if tokens and tokens[0] in ("shipping", "billing"):
        tokens = tokens[1:]
    if len(tokens) == 2 and tokens[0] in CONTACT_KINDS and tokens[1] in CONTACT_NAMES:
        return tokens[1]
    if len(tokens) == 1 and (tokens[0] in FIELD_NAMES or tokens[0] in CONTACT_NAMES):
        return tokens[0]
    return None


def check_purpose(form: Form) -> list[Problem]:
    """Return the autocomplete and e-mail type problems of ``form``."""
    missing, invalid, mismatched, not_email = [], [], [], []
    for item in form.live_fields:
        found = personal_purpose(item)
        if found is None:
            continue
        purpose, tokens = found
        value = (item.autocomplete or "").strip().lower()
        if value in ("", "on", "off"):
            missing.append(item)
        elif autocomplete_field_name(value) is None:
            invalid.append(item)
        elif autocomplete_field_name(value) not in tokens:
            mismatched.append(item)
        if purpose == "email" and item.type != "email":
            not_email.append(item)

    problems = []
    if missing:
        problems.append(Problem(
            "forms-autocomplete-missing", "violation", "serious",
            ngettext("A field for the visitor's own data has no autocomplete attribute, or has autocomplete=\"off\" "
                     "or \"on\": %(fields)s. Browsers and assistive tools cannot fill it in or mark its purpose. "
                     "Add e.g. autocomplete=\"given-name\", \"family-name\", \"email\", \"tel\" or "
                     "\"address-level2\".",
                     "Fields for the visitor's own data have no autocomplete attribute, or have "
                     "autocomplete=\"off\" or \"on\": %(fields)s. Browsers and assistive tools cannot fill them in "
                     "or mark their purpose. Add e.g. autocomplete=\"given-name\", \"family-name\", \"email\", "
                     "\"tel\" or \"address-level2\".",
                     len(missing), fields=names_of(missing)),
            wcag=["1.3.5"], targets=[item.selector for item in missing], count=len(missing)))
    if invalid:
        problems.append(Problem(
            "forms-autocomplete-invalid", "violation", "serious",
            ngettext("Invalid autocomplete value: %(fields)s (%(values)s). Use a token from the HTML "
                     "list, such as \"email\" or \"given-name\".",
                     "Invalid autocomplete values: %(fields)s (%(values)s). Use a token from the HTML "
                     "list, such as \"email\" or \"given-name\".",
                     len(invalid), fields=names_of(invalid), values=", ".join(quoted(item.autocomplete) for item in invalid)),
            wcag=["1.3.5"], targets=[item.selector for item in invalid], count=len(invalid)))
    if mismatched:
        problems.append(Problem(
            "forms-autocomplete-mismatch", "needs-review", "moderate",
            ngettext("An autocomplete value that does not seem to match the field: %(fields)s (%(values)s). "
                     "Check that the value names the field's purpose.",
                     "Autocomplete values that do not seem to match the field: %(fields)s (%(values)s). "
                     "Check that each value names the field's purpose.",
                     len(mismatched), fields=names_of(mismatched),
                     values=", ".join(quoted(item.autocomplete) for item in mismatched)),
            wcag=["1.3.5"], targets=[item.selector for item in mismatched], count=len(mismatched)))
    if not_email:
        problems.append(Problem(
            "forms-email-type", "violation", "moderate",
            ngettext("An e-mail field that is not type=\"email\": %(fields)s. Phones do not show the e-mail "
                     "keyboard and the browser does not check the address (HTML Living Standard, input type email). "
                     "Use <input type=\"email\">.",
                     "E-mail fields that are not type=\"email\": %(fields)s. Phones do not show the e-mail "
                     "keyboard and the browser does not check the address (HTML Living Standard, input type email). "
                     "Use <input type=\"email\">.",
                     len(not_email), fields=names_of(not_email)),
            targets=[item.selector for item in not_email], count=len(not_email), source_url=HTML_INPUT_URL))
    return problems
