"""Signing a test client in without going through the login form."""

from cxaudit.extensions import db
from cxaudit.models import Institution, Membership, Role, User

PASSWORD = "correct horse battery"


def add_user(app, login: str, memberships: dict[str, Role] | None = None, deployment_admin: bool = False) -> int:
    """Store a user with ``memberships`` (institution slug to role) and return its id."""
    with app.app_context():
        user = User(login=login, is_deployment_admin=deployment_admin)
        user.set_password(PASSWORD)
        for slug, role in (memberships or {}).items():
            institution = db.session.scalar(db.select(Institution).where(Institution.slug == slug))
            user.memberships.append(Membership(institution=institution, role=Role(role)))
        db.session.add(user)
        db.session.commit()
        return user.id


def sign_in(app, client, login: str = "audytor", memberships: dict[str, Role] | None = None) -> int:
    """Store a user and mark ``client``'s session as signed in as that user, as Flask-Login does.

    Without ``memberships`` the user is a deployment administrator, who may
    open everything; with them, the user is a member of those institutions only.
    """
    user_id = add_user(app, login, memberships, deployment_admin=memberships is None)
    sign_in_existing(app, client, user_id)
    return user_id


def sign_in_existing(app, client, user_id: int) -> None:
    with app.app_context(), app.test_request_context():
        session_id = db.session.get(User, user_id).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
