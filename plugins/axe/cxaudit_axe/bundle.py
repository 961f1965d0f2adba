"""Facts read from the axe-core script that axe-selenium-python bundles."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import axe_selenium_python

AXE_SCRIPT = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
VERSION_HEADER = re.compile(r"axe v(\d+\.\d+\.\d+\S*)")

# In the minified bundle every rule is an object literal that starts with its
# id and names its tags before the next object. Checks start the same way but
# have no tags, and the rule list starts at "rules:[". A test compares the
# result with axe.getRules() in Chromium, which catches a bundle that breaks
# this pattern.
RULES_START = 'rules:[{id:"'
OBJECT_START = '{id:"'
RULE_ID = re.compile(r'([\w-]+)"')
RULE_TAGS = re.compile(r"tags:\[([^\]]*)\]")


@cache
def axe_source() -> str:
    """Return the text of the bundled ``axe.min.js``."""
    return AXE_SCRIPT.read_text(encoding="utf-8")


@cache
def bundled_axe_version() -> str:
    """Read the axe-core version from the banner of the bundled ``axe.min.js``."""
    match = VERSION_HEADER.search(axe_source()[:200])
    if not match:
        raise RuntimeError(f"No axe-core version in the banner of {AXE_SCRIPT}")
    return match.group(1)


@cache
def bundled_rules() -> dict[str, tuple[str, ...]]:
    """Return every rule id of the bundled axe-core with its tags."""
    source = axe_source()
    start = source.find(RULES_START)
    if start < 0:
        raise RuntimeError(f"No rule list found in {AXE_SCRIPT}")

    rules: dict[str, tuple[str, ...]] = {}
    for chunk in source[start:].split(OBJECT_START)[1:]:
        rule_id = RULE_ID.match(chunk)
        tags = RULE_TAGS.search(chunk)
        if rule_id and tags:
            rules[rule_id.group(1)] = tuple(tag.strip().strip('"') for tag in tags.group(1).split(","))
    return rules


def bundled_tags() -> set[str]:
    """Return every tag that at least one bundled rule carries."""
    return {tag for tags in bundled_rules().values() for tag in tags}
