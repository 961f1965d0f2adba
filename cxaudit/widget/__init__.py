"""Serves the widget JavaScript that the one-line snippet loads."""

from flask import Blueprint
from flask import Response as FlaskResponse
from flask import send_from_directory

from cxaudit.paths import WIDGETS_DIR

bp = Blueprint("widget", __name__, url_prefix="/widget")

# Short enough that a fixed widget reaches every site within minutes, long
# enough that a visitor's later pages reuse the cached script.
SCRIPT_MAX_AGE_SECONDS = 300


@bp.get("/v1.js")
def widget_script() -> FlaskResponse:
    """Serve ``widgets/v1.js`` to any site, cacheable and without cookies."""
    response = send_from_directory(
        WIDGETS_DIR, "v1.js", mimetype="text/javascript", max_age=SCRIPT_MAX_AGE_SECONDS
    )
    response.cache_control.public = True
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
