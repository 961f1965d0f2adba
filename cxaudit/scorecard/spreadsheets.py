"""The scorecard as CSV, XLSX (openpyxl) and ODS (cxaudit.scorecard.ods), in the scorecard's language.

Every format gets the same sheets: the overview with the overall score and
its dimensions, the fixes, accessibility, satisfaction, response times,
funnels, each plugin section and the benchmark. CSV has no sheets, so it lists them one after the
other, each under its name and followed by an empty row. A Polish CSV separates fields with ";" and
writes decimals with a comma, as Excel with Polish regional settings reads them; an English one uses
"," and ".".

Stored text (an institution's name, text found on scanned pages) could start
with "=", "+", "-", "@", a tab or a carriage return, which spreadsheet
programs read as a formula. XLSX and ODS cells are therefore always typed:
text is written as a text cell, never as a formula. CSV has no types, so such
text gets a leading apostrophe, which spreadsheet programs read as "this is
text" and do not show.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cxaudit.inquiries.metrics import GroupTimes
from cxaudit.scorecard.data import Scorecard
from cxaudit.scorecard.ods import write_spreadsheet
from cxaudit.scorecard.overall import band_label
from cxaudit.scorecard.satisfaction import headline
from cxaudit.spreadsheet import FORMULA_STARTS

Cell = str | int | float | None
CHANNEL_LABELS = {
    "email": _l("E-mail"),
    "form": _l("Contact form"),
    "facebook": _l("Facebook"),
    "phone": _l("Phone"),
    "other": _l("Other"),
}
IMPACT_LABELS = {"critical": _l("critical"), "serious": _l("serious"), "moderate": _l("moderate"), "minor": _l("minor")}


@dataclass
class Sheet:
    """A named sheet of rows; a row is a list of cells."""

    name: str
    rows: list[list[Cell]] = field(default_factory=list)

    def add(self, *cells: Cell) -> None:
        self.rows.append(list(cells))

    def add_table(self, headers: Iterable[str], rows: Iterable[Iterable[Cell]]) -> None:
        self.rows.append(list(headers))
        self.rows.extend(list(row) for row in rows)
        self.rows.append([])


def plain_text(value: str) -> str:
    """Remove the control characters that XML, and so XLSX and ODS, cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def csv_safe(value: Cell) -> Cell:
    """Return text a spreadsheet program would take for a formula with an apostrophe before it.

    Numbers stay numbers: a negative change is not text, and no program runs it.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def impact_label(name: str | None) -> str:
    """Return the translated impact, the stored name when it is not one of axe-core's, or "not stated"."""
    if name in IMPACT_LABELS:
        return str(IMPACT_LABELS[name])
    return name if name and name != "unknown" else _("not stated")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def scorecard_sheets(scorecard: Scorecard) -> list[Sheet]:
    """Lay the scorecard out as sheets, with texts in the scorecard's language."""
    with force_locale(scorecard.language):
        sheets = [
            _overview(scorecard),
            _fixes(scorecard),
            _accessibility(scorecard),
            _satisfaction(scorecard),
            _response_times(scorecard),
            _funnels(scorecard),
        ]
        sheets.extend(_plugin_sheets(scorecard))
        if scorecard.benchmark:
            sheets.append(_benchmark(scorecard))
    return sheets


def _overview(scorecard: Scorecard) -> Sheet:
    sheet = Sheet(_("Overview"))
    sheet.add(_("Institution"), scorecard.institution_name)
    sheet.add(_("Period"), f"{scorecard.period.first_day.isoformat()}..{scorecard.period.last_day.isoformat()}")
    sheet.add(_("Generated (Warsaw time)"), scorecard.generated_at_local.strftime("%Y-%m-%d %H:%M"))
    overall = scorecard.overall
    if overall:
        sheet.add(_("Overall score"), _rounded(overall.score), band_label(overall.band))
        sheet.add(_("Change since before"), _rounded(overall.change))
    else:
        sheet.add(_("Overall score"), _("No data"))
    sheet.add()
    sheet.add_table(
        [_("Dimension"), _("Score"), _("Band"), _("Previous"), _("Change"), _("Weight")],
        (
            [
                dimension.label,
                _rounded(dimension.score) if dimension.score is not None else _("No data"),
                band_label(dimension.band),
                _rounded(dimension.previous),
                _rounded(dimension.change),
                dimension.weight,
            ]
            for dimension in scorecard.dimensions
        ),
    )
    return sheet


