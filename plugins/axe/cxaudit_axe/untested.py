"""Turning axe-core's ``frame-tested`` results into frame-not-tested findings."""

from __future__ import annotations

import re
from typing import Any

from cxaudit.audit import AuditFinding
from cxaudit_axe.frames import (
    CROSS_ORIGIN,
    MARKER,
    MAX_FRAME_DEPTH,
    NO_RESPONSE,
    NOT_LOADED,
    SANDBOXED,
    SCRIPTS_BLOCKED,
    TOO_DEEP,
    FrameRecord,
)
from cxaudit_axe.i18n import _, ngettext
from cxaudit_axe.results import FRAME_TESTED_RULE, flatten_target

FRAME_NOT_TESTED_RULE = "frame-not-tested"
MARKER_VALUE = re.compile(re.escape(MARKER) + r'="(\d+)"')
SOURCE_ATTRIBUTE = re.compile(r'\ssrc="([^"]*)"')


def frame_not_tested_findings(results: dict[str, Any], frames: list[FrameRecord]) -> list[AuditFinding]:
    """Report every frame axe-core's ``frame-tested`` rule lists as untested, one finding per frame.

    A frame the plugin marked gets its URL and reason from ``frames``. A
    frame without a marker (added after the plugin looked) is reported with
    the address in its ``src`` attribute.
    """
    findings = []
    for rule in results.get("incomplete") or []:
        if rule.get("id") != FRAME_TESTED_RULE:
            continue
        for node in rule.get("nodes") or []:
            frame = _frame_record(node.get("html") or "", frames)
            findings.append(
                AuditFinding(
                    rule=FRAME_NOT_TESTED_RULE,
                    outcome="needs-review",
                    impact=None,
                    count=1,
                    targets=[flatten_target(node.get("target") or [])],
                    help=_frame_help(frame),
                )
            )
    return findings


def _frame_record(html: str, frames: list[FrameRecord]) -> FrameRecord:
    # axe-core's html of a node is its outer HTML, cut to the start tag when
    # long, so the marker attribute is always in it.
    marker = MARKER_VALUE.search(html)
    if marker and int(marker.group(1)) < len(frames):
        return frames[int(marker.group(1))]
    source = SOURCE_ATTRIBUTE.search(html)
    return FrameRecord(url=source.group(1) if source else "about:blank", reason=NO_RESPONSE)


def _frame_help(frame: FrameRecord) -> str:
    if frame.reason == CROSS_ORIGIN:
        return _(
            "The frame shows %(url)s from another origin, so axe-core did not test it. "
            "Check its content by hand or scan that site.",
            url=frame.url,
        )
    if frame.reason == SANDBOXED:
        return _(
            "The frame %(url)s is sandboxed without allow-same-origin, so axe-core could not test it. "
            "Check its content by hand.",
            url=frame.url,
        )
    if frame.reason == SCRIPTS_BLOCKED:
        return _(
            "The frame %(url)s is sandboxed without allow-scripts, so axe-core could not run in it. "
            "Check its content by hand.",
            url=frame.url,
        )
    if frame.reason == NOT_LOADED:
        return _(
            "The browser did not show the frame %(url)s: it was blocked or failed to load, so axe-core "
            "could not test it. Check that it loads, then check its content by hand.",
            url=frame.url,
        )
    if frame.reason == TOO_DEEP:
        return ngettext(
            "The frame %(url)s is nested more than %(num)d frame deep, so axe-core did not test it. "
            "Check its content by hand.",
            "The frame %(url)s is nested more than %(num)d frames deep, so axe-core did not test it. "
            "Check its content by hand.",
            MAX_FRAME_DEPTH,
            url=frame.url,
        )
    return _(
        "The frame %(url)s did not respond to axe-core, so its content was not tested. Check its content by hand.",
        url=frame.url,
    )
