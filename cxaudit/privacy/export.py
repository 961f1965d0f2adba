"""Exporting every row of one institution as a zip of JSON and CSV files.

The zip contains ``manifest.json`` (what was exported and when) and, for each
table, ``TABLE.json`` (a list of objects) and ``TABLE.csv`` (one row per
record, cells safe to open in a spreadsheet). Deletion reads the same list
of tables, so an export taken before deleting contains everything deleted.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import inspect

from cxaudit.extensions import db
from cxaudit.models import Institution
from cxaudit.privacy.ownership import owned_rows
from cxaudit.spreadsheet import neutralise_formula
from cxaudit.timestamps import utc_isoformat

EXPORT_FORMAT_VERSION = 1
# Rows read from the database at a time, so a large institution is not held in memory at once.
BATCH_ROWS = 1000


def json_value(value: Any) -> Any:
    """Return ``value`` in a form ``json.dumps`` writes: dates as ISO 8601, enums by value."""
    if isinstance(value, datetime):
        return utc_isoformat(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def csv_value(value: Any) -> str:
    """Return ``value`` as a CSV cell; nested JSON values become JSON text."""
    value = json_value(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise_formula(value)


def row_dict(row: Any, columns: list[str]) -> dict[str, Any]:
    return {column: json_value(getattr(row, column)) for column in columns}


def table_rows(query):
    return db.session.scalars(query.execution_options(yield_per=BATCH_ROWS))


def write_json(archive: zipfile.ZipFile, name: str, columns: list[str], query) -> int:
    """Write the rows as a JSON list of objects, one object a line, and return how many there were."""
    count = 0
    with archive.open(name, "w") as file:
        file.write(b"[\n")
        for row in table_rows(query):
            separator = b",\n" if count else b""
            file.write(separator + json.dumps(row_dict(row, columns), ensure_ascii=False).encode())
            count += 1
        file.write(b"\n]\n")
    return count


def write_csv(archive: zipfile.ZipFile, name: str, columns: list[str], query) -> None:
    """Write the rows as CSV with a header row and neutralised formulas."""
    with archive.open(name, "w") as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(columns)
        for row in table_rows(query):
            writer.writerow([csv_value(getattr(row, column)) for column in columns])
        text.flush()
        text.detach()


def write_table(archive: zipfile.ZipFile, model: type, query) -> int:
    """Write one table as TABLE.json and TABLE.csv and return its row count.

    A zip file takes one open entry at a time, so the rows are read twice.
    """
    columns = [attribute.key for attribute in inspect(model).column_attrs]
    table = model.__tablename__
    count = write_json(archive, f"{table}.json", columns, query)
    write_csv(archive, f"{table}.csv", columns, query)
    return count


def export_institution(institution: Institution, output: IO[bytes]) -> dict[str, int]:
    """Write the institution's zip to ``output`` and return the row count per table."""
    counts = {}
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Parents first, so a reader meets the institution before its rows.
        for model, query in reversed(owned_rows(institution.id)):
            counts[model.__tablename__] = write_table(archive, model, query)
        manifest = {
            "format_version": EXPORT_FORMAT_VERSION,
            "institution": institution.slug,
            "exported_at": datetime.now(UTC).isoformat(),
            "rows": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return counts


def export_filename(institution: Institution) -> str:
    return f"cxaudit-{institution.slug}-{datetime.now(UTC):%Y-%m-%d}.zip"
