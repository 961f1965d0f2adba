"""Check 14: what the form does when sent empty. Runs only when the scan allows submissions."""

from __future__ import annotations

import logging
import time
from functools import cache
from pathlib import Path

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By

from cxaudit_forms.i18n import _, ngettext
from cxaudit_forms.model import Form
from cxaudit_forms.problems import Problem, describe, names_of, quoted

logger = logging.getLogger(__name__)
PROBE_SCRIPT = Path(__file__).parent / "errors.js"
SAMPLE_TEXT = "Jan Testowy"
SAMPLE_EMAIL = "jan.testowy@example.com"
# How long the page may take to show its errors after the click.
WAIT_SECONDS = 3.0
POLL_SECONDS = 0.2
GENERIC_MESSAGES = {"", "*", "!", "błąd", "error", "invalid", "nieprawidłowe", "niepoprawne", "wymagane", "required"}

FILL_AND_CHECK = """
const form = arguments[0], field = arguments[1], value = arguments[2];
if (field) {
  field.focus();
  field.value = value;
  field.dispatchEvent(new Event("input", {bubbles: true}));
  field.dispatchEvent(new Event("change", {bubbles: true}));
}
return form.tagName === "FORM" && !form.noValidate ? form.checkValidity() : true;
"""


@cache
def probe_source() -> str:
    return PROBE_SCRIPT.read_text(encoding="utf-8")


def submissions_allowed(settings: dict) -> bool:
    """Return whether the scan may submit forms: the core sets ``allow_submit`` only when the CLI flag and the site allow it."""
    return settings.get("allow_submit") is True


def not_tested(form: Form) -> list[Problem]:
    return [Problem(
        "forms-errors-not-tested", "needs-review", "minor",
        _("Error handling was not tested because this scan may not send forms. Send the form empty by hand and check "
          "that each error is shown in text next to its field, announced, and that typed values stay."),
        wcag=["3.3.1", "3.3.3", "4.1.3"], targets=[])]


def check_errors(driver, page_url: str, form: Form) -> list[Problem]:
    """Send ``form`` with one field filled and the rest empty, read the errors, then reload ``page_url``."""
    try:
        return submit_and_read(driver, form)
    finally:
        # The submission may have changed the page or left it: start the next
        # form (and the next plugin) from a fresh copy of the page.
        try:
            driver.get(page_url)
        except WebDriverException:
            logger.warning("Could not reload %s after the error-handling check", page_url)


def submit_and_read(driver, form: Form) -> list[Problem]:
    container = driver.find_element(By.CSS_SELECTOR, form.selector)
    texts = [item for item in form.live_fields if item.type in ("text", "email")]
    sample = texts[0] if texts else None
    sample_element = driver.find_element(By.CSS_SELECTOR, sample.selector) if sample else None
    value = SAMPLE_EMAIL if sample and sample.type == "email" else SAMPLE_TEXT
    valid = driver.execute_script(FILL_AND_CHECK, container, sample_element, value)
    if not valid:
        # The browser stops the submission with its own bubbles: nothing is
        # sent, and the page's own error handling never runs.
        return [Problem(
            "forms-error-browser-only", "needs-review", "minor",
            _("Sent with required fields empty, the form is stopped by the browser's own messages, which vanish after a few seconds and "
              "cannot be styled. Check they are understandable, or show your own errors next to the fields "
              "(with novalidate)."),
            wcag=["3.3.1"], targets=[])]

    # A new document has a new time origin, so comparing it shows whether the submission loaded a new page.
    origin = driver.execute_script("return performance.timeOrigin;")
    submit = driver.find_elements(By.CSS_SELECTOR, form.submit["selector"]) if form.submit else []
    if submit:
        submit[0].click()
    else:
        driver.execute_script("arguments[0].requestSubmit ? arguments[0].requestSubmit() : arguments[0].submit();", container)
    names = sorted({item.name for item in form.live_fields if item.name})
    result = wait_for_errors(driver, names, sample.name if sample else None, origin)
    if http_error(result, origin):
        return [Problem(
            "forms-submit-http-error", "needs-review", "moderate",
            _("The form's address (%(action)s) answered with the HTTP error %(status)s, so its error handling could not "
              "be checked. Check that the address accepts the form, then send it with missing fields by hand.",
              action=form.action, status=result["status"]),
            wcag=["3.3.1"], targets=[])]
    return judge(form, result, sample.name if sample else None, value, describe(sample) if sample else "")


