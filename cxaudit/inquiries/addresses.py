"""The institution's own mail addresses, which mark a message as a reply."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from cxaudit.forms import InvalidValue
from cxaudit.models import Institution
from cxaudit.extensions import db
from cxaudit.inquiries.store import inquiry_settings

# A plain check that catches typing mistakes; it does not try to accept every address RFC 5322 allows.
ADDRESS_PATTERN = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
DOMAIN_PATTERN = re.compile(r"@[^@\s,;]+\.[^@\s,;]+")


def parse_own_addresses(text: str) -> list[str]:
    """Split addresses given one a line (or separated by commas) and check each one."""
    addresses = []
    for item in re.split(r"[\s,;]+", text):
        item = item.strip().lower()
        if not item:
            continue
        if not (ADDRESS_PATTERN.fullmatch(item) or DOMAIN_PATTERN.fullmatch(item)):
            raise InvalidValue(
                _(
                    "“%(value)s” is not a mail address. Give an address such as kasa@muzeum.pl, "
                    "or a whole domain such as @muzeum.pl.",
                    value=item,
                )
            )
        if item not in addresses:
            addresses.append(item)
    return addresses


def set_own_addresses(institution: Institution, addresses: list[str]) -> None:
    settings = inquiry_settings(institution)
    settings.own_addresses = addresses
    db.session.commit()


def own_addresses(institution: Institution) -> list[str]:
    return list(inquiry_settings(institution).own_addresses or [])


def is_own_address(address: str, own: list[str]) -> bool:
    """Tell whether ``address`` is one of ``own``, where an entry starting with @ matches its whole domain."""
    address = address.lower()
    domain = "@" + address.rpartition("@")[2]
    return any(address == entry or domain == entry for entry in own)
