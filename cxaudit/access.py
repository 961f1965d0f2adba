"""Who may do what in which institution, checked on every admin view and API call.

A member of an institution has one role there; the role grants permissions:

=========  ====  =======  =====  ======
role       VIEW  SURVEYS  SCANS  MANAGE
=========  ====  =======  =====  ======
viewer     yes
editor     yes   yes
auditor    yes            yes
admin      yes   yes      yes    yes
=========  ====  =======  =====  ======

A deployment administrator has every permission in every institution and
alone manages institutions and accounts.

Objects of an institution the user is not a member of return 404, exactly
as an id that does not exist, so ids cannot be probed. A member whose role
lacks the permission gets 403: the institution is no secret to a member.
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Callable, Iterable

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Role, Scan, Site, User

logger = logging.getLogger(__name__)


class Permission(enum.StrEnum):
    VIEW = "view"  # the institution's page and scorecard
    SURVEYS = "surveys"  # add and edit surveys, read and export answers
    SCANS = "scans"  # start scans, read and export them, API tokens
    MANAGE = "manage"  # sites, members and the audit log


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.VIEW}),
    Role.EDITOR: frozenset({Permission.VIEW, Permission.SURVEYS}),
    Role.AUDITOR: frozenset({Permission.VIEW, Permission.SCANS}),
    Role.ADMIN: frozenset(Permission),
}

# View arguments that never identify stored data.
INERT_ARGS = frozenset({"fmt"})

# Marker set on every view function guarded here; a test checks that every
# admin view carries one.
ACCESS_MARKER = "cxaudit_access"


def user_can(user: User, permission: Permission, institution_id: int | None) -> bool:
    """Tell whether ``user`` has ``permission`` in the institution.

    ``institution_id`` None stands for data that belongs to no institution
    (a scan of an unregistered address): only deployment administrators see it.
    """
    if user.is_deployment_admin:
        return True
    if institution_id is None:
        return False
    role = user.role_in(institution_id)
    return role is not None and permission in ROLE_PERMISSIONS[role]


def institution_ids_with(user: User, permission: Permission) -> set[int] | None:
    """Return the ids of the institutions where ``user`` has ``permission``.
    None means all of them (a deployment administrator)."""
    if user.is_deployment_admin:
        return None
    return {m.institution_id for m in user.memberships if permission in ROLE_PERMISSIONS[m.role]}


def visible_institutions(user: User, permission: Permission = Permission.VIEW) -> list[Institution]:
    query = select(Institution).order_by(Institution.name)
    allowed = institution_ids_with(user, permission)
    if allowed is not None:
        query = query.where(Institution.id.in_(allowed))
    return list(db.session.scalars(query))


# --- Finding the institution a view argument belongs to ----------------------


def institution_of_slug(slug: str) -> int | None:
    return db.session.scalar(select(Institution.id).where(Institution.slug == slug))


def institution_of_scan(scan_id: int) -> int | None:
    return db.session.scalar(select(Site.institution_id).join(Scan, Scan.site_id == Site.id).where(Scan.id == scan_id))


def scan_exists(scan_id: int) -> bool:
    return db.session.get(Scan, scan_id) is not None


def institution_of_site(site_id: int) -> int | None:
    return db.session.scalar(select(Site.institution_id).where(Site.id == site_id))


# Each entry: the view argument, how to find its institution, and how to tell
# whether the object exists at all (for objects that may belong to none).
RESOLVERS: dict[str, tuple[Callable[[object], int | None], Callable[[object], bool] | None]] = {
    "slug": (institution_of_slug, None),
    "scan_id": (institution_of_scan, scan_exists),
    "site_id": (institution_of_site, None),
}


def register_resolver(
    argument: str, institution_of: Callable[[object], int | None], exists: Callable[[object], bool] | None = None
) -> None:
    """Teach the access check a new view argument naming stored data."""
    RESOLVERS[argument] = (institution_of, exists)


def check_view_arguments(user: User, permission: Permission, arguments: dict, scoped: Iterable[str]) -> None:
    """Abort with 404 or 403 unless ``user`` has ``permission`` for every object the arguments name."""
    if user.is_deployment_admin:
        # Everything is open to them, and the view explains a missing object.
        return
    for name, value in arguments.items():
        if name in INERT_ARGS or name in scoped:
            continue
        if name not in RESOLVERS:
            # Fail closed: a view with an argument that no resolver covers
            # opens to deployment administrators only.
            logger.error("No access rule for view argument %r of %s", name, request.endpoint)
            abort(404)
        institution_of, exists = RESOLVERS[name]
        institution_id = institution_of(value)
        if institution_id is None and (exists is None or not exists(value)):
            abort(404)
        check_institution(user, permission, institution_id)


def scan_or_404(scan_id: int, permission: Permission = Permission.SCANS) -> Scan:
    """Return the scan when the current user has ``permission`` in its
    institution; abort with 404 (or 403 for a member without the permission).

    For views that take scan ids from the query string, which the
    decorators do not see.
    """
    scan = db.session.get(Scan, scan_id)
    if scan is None:
        abort(404)
    check_institution(current_user, permission, scan.site.institution_id if scan.site else None)
    return scan


def check_institution(user: User, permission: Permission, institution_id: int | None) -> None:
    if user_can(user, permission, institution_id):
        return
    is_member = institution_id is not None and user.role_in(institution_id) is not None
    abort(403 if is_member else 404)


# --- Decorators -----------------------------------------------------------


def requires(permission: Permission, scoped: Iterable[str] = ()) -> Callable:
    """Let a signed-in user in only with ``permission`` in the institution of
    every object the view's arguments name.

    ``scoped`` lists arguments the view itself looks up inside the
    institution named by ``slug`` (a survey's public id, a member's id), so
    they need no check of their own.
    """
    scoped = frozenset(scoped)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            check_view_arguments(current_user, permission, request.view_args or {}, scoped)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_MARKER, permission)
        return login_required(guarded)

    return decorate


def deployment_admin_required(view: Callable) -> Callable:
    """Let only deployment administrators in; others get 403."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_deployment_admin:
            abort(403)
        return view(*args, **kwargs)

    setattr(guarded, ACCESS_MARKER, "deployment")
    return login_required(guarded)


def signed_in(view: Callable) -> Callable:
    """Let any signed-in user in: for views that show only the user's own
    data or filter by the user's memberships themselves."""
    setattr(view, ACCESS_MARKER, "signed-in")
    return login_required(view)


def can(permission: str, institution: Institution | None) -> bool:
    """Template helper: may the current user do this in the institution?"""
    if not current_user.is_authenticated:
        return False
    return user_can(current_user, Permission(permission), institution.id if institution else None)