def http_error(result: dict, origin: float | None) -> bool:
    """Return whether the submission loaded a new page whose HTTP status is 400 or above."""
    return result.get("time_origin") != origin and result.get("status", 0) >= 400


def wait_for_errors(driver, names: list[str], sample_name: str | None, origin: float | None) -> dict:
    """Poll the page until it shows errors or an HTTP error page, or the wait is over."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            result = driver.execute_script(probe_source(), names, sample_name)
        except WebDriverException:
            result = None  # the next page is still loading
        if result and (result["errors"] or any(f and f["invalid"] for f in result["fields"]) or http_error(result, origin)):
            return result
        if time.monotonic() > deadline:
            return result or {"fields": [], "errors": [], "announced": False, "focused": False, "sample_value": None,
                              "time_origin": origin, "status": 0}
        time.sleep(POLL_SECONDS)


def not_linked(form: Form, flagged: list[dict]) -> list[Problem]:
    """Report the fields whose error is not marked aria-invalid and tied to them by aria-describedby.

    The probe identifies fields by their name attribute. The message names
    them by their labels, as every other message does.
    """
    by_name: dict[str, object] = {}
    for item in form.live_fields:
        by_name.setdefault(item.name, item)
    not_tied = [by_name[entry["name"]] for entry in flagged
                if not (entry["invalid"] and entry["described"]) and entry["name"] in by_name]
    if flagged and not not_tied:
        return []
    if not_tied:
        message = ngettext(
            "The error message is not tied to its field %(fields)s: mark the field aria-invalid=\"true\" and point "
            "aria-describedby at the message next to it, so a screen reader reads the error with the field.",
            "Error messages are not tied to their fields %(fields)s: mark each field aria-invalid=\"true\" and point "
            "its aria-describedby at the message next to it, so a screen reader reads the error with the field.",
            len(not_tied), fields=names_of(not_tied))
    else:
        message = _("Error messages are shown, but none is tied to its field: mark each field aria-invalid=\"true\" "
                    "and point its aria-describedby at the message next to it, so a screen reader reads the error "
                    "with the field.")
    return [Problem("forms-error-not-linked", "violation", "serious", message, wcag=["3.3.1", "1.3.1"],
                    targets=[item.selector for item in not_tied])]


def judge(form: Form, result: dict, sample_name: str | None, value: str, sample_label: str = "") -> list[Problem]:
    """Turn what the page showed after the submission into problems."""
    fields = [item for item in result["fields"] if item]
    flagged = [item for item in fields if item["invalid"] or item["described"] or item["near"]]
    if not result["errors"] and not flagged:
        if sample_name:
            message = _("Sent with only the first text field filled in (%(field)s) and the others empty, the form "
                        "shows no error message. Tell the visitor in text which field is wrong and why, next to the "
                        "field.", field=quoted(sample_label))
        else:
            message = _("Sent with every field empty, the form shows no error message. Tell the visitor in text which "
                        "field is wrong and why, next to the field.")
        return [Problem("forms-error-not-shown", "violation", "serious", message, wcag=["3.3.1"], targets=[])]
    problems = []
    problems += not_linked(form, flagged)
    messages = [text for item in flagged for text in item["described"] + item["near"]] or result["errors"]
    if any(text.strip(" .:!").lower() in GENERIC_MESSAGES for text in messages):
        problems.append(Problem(
            "forms-error-no-suggestion", "violation", "moderate",
            _("Some error messages only say that something is wrong. Say what is expected, e.g. \"Enter your e-mail "
              "address, such as name@example.com\"."),
            wcag=["3.3.3"], targets=[]))
    if not (result["announced"] or result["focused"]):
        problems.append(Problem(
            "forms-error-not-announced", "violation", "moderate",
            _("The errors appear silently: nothing is announced and focus stays where it was. Move focus to the first "
              "error or to a summary, or put the messages in a role=\"alert\" region."),
            wcag=["4.1.3"], targets=[]))
    if sample_name and result.get("sample_value") != value:
        problems.append(Problem(
            "forms-error-values-lost", "violation", "moderate",
            _("After the errors are shown, what the visitor typed is gone and must be typed again. Keep the entered "
              "values."),
            wcag=["3.3.7"], targets=[]))
    return problems
