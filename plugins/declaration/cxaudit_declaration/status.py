"""Recognising the compliance status sentence of a declaration."""

from __future__ import annotations

import re
import unicodedata

COMPLIANT = "compliant"
PARTIAL = "partial"
NON_COMPLIANT = "non-compliant"

# The status sentence is one of three: "Strona internetowa jest zgodna /
# częściowo zgodna / niezgodna z ustawą z dnia 4 kwietnia 2019 r. ...". The
# partial one goes on "z powodu niezgodności ...", so it is tested first, then
# non-compliance. Words are matched after diacritics are removed, so
# "czesciowo" and the masculine "zgodny" (for "serwis") match too.
PATTERNS = (
    (PARTIAL, re.compile(r"\bczesciowo\s+zgodn|\bpartially\s+(compliant|conformant)|\bpartly\s+(compliant|conformant)")),
    (NON_COMPLIANT, re.compile(r"\bniezgodn|\bnon-?\s?(compliant|conformant)|\bnot\s+(fully\s+)?(compliant|conformant)")),
    (COMPLIANT, re.compile(r"\bzgodn|\b(fully\s+)?(compliant|conformant)\b")),
)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Polish diacritics (including ł, which has no decomposition)."""
    decomposed = unicodedata.normalize("NFD", text.replace("ł", "l").replace("Ł", "L"))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).lower().split())


def classify_status(text: str | None) -> str | None:
    """Return ``COMPLIANT``, ``PARTIAL`` or ``NON_COMPLIANT`` for a status text, or ``None``."""
    folded = fold(text or "")
    for status, pattern in PATTERNS:
        if pattern.search(folded):
            return status
    return None
