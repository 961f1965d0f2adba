"""Admin views: surveys."""

from cxaudit.admin import bp  # noqa: F401
