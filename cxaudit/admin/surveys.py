"""Admin views: surveys of an institution."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import segno
from sqlalchemy import func
from sqlalchemy.sql import Select

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from cxaudit import audit_log
from cxaudit.access import Permission, requires
from cxaudit.admin import bp
from cxaudit.admin.institutions import get_institution_or_404, redirect_after_language_switch, render_institution
from cxaudit.extensions import db
from cxaudit.api.settings import WIDGET_LANGUAGES
from cxaudit.forms.surveys import (
    LANGUAGE_NAMES,
    SurveyForm,
    SurveySettingsForm,
    create_survey,
    public_base_url,
    survey_snippet,
)
from cxaudit.models import SCORE_RANGES, Institution, Survey, SurveyKind
from cxaudit.spreadsheet import neutralise_formula
from cxaudit.timestamps import utc_isoformat
from cxaudit.models import Response as Answer


ANSWERS_PAGE_SIZE = 200
QR_MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
CSV_COLUMNS = ("received_at", "score", "comment", "language", "page_url")


def qr_code(url: str, fmt: str) -> bytes:
    """Return a QR code of ``url`` as PNG or SVG bytes, with error correction
    that survives a crumpled ticket (level M) and the standard quiet zone."""
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind=fmt, scale=8 if fmt == "png" else 4, border=4)
    return buffer.getvalue()


@dataclass
class AnswerFilters:
    """Filters of the answer list, read from the query string."""

    language: str | None = None
    score_min: int | None = None
    score_max: int | None = None
    since: date | None = None
    until: date | None = None
    comment: str | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args, kind: SurveyKind) -> AnswerFilters:
        filters = cls()
        low, high = SCORE_RANGES[kind]
        language = args.get("language") or None
        filters.language = language if language in WIDGET_LANGUAGES else None
        filters.comment = args.get("comment") if args.get("comment") in ("with", "without") else None
        for name in ("score_min", "score_max"):
            text = (args.get(name) or "").strip()
            if not text:
                continue
            if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
                filters.errors.append(
                    _("The score %(value)s is not a whole number from %(low)d to %(high)d.", value=text, low=low, high=high)
                )
                continue
            setattr(filters, name, int(text))
        for name in ("since", "until"):
            text = (args.get(name) or "").strip()
            if not text:
                continue
            try:
                setattr(filters, name, date.fromisoformat(text))
            except ValueError:
                filters.errors.append(_("The date %(value)s is not a date such as 2026-12-31.", value=text))
        return filters

    def apply(self, query: Select) -> Select:
        if self.language:
            query = query.where(Answer.language == self.language)
        if self.score_min is not None:
            query = query.where(Answer.score >= self.score_min)
        if self.score_max is not None:
            query = query.where(Answer.score <= self.score_max)
        if self.since:
            query = query.where(Answer.received_at >= datetime.combine(self.since, time.min, UTC))
        if self.until:
            query = query.where(Answer.received_at < datetime.combine(self.until + timedelta(days=1), time.min, UTC))
        if self.comment == "with":
            query = query.where(Answer.comment.is_not(None))
        elif self.comment == "without":
            query = query.where(Answer.comment.is_(None))
        return query

    def query_args(self) -> dict[str, str]:
        """Return the filters as query arguments, for the CSV link."""
        values = {
            "language": self.language,
            "score_min": self.score_min,
            "score_max": self.score_max,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "comment": self.comment,
        }
        return {name: str(value) for name, value in values.items() if value is not None}


def filtered_answers(survey: Survey, filters: AnswerFilters, limit: int | None = None) -> list[Answer]:
    query = filters.apply(select(Answer).where(Answer.survey_id == survey.id)).order_by(
        Answer.received_at.desc(), Answer.id.desc()
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def count_answers(survey: Survey, filters: AnswerFilters) -> int:
    query = filters.apply(select(func.count()).select_from(Answer).where(Answer.survey_id == survey.id))
    return db.session.scalar(query)


def answers_csv(answers: list[Answer]) -> str:
    """Return the answers as CSV with a header row and neutralised formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for answer in answers:
        writer.writerow(
            [
                utc_isoformat(answer.received_at),
                answer.score,
                neutralise_formula(answer.comment),
                answer.language,
                neutralise_formula(answer.page_url),
            ]
        )
    return buffer.getvalue()


@bp.route("/institutions/<slug>/surveys", methods=["GET", "POST"])
@requires(Permission.SURVEYS)
def add_survey(slug: str) -> Response | tuple[str, int]:
    if request.method == "GET":
        return redirect_after_language_switch("admin.institution", slug=slug)
    institution = get_institution_or_404(slug)
    form = SurveyForm()
    if not form.validate_on_submit():
        return render_institution(institution, survey_form=form), 400

    survey = create_survey(institution, form.kind.data, form.origins)
    audit_log.record("survey_added", institution, target=survey.public_id)
    flash(_("Survey added. Paste its snippet into the pages of your site."), "success")
    return redirect(url_for("admin.institution", slug=institution.slug, _anchor=f"survey-{survey.public_id}"))


