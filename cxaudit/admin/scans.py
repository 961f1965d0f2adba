"""Admin views: scans."""

from cxaudit.admin import bp  # noqa: F401
