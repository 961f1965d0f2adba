"""Admin views: institutions."""

from cxaudit.admin import bp  # noqa: F401
