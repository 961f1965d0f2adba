"""The scorecard as CSV, XLSX and ODS: the figures, the languages, the downloads and formula injection."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import UTC, datetime

import openpyxl
import pytest
from odf.namespaces import OFFICENS, TABLENS
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.teletype import extractText

from accounts import sign_in
from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Finding, Institution, Outcome, PageResult, PageStatus, Response, Scan, ScanStatus, Site, Survey, SurveyKind
from cxaudit.scorecard.spreadsheets import csv_safe, sheet_title

# Stored text that a spreadsheet program would run as a formula, or a browser as markup.
EVIL_NAME = '=HYPERLINK("http://127.0.0.1:9/","Kliknij")<script>alert(1)</script>'
EVIL_HELP = "@SUM(1+1) <img src=x onerror=alert(1)>"
EVIL_COMMENT = "=cmd|' /C calc'!A0"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _add_institution(slug: str, name: str) -> None:
    """NPS from 10 answers (5 promoters, 3 passives, 2 detractors: 30) and one scan with two violations."""
    institution = Institution(slug=slug, name=name, default_language="pl")
    db.session.add(institution)
    db.session.flush()
    survey = Survey(institution_id=institution.id, kind=SurveyKind.NPS)
    site = Site(institution_id=institution.id, base_url="http://127.0.0.1:9/")
    db.session.add_all([survey, site])
    db.session.flush()
    db.session.add_all(
        Response(survey_id=survey.id, score=score, language="pl", comment=EVIL_COMMENT) for score in [10] * 5 + [8] * 3 + [3] * 2
    )
    scan = Scan(site_id=site.id, url=site.base_url, status=ScanStatus.FINISHED, finished_at=datetime.now(UTC))
    db.session.add(scan)
    db.session.flush()
    pages = [PageResult(scan_id=scan.id, url=f"http://127.0.0.1:9/{path}", status=PageStatus.AUDITED) for path in ("", "bilety")]
    db.session.add_all(pages)
    db.session.flush()
    db.session.add(Finding(page_id=pages[0].id, plugin="axe", rule="image-alt", outcome=Outcome.VIOLATION, impact="critical",
                           count=3, help="Images must have alternative text"))
    db.session.add(Finding(page_id=pages[1].id, plugin="axe", rule="odd-rule", outcome=Outcome.VIOLATION, impact="minor",
                           help=EVIL_HELP + "\x01\ttab"))
    db.session.commit()


@pytest.fixture
def signed_in(app, client):
    with app.app_context():
        _add_institution("muzeum", "Muzeum Łódzkie – Żółć")
        _add_institution("zly", EVIL_NAME)
    sign_in(app, client, login="auditor")
    return client


def _csv_rows(data: bytes, delimiter: str = ",") -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def _xlsx_cells(data: bytes) -> dict[str, list]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: [cell for row in sheet.iter_rows() for cell in row if cell.value is not None] for sheet in workbook}


def _ods_cells(data: bytes) -> dict[str, list]:
    document = load_ods(io.BytesIO(data))
    sheets = {}
    for table in document.spreadsheet.getElementsByType(Table):
        cells = []
        for row in table.getElementsByType(TableRow):
            cells.extend(cell for cell in row.getElementsByType(TableCell) if extractText(cell))
        sheets[table.getAttribute("name")] = cells
    return sheets


def _values(cells) -> list:
    return [cell.value for cell in cells]


def test_csv_figures_in_polish(signed_in):
    response = signed_in.get("/institutions/muzeum/scorecard.csv?lang=pl&period=30d")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = _csv_rows(response.data, delimiter=";")
    assert ["Instytucja", "Muzeum Łódzkie – Żółć"] in rows
    # Satisfaction 65 ((30 + 100) / 2), accessibility 100 − (10 + 1) / 2 = 94.5; (65 · 30 + 94.5 · 30) / 60 = 79.75.
    assert ["Ocena ogólna", "79,75", "dobry"] in rows
    assert ["Dostępność", "94,5", "bardzo dobry", "", "", "30,0"] in rows
    assert ["Formularze", "Brak danych", "", "", "", "10,0"] in rows
    assert rows[rows.index(["Poprawki"]) + 2][:5] == ["image-alt", "krytyczny", "1", "3", "10"]


def test_polish_csv_read_as_excel_reads_it(signed_in):
    """Read the file as Excel with Polish settings does: ";" between fields, "," before decimals."""
    text = signed_in.get("/institutions/muzeum/scorecard.csv?lang=pl").data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:2000], delimiters=",;")
    rows = list(csv.reader(io.StringIO(text), dialect))

    assert dialect.delimiter == ";"
    overall = next(row for row in rows if row and row[0] == "Ocena ogólna")
    assert float(overall[1].replace(",", ".")) == 79.75
    # No row is one long field: the overview's dimension rows have six columns.
    assert len(next(row for row in rows if row and row[0] == "Dostępność")) == 6


def test_polish_csv_keeps_formula_text_safe(signed_in):
    rows = _csv_rows(signed_in.get("/institutions/zly/scorecard.csv?lang=pl").data, delimiter=";")
    cells = [cell for row in rows for cell in row]

    assert ["Instytucja", "'" + EVIL_NAME] in rows
    for cell in cells:
        if cell.startswith(FORMULA_STARTS):
            float(cell.replace(",", "."))  # Only numbers, such as a negative change, may start like a formula.


def test_csv_in_english(signed_in):
    rows = _csv_rows(signed_in.get("/institutions/muzeum/scorecard.csv?lang=en").data)

    assert ["Overall score", "79.75", "good"] in rows
    assert ["NPS", "10", "30.0", "", ""] in rows


def test_csv_stores_formula_text_as_text(signed_in):
    rows = _csv_rows(signed_in.get("/institutions/zly/scorecard.csv?lang=en").data)
    cells = [cell for row in rows for cell in row]

    assert ["Institution", "'" + EVIL_NAME] in rows
    assert any(cell.startswith("'" + EVIL_HELP) for cell in cells)
    for cell in cells:
        if cell.startswith(FORMULA_STARTS):
            float(cell)  # Only numbers, such as a negative change, may start like a formula.
    assert EVIL_COMMENT not in "".join(cells)


def test_csv_safe_prefixes_every_formula_start():
    for start in FORMULA_STARTS:
        assert csv_safe(start + "1+1") == "'" + start + "1+1"
    assert csv_safe("Muzeum") == "Muzeum"
    assert csv_safe(-7.5) == -7.5


def test_xlsx_opens_with_figures_and_text_cells(signed_in):
    response = signed_in.get("/institutions/zly/scorecard.xlsx?lang=pl")

    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheets = _xlsx_cells(response.data)
    assert list(sheets)[:6] == ["Przegląd", "Poprawki", "Dostępność", "Zadowolenie", "Czas odpowiedzi", "Lejki"]
    overview = sheets["Przegląd"]
    assert 79.75 in _values(overview)
    name_cell = next(cell for cell in overview if cell.value == EVIL_NAME)
    assert name_cell.data_type == "s"
    help_cell = next(cell for cell in sheets["Poprawki"] if str(cell.value).startswith("@SUM"))
    # The control character XML cannot hold is dropped; the tab stays as text.
    assert help_cell.value == EVIL_HELP + "\ttab"
    assert help_cell.data_type == "s"
    assert all(cell.data_type != "f" for cells in sheets.values() for cell in cells)


def test_ods_opens_with_figures_and_string_cells(signed_in):
    response = signed_in.get("/institutions/zly/scorecard.ods?lang=en")

    assert response.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    sheets = _ods_cells(response.data)
    assert list(sheets)[:6] == ["Overview", "Fixes", "Accessibility", "Satisfaction", "Response times", "Funnels"]
    overview = sheets["Overview"]
    name_cell = next(cell for cell in overview if extractText(cell) == EVIL_NAME)
    assert name_cell.getAttrNS(OFFICENS, "value-type") == "string"
    score_cell = next(cell for cell in overview if cell.getAttrNS(OFFICENS, "value") == "79.75")
    assert score_cell.getAttrNS(OFFICENS, "value-type") == "float"
    assert all(cell.getAttrNS(TABLENS, "formula") is None for cells in sheets.values() for cell in cells)


def test_html_and_pdf_show_stored_text_as_text(signed_in):
    html = signed_in.get("/institutions/zly/scorecard.html?lang=en").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "@SUM(1+1) &lt;img src=x onerror=alert(1)&gt;" in html

    pdf = signed_in.get("/institutions/zly/scorecard.pdf?lang=en").data
    text = subprocess.run(["/usr/bin/pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "<script>alert(1)</script>" in text.replace("\n", "")


def test_page_offers_every_download(signed_in):
    html = signed_in.get("/institutions/muzeum/scorecard?lang=pl&period=2026-11").get_data(as_text=True)

    for fmt, label in (("csv", "Pobierz CSV"), ("xlsx", "Pobierz Excel (XLSX)"), ("ods", "Pobierz OpenDocument (ODS)")):
        assert f'/institutions/muzeum/scorecard.{fmt}?lang=pl&amp;period=2026-11"' in html
        assert label in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_cli_writes_spreadsheets(signed_in, app, tmp_path, fmt):
    output = tmp_path / f"karta.{fmt}"
    result = app.test_cli_runner().invoke(cli, ["scorecard", "muzeum", "--format", fmt, "--lang", "en", "-o", str(output)])

    assert result.exit_code == 0, result.output
    data = output.read_bytes()
    if fmt == "csv":
        assert ["Overall score", "79.75", "good"] in _csv_rows(data)
    elif fmt == "xlsx":
        assert 79.75 in _values(_xlsx_cells(data)["Overview"])
    else:
        assert any(cell.getAttrNS(OFFICENS, "value") == "79.75" for cell in _ods_cells(data)["Overview"])


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("Deklaracja: dostępność / 2026 [wersja]", taken) == "Deklaracja  dostępność   2026"
    assert sheet_title("Fixes", taken) == "Fixes"
    assert sheet_title("fixes", taken) == "fixes (2)"
