"""Read mail threads from mbox files, as mail programs such as Thunderbird export them."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

from cxaudit.inquiries.threads import MailReadResult, read_messages


def mbox_messages(paths: list[Path]) -> Iterator[Message]:
    for path in paths:
        box = mailbox.mbox(path, create=False)
        try:
            yield from box
        finally:
            box.close()


def read_mbox(paths: list[Path]) -> MailReadResult:
    """Read the headers of every message in ``paths``; give the Inbox and the Sent folder together,
    because replies are usually only in Sent."""
    return read_messages(mbox_messages(paths))
