"""Render a scorecard as HTML, PDF, JSON, CSV, XLSX or ODS, in the scorecard's language."""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from cxaudit.extensions import db
from cxaudit.models import Institution
from cxaudit.scorecard.charts import trend_charts
from cxaudit.scorecard.data import Scorecard
from cxaudit.scorecard.period_form import fields_of

# WeasyPrint logs every layout step at INFO, which would flood the service log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The PDF prints at most this many rows of a table that can grow with the data,
# such as the checks to review or a plugin's list of pages. WeasyPrint took
# about 0.3 s of CPU per page of tables to lay out the bench's scorecard
# (bench/scorecard_render.py), so the full annex made the PDF the slowest
# download. The other formats list every row.
PDF_TABLE_ROWS = 10
FORMATS = ("pdf", "html", "json", "csv", "xlsx", "ods")
# The PDF prints no table per page group, so its scorecard is built without
# them: on SQLite that grouping of the period's answers took about 0.17 s of
# a 0.7 s build of the bench's scorecard.
FORMATS_WITHOUT_PAGE_GROUPS = frozenset({"pdf"})
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# The formats that are not text, which the command line does not write to a terminal.
BINARY_FORMATS = ("pdf", "xlsx", "ods")


def find_institution(slug: str) -> Institution | None:
    return db.session.execute(db.select(Institution).filter_by(slug=slug)).scalar_one_or_none()


def scorecard_language(requested: str | None, institution: Institution) -> str | None:
    """Return the language to render in, or None when ``requested`` is not supported.

    Without a request the institution's default language is used, falling
    back to the site default when that one is not supported either.
    """
    languages = current_app.config["LANGUAGES"]
    if requested:
        return requested if requested in languages else None
    if institution.default_language in languages:
        return institution.default_language
    return current_app.config["DEFAULT_LANGUAGE"]


def unknown_language_message(language: str) -> str:
    """Return the translated error for an unsupported scorecard language, listing the supported ones."""
    choices = ", ".join(current_app.config["LANGUAGES"])
    return _("Unknown language “%(language)s”. Choose one of: %(choices)s.", language=language, choices=choices)


# The first word of a download's name in the scorecard's language, kept ASCII so every system keeps it.
FILENAME_WORDS = {"pl": "karta"}


def download_filename(scorecard: Scorecard, fmt: str) -> str:
    """Name the download after the institution and the period it covers, e.g. karta-muzeum-2026-11.pdf."""
    word = FILENAME_WORDS.get(scorecard.language, "scorecard")
    return f"{word}-{scorecard.institution_slug}-{scorecard.period.slug}.{fmt}"


def render_html(scorecard: Scorecard, show_downloads: bool = False, for_pdf: bool = False) -> str:
    """Render the standalone, printable HTML document in the scorecard's language.

    ``show_downloads`` adds links to the download routes and the period
    picker, for the page shown in the browser. ``for_pdf`` renders the
    shorter annex of the PDF: detail tables are left out and long tables
    keep their first PDF_TABLE_ROWS rows, each with a line that says so.
    """
    period_fields = fields_of(scorecard.period, request.args.get("period")) if show_downloads else None
    with force_locale(scorecard.language):
        kinds = scorecard.satisfaction.kinds if scorecard.satisfaction else []
        return render_template(
            "scorecard/scorecard.html",
            scorecard=scorecard,
            show_downloads=show_downloads,
            period_fields=period_fields,
            charts=trend_charts(kinds, scorecard.language),
            for_pdf=for_pdf,
            row_limit=PDF_TABLE_ROWS if for_pdf else None,
        )


def needs_page_groups(fmt: str) -> bool:
    """Tell whether a scorecard rendered as ``fmt`` shows the satisfaction figures per page group."""
    return fmt not in FORMATS_WITHOUT_PAGE_GROUPS


def render_pdf(scorecard: Scorecard) -> bytes:
    """Render the HTML document to a tagged PDF with WeasyPrint.

    The tags carry the document's structure (headings, paragraphs, tables with
    their header cells) and its language, so screen readers can read the PDF
    as they read the HTML page. Tagging took about 3% more CPU (1.15 s against
    1.12 s in bench/scorecard_render.py on SQLite). The document has no
    external resources, so WeasyPrint fetches nothing.
    """
    # Imported here because WeasyPrint loads Pango, which other commands do not need.
    import weasyprint

    html = render_html(scorecard, for_pdf=True)
    with _long_lived_objects_frozen():
        return weasyprint.HTML(string=html, base_url=current_app.root_path).write_pdf(pdf_tags=True)


@contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Keep the garbage collector from walking the objects that existed before the block.

    WeasyPrint allocates enough objects while it lays out a scorecard to set
    off several full collections, and each walked the quarter of a million
    objects a running app holds: 0.2 to 0.4 s of a 1.4 s PDF in
    bench/scorecard_render.py. The block's own garbage is still collected;
    afterwards the frozen objects are collected as usual again.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def render_json(scorecard: Scorecard) -> str:
    return json.dumps(scorecard.to_dict(), ensure_ascii=False, indent=2)


def render(scorecard: Scorecard, fmt: str) -> bytes:
    """Render the scorecard in ``fmt`` (one of FORMATS) as bytes. Text formats are UTF-8."""
    if fmt == "pdf":
        return render_pdf(scorecard)
    if fmt == "html":
        return render_html(scorecard).encode("utf-8")
    if fmt == "json":
        return render_json(scorecard).encode("utf-8")
    if fmt in ("csv", "xlsx", "ods"):
        # Imported here: the spreadsheet libraries are needed only for these downloads.
        from cxaudit.scorecard import spreadsheets

        return getattr(spreadsheets, f"render_{fmt}")(scorecard)
    raise ValueError(f"unknown scorecard format {fmt!r}, expected one of {', '.join(FORMATS)}")