def _fixes(scorecard: Scorecard) -> Sheet:
    sheet = Sheet(_("Fixes"))
    sheet.add_table(
        [_("Rule"), _("Impact"), _("Pages"), _("Affected elements"), _("Priority"), _("How to fix"), _("Link")],
        ([fix.rule, impact_label(fix.impact), fix.pages, fix.instances, fix.priority, fix.how_to_fix, fix.help_url] for fix in scorecard.fixes),
    )
    return sheet


def _accessibility(scorecard: Scorecard) -> Sheet:
    sheet = Sheet(_("Accessibility"))
    summary = scorecard.accessibility
    if summary is None:
        sheet.add(_("No data: no site of this institution has a finished scan."))
        return sheet
    sheet.add(_("Accessibility score (0–100)"), _rounded(summary.score) if summary.score is not None else _("No data"))
    sheet.add(_("Pages audited"), summary.pages_audited)
    sheet.add(_("Pages that could not be audited"), summary.pages_failed)
    sheet.add(_("Pages with at least one violation"), summary.pages_affected)
    sheet.add()
    sheet.add_table(
        [_("Impact"), _("Findings (rule on a page)"), _("Affected elements")],
        ([impact_label(item.impact), item.findings, item.instances] for item in summary.by_impact),
    )
    sheet.add_table(
        [_("Rule"), _("Impact"), _("Pages"), _("Affected elements"), _("What to fix")],
        ([rule.rule, impact_label(rule.impact), rule.pages, rule.instances, rule.help] for rule in summary.top_rules),
    )
    sheet.add(_("Checks that need review"))
    sheet.add_table(
        [_("Rule"), _("Pages"), _("What to check")],
        ([rule.rule, rule.pages, rule.help] for rule in summary.needs_review),
    )
    return sheet


def _satisfaction(scorecard: Scorecard) -> Sheet:
    sheet = Sheet(_("Satisfaction"))
    report = scorecard.satisfaction
    if report is None:
        sheet.add(_("No data"))
        return sheet
    rows = []
    for figures in report.kinds:
        current = headline(figures.current)[0] if figures.current else None
        previous = headline(figures.previous)[0] if figures.previous else None
        rows.append([
            figures.kind.value.upper(),
            figures.current.responses if figures.current else 0,
            _rounded(current) if current is not None else _("No data"),
            _rounded(previous),
            _rounded(figures.change),
        ])
    sheet.add_table([_("Survey kind"), _("Responses"), _("Result"), _("Previous"), _("Change")], rows)
    return sheet


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _percent(share: float) -> float:
    return round(share * 100, 2)


def _times_headers(first_column: str) -> list[str]:
    return [
        first_column,
        _("Inquiries"),
        _("First response, median (hours)"),
        _("First response, 90th percentile (hours)"),
        _("Answered within 24 hours (%)"),
        _("First response in business hours, median (hours)"),
        _("Answered within one business day (%)"),
        _("Never answered (%)"),
        _("Resolution, median (hours)"),
        _("Resolution, 90th percentile (hours)"),
    ]


def _times_row(label: str, group: GroupTimes) -> list[Cell]:
    return [
        label,
        group.inquiries,
        _hours(group.first_response.median),
        _hours(group.first_response.p90),
        _percent(group.share_within_24h),
        _hours(group.first_response_business.median),
        _percent(group.share_within_business_day),
        _percent(group.share_never_answered),
        _hours(group.resolution.median),
        _hours(group.resolution.p90),
    ]


def _response_times(scorecard: Scorecard) -> Sheet:
    """Lay out the HTML section's figures, with durations in hours and shares in percent."""
    sheet = Sheet(_("Response times"))
    times = scorecard.response_times
    if times is None:
        sheet.add(_("No data: no inquiries were received in this period."))
        return sheet
    if times.overall.small_sample:
        sheet.add(
            _(
                "Small sample: with fewer than %(threshold)d inquiries the medians and 90th percentiles "
                "are unreliable and only a rough guide.",
                threshold=times.overall.small_sample_threshold,
            )
        )
    sheet.add_table(_times_headers(""), [_times_row(_("All inquiries"), times.overall)])
    sheet.add(_("By channel"))
    sheet.add_table(_times_headers(_("Channel")), (_times_row(channel_label(group.group), group) for group in times.by_channel))
    sheet.add(_("By month the inquiry was received"))
    sheet.add_table(_times_headers(_("Month")), (_times_row(group.group, group) for group in times.by_month))
    return sheet


