"""Loading plugins: broken ones are rejected at start-up with the fix, and the
enabled list loads only the plugins it names."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from cxaudit import plugins as plugins_module
from cxaudit.audit import AuditFinding
from cxaudit.hookspecs import hookimpl
from cxaudit.plugins import PluginLoadError, PluginRegistry
from plugins.broken import UnknownHook, WrongArgument


def installed(monkeypatch, *entry_points: EntryPoint) -> None:
    """Make these entry points, plus the real installed ones, what cxaudit discovers."""
    real = list(plugins_module.entry_points(group=plugins_module.ENTRY_POINT_GROUP))
    monkeypatch.setattr(plugins_module, "entry_points", lambda group: [*real, *entry_points])


def entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=plugins_module.ENTRY_POINT_GROUP)


def test_unknown_hook_rejected():
    registry = PluginRegistry()
    with pytest.raises(PluginLoadError) as error:
        registry.register("typo", UnknownHook())
    message = str(error.value)
    assert "typo" in message
    assert "cxaudit_page_audits" in message
    assert "cxaudit.hookspecs" in message


def test_rejected_plugin_is_not_kept():
    registry = PluginRegistry()
    with pytest.raises(PluginLoadError):
        registry.register("typo", UnknownHook())
    assert [info.name for info in registry.infos()] == []


def test_wrong_argument_rejected():
    registry = PluginRegistry()
    with pytest.raises(PluginLoadError) as error:
        registry.register("wrong-argument", WrongArgument())
    message = str(error.value)
    assert "wrong-argument" in message
    assert "browser" in message


def test_failing_import_rejected(monkeypatch):
    installed(monkeypatch, entry_point("failing", "plugins.failing_import"))
    with pytest.raises(PluginLoadError) as error:
        PluginRegistry().load_entry_points()
    message = str(error.value)
    assert "failing" in message
    assert "plugins.failing_import" in message
    assert "needs a library that is not installed" in message


def test_enabled_list_loads_only_named(monkeypatch):
    installed(monkeypatch, entry_point("example", "plugins.example:SiteTitle"))
    registry = PluginRegistry(enabled=["axe"])
    registry.load_entry_points()
    assert [info.name for info in registry.infos()] == ["axe"]


def test_enabled_but_missing_named(monkeypatch):
    installed(monkeypatch)
    with pytest.raises(PluginLoadError) as error:
        PluginRegistry(enabled=["axe", "absent-two", "absent-one"]).load_entry_points()
    message = str(error.value)
    assert "absent-one, absent-two" in message
    assert "Installed plugins: axe" in message


def test_app_start_rejects_broken_plugin(monkeypatch, make_app):
    installed(monkeypatch, entry_point("failing", "plugins.failing_import"))
    with pytest.raises(PluginLoadError):
        make_app(ENABLED_PLUGINS=None)


def test_infos_give_distribution_version(monkeypatch):
    registry = PluginRegistry()
    registry.load_entry_points()
    axe = next(info for info in registry.infos() if info.name == "axe")
    assert axe.distribution == "cxaudit-axe"
    assert axe.version
    assert "cxaudit_page_audit" in axe.hooks


class ReturnsOneFinding:
    """A page audit that returns one AuditFinding instead of a list of them."""

    @hookimpl
    def cxaudit_page_audit(self):
        return AuditFinding(rule="museum-hours", outcome="violation")


def test_result_outside_a_list_is_the_plugins_error():
    registry = PluginRegistry([])
    registry.register("one-finding", ReturnsOneFinding())

    (call,) = registry.call_each("cxaudit_page_audit", page=None)

    assert call.result == []
    assert isinstance(call.error, TypeError)
    assert str(call.error) == "cxaudit_page_audit returned AuditFinding, not a list"
