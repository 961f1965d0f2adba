"""The OpenAPI 3.1 document of the public and admin APIs.

The document is hand-written in ``openapi.json`` next to this module, and
tests/test_openapi.py runs schemathesis against a live server to keep it
true to the code.
"""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Blueprint, Response

bp = Blueprint("openapi", __name__)

DOCUMENT_PATH = Path(__file__).with_name("openapi.json")


@functools.cache
def document_bytes() -> bytes:
    return DOCUMENT_PATH.read_bytes()


@bp.get("/api/openapi.json")
def openapi_document() -> Response:
    """Return the OpenAPI document, readable by tools on any origin."""
    response = Response(document_bytes(), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
