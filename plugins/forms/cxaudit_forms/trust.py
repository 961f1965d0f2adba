"""Checks 9–13: CAPTCHA, consent and privacy notice, HTTPS, the number of fields and a contact page's other channels."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import format_decimal

from cxaudit_forms.i18n import _, ngettext
from cxaudit_forms.model import Form, PageForms
from cxaudit_forms.problems import BAYMARD_URL, GDPR_URL, Problem, names_of
from cxaudit_forms.purpose import personal_purpose

CONSENT_WORDS = re.compile(
    r"zgod|wyrażam|akceptuj|oświadczam|zapoznał|regulamin|przetwarza|rodo|dane osobowe|newsletter|marketing|"
    r"consent|agree|accept|terms|privacy|personal data|subscribe", re.IGNORECASE)
PRIVACY_WORDS = re.compile(r"prywatno|rodo|dane osobowe|danych osobowych|ochron\w* danych|privacy|personal data|gdpr",
                           re.IGNORECASE)
OPENING_HOURS = re.compile(
    r"godzin\w* otwarcia|godziny pracy|czynne|otwarte w|opening hours|open (daily|from|on)|office hours|"
    r"\b\d{1,2}[:.]\d{2}\s*[-–]\s*\d{1,2}[:.]\d{2}\b", re.IGNORECASE)
REPLY_TIME = re.compile(
    r"odpowi\w*\s+(w ciągu|w przeciągu|do|najpóźniej|w)\s+\d*|w ciągu \d+\s*(dni|dnia|godzin)|"
    r"(reply|respond|answer|get back to you)\w*\s+within|within \d+ (working |business )?(days?|hours?)", re.IGNORECASE)
# Baymard Institute, "Checkout Optimization: 5 Ways to Minimize Form Fields
# in Checkout" (2024): the average checkout has 11.3 form fields, and its
# worked example brings a 16-field checkout down to 8.
ACHIEVABLE_FIELDS = 8
AVERAGE_FIELDS = 11
BAYMARD_AVERAGE_FIELDS = 11.3
PERSONAL_KINDS = frozenset({"contact", "newsletter", "booking"})
# A login form reuses data the visitor gave before; its notice is the one
# shown at sign-up, so it is not asked for again.
NO_NOTICE_KINDS = frozenset({"login", "search"})


def collects_personal_data(form: Form) -> bool:
    return form.kind in PERSONAL_KINDS or any(personal_purpose(item) for item in form.live_fields)


def sends_secrets(form: Form) -> bool:
    return collects_personal_data(form) or any(item.type == "password" for item in form.fields)


def check_captcha(form: Form) -> list[Problem]:
    captcha = form.captcha or {}
    if not captcha.get("kind"):
        return []
    targets = [captcha["selector"]] if captcha.get("selector") else []
    if captcha["kind"] == "image" and not captcha.get("alternative"):
        return [Problem(
            "forms-captcha-no-alternative", "violation", "critical",
            _("The form asks to retype a code from an image, with no audio or other way through, so blind visitors "
              "cannot send it. Offer an alternative, or replace the CAPTCHA with a check that needs no puzzle."),
            wcag=["1.1.1"], targets=targets)]
    return [Problem(
        "forms-captcha-review", "needs-review", "moderate",
        _("The form uses a CAPTCHA (%(kind)s). Check that its alternative (audio or another way) works with a "
          "keyboard and a screen reader, or drop the puzzle.", kind=captcha["kind"]),
        wcag=["1.1.1"], targets=targets)]


def check_consent(form: Form) -> list[Problem]:
    problems = []
    ticked = [item for item in form.live_fields
              if item.type == "checkbox" and item.checked and CONSENT_WORDS.search(f"{item.label_any} {item.name}")]
    if ticked:
        problems.append(Problem(
            "forms-consent-prechecked", "violation", "serious",
            ngettext("Consent box ticked in advance: %(fields)s. Consent must be given by the visitor's own act "
                     "(RODO/GDPR art. 7, recital 32). Leave it unticked.",
                     "Consent boxes ticked in advance: %(fields)s. Consent must be given by the visitor's own act "
                     "(RODO/GDPR art. 7, recital 32). Leave them unticked.",
                     len(ticked), fields=names_of(ticked)),
            targets=[item.selector for item in ticked], count=len(ticked), source_url=GDPR_URL))
    if form.kind not in NO_NOTICE_KINDS and collects_personal_data(form) and not any(PRIVACY_WORDS.search(f"{link['text']} {link['href']}") for link in form.links):
        problems.append(Problem(
            "forms-privacy-notice-missing", "violation", "moderate",
            _("The form collects personal data but no privacy notice is linked next to it (RODO/GDPR art. 13: who "
              "processes the data, why and for how long). Link the privacy notice beside the submit button."),
            source_url=GDPR_URL))
    return problems


def check_https(form: Form, page_url: str) -> list[Problem]:
    insecure = [url for url in (page_url, form.action) if urlsplit(url).scheme == "http"]
    if not insecure:
        return []
    return [Problem(
        "forms-not-https", "violation", "serious" if sends_secrets(form) else "minor",
        _("The form is on %(page)s and sends to %(action)s; without HTTPS what the visitor types can be read and "
          "changed on the way (RODO/GDPR art. 32). Serve the page and the form's action over HTTPS.",
          page=page_url, action=form.action or page_url),
        source_url=GDPR_URL)]


def check_field_count(form: Form) -> list[Problem]:
    count = form.visitor_field_count()
    if count <= ACHIEVABLE_FIELDS:
        return []
    above_average = count > AVERAGE_FIELDS
    return [Problem(
        "forms-too-many-fields", "violation" if above_average else "needs-review", "moderate" if above_average else "minor",
        ngettext("The form has %(num)d field. Baymard Institute's checkout research found %(average)s fields on "
                 "average and %(achievable)s achievable for most forms; ask only for what you need.",
                 "The form has %(num)d fields. Baymard Institute's checkout research found %(average)s fields on "
                 "average and %(achievable)s achievable for most forms; ask only for what you need.",
                 count, average=format_decimal(BAYMARD_AVERAGE_FIELDS), achievable=format_decimal(ACHIEVABLE_FIELDS)),
        count=count, source_url=BAYMARD_URL)]


def check_contact_page(page: PageForms, form: Form) -> list[Problem]:
    """Other ways to reach the institution, shown on a page with a contact form."""
    problems = []
    if not page.has_mailto:
        problems.append(Problem(
            "forms-contact-no-email-link", "violation", "moderate",
            _("The contact page has no e-mail link (mailto:). Show the address as a link for visitors who cannot or "
              "will not use the form.")))
    if not page.has_tel:
        problems.append(Problem(
            "forms-contact-no-phone-link", "violation", "moderate",
            _("The contact page has no phone link (tel:). Make the number a tel: link so it can be called with one "
              "tap.")))
    if not OPENING_HOURS.search(page.text):
        problems.append(Problem(
            "forms-contact-no-hours", "violation", "minor",
            _("The contact page does not say when the institution can be reached. Give the opening or office hours.")))
    if not REPLY_TIME.search(page.text):
        problems.append(Problem(
            "forms-contact-no-reply-time", "violation", "minor",
            _("The contact page does not say how soon a message is answered. State the reply time, e.g. \"We reply "
              "within 2 working days\".")))
    return problems
