"""A minimal OpenDocument spreadsheet writer: named tables of string and float cells, without styles.

The scorecard's ODS used to be built with odfpy, which creates and checks a
Python object per element and then scans them all again for styles: about
1.8 s of CPU for 5 400 cells (bench/scorecard_render.py). Writing the XML as
text takes a few milliseconds. The package contains what an ODF 1.2 package
needs: the uncompressed ``mimetype`` entry first, then the manifest and
content.xml.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

MEDIA_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODF_VERSION = "1.2"
MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="{ODF_VERSION}">
 <manifest:file-entry manifest:full-path="/" manifest:version="{ODF_VERSION}" manifest:media-type="{MEDIA_TYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
CONTENT_START = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="{ODF_VERSION}">\
<office:body><office:spreadsheet>"""
CONTENT_END = "</office:spreadsheet></office:body></office:document-content>"
# ODF readers collapse runs of spaces and drop leading ones, and read tabs and
# line breaks as spaces, so these are written as the elements ODF has for them.
WHITESPACE = re.compile(r"\r\n|\r|\n|\t| {2,}|^ ")

Cell = str | int | float | None


def paragraph(text: str) -> str:
    """Return ``text`` as a ``text:p`` element that keeps its spaces, tabs and line breaks."""
    parts, position = ["<text:p>"], 0
    for match in WHITESPACE.finditer(text):
        parts.append(escape(text[position:match.start()]))
        run = match.group()
        if run == "\t":
            parts.append("<text:tab/>")
        elif run in ("\r\n", "\r", "\n"):
            parts.append("<text:line-break/>")
        elif match.start() == 0:
            parts.append(f'<text:s text:c="{len(run)}"/>')
        else:
            # The first space of a run stays text, and text:s counts the others.
            parts.append(f' <text:s text:c="{len(run) - 1}"/>')
        position = match.end()
    parts.append(escape(text[position:]))
    parts.append("</text:p>")
    return "".join(parts)


def cell_xml(value: Cell) -> str:
    """Return one table cell: text as a string cell, which is never evaluated, and numbers as float cells."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string">{paragraph(value)}</table:table-cell>'
    return f'<table:table-cell office:value-type="float" office:value="{value!r}">{paragraph(str(value))}</table:table-cell>'


def table_xml(name: str, rows: list[list[Cell]]) -> str:
    """Return a named table. An empty row gets one empty cell, because ODF requires a cell in every row."""
    parts = [f"<table:table table:name={quoteattr(name)}>"]
    for row in rows or [[]]:
        cells = "".join(cell_xml(value) for value in row) or "<table:table-cell/>"
        parts.append(f"<table:table-row>{cells}</table:table-row>")
    parts.append("</table:table>")
    return "".join(parts)


def write_spreadsheet(tables: list[tuple[str, list[list[Cell]]]]) -> bytes:
    """Write the tables, each a name and its rows, as an ODS package and return its bytes.

    Text must already be free of the control characters XML cannot hold.
    """
    content = CONTENT_START + "".join(table_xml(name, rows) for name, rows in tables) + CONTENT_END
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), MEDIA_TYPE, compress_type=zipfile.ZIP_STORED)
        package.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        package.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
