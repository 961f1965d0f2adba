"""The axe-core rule selection of a scan: tags, plus rules switched on or off by id.

A scan stores its selection in ``settings["axe_tags"]`` (list of tags) and
``settings["axe_rules"]`` (rule id to ``True`` or ``False``), so a result can
be traced to the rules that produced it. Values come from the scan's own
settings, else from the ``AXE_TAGS`` and ``AXE_RULES`` configuration, else
from the defaults below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cxaudit_axe.bundle import bundled_axe_version, bundled_rules, bundled_tags
from cxaudit_axe.i18n import _
from cxaudit_axe.results import FRAME_TESTED_RULE

# WCAG 2.0 and 2.1 success criteria of levels A and AA.
DEFAULT_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


SWITCH_VALUES = {"on": True, "true": True, "1": True, "off": False, "false": False, "0": False}
LIST_SEPARATOR = re.compile(r"[\s,]+")


class InvalidAxeSelection(ValueError):
    """A tag, rule id or switch of the rule selection is not valid; the message names it and the fix."""


@dataclass(frozen=True)
class AxeSelection:
    """The tags whose rules run and the rules switched on or off by id on top of them."""

    tags: tuple[str, ...] = DEFAULT_TAGS
    rules: dict[str, bool] = field(default_factory=dict)

    def to_settings(self) -> dict[str, Any]:
        return {"axe_tags": list(self.tags), "axe_rules": dict(sorted(self.rules.items()))}

    def run_options(self) -> dict[str, Any]:
        """Return the options for ``axe.run``: switched rules win over tags, as axe-core applies them."""
        rules = {rule_id: {"enabled": enabled} for rule_id, enabled in self.rules.items()}
        # frame-tested is tagged best-practice, so a WCAG-only run would drop
        # it; it always runs, because its results become frame-not-tested.
        rules[FRAME_TESTED_RULE] = {"enabled": True}
        return {
            "runOnly": {"type": "tag", "values": list(self.tags)},
            "rules": rules,
            "resultTypes": ["violations", "incomplete"],
        }


def resolve_selection(settings: Mapping[str, Any], config: Mapping[str, Any]) -> AxeSelection:
    """Build the selection from a scan's settings, falling back to the configuration and the defaults.

    :raises InvalidAxeSelection: when a tag or rule id is unknown to the bundled axe-core.
    """
    # A scan's own empty value is an error (no tags) or a choice (no
    # switches); an empty configuration value means "not set".
    tags_value = settings.get("axe_tags")
    if tags_value is None:
        tags_value = config.get("AXE_TAGS") or None
    rules_value = settings.get("axe_rules")
    if rules_value is None:
        rules_value = config.get("AXE_RULES") or None

    tags = DEFAULT_TAGS if tags_value is None else parse_tags(tags_value)
    rules = {} if rules_value is None else parse_rule_switches(rules_value)
    return AxeSelection(tags=tags, rules=rules)


def parse_tags(value: str | Iterable[str]) -> tuple[str, ...]:
    """Parse tags given as a list or as text separated by commas or spaces, such as ``wcag2a,wcag2aa``."""
    tags = _split(value)
    if not tags:
        raise InvalidAxeSelection(_("No axe-core tag given. Give tags such as wcag2a,wcag2aa."))

    known = bundled_tags()
    unknown = [tag for tag in tags if tag not in known]
    if unknown:
        raise InvalidAxeSelection(
            _(
                "Unknown axe-core tag: %(tags)s. axe-core %(version)s knows tags such as wcag2a, wcag2aa, "
                "wcag21a, wcag21aa, wcag22aa and best-practice; check the spelling.",
                tags=", ".join(unknown),
                version=bundled_axe_version(),
            )
        )
    return tuple(dict.fromkeys(tags))


def parse_rule_switches(value: str | Iterable[str] | Mapping[str, Any]) -> dict[str, bool]:
    """Parse rules switched on or off: ``{"empty-heading": True}``, or ``RULE=on|off`` items in a list or text."""
    if isinstance(value, Mapping):
        items = [(str(rule_id), switch) for rule_id, switch in value.items()]
    else:
        items = [_split_switch(item) for item in _split(value)]

    switches = {}
    for rule_id, switch in items:
        _check_rule_id(rule_id)
        switches[rule_id] = _switch_value(rule_id, switch)
    return switches


def _split(value: str | Iterable[str]) -> list[str]:
    parts = LIST_SEPARATOR.split(value) if isinstance(value, str) else [str(part) for part in value]
    return [part.strip() for part in parts if part.strip()]


def _split_switch(item: str) -> tuple[str, str]:
    rule_id, separator, switch = item.partition("=")
    if not separator:
        raise InvalidAxeSelection(
            _(
                "Invalid axe-core rule switch: %(item)s. Write RULE=on or RULE=off, for example empty-heading=on.",
                item=item,
            )
        )
    return rule_id.strip(), switch.strip()


def _check_rule_id(rule_id: str) -> None:
    if rule_id in bundled_rules():
        return
    raise InvalidAxeSelection(
        _(
            "Unknown axe-core rule: %(rule)s. Check the rule id in the list of axe-core %(version)s rules, "
            "such as color-contrast or empty-heading.",
            rule=rule_id,
            version=bundled_axe_version(),
        )
    )


def _switch_value(rule_id: str, switch: Any) -> bool:
    if isinstance(switch, bool):
        return switch
    value = SWITCH_VALUES.get(str(switch).strip().lower())
    if value is None:
        raise InvalidAxeSelection(
            _(
                "Invalid switch for axe-core rule %(rule)s: %(value)s. Use on or off.",
                rule=rule_id,
                value=switch,
            )
        )
    return value
