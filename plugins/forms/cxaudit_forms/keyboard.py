"""Checks 7 and 8 in the real browser: Tab reaches every field in order with a visible focus; pasting works."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from cxaudit_forms.i18n import _, ngettext
from cxaudit_forms.model import Form
from cxaudit_forms.problems import Problem, names_of, quoted

logger = logging.getLogger(__name__)
KEYBOARD_SCRIPT = Path(__file__).parent / "keyboard.js"
# Tab presses beyond the number of focusable elements in the form, for
# focus that wanders out and comes back.
EXTRA_STEPS = 10

PASTE_SCRIPT = """
return arguments[0].map((field) => {
  const data = new DataTransfer();
  data.setData("text/plain", "cxaudit");
  const event = new ClipboardEvent("paste", {bubbles: true, cancelable: true, clipboardData: data});
  field.dispatchEvent(event);
  return event.defaultPrevented;
});
"""


@cache
def keyboard_source() -> str:
    return KEYBOARD_SCRIPT.read_text(encoding="utf-8")


def run(driver, call: str, *arguments):
    return driver.execute_script(keyboard_source() + "\n" + call, *arguments)


def check_keyboard(driver, form: Form) -> list[Problem]:
    """Press Tab from just before the form and see which fields get focus, in which order, and whether it shows."""
    fields = form.live_fields
    problems = []
    positive = [item for item in fields if item.tabindex is not None and item.tabindex > 0]
    if positive:
        problems.append(Problem(
            "forms-positive-tabindex", "violation", "moderate",
            ngettext("Positive tabindex: %(fields)s. It takes this field out of the reading order for keyboard users. "
                     "Remove the tabindex or set it to 0.",
                     "Positive tabindex: %(fields)s. It takes these fields out of the reading order for keyboard users. "
                     "Remove the tabindex or set it to 0.",
                     len(positive), fields=names_of(positive)),
            wcag=["2.4.3"], targets=[item.selector for item in positive], count=len(positive)))
    if not fields:
        return problems

    container = driver.find_element(By.CSS_SELECTOR, form.selector)
    elements = [item.element for item in fields]
    submit = driver.find_elements(By.CSS_SELECTOR, form.submit["selector"]) if form.submit else []
    elements += submit[:1]
    reached, unfocused, boxes = walk(driver, container, elements)

    # A group of radio buttons is one Tab stop: one reached member is enough.
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(fields):
        if item.type == "radio" and item.name:
            groups.setdefault(item.name, []).append(index)
    stops = []
    for index in range(len(elements)):
        item = fields[index] if index < len(fields) else None
        members = groups.get(item.name, [index]) if item is not None and item.type == "radio" and item.name else [index]
        if members[0] == index:
            stops.append(members)
    stop_of = {member: number for number, members in enumerate(stops) for member in members}
    visited: list[int] = []
    for index in reached:
        if stop_of[index] not in visited:
            visited.append(stop_of[index])
    # A positive tabindex is reported above; its field is reached out of the walk, after the page's last stop.
    missed = [members[0] for number, members in enumerate(stops)
              if number not in visited and not any(m < len(fields) and (fields[m].tabindex or 0) > 0 for m in members)]

    labels = [describe_target(fields, submit, index) for index in missed]
    if missed:
        problems.append(Problem(
            "forms-keyboard-unreachable", "violation", "critical",
            ngettext("Not reachable with the Tab key: %(fields)s. Keyboard users cannot fill in or send the form. "
                     "Use a native form control, or give a custom one tabindex=\"0\" and key handling.",
                     "Not reachable with the Tab key: %(fields)s. Keyboard users cannot fill in or send the form. "
                     "Use native form controls, or give custom ones tabindex=\"0\" and key handling.",
                     len(labels), fields=", ".join(labels)),
            wcag=["2.1.1"], targets=[target_selector(fields, form, index) for index in missed], count=len(missed)))
    if not in_reading_order([boxes[stops[number][0]] for number in visited]):
        problems.append(Problem(
            "forms-focus-order", "violation", "moderate",
            _("The Tab key moves through the form in an order different from the one on screen. Make the source order "
              "match the visual order and drop positive tabindex values."),
            wcag=["2.4.3"], targets=[form.selector]))
    if unfocused:
        names = [describe_target(fields, submit, index) for index in unfocused]
        problems.append(Problem(
            "forms-focus-not-visible", "violation", "serious",
            ngettext("No visible change on keyboard focus: %(fields)s. Keyboard users lose track of where they "
                     "are. Add a :focus-visible style, e.g. an outline, and do not remove the browser's outline.",
                     "No visible change on keyboard focus: %(fields)s. Keyboard users lose track of where they "
                     "are. Add a :focus-visible style, e.g. an outline, and do not remove the browser's outline.",
                     len(names), fields=", ".join(names)),
            wcag=["2.4.7"], targets=[target_selector(fields, form, index) for index in unfocused], count=len(unfocused)))
    return problems


def in_reading_order(boxes: list[list[float]]) -> bool:
    """Return whether focus never moves back up and to the left, or leftwards on the same line (5 px tolerance)."""
    for (top, left), (next_top, next_left) in zip(boxes, boxes[1:]):
        same_line = abs(next_top - top) <= 5
        if (same_line and next_left < left - 5) or (next_top < top - 5 and next_left <= left + 5):
            return False
    return True


def describe_target(fields, submit, index: int) -> str:
    if index < len(fields):
        return names_of([fields[index]])
    return quoted(_("the submit button"))


def target_selector(fields, form: Form, index: int) -> str:
    return fields[index].selector if index < len(fields) else form.submit["selector"]


def walk(driver, container, elements) -> tuple[list[int], list[int], list[list[float]]]:
    """Tab from a marker before ``container``.

    Return the target indexes in the order focused, those whose look did not
    change on focus, and the page position of each target.
    """
    reached: list[int] = []
    unfocused: list[int] = []
    layout = run(driver, "return prepare(arguments[0], arguments[1]);", container, elements)
    boxes = layout["boxes"]
    try:
        for _step in range(max(layout["focusable"], len(elements)) + EXTRA_STEPS):
            ActionChains(driver).send_keys(Keys.TAB).perform()
            state = run(driver, "return step(arguments[0], arguments[1]);", elements, container)
            if state["after"]:
                break
            index = state["index"]
            if index >= 0 and index not in reached:
                reached.append(index)
                if state["visible"] and not state["changed"]:
                    unfocused.append(index)
    finally:
        try:
            run(driver, "restore(arguments[0]);", elements)
        except WebDriverException:
            logger.warning("The page's focus and scroll position could not be restored after the keyboard check")
    return reached, unfocused, boxes


def check_paste(driver, form: Form) -> list[Problem]:
    """Dispatch a synthetic paste into each text field; a handler that cancels it blocks pasting."""
    fields = [item for item in form.live_fields if item.accepts_text]
    if not fields:
        return []
    prevented = driver.execute_script(PASTE_SCRIPT, [item.element for item in fields])
    blocked = [item for item, cancelled in zip(fields, prevented, strict=True) if cancelled]
    if not blocked:
        return []
    return [Problem(
        "forms-paste-blocked", "violation", "serious",
        ngettext("Pasting is blocked in the field %(fields)s. This stops password managers and visitors who copy "
                 "their e-mail address or cannot type easily (WCAG 3.3.8 for passwords; UK NCSC advice). Remove the "
                 "paste handler.",
                 "Pasting is blocked in the fields %(fields)s. This stops password managers and visitors who copy "
                 "their e-mail address or cannot type easily (WCAG 3.3.8 for passwords; UK NCSC advice). Remove the "
                 "paste handler.",
                 len(blocked), fields=names_of(blocked)),
        wcag=["3.3.8"] if any(item.type == "password" for item in blocked) else [],
        targets=[item.selector for item in blocked], count=len(blocked))]
