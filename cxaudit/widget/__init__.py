"""Serves the widget JavaScript that the one-line snippet loads, and the
hosted survey page (``/s/PUBLIC_ID``) for e-mail links, posters and kiosks."""

from __future__ import annotations

import functools

import zopfli.gzip
from flask import Blueprint, request
from flask import Response as FlaskResponse

from cxaudit.paths import WIDGETS_DIR
from cxaudit.widget.minify import minify_and_rename

bp = Blueprint("widget", __name__)

# Short enough that a fixed widget reaches every site within minutes, long
# enough that a visitor's later pages reuse the cached script.
SCRIPT_MAX_AGE_SECONDS = 300


@functools.cache
def _script_for(modified_ns: int) -> tuple[bytes, bytes]:
    # Keyed by the file's modification time, so an edited widget is served
    # without a restart. Zopfli spends more time than gzip -9 to find a
    # smaller gzip stream that every browser decodes; it runs once per edit.
    source = (WIDGETS_DIR / "v1.js").read_text(encoding="utf-8")
    script = minify_and_rename(source).encode("utf-8")
    return script, zopfli.gzip.compress(script)


def widget_script_bytes() -> bytes:
    """Return the widget script as host pages run it."""
    return _script_for((WIDGETS_DIR / "v1.js").stat().st_mtime_ns)[0]


def widget_script_gzip_bytes() -> bytes:
    """Return the gzip stream the server sends to browsers that accept gzip."""
    return _script_for((WIDGETS_DIR / "v1.js").stat().st_mtime_ns)[1]


@bp.get("/widget/v1.js")
def widget_script() -> FlaskResponse:
    """Serve ``widgets/v1.js`` to any site, cacheable, compressed and without cookies.

    The script is sent gzip-compressed to browsers that accept it, so a
    host page pays the compressed size even where no reverse proxy
    compresses responses. A proxy that compresses passes it on as it is.
    """
    compressed = request.accept_encodings["gzip"] > 0
    body = widget_script_gzip_bytes() if compressed else widget_script_bytes()
    response = FlaskResponse(body, mimetype="text/javascript")
    if compressed:
        response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    response.cache_control.max_age = SCRIPT_MAX_AGE_SECONDS
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    return response.make_conditional(request)


from cxaudit.widget import hosted  # noqa: E402,F401  (route module)
