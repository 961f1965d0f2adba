"""Admin UI: institutions, sites, surveys, scans and users.

Each area adds its routes to this blueprint from its own module.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from cxaudit.admin import audit_log, funnels, history, inquiries, institutions, privacy, scans, session, surveys, tokens, users  # noqa: E402,F401  (route modules)
