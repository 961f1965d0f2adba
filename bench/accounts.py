"""What accounts cost per request: the access check and a password check.

1. The access check: the median time of GET on a survey's answers page for a
   member of the institution, whose request resolves and checks every view
   argument. The peer figure is the same request by a deployment
   administrator, whose requests skip the check.
2. A sign-in's password check with scrypt (werkzeug 3 default, the method
   cxaudit stores) against PBKDF2-SHA256 (werkzeug's previous default) as the
   peer figure.

Run from the project root: ``.venv/bin/python bench/accounts.py``. It uses a
temporary SQLite database and the Flask test client, so no server and no
network are involved. The last line is ``RESULT name=value ...``.
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Institution, Membership, Response, Role, Survey, SurveyKind, User

REQUESTS = 300
PASSWORD_CHECKS = 20
PASSWORD = "correct horse battery"


def build_app(folder: Path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "HUEY_SQLITE_PATH": str(folder / "jobs.db"),
            "ENABLED_PLUGINS": ["axe"],
        }
    )
    with app.app_context():
        upgrade_database()
    return app


def store_data(app) -> tuple[str, dict[str, int]]:
    """Store an institution with a survey of 100 answers, a member and a deployment administrator."""
    with app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum", default_language="en")
        survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=[])
        for score in range(100):
            survey.responses.append(Response(score=score % 11, language="en"))
        member = User(login="member")
        member.memberships.append(Membership(institution=institution, role=Role.EDITOR))
        admin = User(login="root", is_deployment_admin=True)
        for user in (member, admin):
            user.set_password(PASSWORD)
        db.session.add_all([institution, survey, member, admin])
        db.session.commit()
        return f"/institutions/muzeum/surveys/{survey.public_id}/answers", {"member": member.id, "root": admin.id}


def signed_in_client(app, user_id: int):
    client = app.test_client()
    with app.test_request_context():
        session_id = db.session.get(User, user_id).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    return client


def median_request_ms(clients: dict[str, object], path: str) -> dict[str, float]:
    """Time GET ``path`` for each client, alternating clients so that load
    from other processes hits both alike, and return each median in ms."""
    durations: dict[str, list[float]] = {name: [] for name in clients}
    for _warm_up in range(10):
        for client in clients.values():
            client.get(path)
    for _request in range(REQUESTS):
        for name, client in clients.items():
            start = time.perf_counter()
            response = client.get(path)
            durations[name].append(time.perf_counter() - start)
            if response.status_code != 200:
                sys.exit(f"GET {path} as {name} returned {response.status_code}")
    return {name: statistics.median(values) * 1000 for name, values in durations.items()}


def median_password_check_ms(method: str) -> float:
    stored = generate_password_hash(PASSWORD, method=method)
    durations = []
    for _check in range(PASSWORD_CHECKS):
        start = time.perf_counter()
        check_password_hash(stored, PASSWORD)
        durations.append(time.perf_counter() - start)
    return statistics.median(durations) * 1000


def main() -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        path, users = store_data(app)
        clients = {name: signed_in_client(app, user_id) for name, user_id in users.items()}
        medians = median_request_ms(clients, path)
        member_ms, admin_ms = medians["member"], medians["root"]
        with app.app_context():
            db.engine.dispose()

    scrypt_ms = median_password_check_ms("scrypt")
    pbkdf2_ms = median_password_check_ms("pbkdf2:sha256")

    print(f"answers page, member with access check: median {member_ms:.2f} ms over {REQUESTS} requests")
    print(f"answers page, deployment administrator (check skipped, peer): median {admin_ms:.2f} ms")
    print(f"access check overhead: {member_ms - admin_ms:.2f} ms per request")
    print(f"password check, scrypt: median {scrypt_ms:.1f} ms; PBKDF2-SHA256 (peer): median {pbkdf2_ms:.1f} ms")
    print(
        f"RESULT access_check_ms={member_ms - admin_ms:.2f} member_request_ms={member_ms:.2f} "
        f"admin_request_ms={admin_ms:.2f} scrypt_check_ms={scrypt_ms:.1f} pbkdf2_check_ms={pbkdf2_ms:.1f}"
    )


if __name__ == "__main__":
    main()
