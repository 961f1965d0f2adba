"""Settings that differ between a site's latest finished scan and the one before.

Audit dimensions compare the latest scan of each site with the previous one.
When the two scans started at another address, crawled another scope, had
another page limit or ran another axe-core rule selection, they measured
different things, so a change in score does not show a change in the site. The
scorecard then names the setting that changed and shows no change for those
dimensions.

A setting that one of the two scans did not store (a scan made before the
setting existed) is not compared, because its value is unknown.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cxaudit.models import Institution, Scan
from cxaudit.scorecard.sections import latest_scans, previous_scans

# Stored scan settings that decide what a scan measures, with their labels.
COMPARED_SETTINGS = {
    "scope": _l("scope"),
    "include": _l("included paths"),
    "exclude": _l("excluded paths"),
    "max_depth": _l("link depth limit"),
    "max_pages": _l("page limit"),
    "axe_tags": _l("selected axe-core tags"),
    "axe_rules": _l("axe-core rules switched on or off by id"),
}
START_ADDRESS = "url"
START_ADDRESS_LABEL = _l("start address")


@dataclass(frozen=True)
class SettingChange:
    """One setting of a site's scan that changed since the previous scan, with both values as text."""

    site: str
    setting: str
    label: str
    before: str
    after: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def scan_setting_changes(institution: Institution) -> list[SettingChange]:
    """Return the settings that differ between each site's latest finished scan and the previous one.

    Labels are translated in the current locale.
    """
    previous_by_site = {scan.site_id: scan for scan in previous_scans(institution)}
    changes = []
    for latest in sorted(latest_scans(institution), key=lambda scan: scan.id):
        previous = previous_by_site.get(latest.site_id)
        if previous is not None:
            changes.extend(_differences(previous, latest))
    return changes


def _differences(previous: Scan, latest: Scan) -> list[SettingChange]:
    site = latest.site.base_url if latest.site else latest.url
    changes = []
    if previous.url != latest.url:
        changes.append(SettingChange(site, START_ADDRESS, str(START_ADDRESS_LABEL), previous.url, latest.url))

    before_settings, after_settings = previous.settings or {}, latest.settings or {}
    for key, label in COMPARED_SETTINGS.items():
        if key not in before_settings or key not in after_settings:
            continue
        before, after = _text(before_settings[key]), _text(after_settings[key])
        if before != after:
            changes.append(SettingChange(site, key, str(label), before, after))
    return changes


def _text(value: Any) -> str:
    """Write a stored setting the same way whatever its order, so only real changes differ."""
    if isinstance(value, dict):
        value = [f"{key}={'on' if enabled else 'off'}" for key, enabled in value.items()]
    if isinstance(value, list | tuple):
        value = ", ".join(sorted(str(item) for item in value))
    if value is None or value == "":
        return _("none")
    return str(value)
