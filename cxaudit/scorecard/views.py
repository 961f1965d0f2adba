"""Scorecard routes: the page in the browser and its downloads (PDF, HTML, JSON, CSV, XLSX, ODS)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _

from cxaudit import audit_log
from cxaudit.access import Permission, requires
from cxaudit.forms import InvalidValue
from cxaudit.models import Institution
from cxaudit.scorecard.data import Scorecard, build_scorecard
from cxaudit.scorecard.periods import Period, parse_period
from cxaudit.scorecard.render import (
    FORMATS,
    MEDIA_TYPES,
    download_filename,
    find_institution,
    render,
    render_html,
    scorecard_language,
    unknown_language_message,
)

bp = Blueprint("scorecard", __name__)


@bp.get("/institutions/<slug>/scorecard")
@requires(Permission.VIEW)
def show(slug: str) -> str:
    """Show the scorecard with links to its downloads."""
    return render_html(_requested_scorecard(slug), show_downloads=True)


@bp.get("/institutions/<slug>/scorecard.<fmt>")
@requires(Permission.VIEW)
def download(slug: str, fmt: str) -> Response:
    """Send the scorecard as an attachment named after the institution and the period, see download_filename."""
    if fmt not in FORMATS:
        abort(
            404,
            description=_(
                "Unknown scorecard format “%(format)s”. Choose one of: %(choices)s.", format=fmt, choices=", ".join(FORMATS)
            ),
        )
    scorecard = _requested_scorecard(slug)
    response = Response(render(scorecard, fmt), content_type=MEDIA_TYPES[fmt])
    audit_log.record(
        "scorecard_downloaded", find_institution(slug), target=scorecard.institution_slug, format=fmt
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{download_filename(scorecard, fmt)}"'
    return response


def _requested_scorecard(slug: str) -> Scorecard:
    institution = find_institution(slug)
    if institution is None:
        abort(404, description=_("Institution “%(slug)s” not found.", slug=slug))
    language, period = _requested_language(institution), _requested_period()
    try:
        return build_scorecard(institution, language, period)
    except InvalidValue as error:
        # Only the service's scorecard settings can be wrong here, not the request.
        abort(500, description=str(error))


def _requested_language(institution: Institution) -> str:
    requested = request.args.get("lang")
    language = scorecard_language(requested, institution)
    if language is None:
        abort(400, description=unknown_language_message(requested))
    return language


def _requested_period() -> Period:
    try:
        return parse_period(request.args.get("period"))
    except InvalidValue as error:
        abort(400, description=str(error))
