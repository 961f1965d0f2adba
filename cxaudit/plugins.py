"""Loading, validating and calling audit plugins."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from cxaudit import hookspecs

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "cxaudit"


class PluginLoadError(Exception):
    """A plugin could not be loaded; the message names the plugin and the fix."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str | None
    version: str | None
    hooks: list[str]


@dataclass(frozen=True)
class HookCall:
    """The result of one plugin's implementation of a hook: a list or an error."""

    plugin: str
    result: list[Any]
    error: BaseException | None = None


class PluginRegistry:
    """The plugins of one application, loaded from the ``cxaudit`` entry-point group."""

    def __init__(self, enabled: Iterable[str] | None = None) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self._entry_points: dict[str, EntryPoint] = {}
        self.enabled = set(enabled) if enabled is not None else None

    def load_entry_points(self) -> None:
        """Register every installed plugin, or only the enabled ones when a list is set."""
        found = {entry_point.name: entry_point for entry_point in entry_points(group=ENTRY_POINT_GROUP)}

        if self.enabled is not None:
            missing = sorted(self.enabled - found.keys())
            if missing:
                raise PluginLoadError(
                    lazy_ngettext(
                        "Plugin %(names)s is enabled in CXAUDIT_ENABLED_PLUGINS but not installed. "
                        "Installed plugins: %(installed)s. Install it or remove it from the setting.",
                        "Plugins %(names)s are enabled in CXAUDIT_ENABLED_PLUGINS but not installed. "
                        "Installed plugins: %(installed)s. Install them or remove them from the setting.",
                        len(missing),
                        names=", ".join(missing),
                        installed=", ".join(sorted(found)) or "-",
                    )
                )

        for name, entry_point in sorted(found.items()):
            if self.enabled is not None and name not in self.enabled:
                logger.info("Plugin %s is installed but not enabled", name)
                continue
            self.register(name, self._load(name, entry_point))
            self._entry_points[name] = entry_point

    def register(self, name: str, plugin: object) -> None:
        """Register ``plugin`` under ``name``, rejecting hooks that do not match a spec."""
        try:
            self.manager.register(plugin, name=name)
        except pluggy.PluginValidationError as error:
            raise PluginLoadError(
                _l(
                    "Plugin %(name)s implements a hook with arguments cxaudit does not know: %(error)s. "
                    "Rename the arguments to those documented in cxaudit.hookspecs.",
                    name=name,
                    error=str(error),
                )
            ) from error

        unknown = [
            hook.name
            for hook in vars(self.manager.hook).values()
            if isinstance(hook, pluggy.HookCaller)
            and not hook.has_spec()
            and any(implementation.plugin_name == name for implementation in hook.get_hookimpls())
        ]
        if unknown:
            self.manager.unregister(name=name)
            raise PluginLoadError(
                _l(
                    "Plugin %(name)s implements %(hook)s, which is not a cxaudit hook. "
                    "Check the name against cxaudit.hookspecs or upgrade cxaudit.",
                    name=name,
                    hook=", ".join(sorted(set(unknown))),
                )
            )

    def _load(self, name: str, entry_point: EntryPoint) -> object:
        try:
            return entry_point.load()
        except Exception as error:
            raise PluginLoadError(
                _l(
                    "Plugin %(name)s (%(target)s) failed to import: %(error)s. "
                    "Reinstall it or remove it from the environment.",
                    name=name,
                    target=entry_point.value,
                    error=str(error),
                )
            ) from error

    def infos(self) -> list[PluginInfo]:
        """Describe the registered plugins: name, distribution, version and hooks."""
        infos = []
        for name, plugin in sorted(self.manager.list_name_plugin()):
            entry_point = self._entry_points.get(name)
            distribution = entry_point.dist if entry_point else None
            hooks = sorted(caller.name for caller in self.manager.get_hookcallers(plugin) or [])
            infos.append(
                PluginInfo(
                    name=name,
                    distribution=distribution.name if distribution else None,
                    version=distribution.version if distribution else None,
                    hooks=hooks,
                )
            )
        return infos

    def call_each(self, hook_name: str, **kwargs: Any) -> Iterator[HookCall]:
        """Call every implementation of ``hook_name`` on its own, isolating failures.

        pluggy would abort the whole call on the first exception; an audit
        that raises must instead be recorded and the others must still run.
        """
        caller = getattr(self.manager.hook, hook_name)
        for implementation in reversed(caller.get_hookimpls()):
            arguments = {name: kwargs[name] for name in implementation.argnames}
            try:
                result = _as_list(implementation.function(**arguments), hook_name)
            except Exception as error:
                logger.exception("Plugin %s failed in %s", implementation.plugin_name, hook_name)
                yield HookCall(plugin=implementation.plugin_name, result=[], error=error)
                continue
            yield HookCall(plugin=implementation.plugin_name, result=result)


def _as_list(result: Any, hook_name: str) -> list[Any]:
    """Return a hook's result as a list; anything but a list, a tuple or None breaks the return convention.

    :raises TypeError: naming the hook and what it returned, such as one
        AuditFinding outside a list.
    """
    if result is None:
        return []
    if not isinstance(result, (list, tuple)):
        raise TypeError(f"{hook_name} returned {type(result).__name__}, not a list")
    return list(result)
