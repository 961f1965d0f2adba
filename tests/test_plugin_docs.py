"""The plugin guide documents every hook cxaudit defines."""

import inspect
from pathlib import Path

from cxaudit import hookspecs

PLUGIN_GUIDE = Path(__file__).parents[1] / "docs" / "plugins.md"


def hook_names() -> list[str]:
    return [
        name
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("cxaudit_")
    ]


def test_every_hook_has_a_section():
    guide = PLUGIN_GUIDE.read_text(encoding="utf-8")
    undocumented = [name for name in hook_names() if f"### `{name}(" not in guide]
    assert undocumented == []


def test_every_hook_has_an_example():
    guide = PLUGIN_GUIDE.read_text(encoding="utf-8")
    sections = guide.split("### `")[1:]
    without_example = [section.split("(")[0] for section in sections if "@hookimpl" not in section]
    assert without_example == []


def test_hooks_are_found():
    assert "cxaudit_page_audit" in hook_names()
