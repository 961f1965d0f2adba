"""Signing in to the admin UI, and the user accounts behind it.

Passwords are hashed with scrypt, werkzeug's default method (salted, memory
hard); a hash of an older method is replaced at the next sign-in. The
session cookie is HttpOnly and SameSite=Lax, and Secure when the request came
over HTTPS or the setting SESSION_COOKIE_SECURE is true (behind a proxy that
ends TLS). A session names the user and a fingerprint of the password hash,
so changing the password signs out every other session.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from cxaudit.extensions import db, login_manager
from cxaudit.models import ApiToken, AuditEntry, Institution, Membership, Role, User
from cxaudit.models.base import utcnow

MIN_PASSWORD_LENGTH = 8
API_TOKEN_PREFIX = "cxa_"


class AccountError(ValueError):
    """A user account cannot be created or changed as requested; the message is translated."""


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.session_interface = SessionCookies()

    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"


# --- Sessions ----------------------------------------------------------------


def session_id(user: User) -> str:
    """Return what the session stores to name ``user``: the id and a
    fingerprint of the password hash, which a new password invalidates."""
    return f"{user.id}:{password_fingerprint(user)}"


def password_fingerprint(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:20]


@login_manager.user_loader
def load_user(stored_id: str) -> User | None:
    user_id, _separator, fingerprint = stored_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(fingerprint, password_fingerprint(user)):
        return None
    return user


# --- Users -------------------------------------------------------------------


def find_user(login: str) -> User | None:
    """Return the user with this login, or None."""
    return db.session.scalar(select(User).where(User.login == login))


def authenticate(login: str, password: str) -> User | None:
    """Return the user when the login exists and the password matches, else None.

    A missing login and a wrong password give the same result, so callers
    cannot reveal which of the two was wrong.
    """
    user = find_user(login.strip())
    if user is None:
        # Hash anyway, so the response time does not tell a missing login
        # from a wrong password either.
        check_password_hash(_unknown_user_hash(), password)
        return None
    if not user.check_password(password):
        return None
    if user.password_needs_rehash():
        user.set_password(password)
        db.session.commit()
    return user


@functools.cache
def _unknown_user_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(12))


def create_user(
    login: str,
    password: str,
    deployment_admin: bool = False,
    memberships: dict[Institution, Role | str] | None = None,
) -> User:
    """Store a new user with a hashed password and its memberships, and return it.

    Raises AccountError when the login is empty or taken or the password is
    shorter than MIN_PASSWORD_LENGTH; nothing is stored then.
    """
    login = login.strip()
    if not login:
        raise AccountError(_("The login is empty. Give a login such as anna.kowalska."))
    if len(login) > 64:
        raise AccountError(_("The login %(login)s is longer than 64 characters. Choose a shorter one.", login=login))
    if find_user(login) is not None:
        raise AccountError(_("A user with the login %(login)s already exists. Choose another login.", login=login))
    check_password_strength(password)

    user = User(login=login, is_deployment_admin=deployment_admin)
    user.set_password(password)
    for institution, role in (memberships or {}).items():
        user.memberships.append(Membership(institution=institution, role=Role(role)))
    db.session.add(user)
    db.session.commit()
    return user


def set_membership(user: User, institution: Institution, role: Role | str) -> Membership:
    """Give ``user`` the role in the institution, adding the membership when missing."""
    membership = find_membership(user.id, institution.id)
    if membership is None:
        membership = Membership(user=user, institution=institution, role=Role(role))
        db.session.add(membership)
    else:
        membership.role = Role(role)
    db.session.commit()
    return membership


def find_membership(user_id: int, institution_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.institution_id == institution_id)
    )


def institution_admins(institution_id: int) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership).where(Membership.institution_id == institution_id, Membership.role == Role.ADMIN)
        )
    )


def check_keeps_an_admin(membership: Membership, new_role: Role | None) -> None:
    """Refuse to demote or remove the institution's last admin, which would
    leave it to the deployment administrators alone."""
    if membership.role is not Role.ADMIN or new_role is Role.ADMIN:
        return
    if len(institution_admins(membership.institution_id)) <= 1:
        raise AccountError(
            _(
                "%(login)s is the only admin of this institution. Make another member admin first.",
                login=membership.user.login,
            )
        )


def deployment_admin_count() -> int:
    return len(db.session.scalars(select(User.id).where(User.is_deployment_admin.is_(True))).all())


def check_user_deletable(user: User, acting_user: User | None = None) -> None:
    """Raise AccountError when deleting ``user`` would lock people out.

    A user cannot delete their own account, the last deployment
    administrator is kept, and every institution keeps an admin.
    """
    if acting_user is not None and acting_user.id == user.id:
        raise AccountError(_("You cannot delete your own account. Ask another deployment administrator."))
    if user.is_deployment_admin and deployment_admin_count() <= 1:
        raise AccountError(
            _("%(login)s is the only deployment administrator. Name another one first.", login=user.login)
        )
    sole_admin_of = [
        membership.institution.name
        for membership in user.memberships
        if membership.role is Role.ADMIN and len(institution_admins(membership.institution_id)) <= 1
    ]
    if sole_admin_of:
        raise AccountError(
            _(
                "%(login)s is the only admin of %(institutions)s. Make another member admin there first.",
                login=user.login,
                institutions=", ".join(sole_admin_of),
            )
        )


def delete_user(user: User) -> None:
    """Delete ``user`` with their memberships; call check_user_deletable first.

    Audit entries keep the login they were written with and lose only the
    link to the account, so they still name who acted. API tokens the user
    created belong to their institution and keep working.
    """
    db.session.execute(update(AuditEntry).where(AuditEntry.actor_id == user.id).values(actor_id=None))
    db.session.execute(update(ApiToken).where(ApiToken.created_by_id == user.id).values(created_by_id=None))
    db.session.delete(user)
    db.session.commit()


def check_password_strength(password: str) -> None:
    """Raise AccountError when the password is shorter than MIN_PASSWORD_LENGTH."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password is too short: use at least %(minimum)d characters.", minimum=MIN_PASSWORD_LENGTH)
        )


def generate_password() -> str:
    """Return a random password of 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def any_user_exists() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


# --- API tokens ----------------------------------------------------------------


def hash_token_secret(secret: str) -> str:
    # A token secret is 256 random bits, so a fast hash is enough. The secret
    # cannot be recovered from it, and checking it costs little per API call.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(institution: Institution, name: str, created_by: User | None) -> tuple[ApiToken, str]:
    """Store a new token of the institution and return it with its secret, which is not stored."""
    name = name.strip()
    if not name:
        raise AccountError(_("The token's name is empty. Name it after where it is used, such as “CI of the main site”."))
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        institution=institution,
        name=name[:100],
        secret_hash=hash_token_secret(secret),
        prefix=secret[: len(API_TOKEN_PREFIX) + 6],
        created_by=created_by,
    )
    db.session.add(token)
    db.session.commit()
    return token, secret


def find_active_token(secret: str) -> ApiToken | None:
    """Return the unrevoked token with this secret, or None."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == hash_token_secret(secret)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def revoke_api_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()


# --- Redirects -----------------------------------------------------------------


def is_same_site_path(target: str | None) -> bool:
    """Tell whether ``target`` is a path on this site, safe to redirect to after sign-in.

    Only absolute paths qualify: no scheme, no host, no leading ``//`` or
    backslash, and no control characters, because browsers drop tabs and
    newlines and would then read ``/<TAB>/host`` as another host.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(character) < 0x20 or character == "\x7f" for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
