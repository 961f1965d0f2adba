"""Shrinks the widget script before it is served: the comments and the
indentation that make ``widgets/v1.js`` readable cost every host page bytes.

This is not a general JavaScript minifier. It relies on two rules the widget
source keeps: comments stand on lines of their own (``//`` lines and
``/* ... */`` blocks that open at the start of a line), and no string or
template literal has a line that starts with ``//`` or ``/*``.
"""

from __future__ import annotations


def strip_comments_and_indentation(source: str) -> str:
    """Return ``source`` without comment lines, leading whitespace and blank lines."""
    kept: list[str] = []
    in_block = False
    for raw_line in source.splitlines():
        line = raw_line.strip()
        if in_block:
            in_block = "*/" not in line
            continue
        if line.startswith("/*"):
            in_block = "*/" not in line
            continue
        if not line or line.startswith("//"):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"
