"""Admin views: a site's scan history with per-rule trends, and the comparison of two scans."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from cxaudit.access import Permission, requires, scan_or_404, signed_in
from cxaudit.admin import bp
from cxaudit.extensions import db
from cxaudit.models import Scan, ScanStatus, Site
from cxaudit.scan.diff import ScansNotComparable, diff_scans
from cxaudit.scan.history import site_trend
from cxaudit.scan.trend_chart import rule_trend_chart


SCAN_NUMBER_RANGE = _l("Enter a scan number, 1 or more.")


class CompareForm(FlaskForm):
    """Two finished scans of one site, picked from lists on the site's page."""

    class Meta:
        csrf = False  # A GET form that changes nothing.

    base = SelectField(_l("Earlier scan"), coerce=int)
    compared = SelectField(_l("Later scan"), coerce=int)


class DiffForm(FlaskForm):
    """The query of the comparison page: any two scans by number."""

    class Meta:
        csrf = False

    base = IntegerField(
        _l("Earlier scan"),
        validators=[InputRequired(_l("Enter the number of the earlier scan.")), NumberRange(min=1, message=SCAN_NUMBER_RANGE)],
    )
    compared = IntegerField(
        _l("Later scan"),
        validators=[InputRequired(_l("Enter the number of the later scan.")), NumberRange(min=1, message=SCAN_NUMBER_RANGE)],
    )
    force = BooleanField(_l("Compare even if the scans belong to different sites"))


@bp.route("/sites/<int:site_id>")
@requires(Permission.SCANS)
def site_history(site_id: int):
    site = db.get_or_404(Site, site_id)
    scans = sorted(site.scans, key=lambda scan: scan.id, reverse=True)
    finished = [scan for scan in scans if scan.status == ScanStatus.FINISHED]
    trend = site_trend(site)
    return render_template(
        "admin/scans/site.html",
        site=site,
        scans=scans,
        compare_form=_compare_form(finished),
        trend=trend,
        trend_chart=rule_trend_chart(trend, str(get_locale() or "en")),
    )


def _compare_form(finished: list[Scan]) -> CompareForm | None:
    """Return the form preset to the two latest finished scans, or None with fewer than two."""
    if len(finished) < 2:
        return None
    form = CompareForm(formdata=None)
    choices = [(scan.id, _scan_choice_label(scan)) for scan in finished]
    form.base.choices = choices
    form.compared.choices = choices
    form.base.data = finished[1].id
    form.compared.data = finished[0].id
    return form


def _scan_choice_label(scan: Scan) -> str:
    # The start time, as in the list of scans above the form.
    started_at = scan.started_at.strftime("%Y-%m-%d %H:%M") if scan.started_at else "–"
    return _("Scan %(id)s, %(time)s", id=scan.id, time=started_at)


@bp.route("/scans/diff")
@signed_in
def scan_diff():
    form = DiffForm(request.args)
    if not form.validate():
        return render_template("admin/scans/diff.html", form=form, diff=None, error=None), 400

    # The scan numbers come from the query string, so each is checked here.
    base = scan_or_404(form.base.data)
    compared = scan_or_404(form.compared.data)
    try:
        diff = diff_scans(base, compared, force=bool(form.force.data))
    except ScansNotComparable as error:
        context = {"form": form, "diff": None, "error": error, "base": base, "compared": compared}
        return render_template("admin/scans/diff.html", **context), 400
    return render_template("admin/scans/diff.html", form=form, diff=diff, error=None)
