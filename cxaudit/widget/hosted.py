"""The hosted survey page ``/s/PUBLIC_ID``: the survey as a page of its own
for e-mail links, posters and tickets, and with ``?kiosk=1`` for a tablet at
the exit that starts again after each answer and loads without network
(``widgets/kiosk.js`` and its service worker ``widgets/kiosk-sw.js``).

The page loads the same widget script in inline mode, so it behaves and is
tested like the snippet. It never touches the Flask session: its language
comes from ``?lang=`` or the browser, and it sets no cookie.
"""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import abort, render_template, request, url_for
from flask_babel import force_locale

from cxaudit.api.language import response_language, widget_languages
from cxaudit.api.surveys import find_active_survey
from cxaudit.paths import WIDGETS_DIR
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
            kiosk_precache=kiosk_precache(survey.public_id, language) if kiosk else [],
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


def kiosk_precache(public_id: str, language: str) -> list[str]:
    """Return what the kiosk page loads besides itself, for its offline cache."""
    return [
        url_for("widget.hosted_styles"),
        url_for("widget.widget_script"),
        url_for("api.survey_config", public_id=public_id, lang=language),
    ]


def kiosk_script_response(name: str) -> FlaskResponse:
    response = FlaskResponse((WIDGETS_DIR / name).read_bytes(), mimetype="text/javascript")
    # Browsers compare the worker script with the server's at each visit;
    # no-cache keeps caches between them from returning an old copy.
    response.cache_control.no_cache = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/s/kiosk.js")
def kiosk_script() -> FlaskResponse:
    """Serve the script that lets the kiosk page load offline."""
    return kiosk_script_response("kiosk.js")


@bp.get("/s/kiosk-sw.js")
def kiosk_worker() -> FlaskResponse:
    """Serve the kiosk's service worker; its default scope is ``/s/``, and the
    kiosk page narrows it to its own path."""
    return kiosk_script_response("kiosk-sw.js")
