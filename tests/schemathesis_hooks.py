"""Schemathesis hooks for tests/test_openapi.py.

Bodies for ``POST /api/v1/scans`` whose generated ``url`` is not an http(s)
address get the address of the test's own site on 127.0.0.1 instead, named
by CXAUDIT_TEST_SCAN_SITE. So the run reaches the branch that starts a scan,
and every scan it starts targets a server the test runs. Generated http(s)
addresses are kept: they lie on no site of the token's institution, so the
API rejects them before any name is resolved.
"""

from __future__ import annotations

import os

import schemathesis

SCAN_SITE_VARIABLE = "CXAUDIT_TEST_SCAN_SITE"


@schemathesis.hook
def map_body(context, body):
    operation = context.operation
    if operation is None or operation.path != "/api/v1/scans" or operation.method.lower() != "post":
        return body
    if not isinstance(body, dict) or not isinstance(body.get("url"), str) or body["url"].startswith("http"):
        return body
    return {**body, "url": os.environ[SCAN_SITE_VARIABLE]}
