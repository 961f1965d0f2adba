"""The forms of a page as the browser describes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

COLLECT_SCRIPT = Path(__file__).parent / "collect.js"
TEXT_TYPES = {"text", "email", "tel", "url", "search", "password", "number", "textarea"}


@dataclass
class Field:
    """One field a visitor fills in: an input, a select or a text area."""

    selector: str
    tag: str
    type: str
    name: str
    id: str
    autocomplete: str | None
    required: bool
    placeholder: str
    title: str
    aria_label: str
    label: str
    label_any: str
    checked: bool
    group: str
    rendered: bool
    disabled: bool
    tabindex: int | None
    stray_label: dict[str, Any] | None = None
    question: str = ""
    accessible_name: str = ""
    element: Any = None

    @property
    def is_choice(self) -> bool:
        return self.type in ("radio", "checkbox")

    @property
    def accepts_text(self) -> bool:
        return self.type in TEXT_TYPES

    @property
    def descriptor(self) -> str:
        """Everything that hints at the field's purpose, lower case."""
        return " ".join((self.name, self.id, self.type, self.label, self.label_any, self.placeholder,
                         self.title, self.aria_label, self.autocomplete or "")).lower()


@dataclass
class Form:
    """A ``<form>`` element, or a group of fields outside a form that has its own button."""

    position: int
    selector: str
    is_form: bool
    action: str
    method: str
    role: str
    text: str
    heading: str
    submit: dict[str, str] | None
    captcha: dict[str, Any]
    links: list[dict[str, str]]
    fields: list[Field]
    kind: str = "other"
    element: Any = None

    @property
    def live_fields(self) -> list[Field]:
        """The fields a visitor can see and use."""
        return [item for item in self.fields if item.rendered and not item.disabled]

    def visitor_field_count(self) -> int:
        """Count what a visitor fills: a group of radio buttons or same-named check boxes is one field."""
        seen: set[str] = set()
        count = 0
        for item in self.live_fields:
            key = f"{item.type}:{item.name}" if item.is_choice and item.name else item.selector
            if key not in seen:
                seen.add(key)
                count += 1
        return count


@dataclass
class PageForms:
    """A page's forms with the page facts some checks need."""

    url: str
    title: str
    text: str
    has_mailto: bool
    has_tel: bool
    forms: list[Form] = field(default_factory=list)


@cache
def collect_script() -> str:
    return COLLECT_SCRIPT.read_text(encoding="utf-8")


def read_page_forms(driver) -> PageForms:
    """Describe the page's forms through the browser, with each field's computed accessible name."""
    raw = driver.execute_script(collect_script())
    forms = []
    for data in raw["forms"]:
        elements = data.pop("elements")
        fields = []
        for element, values in zip(elements, data.pop("fields"), strict=True):
            item = Field(**values, element=element)
            item.accessible_name = " ".join((element.accessible_name or "").split())
            fields.append(item)
        forms.append(Form(**data, fields=fields))
    page = PageForms(**{key: raw[key] for key in ("url", "title", "text", "has_mailto", "has_tel")})
    page.forms = forms
    return page
