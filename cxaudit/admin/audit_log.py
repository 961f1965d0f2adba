"""Admin views: the audit log of one institution, and of the whole deployment."""

from __future__ import annotations

from flask import render_template, request

from cxaudit.access import Permission, deployment_admin_required, requires
from cxaudit.admin import bp
from cxaudit.admin.institutions import get_institution_or_404
from cxaudit.audit_log import ACTIONS, action_name, latest_entries
from cxaudit.extensions import db
from cxaudit.models import Institution


@bp.get("/institutions/<slug>/audit-log")
@requires(Permission.MANAGE)
def institution_audit_log(slug: str) -> str:
    """Show the newest actions taken in one institution."""
    institution = get_institution_or_404(slug)
    return render_log(institution)


@bp.get("/audit-log")
@deployment_admin_required
def audit_log() -> str:
    """Show the newest actions of the deployment: every institution, sign-ins and accounts."""
    return render_log(None)


def render_log(institution: Institution | None) -> str:
    action = request.args.get("action") or None
    if action not in ACTIONS:
        action = None
    entries = latest_entries(institution.id if institution else None, action)
    institution_names = {} if institution else dict(db.session.execute(db.select(Institution.id, Institution.name)).all())
    return render_template(
        "admin/audit_log.html",
        institution=institution,
        entries=entries,
        action=action,
        actions={key: str(name) for key, name in ACTIONS.items()},
        action_name=action_name,
        institution_names=institution_names,
    )
