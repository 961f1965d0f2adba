"""Read inquiries from a CSV file.

The first line names the columns (id, channel, received_at, first_response_at,
resolved_at). Any other column is rejected, because it is most likely a
misspelt optional column whose values would otherwise be lost. Commas, semicolons and tabs all work
as separators, because spreadsheets saved with Polish settings use
semicolons. The whole file is checked first: one invalid row rejects the
file, so nothing is half imported.
"""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from flask_babel import ngettext

from cxaudit.inquiries.records import FIELDS, REQUIRED_FIELDS, InquiryRecord, InvalidInquiries, check_record

SEPARATORS = ",;\t"
# A file with more invalid rows than this lists only the first ones, so a
# wrong file gives a readable message instead of thousands of lines.
MAX_REPORTED_ERRORS = 50


def decode_csv(content: bytes) -> str:
    """Decode UTF-8 (with or without the byte order mark spreadsheets add)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInquiries(
            [
                _(
                    "The file is not UTF-8 text (invalid byte at position %(position)d). "
                    "Save it as “CSV UTF-8” and import it again.",
                    position=error.start,
                )
            ]
        ) from None


def detect_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=SEPARATORS)
    except csv.Error:
        return csv.excel


def read_csv(content: bytes) -> list[InquiryRecord]:
    """Return every row of the file as a record, or raise InvalidInquiries listing each invalid value."""
    text = decode_csv(content)
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=detect_dialect(text))
    columns = [name.strip().lower() for name in reader.fieldnames or []]
    check_columns(columns)
    reader.fieldnames = columns

    records: list[InquiryRecord] = []
    errors: list[str] = []
    first_row_of_key: dict[str, int] = {}
    # Row numbers count the header as row 1, as a spreadsheet shows them.
    for row_number, row in enumerate(reader, start=2):
        record, field_errors = check_record(row)
        for error in field_errors:
            errors.append(row_error(row_number, error.field, error.message))
        if record is None:
            continue
        if record.key in first_row_of_key:
            errors.append(
                row_error(
                    row_number,
                    "id",
                    _(
                        "The id “%(value)s” is already used in row %(first_row)d. Give each inquiry its own id.",
                        value=record.key,
                        first_row=first_row_of_key[record.key],
                    ),
                )
            )
            continue
        first_row_of_key[record.key] = row_number
        records.append(record)

    if errors:
        raise InvalidInquiries(limit_errors(errors))
    if not records:
        raise InvalidInquiries([_("The file has a header but no rows. Add one row per inquiry.")])
    return records


def check_columns(columns: list[str]) -> None:
    """Reject a header that lacks a required column or names one this import does not know."""
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    unknown = [name for name in columns if name not in FIELDS]
    if columns and not missing and unknown:
        raise InvalidInquiries(
            [
                ngettext(
                    "The column %(unknown)s is not known. Rename or remove it. Expected columns: %(expected)s.",
                    "The columns %(unknown)s are not known. Rename or remove them. Expected columns: %(expected)s.",
                    len(unknown),
                    unknown=", ".join(f"“{name}”" for name in unknown),
                    expected=", ".join(FIELDS),
                )
            ]
        )
    if not columns or missing:
        raise InvalidInquiries(
            [
                _(
                    "The first line must name the columns. Missing: %(missing)s. Expected columns: %(expected)s.",
                    missing=", ".join(missing or REQUIRED_FIELDS),
                    expected=", ".join(FIELDS),
                )
            ]
        )


def row_error(row_number: int, column: str, message: str) -> str:
    return _("Row %(row)d, column %(column)s: %(message)s", row=row_number, column=column, message=message)


def limit_errors(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    hidden = len(errors) - MAX_REPORTED_ERRORS
    return errors[:MAX_REPORTED_ERRORS] + [
        ngettext(
            "… and %(num)d more error. Fix the ones above and import again.",
            "… and %(num)d more errors. Fix the ones above and import again.",
            hidden,
        )
    ]
