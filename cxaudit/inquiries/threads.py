"""Group mail messages into threads and turn each thread into an inquiry.

Messages belong to one thread when they are linked through Message-ID,
In-Reply-To or References. Within a thread, sorted by Date:

- the inquiry is received with the first message from a visitor, that is
  from an address that is not one of the institution's own;
- the first response is the first message from an own address after it;
- the inquiry is resolved at the last message when that message is from an
  own address and a response exists. When the visitor wrote last, the
  inquiry is still open.

A thread with no visitor message (a newsletter, an outgoing mail without an
answer) is not an inquiry.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message

from cxaudit.inquiries.addresses import is_own_address
from cxaudit.inquiries.records import LOCAL_TIME_ZONE, InquiryRecord
from cxaudit.models import Channel

MESSAGE_ID_PATTERN = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class MailMessage:
    """The headers of one message that threading uses. The body, subject and names are never read."""

    message_id: str
    linked_ids: tuple[str, ...]
    sent_at: datetime
    sender: str


@dataclass
class MailReadResult:
    messages: list[MailMessage] = field(default_factory=list)
    # Messages without a readable Date header cannot be placed in time.
    skipped: int = 0


def message_ids(value: str | None) -> list[str]:
    return MESSAGE_ID_PATTERN.findall(value or "")


def parse_headers(message: Message) -> MailMessage | None:
    """Read the headers threading needs, or return None when the message has no usable Date."""
    try:
        sent_at = email.utils.parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError):
        return None
    if sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=LOCAL_TIME_ZONE)

    sender = email.utils.parseaddr(str(message.get("From", "")))[1].lower()
    own_ids = message_ids(str(message.get("Message-ID", "")))
    if own_ids:
        message_id = own_ids[0]
    else:
        # Without a Message-ID the key is a hash, so no address is stored in it.
        digest = hashlib.sha256(f"{sender}|{sent_at.isoformat()}".encode()).hexdigest()[:32]
        message_id = f"<no-message-id-{digest}>"
    linked = message_ids(str(message.get("In-Reply-To", ""))) + message_ids(str(message.get("References", "")))
    return MailMessage(message_id=message_id, linked_ids=tuple(linked), sent_at=sent_at, sender=sender)


def read_messages(messages: Iterable[Message]) -> MailReadResult:
    result = MailReadResult()
    seen: set[str] = set()
    for message in messages:
        parsed = parse_headers(message)
        if parsed is None:
            result.skipped += 1
            continue
        # The same message in two files (a copy in Inbox and in a folder) counts once.
        if parsed.message_id in seen:
            continue
        seen.add(parsed.message_id)
        result.messages.append(parsed)
    return result


def group_threads(messages: list[MailMessage]) -> list[list[MailMessage]]:
    """Return the messages grouped into threads, each sorted by date."""
    parent: dict[str, str] = {}

    def root(message_id: str) -> str:
        parent.setdefault(message_id, message_id)
        while parent[message_id] != message_id:
            parent[message_id] = parent[parent[message_id]]
            message_id = parent[message_id]
        return message_id

    for message in messages:
        for linked in message.linked_ids:
            parent[root(linked)] = root(message.message_id)

    threads: dict[str, list[MailMessage]] = {}
    for message in messages:
        threads.setdefault(root(message.message_id), []).append(message)
    return [sorted(thread, key=lambda message: (message.sent_at, message.message_id)) for thread in threads.values()]


def thread_to_record(thread: list[MailMessage], own: list[str]) -> InquiryRecord | None:
    """Return the inquiry of a date-sorted thread, or None when no visitor wrote in it."""
    from_visitor = [message for message in thread if not is_own_address(message.sender, own)]
    if not from_visitor:
        return None
    received_at = from_visitor[0].sent_at

    replies = [message for message in thread if is_own_address(message.sender, own) and message.sent_at > received_at]
    first_response_at = replies[0].sent_at if replies else None
    last = thread[-1]
    resolved_at = last.sent_at if replies and is_own_address(last.sender, own) else None

    # The thread's first message names it; a later import of the same thread with more replies finds it again.
    return InquiryRecord(
        key=thread[0].message_id,
        channel=Channel.EMAIL,
        received_at=received_at,
        first_response_at=first_response_at,
        resolved_at=resolved_at,
        last_visitor_at=from_visitor[-1].sent_at,
    )


@dataclass(frozen=True)
class ThreadRecords:
    records: list[InquiryRecord]
    skipped_messages: int
    skipped_threads: int
    # False when no message came from an own address: the replies (usually in Sent) were not imported.
    replies_found: bool = True


def records_from_messages(read: MailReadResult, own: list[str]) -> ThreadRecords:
    records = []
    skipped_threads = 0
    for thread in group_threads(read.messages):
        record = thread_to_record(thread, own)
        if record is None:
            skipped_threads += 1
            continue
        records.append(record)
    replies_found = any(is_own_address(message.sender, own) for message in read.messages)
    return ThreadRecords(
        records=records, skipped_messages=read.skipped, skipped_threads=skipped_threads, replies_found=replies_found
    )
