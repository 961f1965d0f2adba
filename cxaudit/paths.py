"""Locations of the project files that live beside the package.

cxaudit runs from its checkout (``make run`` installs it in editable mode), so
the widget sources and the Babel catalogs are read from the project root
rather than copied into the package.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
WIDGETS_DIR = PROJECT_ROOT / "widgets"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
