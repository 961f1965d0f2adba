"""Signing a test client in without going through the login form."""

from cxaudit.extensions import db
from cxaudit.models import Role, User

PASSWORD = "correct horse battery"


def sign_in(app, client, login: str = "audytor", role: Role = Role.AUDITOR) -> None:
    """Store a user and mark ``client``'s session as signed in as that user, as Flask-Login does."""
    with app.app_context():
        user = User(login=login, role=role)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        user_id = user.id
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
