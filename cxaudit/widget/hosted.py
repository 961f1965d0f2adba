"""The hosted survey page ``/s/PUBLIC_ID``: the survey as a page of its own
for e-mail links, posters and tickets, and with ``?kiosk=1`` for a tablet at
the exit that starts again after each answer.

The page loads the same widget script in inline mode, so it behaves and is
tested like the snippet. It never touches the Flask session: its language
comes from ``?lang=`` or the browser, and it sets no cookie.
"""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import abort, render_template, request
from flask_babel import force_locale

from cxaudit.api.language import response_language, widget_languages
from cxaudit.api.surveys import find_active_survey
from cxaudit.widget import bp

# Only this server's own script, style sheet and API: no inline code at all.
HOSTED_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


@bp.get("/s/<public_id>")
def hosted_survey(public_id: str) -> FlaskResponse:
    """Show an active survey on a page of its own, in the visitor's language."""
    survey = find_active_survey(public_id)
    if survey is None:
        abort(404)
    language = response_language(request.args.get("lang"))
    kiosk = request.args.get("kiosk") == "1"
    with force_locale(language):
        html = render_template(
            "hosted/survey.html",
            survey=survey,
            language=language,
            languages=widget_languages(),
            kiosk=kiosk,
            preview=request.args.get("preview") == "1",
        )
    response = FlaskResponse(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = HOSTED_PAGE_CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/s/hosted.css")
def hosted_styles() -> FlaskResponse:
    response = FlaskResponse(render_template("hosted/hosted.css"), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
