"""Store imported inquiries and keep each institution's inquiry settings."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from cxaudit.extensions import db
from cxaudit.inquiries.records import InquiryRecord
from cxaudit.models import Inquiry, InquirySettings, InquirySource, Institution
from cxaudit.timestamps import as_utc

logger = logging.getLogger(__name__)

# SQLite before 3.32 accepts at most 999 bound parameters in one statement.
KEY_LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class ImportResult:
    """How many inquiries an import added and how many it updated because their key was stored already."""

    created: int
    updated: int
    # Mail messages left out because they had no usable date.
    skipped_messages: int = 0
    # Mail threads left out because only the institution wrote in them.
    skipped_threads: int = 0
    # False when a mail import had no message from the institution's own addresses.
    replies_found: bool = True


def save_records(
    institution: Institution,
    records: Iterable[InquiryRecord],
    source: InquirySource,
    skipped_messages: int = 0,
    skipped_threads: int = 0,
    replies_found: bool = True,
) -> ImportResult:
    """Add new inquiries and update those whose key is stored, in one transaction.

    A later import of the same thread or helpdesk ticket may carry newer
    times (a reply that came since), but it may also lack the replies (only
    the Inbox, without Sent), so stored times are merged, never dropped.
    """
    records = list(records)
    existing = stored_by_key(institution, [record.key for record in records])

    created = 0
    for record in records:
        inquiry = existing.get(record.key)
        if inquiry is None:
            inquiry = Inquiry(institution_id=institution.id, external_key=record.key)
            db.session.add(inquiry)
            created += 1
            inquiry.set_times(record.received_at, record.first_response_at, record.resolved_at)
        else:
            inquiry.set_times(record.received_at, merged_first_response(inquiry, record), merged_resolution(inquiry, record))
        inquiry.channel = record.channel
        inquiry.source = source
    db.session.commit()

    result = ImportResult(
        created=created,
        updated=len(records) - created,
        skipped_messages=skipped_messages,
        skipped_threads=skipped_threads,
        replies_found=replies_found,
    )
    logger.info(
        "Imported inquiries of %s from %s: %d added, %d updated",
        institution.slug,
        source.value,
        result.created,
        result.updated,
    )
    return result


def merged_first_response(stored: Inquiry, record: InquiryRecord) -> datetime | None:
    """Return the earliest first response known from the stored inquiry and the new record."""
    known = [time for time in (as_utc(stored.first_response_at), as_utc(record.first_response_at)) if time is not None]
    return min(known) if known else None


def merged_resolution(stored: Inquiry, record: InquiryRecord) -> datetime | None:
    """Return the latest resolution known, unless the new record shows the visitor wrote after it.

    A thread the visitor wrote in again is open until the institution answers.
    """
    known = [time for time in (as_utc(stored.resolved_at), as_utc(record.resolved_at)) if time is not None]
    if not known:
        return None
    resolved_at = max(known)
    if record.last_visitor_at is not None and as_utc(record.last_visitor_at) > resolved_at:
        return None
    return resolved_at


def stored_by_key(institution: Institution, keys: list[str]) -> dict[str, Inquiry]:
    """Load the institution's inquiries with these keys, in chunks that stay under SQLite's limit of bound parameters."""
    found: dict[str, Inquiry] = {}
    for start in range(0, len(keys), KEY_LOOKUP_CHUNK):
        chunk = keys[start : start + KEY_LOOKUP_CHUNK]
        query = select(Inquiry).where(Inquiry.institution_id == institution.id, Inquiry.external_key.in_(chunk))
        found.update((inquiry.external_key, inquiry) for inquiry in db.session.scalars(query))
    return found


def count_inquiries(institution: Institution) -> int:
    return db.session.scalar(select(func.count()).select_from(Inquiry).where(Inquiry.institution_id == institution.id))


def inquiry_settings(institution: Institution) -> InquirySettings:
    """Return the institution's settings row, adding an empty one (not yet committed) when it has none."""
    settings = db.session.scalar(select(InquirySettings).where(InquirySettings.institution_id == institution.id))
    if settings is None:
        settings = InquirySettings(institution_id=institution.id, own_addresses=[])
        db.session.add(settings)
    return settings


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate_api_token(institution: Institution) -> str:
    """Replace the institution's API token with a new one and return it; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    settings = inquiry_settings(institution)
    settings.api_token_hash = hash_token(token)
    db.session.commit()
    logger.info("New inquiries API token for %s", institution.slug)
    return token


def institution_for_token(token: str) -> Institution | None:
    if not token:
        return None
    settings = db.session.scalar(select(InquirySettings).where(InquirySettings.api_token_hash == hash_token(token)))
    return settings.institution if settings else None
