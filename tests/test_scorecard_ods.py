"""The ODS writer: odfpy reads back its text, numbers, whitespace and empty rows."""

from __future__ import annotations

import io
import zipfile

from odf.namespaces import OFFICENS
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.teletype import extractText

from cxaudit.scorecard.ods import MEDIA_TYPE, write_spreadsheet


def _rows(data: bytes) -> dict[str, list[list[tuple[str, str | None, str]]]]:
    document = load_ods(io.BytesIO(data))
    tables = {}
    for table in document.spreadsheet.getElementsByType(Table):
        tables[table.getAttribute("name")] = [
            [(cell.getAttrNS(OFFICENS, "value-type"), cell.getAttrNS(OFFICENS, "value"), extractText(cell)) for cell in row.getElementsByType(TableCell)]
            for row in table.getElementsByType(TableRow)
        ]
    return tables


def test_mimetype_is_first_and_stored():
    package = zipfile.ZipFile(io.BytesIO(write_spreadsheet([("Sheet", [["a"]])])))
    first = package.infolist()[0]

    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert package.read("mimetype").decode("ascii") == MEDIA_TYPE


def test_text_keeps_whitespace_and_markup_characters():
    text = "  two  spaces\tand\nline & <b> \"quoted\""
    rows = _rows(write_spreadsheet([("Arkusz <1> & \"2\"", [[text]])]))

    assert list(rows) == ['Arkusz <1> & "2"']
    assert rows['Arkusz <1> & "2"'][0] == [("string", None, text)]


def test_formula_text_stays_string_cell():
    rows = _rows(write_spreadsheet([("Sheet", [["=HYPERLINK(\"http://127.0.0.1:9/\")"]])]))

    assert rows["Sheet"][0][0][0] == "string"


def test_numbers_are_float_cells():
    rows = _rows(write_spreadsheet([("Sheet", [[79.75, 3, -0.5]])]))

    assert rows["Sheet"][0] == [("float", "79.75", "79.75"), ("float", "3", "3"), ("float", "-0.5", "-0.5")]


def test_empty_rows_and_cells_kept():
    rows = _rows(write_spreadsheet([("Sheet", [["a", None, "c"], [], ["d"]]), ("Empty", [])]))

    assert [len(row) for row in rows["Sheet"]] == [3, 1, 1]
    assert rows["Sheet"][0][1] == (None, None, "")
    assert rows["Sheet"][2] == [("string", None, "d")]
    assert rows["Empty"] == [[(None, None, "")]]
