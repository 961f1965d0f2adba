"""The page audit: find every form, classify it and run the checks."""

from __future__ import annotations

import logging

from selenium.common.exceptions import WebDriverException

from cxaudit.audit import AuditFinding, PageContext
from cxaudit_forms import errors
from cxaudit_forms.classify import classify
from cxaudit_forms.keyboard import check_keyboard, check_paste
from cxaudit_forms.i18n import ngettext
from cxaudit_forms.kinds import INVENTORY_RULE, form_label
from cxaudit_forms.labels import check_labels
from cxaudit_forms.model import Form, PageForms, read_page_forms
from cxaudit_forms.problems import Problem, describe
from cxaudit_forms.purpose import check_purpose
from cxaudit_forms.required import check_required
from cxaudit_forms.trust import (
    check_captcha,
    check_consent,
    check_contact_page,
    check_field_count,
    check_https,
)

logger = logging.getLogger(__name__)


def audit_page(page: PageContext) -> list[AuditFinding]:
    """Return the findings of every form on the loaded page, each naming its form."""
    forms = read_page_forms(page.driver)
    for form in forms.forms:
        form.kind = classify(form, page.url)
    findings = [inventory_record(form) for form in forms.forms]
    for form in forms.forms:
        findings += to_findings(form, static_problems(forms, form, page.url))
        findings += to_findings(form, browser_problems(page.driver, form))
    # Sending forms last: it reloads the page, so the elements read above go stale.
    for form in forms.forms:
        if form.kind == "search":
            continue
        if errors.submissions_allowed(page.settings):
            try:
                findings += to_findings(form, errors.check_errors(page.driver, page.url, form))
            except WebDriverException as error:
                logger.warning("The error-handling check failed on form %s of %s: %s", form.selector, page.url, error.msg)
        else:
            findings += to_findings(form, errors.not_tested(form))
    return findings


def static_problems(page: PageForms, form: Form, page_url: str) -> list[Problem]:
    """Run the checks that need only the collected description of the form."""
    problems = [*check_labels(form), *check_purpose(form), *check_required(form), *check_captcha(form),
                *check_consent(form), *check_https(form, page_url), *check_field_count(form)]
    if form.kind == "contact":
        problems += check_contact_page(page, form)
    return problems


def browser_problems(driver, form: Form) -> list[Problem]:
    """Run the checks that press keys and send events in the browser."""
    problems = []
    for check in (check_keyboard, check_paste):
        try:
            problems += check(driver, form)
        except WebDriverException as error:
            # One form the browser cannot handle must not hide the others' results.
            logger.warning("%s failed on form %s: %s", check.__name__, form.selector, error.msg)
    return problems


def form_data(form: Form) -> dict:
    """Return the position, kind, selector and number of fields of ``form``, stored as finding data."""
    return {"position": form.position, "kind": form.kind, "selector": form.selector,
            "fields": form.visitor_field_count()}


def inventory_record(form: Form) -> AuditFinding:
    """Record that the page has ``form``, so the scorecard lists it even when no check fails."""
    label = form_label(form.position, form.kind)
    size = ngettext("%(num)d field to fill in.", "%(num)d fields to fill in.", form.visitor_field_count())
    return AuditFinding(
        rule=INVENTORY_RULE,
        outcome="inventory",
        targets=[form.selector],
        help=f"{label}: {size}",
        data={"form": form_data(form)},
    )


def to_findings(form: Form, problems: list[Problem]) -> list[AuditFinding]:
    label = form_label(form.position, form.kind)
    by_selector = {item.selector: item for item in form.fields}
    findings = []
    for problem in problems:
        targets = [form.selector, *(target for target in problem.targets if target != form.selector)]
        concerned = [by_selector[target] for target in targets[1:] if target in by_selector]
        findings.append(AuditFinding(
            rule=problem.rule,
            outcome=problem.outcome,
            impact=problem.impact,
            wcag=problem.wcag,
            count=problem.count,
            targets=targets,
            help=f"{label}: {problem.message}",
            help_url=problem.help_url,
            data={"form": form_data(form),
                  "fields": [{"name": item.name, "label": describe(item)} for item in concerned]},
        ))
    return findings
