"""Scorecard routes: the page in the browser and its downloads (PDF, HTML, JSON, CSV, XLSX, ODS)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from cxaudit import audit_log
from cxaudit.access import Permission, requires
from cxaudit.forms import InvalidValue
from cxaudit.models import Institution
from cxaudit.scorecard.data import Scorecard, build_scorecard
from cxaudit.scorecard.period_form import PeriodFields, period_value, submitted_fields
from cxaudit.scorecard.periods import Period, parse_period
from cxaudit.scorecard.render import (
    FORMATS,
    MEDIA_TYPES,
    download_filename,
    find_institution,
    needs_page_groups,
    render,
    render_html,
    scorecard_language,
    unknown_language_message,
)

bp = Blueprint("scorecard", __name__)


@bp.get("/institutions/<slug>/scorecard")
@requires(Permission.VIEW)
def show(slug: str) -> str | Response | tuple[str, int]:
    """Show the scorecard with links to its downloads and the period picker.

    A submitted picker redirects to the page with its ``?period=`` value, which
    the download links then carry. Invalid fields show the picker again with the error.
    """
    if "period_kind" in request.args:
        return _apply_period_picker(slug)
    return render_html(_requested_scorecard(slug), show_downloads=True)


def _apply_period_picker(slug: str) -> Response | tuple[str, int]:
    fields = submitted_fields(request.args)
    try:
        period = period_value(fields)
    except InvalidValue as error:
        return _period_picker_page(slug, fields, str(error)), 400
    return redirect(url_for("scorecard.show", slug=slug, lang=request.args.get("lang") or None, period=period))


def _period_picker_page(slug: str, fields: PeriodFields, error: str) -> str:
    institution = find_institution(slug)
    if institution is None:
        abort(404, description=_("Institution “%(slug)s” not found.", slug=slug))
    return render_template("scorecard/period_error.html", institution=institution, fields=fields, error=error)


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
    scorecard = _requested_scorecard(slug, page_groups=needs_page_groups(fmt))
    response = Response(render(scorecard, fmt), content_type=MEDIA_TYPES[fmt])
    audit_log.record(
        "scorecard_downloaded", find_institution(slug), target=scorecard.institution_slug, format=fmt
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{download_filename(scorecard, fmt)}"'
    return response


def _requested_scorecard(slug: str, page_groups: bool = True) -> Scorecard:
    institution = find_institution(slug)
    if institution is None:
        abort(404, description=_("Institution “%(slug)s” not found.", slug=slug))
    language, period = _requested_language(institution), _requested_period()
    try:
        return build_scorecard(institution, language, period, page_groups=page_groups)
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
