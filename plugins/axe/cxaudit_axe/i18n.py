"""The plugin's own message catalogs."""

from __future__ import annotations

from pathlib import Path

from cxaudit.i18n import plugin_domain

domain = plugin_domain(Path(__file__).parent / "translations")
_ = domain.gettext
ngettext = domain.ngettext
