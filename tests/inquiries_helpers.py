"""Shared set-up for the inquiries tests: an institution with own addresses and the test data files."""

from __future__ import annotations

from pathlib import Path

from cxaudit.extensions import db
from cxaudit.inquiries.addresses import set_own_addresses
from cxaudit.models import Institution

DATA_DIR = Path(__file__).parent / "data" / "inquiries"
CSV_FILE = DATA_DIR / "inquiries.csv"
MBOX_FILE = DATA_DIR / "mailbox.mbox"
OWN_ADDRESSES = ["@muzeum.example", "kasa@bilety.example"]


def add_museum(slug: str = "muzeum") -> Institution:
    """Store an institution whose replies come from @muzeum.example and kasa@bilety.example. Needs an app context."""
    institution = Institution(slug=slug, name="Muzeum Narodowe", default_language="pl")
    db.session.add(institution)
    db.session.commit()
    set_own_addresses(institution, OWN_ADDRESSES)
    return institution