@bp.route("/institutions/<slug>/surveys/<public_id>/active", methods=["POST"])
@requires(Permission.SURVEYS, scoped=["public_id"])
def toggle_survey(slug: str, public_id: str) -> Response:
    """Switch the ``active`` flag of a survey. CSRFProtect checks the token of this POST."""
    institution = get_institution_or_404(slug)
    survey = db.session.scalar(
        select(Survey).where(Survey.public_id == public_id, Survey.institution_id == institution.id)
    )
    if survey is None:
        abort(404)

    survey.active = not survey.active
    db.session.commit()
    audit_log.record("survey_activated" if survey.active else "survey_paused", institution, target=survey.public_id)
    if survey.active:
        flash(_("The survey is active again."), "success")
    else:
        flash(_("The survey is paused."), "success")
    return redirect(url_for("admin.institution", slug=institution.slug, _anchor=f"survey-{survey.public_id}"))


# --- One survey: editor, preview, QR code and answers ------------------------


def get_survey_or_404(institution: Institution, public_id: str) -> Survey:
    survey = db.session.scalar(
        select(Survey).where(Survey.public_id == public_id, Survey.institution_id == institution.id)
    )
    if survey is None:
        abort(404)
    return survey


def hosted_url(survey: Survey) -> str:
    return f"{public_base_url()}/s/{survey.public_id}"


@bp.route("/institutions/<slug>/surveys/<public_id>", methods=["GET", "POST"])
@requires(Permission.SURVEYS, scoped=["public_id"])
def edit_survey(slug: str, public_id: str) -> Response | str | tuple[str, int]:
    """Edit a survey's kind, texts per language, triggers, sampling, origins and state."""
    institution = get_institution_or_404(slug)
    survey = get_survey_or_404(institution, public_id)
    form = SurveySettingsForm.for_survey(survey) if request.method == "GET" else SurveySettingsForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_editor(institution, survey, form), 400
        form.apply_to(survey)
        db.session.commit()
        audit_log.record("survey_changed", institution, target=survey.public_id, scrub_comments=form.scrub_comments.data)
        flash(_("Survey saved. Pages load the new settings within five minutes."), "success")
        return redirect(url_for("admin.edit_survey", slug=slug, public_id=public_id))
    return render_editor(institution, survey, form)


def render_editor(institution: Institution, survey: Survey, form: SurveySettingsForm) -> str:
    return render_template(
        "admin/surveys/edit.html",
        institution=institution,
        survey=survey,
        form=form,
        languages=WIDGET_LANGUAGES,
        language_names=LANGUAGE_NAMES,
        snippet=survey_snippet(survey, public_base_url()),
        hosted_url=hosted_url(survey),
        scrub_by_default=bool(current_app.config.get("SCRUB_COMMENTS")),
    )


@bp.get("/institutions/<slug>/surveys/<public_id>/qr.<fmt>")
@requires(Permission.SURVEYS, scoped=["public_id"])
def survey_qr(slug: str, public_id: str, fmt: str) -> Response:
    """Return the QR code of the hosted survey page as PNG or SVG, for posters and tickets."""
    survey = get_survey_or_404(get_institution_or_404(slug), public_id)
    if fmt not in QR_MEDIA_TYPES:
        abort(404)
    body = qr_code(hosted_url(survey), fmt)
    response = Response(body, mimetype=QR_MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="survey-{survey.public_id}.{fmt}"'
    return response


@bp.get("/institutions/<slug>/surveys/<public_id>/answers")
@requires(Permission.SURVEYS, scoped=["public_id"])
def survey_answers(slug: str, public_id: str) -> str | tuple[str, int]:
    """List a survey's answers, newest first, filtered by the query string."""
    institution = get_institution_or_404(slug)
    survey = get_survey_or_404(institution, public_id)
    filters = AnswerFilters.from_args(request.args, survey.kind)
    answers = filtered_answers(survey, filters, limit=ANSWERS_PAGE_SIZE)
    total = count_answers(survey, filters)
    return render_template(
        "admin/surveys/answers.html",
        institution=institution,
        survey=survey,
        filters=filters,
        answers=answers,
        total=total,
        page_size=ANSWERS_PAGE_SIZE,
        languages=WIDGET_LANGUAGES,
        language_names=LANGUAGE_NAMES,
    ), (400 if filters.errors else 200)


@bp.get("/institutions/<slug>/surveys/<public_id>/answers.csv")
@requires(Permission.SURVEYS, scoped=["public_id"])
def survey_answers_csv(slug: str, public_id: str) -> Response:
    """Download the filtered answers as CSV, safe to open in a spreadsheet."""
    institution = get_institution_or_404(slug)
    survey = get_survey_or_404(institution, public_id)
    filters = AnswerFilters.from_args(request.args, survey.kind)
    if filters.errors:
        abort(400, description=" ".join(filters.errors))
    audit_log.record("answers_exported", institution, target=survey.public_id, filters=filters.query_args())
    response = Response(answers_csv(filtered_answers(survey, filters)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="answers-{survey.public_id}.csv"'
    return response