def channel_label(name: str) -> str:
    """Return the translated name of an inquiry channel."""
    return str(CHANNEL_LABELS.get(name, CHANNEL_LABELS["other"]))


def _funnels(scorecard: Scorecard) -> Sheet:
    sheet = Sheet(_("Funnels"))
    rows = []
    for funnel in scorecard.funnels:
        current = funnel.current
        rows.append([
            funnel.name,
            current.started if current else 0,
            current.completed if current else 0,
            _rounded(current.completion_rate) if current else _("No data"),
            _rounded(funnel.change),
        ])
    sheet.add_table([_("Funnel"), _("Started"), _("Completed"), _("Completion rate (%)"), _("Change")], rows)
    return sheet


def _plugin_sheets(scorecard: Scorecard) -> list[Sheet]:
    sheets = []
    for _plugin, section in scorecard.plugin_sections.sections:
        sheet = Sheet(section.title)
        sheet.add(_("Score"), _rounded(section.score) if section.score is not None else _("No data"))
        sheet.add(section.summary)
        sheet.add()
        for table in section.tables:
            sheet.add(table.caption)
            sheet.add_table(table.headers, table.rows)
        sheets.append(sheet)
    return sheets


def _benchmark(scorecard: Scorecard) -> Sheet:
    sheet = Sheet(_("Benchmark"))
    sheet.add_table(
        [_("Dimension"), _("Institutions"), _("Lower quartile"), _("Median"), _("Upper quartile")],
        (
            [item.label, item.institutions, _rounded(item.lower_quartile), _rounded(item.median), _rounded(item.upper_quartile)]
            for item in scorecard.benchmark
        ),
    )
    return sheet


@dataclass(frozen=True)
class CsvConvention:
    """The field separator and decimal mark a spreadsheet program expects in one language."""

    delimiter: str
    decimal_mark: str


# Excel with Polish regional settings splits fields at ";" and reads "3,5" as a
# number, because "," is the Polish decimal mark. English settings use "," and ".".
CSV_CONVENTIONS = {"pl": CsvConvention(delimiter=";", decimal_mark=","), "en": CsvConvention(delimiter=",", decimal_mark=".")}


def csv_cell(value: Cell, convention: CsvConvention) -> Cell:
    """Return the cell as written to CSV: numbers with the language's decimal mark, formula-like text made safe."""
    if isinstance(value, float):
        return repr(value).replace(".", convention.decimal_mark)
    return csv_safe(value)


def render_csv(scorecard: Scorecard) -> bytes:
    """Write every sheet one after the other, with the separator and decimal mark of the scorecard's language.

    The text is UTF-8 with a byte order mark, so Excel reads Polish letters.
    """
    convention = CSV_CONVENTIONS.get(scorecard.language, CSV_CONVENTIONS["en"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=convention.delimiter, lineterminator="\r\n")
    for sheet in scorecard_sheets(scorecard):
        writer.writerow([csv_safe(sheet.name)])
        writer.writerows([csv_cell(cell, convention) for cell in row] for row in sheet.rows)
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sheet_title(name: str, taken: set[str]) -> str:
    """Return a sheet title both formats accept: at most 31 characters, none of []:*?/\\, and unique."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in plain_text(name))[:31].strip() or "-"
    title, number = cleaned, 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title, number = cleaned[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title.lower())
    return title


def render_xlsx(scorecard: Scorecard) -> bytes:
    """Write an XLSX workbook with one worksheet per sheet; text cells are typed as text.

    The workbook is write-only, which streams rows instead of keeping a cell
    object per value, because plugin tables can run to thousands of rows.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in scorecard_sheets(scorecard):
        worksheet = workbook.create_sheet(sheet_title(sheet.name, taken))
        for row in sheet.rows:
            cells = []
            for value in row:
                if isinstance(value, str):
                    cell = WriteOnlyCell(worksheet, value=plain_text(value))
                    # openpyxl would make "=..." a formula; the type keeps it text.
                    cell.data_type = "s"
                else:
                    cell = WriteOnlyCell(worksheet, value=value)
                cells.append(cell)
            worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_ods(scorecard: Scorecard) -> bytes:
    """Write an OpenDocument spreadsheet; text goes into string cells, which are never evaluated."""
    taken: set[str] = set()
    tables = []
    for sheet in scorecard_sheets(scorecard):
        rows = [[plain_text(value) if isinstance(value, str) else value for value in row] for row in sheet.rows]
        tables.append((sheet_title(sheet.name, taken), rows))
    return write_spreadsheet(tables)
