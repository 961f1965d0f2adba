"""Import inquiries from each source into the database: the steps the CLI, the admin page and the API share."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from cxaudit.inquiries.addresses import own_addresses
from cxaudit.inquiries.csv_import import read_csv
from cxaudit.inquiries.mbox import read_mbox
from cxaudit.inquiries.records import InvalidInquiries
from cxaudit.inquiries.store import ImportResult, save_records
from cxaudit.inquiries.threads import MailReadResult, records_from_messages
from cxaudit.models import InquirySource, Institution

FORMATS = ("csv", "mbox")


def import_csv(institution: Institution, content: bytes) -> ImportResult:
    """Store every row of a CSV file, or raise InvalidInquiries and store nothing."""
    return save_records(institution, read_csv(content), InquirySource.CSV)


def import_mbox(institution: Institution, paths: list[Path]) -> ImportResult:
    """Store one inquiry per mail thread found in the mbox files."""
    own = require_own_addresses(institution)
    return import_mail(institution, read_mbox(paths), InquirySource.MBOX, own)


def import_mail(
    institution: Institution, read: MailReadResult, source: InquirySource, own: list[str] | None = None
) -> ImportResult:
    """Store one inquiry per thread of messages read from mbox files or an IMAP folder."""
    own = own if own is not None else require_own_addresses(institution)
    if not read.messages:
        raise InvalidInquiries(
            [_("No mail message with a date was found. Check that the file is an mbox file or the folder is right.")]
        )
    threads = records_from_messages(read, own)
    return save_records(
        institution,
        threads.records,
        source,
        skipped_messages=threads.skipped_messages,
        skipped_threads=threads.skipped_threads,
        replies_found=threads.replies_found,
    )


def require_own_addresses(institution: Institution) -> list[str]:
    own = own_addresses(institution)
    if not own:
        raise InvalidInquiries(
            [
                _(
                    "%(name)s has no own mail addresses, so replies cannot be told apart from visitors' mail. "
                    "Add them on the institution's inquiries page or with `cxaudit inquiries addresses`.",
                    name=institution.name,
                )
            ]
        )
    return own
