"""Public JSON API called by the survey widget from other sites.

The API is called cross-origin without cookies, so it is exempt from CSRF
protection and never touches the Flask session: every endpoint picks its
language with ``force_locale`` instead of the session-backed locale selector.
"""

from flask import Blueprint

from cxaudit.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from cxaudit.api import cors, events, inquiries, storage, surveys  # noqa: E402,F401  (hooks and route modules)
from cxaudit.api.limits import init_limits  # noqa: E402


@bp.record_once
def _limit_requests(state) -> None:
    init_limits(state.app, bp)
