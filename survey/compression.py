"""Gzip text responses and give static files long-lived, content-addressed URLs.

Citizens are on 3G: every byte counts, and a static file fetched once should never be asked
for again. `static_url()` adds a hash of the file's content, so a changed file gets a new URL.
"""
import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, request, url_for

COMPRESSIBLE = ("text/html", "text/css", "text/csv", "image/svg+xml", "application/json",
                "application/javascript", "text/javascript", "application/manifest+json")


def _compress(response):
    # Streamed bodies (exports) stay streamed; files sent whole (static) are small enough to gzip.
    streamed = response.is_streamed and not response.direct_passthrough
    if (not 200 <= response.status_code < 300 or streamed
            or "gzip" not in request.headers.get("Accept-Encoding", "")
            or response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < current_app.config["COMPRESS_MIN_BYTES"]:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


@lru_cache(maxsize=256)
def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    return url_for("static", filename=filename, v=_file_hash(str(path)))


def init_app(app):
    app.after_request(_compress)
    app.jinja_env.globals["static_url"] = static_url
