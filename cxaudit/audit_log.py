"""Recording administrative actions in the audit log, and naming them for people."""

from __future__ import annotations

import logging
from typing import Any

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import AuditEntry, Institution, User

logger = logging.getLogger(__name__)

# The actions the log records, each with its name on the log's page.
ACTIONS = {
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Failed sign-in"),
    "sign_in_blocked": _l("Sign-in blocked after too many attempts"),
    "sign_out": _l("Signed out"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset by a deployment administrator"),
    "user_added": _l("User added"),
    "user_deleted": _l("User account deleted"),
    "deployment_admin_granted": _l("Made deployment administrator"),
    "deployment_admin_revoked": _l("No longer deployment administrator"),
    "member_added": _l("Member added"),
    "member_role_changed": _l("Member's role changed"),
    "member_removed": _l("Member removed"),
    "token_created": _l("API token created"),
    "token_revoked": _l("API token revoked"),
    "institution_added": _l("Institution added"),
    "institution_exported": _l("Institution's data exported"),
    "institution_deleted": _l("Institution deleted with all its data"),
    "site_added": _l("Site added"),
    "survey_added": _l("Survey added"),
    "survey_changed": _l("Survey changed"),
    "survey_paused": _l("Survey paused"),
    "survey_activated": _l("Survey activated"),
    "funnel_added": _l("Funnel added"),
    "funnel_changed": _l("Funnel changed"),
    "funnel_deleted": _l("Funnel deleted"),
    "inquiries_imported": _l("Inquiries imported"),
    "inquiry_addresses_changed": _l("Own addresses for inquiries changed"),
    "inquiry_token_created": _l("Inquiries API token created"),
    "scan_started": _l("Scan started"),
    "scan_cancelled": _l("Scan cancelled"),
    "answers_exported": _l("Answers exported"),
    "scan_exported": _l("Scan exported"),
    "scorecard_downloaded": _l("Scorecard downloaded"),
}

ENTRIES_PAGE_SIZE = 200


def record(
    action: str,
    institution: Institution | int | None = None,
    target: str | None = None,
    actor: User | None = None,
    actor_login: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Store one entry and commit it.

    The actor defaults to the signed-in user. The entry gets its own commit,
    after the action's, so a failed action leaves no entry claiming it happened.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor else None,
        actor_login=actor.login if actor else actor_login,
        institution_id=institution.id if isinstance(institution, Institution) else institution,
        target=target[:255] if target else None,
        details=details,
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    db.session.commit()
    logger.info("Audit: %s by %s on %s (institution %s)", action, entry.actor_login, target, entry.institution_id)
    return entry


def action_name(action: str) -> str:
    name = ACTIONS.get(action)
    return str(name) if name is not None else action


def latest_entries(institution_id: int | None = None, action: str | None = None) -> list[AuditEntry]:
    """Return the newest entries, of one institution when given, else of all."""
    query = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc()).limit(ENTRIES_PAGE_SIZE)
    if institution_id is not None:
        query = query.where(AuditEntry.institution_id == institution_id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))
