"""Admin views: importing an institution's inquiries, its own addresses and its API token."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from cxaudit import audit_log
from cxaudit.access import Permission, requires
from cxaudit.admin import bp
from cxaudit.admin.institutions import get_institution_or_404
from cxaudit.forms import InvalidValue
from cxaudit.forms.inquiries import InquiryImportForm, OwnAddressesForm
from cxaudit.inquiries.addresses import own_addresses, parse_own_addresses, set_own_addresses
from cxaudit.inquiries.imports import import_csv, import_mbox
from cxaudit.inquiries.records import InvalidInquiries
from cxaudit.inquiries.store import ImportResult, count_inquiries, generate_api_token, inquiry_settings
from cxaudit.models import Institution

logger = logging.getLogger(__name__)

DEFAULT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def upload_limit() -> int:
    return int(current_app.config.get("INQUIRY_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES))


def render_inquiries(
    institution: Institution,
    import_form: InquiryImportForm | None = None,
    addresses_form: OwnAddressesForm | None = None,
    import_errors: list[str] | None = None,
    new_token: str | None = None,
) -> str:
    if addresses_form is None:
        addresses_form = OwnAddressesForm(formdata=None)
        addresses_form.addresses.data = "\n".join(own_addresses(institution))
    return render_template(
        "admin/inquiries.html",
        institution=institution,
        inquiry_count=count_inquiries(institution),
        has_token=bool(inquiry_settings(institution).api_token_hash),
        import_form=import_form or InquiryImportForm(formdata=None),
        addresses_form=addresses_form,
        import_errors=import_errors or [],
        new_token=new_token,
        upload_limit_mib=upload_limit() // (1024 * 1024),
        api_url=url_for("api.post_inquiries", _external=True),
    )


@bp.route("/institutions/<slug>/inquiries")
@requires(Permission.SURVEYS)
def inquiries(slug: str) -> str:
    return render_inquiries(get_institution_or_404(slug))


@bp.route("/institutions/<slug>/inquiries/import", methods=["POST"])
@requires(Permission.SURVEYS)
def import_inquiries(slug: str) -> Response | tuple[str, int]:
    institution = get_institution_or_404(slug)
    limit = upload_limit()
    # NOTE: the CSRF check has already read the upload (Werkzeug spools files to disk), so this
    # limit rejects large imports but does not keep them from being received.
    if (request.content_length or 0) > limit:
        message = _(
            "The upload is larger than %(limit)d MiB. Split the file, or import it with `cxaudit inquiries import`.",
            limit=limit // (1024 * 1024),
        )
        return render_inquiries(institution, import_errors=[message]), 413

    form = InquiryImportForm()
    if not form.validate_on_submit():
        return render_inquiries(institution, import_form=form), 400
    try:
        result = import_uploads(institution, form)
    except InvalidInquiries as error:
        return render_inquiries(institution, import_form=form, import_errors=error.errors), 400

    audit_log.record("inquiries_imported", institution, added=result.created, updated=result.updated)
    flash(import_summary(result), "success")
    return redirect(url_for("admin.inquiries", slug=institution.slug))


def import_uploads(institution: Institution, form: InquiryImportForm) -> ImportResult:
    uploads = [upload for upload in form.files.data if upload and upload.filename]
    if form.format.data == "csv":
        if len(uploads) != 1:
            raise InvalidInquiries([_("Choose one CSV file at a time.")])
        return import_csv(institution, uploads[0].read())

    # mailbox reads files by path, so the uploads go to a folder that is removed afterwards.
    with tempfile.TemporaryDirectory(prefix="cxaudit-mbox-") as folder:
        paths = []
        for number, upload in enumerate(uploads):
            path = Path(folder) / f"upload-{number}.mbox"
            upload.save(path)
            paths.append(path)
        return import_mbox(institution, paths)


def import_summary(result: ImportResult) -> str:
    summary = _(
        "%(added)s, %(updated)s.",
        added=ngettext("%(num)d inquiry added", "%(num)d inquiries added", result.created),
        updated=ngettext("%(num)d updated", "%(num)d updated", result.updated),
    )
    if result.skipped_threads:
        summary += " " + ngettext(
            "%(num)d thread had no message from a visitor and was left out.",
            "%(num)d threads had no message from a visitor and were left out.",
            result.skipped_threads,
        )
    if not result.replies_found:
        summary += " " + _(
            "No reply from the institution's own addresses was found, so every inquiry looks unanswered. "
            "Import the Sent folder together with the Inbox."
        )
    return summary


@bp.route("/institutions/<slug>/inquiries/addresses", methods=["POST"])
@requires(Permission.SURVEYS)
def save_own_addresses(slug: str) -> Response | tuple[str, int]:
    institution = get_institution_or_404(slug)
    form = OwnAddressesForm()
    if not form.validate_on_submit():
        return render_inquiries(institution, addresses_form=form), 400
    try:
        addresses = parse_own_addresses(form.addresses.data or "")
    except InvalidValue as error:
        form.addresses.errors = [str(error)]
        return render_inquiries(institution, addresses_form=form), 400

    set_own_addresses(institution, addresses)
    logger.info("Own addresses of %s set to %d entries", institution.slug, len(addresses))
    audit_log.record("inquiry_addresses_changed", institution, count=len(addresses))
    flash(_("Own addresses saved."), "success")
    return redirect(url_for("admin.inquiries", slug=institution.slug, _anchor="addresses"))


@bp.route("/institutions/<slug>/inquiries/token", methods=["POST"])
@requires(Permission.SURVEYS)
def new_api_token(slug: str) -> Response:
    """Make a new API token and show it on this response only, never in the session's flash messages."""
    institution = get_institution_or_404(slug)
    token = generate_api_token(institution)
    audit_log.record("inquiry_token_created", institution)
    response = make_response(render_inquiries(institution, new_token=token))
    response.headers["Cache-Control"] = "no-store"
    return response
