"""Admin views: session."""

from cxaudit.admin import bp  # noqa: F401
